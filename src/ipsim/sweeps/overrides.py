"""Setting scenario fields by path, validated like a scenario file.

A path names one field of a :class:`~ipsim.spec.Scenario`: attribute names separated
by dots, with ``[i]`` for the i-th item of a list and ``[key=value]`` for the first item
whose ``key`` equals ``value``::

    dynamics.spillover_rate
    world.network.rewiring
    programme.budget[0].amount_musd
    programme.interventions[type=elearning].params.completion_median

An intervention's ``params`` may name any parameter of its type, even one the base
scenario leaves at its default. One virtual path, ``programme.budget.total_musd``, sets
the programme's whole budget: every line is scaled in proportion (a budget of zero puts
the total in the first line).

The result is validated by the scenario schema, so a bad value gives the same
:class:`~ipsim.errors.ScenarioError` (field path and what is allowed) as a bad file.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping
from typing import Any

from ipsim.errors import ScenarioError
from ipsim.loading import scenario_from_dict
from ipsim.spec import Scenario

TOTAL_BUDGET = "programme.budget.total_musd"
FREE_FORM = "params"  # an intervention's parameters: keys checked by its type's schema
_TOKEN = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")

Token = str | int | tuple[str, str]


def parse_path(path: str) -> list[Token]:
    """Split a field path into names, list indices and ``(key, value)`` selectors.

    Raises:
        ScenarioError: If the path is malformed.
    """
    tokens: list[Token] = []
    pos = 0
    text = path.strip()
    while pos < len(text):
        if text[pos] == "." and tokens and pos + 1 < len(text):
            pos += 1
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ScenarioError(
                None,
                [
                    (
                        path,
                        None,
                        "malformed field path: use names separated "
                        "by dots, [i] or [key=value] for list items",
                    )
                ],
            )
        name, inner = match.groups()
        if name is not None:
            tokens.append(name)
        elif inner is not None and inner.strip().lstrip("-").isdigit():
            tokens.append(int(inner))
        elif inner is not None and "=" in inner:
            key, value = inner.split("=", 1)
            tokens.append((key.strip(), value.strip()))
        else:
            raise ScenarioError(
                None, [(path, None, f"malformed list item '[{inner}]': use [i] or [key=value]")]
            )
        pos = match.end()
    if not tokens:
        raise ScenarioError(None, [(path, None, "empty field path")])
    return tokens


def _step(node: Any, token: Token, path: str, done: str) -> Any:
    """The child of ``node`` named by ``token``; a clear error when there is none."""
    here = done or "the scenario"
    if isinstance(token, str):
        if not isinstance(node, dict):
            raise ScenarioError(
                None,
                [(path, None, f"'{here}' has no field '{token}' (it is a {type(node).__name__})")],
            )
        if token not in node:
            close = difflib.get_close_matches(token, list(node), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ScenarioError(
                None,
                [
                    (
                        path,
                        None,
                        f"'{here}' has no field '{token}'; {hint}fields: {', '.join(sorted(node))}",
                    )
                ],
            )
        return node[token]
    if not isinstance(node, list):
        raise ScenarioError(None, [(path, None, f"'{here}' is not a list")])
    if isinstance(token, int):
        if not -len(node) <= token < len(node):
            raise ScenarioError(
                None,
                [(path, None, f"'{here}' has {len(node)} items; index {token} is out of range")],
            )
        return node[token]
    key, value = token
    for item in node:
        if isinstance(item, dict) and str(item.get(key)) == value:
            return item
    known = [str(item.get(key)) for item in node if isinstance(item, dict)]
    raise ScenarioError(
        None,
        [(path, None, f"no item of '{here}' has {key}={value}; there are: {', '.join(known)}")],
    )


def _index_of(node: list, token: Token) -> int:
    if isinstance(token, int):
        return token
    key, value = token  # type: ignore[misc]
    return next(i for i, item in enumerate(node) if str(item.get(key)) == value)


def _resolve(data: dict[str, Any], path: str) -> tuple[Any, Token, Any]:
    """The container of the field a path names, the last token, and the field's value."""
    tokens = parse_path(path)
    node: Any = data
    done = ""
    for token in tokens[:-1]:
        node = _step(node, token, path, done)
        done = (done + _label(token)).lstrip(".")
    last = tokens[-1]
    if (
        len(tokens) > 1
        and tokens[-2] == FREE_FORM
        and isinstance(node, dict)
        and isinstance(last, str)
        and last not in node
    ):
        return node, last, None  # a type's parameter left at its default: checked on validation
    return node, last, _step(node, last, path, done)


def _label(token: Token) -> str:
    if isinstance(token, str):
        return f".{token}"
    if isinstance(token, int):
        return f"[{token}]"
    return f"[{token[0]}={token[1]}]"


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    if path == TOTAL_BUDGET:
        _set_total_budget(data, value)
        return
    node, last, current = _resolve(data, path)
    if isinstance(current, dict | list) and not isinstance(value, Mapping | list | tuple):
        raise ScenarioError(
            None,
            [(path, None, f"'{path}' is a group of fields, not one value; name one of its fields")],
        )
    value = _like(current, value)
    if isinstance(last, str):
        node[last] = value
    else:
        node[_index_of(node, last)] = value


def _like(current: Any, value: Any) -> Any:
    """Round a sampled whole number for an integer field (e.g. 12.0 -> 12)."""
    if (
        isinstance(current, int)
        and not isinstance(current, bool)
        and isinstance(value, float)
        and value.is_integer()
    ):
        return int(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _set_total_budget(data: dict[str, Any], value: Any) -> None:
    lines = data["programme"]["budget"]
    total = float(value)
    current = sum(float(line["amount_musd"]) for line in lines)
    if not lines:
        raise ScenarioError(None, [(TOTAL_BUDGET, None, "the programme has no budget line")])
    if current > 0:
        for line in lines:
            line["amount_musd"] = float(line["amount_musd"]) * total / current
    else:
        lines[0]["amount_musd"] = total


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively, so list items can be replaced."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def apply_overrides(
    spec: Scenario, values: Mapping[str, Any], source: str | None = None
) -> Scenario:
    """A copy of ``spec`` with fields set by path, validated as a scenario.

    Args:
        spec: The base scenario (unchanged).
        values: Field path -> new value.
        source: Where the values came from, for messages (e.g. a sweep file).

    Returns:
        The new, validated scenario.

    Raises:
        ScenarioError: If a path names no field, or a value is not allowed there.
    """
    if not values:
        return spec
    data = _plain(copy.deepcopy(spec.model_dump(mode="python")))
    try:
        for path, value in values.items():
            _set(data, path, value)
    except ScenarioError as err:
        raise ScenarioError(source, err.problems) from None
    return scenario_from_dict(data, source=source)


def check_paths(spec: Scenario, paths: list[str], source: str | None = None) -> None:
    """Check that every path names a field of ``spec`` (values are not checked).

    Raises:
        ScenarioError: With one problem per bad path.
    """
    data = _plain(spec.model_dump(mode="python"))
    problems = []
    for path in paths:
        if path == TOTAL_BUDGET:
            continue
        try:
            _resolve(data, path)
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(source, problems)
