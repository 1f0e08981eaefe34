"""Loading scenarios from YAML files: safe parsing, ``extends``, and clear errors.

Every problem is reported as one :class:`~ipsim.errors.ScenarioError` that names the
file, the line where the YAML parser knows it, the field path and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ipsim.errors import ScenarioError
from ipsim.spec import Scenario

SCENARIO_PACKAGE = "ipsim.scenarios"
EXTENDS = "extends"

Lines = dict[tuple[str | int, ...], int]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader (no object construction) that rejects duplicate keys."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key '{key}' appears twice (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def shipped_scenarios() -> dict[str, Path]:
    """Scenario files installed with the package, by name."""
    folder = resources.files(SCENARIO_PACKAGE)
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def describe_shipped() -> list[tuple[str, str]]:
    """``(name, first line of the description)`` of every shipped scenario."""
    out = []
    for name, path in sorted(shipped_scenarios().items()):
        try:
            text = load_scenario(path).description.strip()
        except ScenarioError as err:
            text = f"(invalid: {err.problems[0][2]})"
        out.append((name, text.splitlines()[0] if text else ""))
    return out


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A file path, or the path of the shipped scenario with that name."""
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} or path.exists() or path.parent != Path("."):
        return path
    shipped = shipped_scenarios()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    close = difflib.get_close_matches(str(name_or_path), list(shipped), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ScenarioError(
        str(name_or_path),
        [
            (
                "",
                None,
                f"no such file, and no shipped scenario of that name; {hint}"
                f"shipped: {', '.join(sorted(shipped))}",
            )
        ],
    )


def line_index(node: yaml.Node | None, prefix: tuple = ()) -> Lines:
    """Map each field path in a YAML node tree to its line (1-based)."""
    index: Lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, key_node.value)
            index[path] = key_node.start_mark.line + 1
            index.update(line_index(value_node, path))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = (*prefix, i)
            index[path] = item.start_mark.line + 1
            index.update(line_index(item, path))
    return index


def _read_yaml(path: Path) -> tuple[dict[str, Any], Lines]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [("", None, "file not found")]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as err:
        raise ScenarioError(source, [("", None, f"cannot read the file: {err}")]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        context = getattr(err, "context", None)
        message = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
        raise ScenarioError(source, [("", line, message)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            source, [("", 1, f"a scenario is a mapping of fields, got a {type(data).__name__}")]
        )
    return data, line_index(node)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings: ``override`` wins; lists and scalars are replaced whole."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_chain(
    path: Path, stack: tuple[Path, ...]
) -> tuple[dict[str, Any], list[tuple[Path, Lines]]]:
    resolved = path.resolve()
    if resolved in stack:
        cycle = " -> ".join(str(p) for p in (*stack, resolved))
        raise ScenarioError(str(stack[0]), [(EXTENDS, None, f"extends forms a cycle: {cycle}")])
    data, lines = _read_yaml(path)
    _resolve_relative_paths(data, path.parent)
    parent_name = data.pop(EXTENDS, None)
    if parent_name is None:
        return data, [(path, lines)]
    if not isinstance(parent_name, str) or not parent_name:
        raise ScenarioError(
            str(path),
            [(EXTENDS, lines.get((EXTENDS,)), "must be a file path or a shipped scenario name")],
        )
    candidate = path.parent / parent_name
    if candidate.exists() or Path(parent_name).suffix in {".yaml", ".yml"}:
        parent_path = candidate
    else:
        parent_path = resolve_scenario_path(parent_name)
    if not parent_path.exists():
        raise ScenarioError(
            str(path),
            [
                (
                    EXTENDS,
                    lines.get((EXTENDS,)),
                    f"the scenario it extends, '{parent_name}' ({parent_path}), does not exist",
                )
            ],
        )
    parent, chain = _load_chain(parent_path, (*stack, resolved))
    return deep_merge(parent, data), [(path, lines), *chain]


def _resolve_relative_paths(data: dict[str, Any], folder: Path) -> None:
    """Make a world's data folder absolute, relative to the file that names it."""
    world = data.get("world")
    if isinstance(world, dict) and isinstance(world.get("path"), str):
        path = Path(world["path"]).expanduser()
        if not path.is_absolute():
            world["path"] = str((folder / path).resolve())


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str] | None:
    """The field names allowed at the parent of ``loc`` in the schema, if known."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next(
            (a for a in candidates if isinstance(a, type) and issubclass(a, BaseModel)), None
        )
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(model.model_fields)
    return None


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc) or []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown key '{loc[-1]}'; {hint}allowed: {', '.join(allowed)}"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        expected = error.get("ctx", {}).get("expected_tags", "")
        return f"unknown world source '{tag}'; allowed: {expected}"
    given = error.get("input")
    if kind not in {"value_error", "assertion_error"} and not isinstance(given, dict | list):
        message += f" (got {given!r})"
    return message


def _locate(loc: tuple[str | int, ...], chain: list[tuple[Path, Lines]]) -> tuple[int | None, str]:
    for depth in range(len(loc), -1, -1):
        key = loc[:depth]
        for index, (path, lines) in enumerate(chain):
            if key in lines:
                return lines[key], ("" if index == 0 else f" (in {path})")
    return None, ""


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union and function tags (and the world's kind) from a location."""
    loc = tuple(
        p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
    )
    if len(loc) > 1 and loc[0] == "world" and loc[1] in {"synthetic", "wdi"}:
        loc = (loc[0], *loc[2:])
    return loc


def scenario_from_dict(
    data: Mapping[str, Any],
    source: str | None = None,
    chain: list[tuple[Path, Lines]] | None = None,
) -> Scenario:
    """Validate a mapping as a scenario, with errors a planner can act on.

    Args:
        data: The scenario's fields.
        source: Where the data came from, for messages.
        chain: Line indexes of the files it came from (internal).

    Raises:
        ScenarioError: With every problem found.
    """
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        problems = []
        errors = err.errors()
        inner = [_clean_loc(tuple(e["loc"])) for e in errors]
        for error in errors:
            loc = _clean_loc(tuple(error["loc"]))
            if error["type"] == "too_short" and any(
                len(other) > len(loc) and other[: len(loc)] == loc for other in inner
            ):
                continue  # a consequence of the items' own errors, reported below
            line, where = _locate(loc, chain or [])
            path = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc)
            path = path.replace(".[", "[")
            problems.append((path, line, _describe(error) + where))
        raise ScenarioError(source, problems) from None


def load_scenario(name_or_path: str | Path | None = None) -> Scenario:
    """Load a scenario from a YAML file or by the name of a shipped scenario.

    Args:
        name_or_path: A path, a shipped scenario's name, or ``None`` for the default.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: If the file is missing, malformed or invalid.
    """
    path = resolve_scenario_path("default" if name_or_path is None else name_or_path)
    data, chain = _load_chain(path, ())
    spec = scenario_from_dict(data, source=str(path), chain=chain)
    check_against_world(spec, str(path), chain)
    return spec


def check_against_world(
    spec: Scenario, source: str | None = None, chain: list[tuple[Path, Lines]] | None = None
) -> None:
    """Check what only the world can tell: its data exist, earmarks name its countries.

    Raises:
        ScenarioError: Naming the field and what is allowed.
    """
    from ipsim.errors import IpsimError
    from ipsim.spec import REGIONS
    from ipsim.world import build_world

    try:
        world = build_world(spec.world, spec.dynamics)
    except IpsimError as err:
        line, where = _locate(("world", "path"), chain or [])
        raise ScenarioError(source, [("world", line, str(err) + where)]) from None
    codes = {str(c) for c in world.codes}
    present = {REGIONS[int(r)] for r in world.region}
    problems = []
    for i, line in enumerate(spec.programme.budget):
        for code in line.countries:
            if code not in codes:
                close = difflib.get_close_matches(code, sorted(codes), n=3)
                hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
                at, where = _locate(("programme", "budget", i, "countries"), chain or [])
                problems.append(
                    (
                        f"programme.budget[{i}].countries",
                        at,
                        f"no country '{code}' in this world; {hint}"
                        f"see the country codes with `ipsim run` outputs or "
                        f"IPModel(spec).world.codes{where}",
                    )
                )
        missing = [r for r in line.regions if r not in present]
        if missing and not line.countries and len(missing) == len(line.regions):
            at, where = _locate(("programme", "budget", i, "regions"), chain or [])
            problems.append(
                (
                    f"programme.budget[{i}].regions",
                    at,
                    f"this world has no country in {', '.join(missing)}; regions "
                    f"present: {', '.join(sorted(present))}{where}",
                )
            )
    if problems:
        raise ScenarioError(source, problems)
