"""Sweep files (``SWEEP.yaml``): a sweep described as data, validated like a scenario.

Example::

    name: spillover-budget
    base: ../scenarios/small.yaml      # a scenario file (relative to this file) or a name
    parameters:
      dynamics.spillover_rate: {low: 0.1, high: 2.0}
      programme.budget.total_musd: {low: 50, high: 300, levels: 3}
      world.network.rewiring: [0.0, 0.1, 1.0]
    sampler: sobol                     # grid, random, latin, sobol, morris
    n: 64
    replicates: 2
    strategies: [none, uniform]
    entities: [WORLD]                  # keep only the world's rows of the metrics
    executor: processes                # serial, processes, dask, or tcp://host:8786
    sensitivity:
      outcomes: [patent_filings_resident, gini_filings_per_capita]
      relative_to: none

Results go to ``out`` (default ``results/<name>/``, relative to the current folder),
the store to ``store`` (default ``<out>/store``).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ipsim.errors import IpsimError
from ipsim.loading import line_index
from ipsim.sweeps.design import SAMPLERS, Choice, Parameter, Range

Scalar = float | int | bool | str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RangeSpec(_Frozen):
    """A continuous parameter."""

    low: float = Field(description="Lower bound.")
    high: float = Field(description="Upper bound.")
    levels: int = Field(5, ge=2, le=10_000, description="Grid points across the range.")
    log: bool = Field(False, description="Sample on a log scale (low > 0).")

    def to_parameter(self) -> Parameter:
        """The design's parameter."""
        return Range(self.low, self.high, self.levels, self.log)


class ValuesSpec(_Frozen):
    """A discrete parameter."""

    values: tuple[Scalar, ...] = Field(min_length=1, description="The values to try.")

    def to_parameter(self) -> Parameter:
        """The design's parameter."""
        return Choice(self.values)


class SensitivitySpec(_Frozen):
    """Which outcomes to analyse after the sweep (``sobol`` and ``morris`` designs)."""

    outcomes: tuple[str, ...] = Field(min_length=1, description="Indicator names.")
    strategy: str | None = Field(None, description="Strategy analysed (default: the last).")
    relative_to: str | None = Field(
        None, description="Subtract this strategy's value (e.g. none: the programme's effect)."
    )
    entity: str = Field("WORLD", description="Entity read.")
    aggregate: Literal["final", "total", "mean"] = Field(
        "final", description="final: the last row; total: sum over the horizon; mean."
    )
    conf_level: float = Field(0.95, gt=0, lt=1, description="Confidence level.")


class SweepFile(_Frozen):
    """A sweep: base scenario, parameters, design, where it runs and where results go."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=80,
        description="Short name; results go to results/<name>/.",
    )
    description: str = Field("", max_length=2000, description="What the sweep asks.")
    base: str = Field(
        "default",
        min_length=1,
        description="Base scenario: a file (relative "
        "to this file) or the name of a shipped scenario.",
    )
    parameters: dict[str, RangeSpec | ValuesSpec | tuple[Scalar, ...]] = Field(
        min_length=1,
        description="Field path -> {low, high[, levels, log]}, "
        "{values: [...]} or a list of values.",
    )
    sampler: Literal["grid", "random", "latin", "sobol", "morris"] = Field(
        "grid", description=f"Design: {', '.join(SAMPLERS)}."
    )
    n: int | None = Field(None, ge=1, le=10_000_000, description="Design size (not for grid).")
    replicates: int | None = Field(
        None, ge=1, le=100_000, description="Replicates per point and strategy."
    )
    seed: int | None = Field(
        None, ge=0, le=2**63 - 1, description="Seed (default: the base scenario's)."
    )
    strategies: tuple[str, ...] | None = Field(
        None, min_length=1, description="Strategies at every point (default: the base's)."
    )
    entities: tuple[str, ...] | None = Field(
        None, min_length=1, description="Keep only these entities' metrics (e.g. [WORLD])."
    )
    executor: str = Field(
        "processes",
        min_length=1,
        description="serial, processes, dask, or a Dask scheduler address (tcp://host:8786).",
    )
    workers: int | None = Field(None, ge=1, le=100_000, description="Local processes.")
    out: str | None = Field(
        None, min_length=1, description="Results folder (default: results/<name>/)."
    )
    store: str | None = Field(
        None,
        min_length=1,
        description="Store folder (default: <out>/store/); the same store resumes the sweep.",
    )
    sensitivity: SensitivitySpec | None = Field(None, description="Analysis after the sweep.")

    @field_validator("parameters")
    @classmethod
    def _lists_not_empty(cls, v: dict[str, Any]) -> dict[str, Any]:
        for path, spec in v.items():
            if isinstance(spec, tuple) and not spec:
                raise ValueError(f"parameter '{path}' lists no values")
            if isinstance(spec, RangeSpec) and spec.high <= spec.low:
                raise ValueError(
                    f"parameter '{path}': high ({spec.high}) must exceed low ({spec.low})"
                )
        return v

    def design_parameters(self) -> dict[str, Parameter]:
        """The parameters as the design reads them."""
        return {
            path: spec.to_parameter()
            if isinstance(spec, RangeSpec | ValuesSpec)
            else Choice(tuple(spec))
            for path, spec in self.parameters.items()
        }


class SweepFileError(IpsimError):
    """A sweep file is missing, malformed or invalid.

    Attributes:
        source: The file.
        problems: ``(field path, line or None, message)`` for each problem.
    """

    def __init__(self, source: str, problems: list[tuple[str, int | None, str]]):
        self.source = source
        self.problems = problems
        lines = [
            f"{source}: invalid sweep file ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''})"
        ]
        for path, line, message in problems:
            where = f"line {line}, " if line is not None else ""
            lines.append(f"  {where}{f'field {path!r}' if path else 'document'}: {message}")
        super().__init__("\n".join(lines))


def _message(error: dict[str, Any]) -> str:
    msg = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        allowed = sorted(SweepFile.model_fields) if len(error["loc"]) == 1 else []
        close = difflib.get_close_matches(str(error["loc"][-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown key '{error['loc'][-1]}'; {hint}" + (
            f"allowed: {', '.join(allowed)}" if allowed else "not allowed here"
        )
    if error["type"] == "missing":
        return "required field is missing"
    given = error.get("input")
    if error["type"] != "value_error" and not isinstance(given, dict | list):
        msg += f" (got {given!r})"
    return msg


def read_sweep_file(path: str | Path) -> tuple[SweepFile, Path]:
    """Read and validate a sweep file.

    Returns:
        The sweep, and the base scenario's path (or shipped name) resolved from the file.

    Raises:
        SweepFileError: If the file is missing, malformed or invalid.
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SweepFileError(source, [("", None, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise SweepFileError(source, [("", None, f"cannot read the file: {err}")]) from None
    try:
        data = yaml.safe_load(text)
        lines = line_index(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise SweepFileError(
            source,
            [
                (
                    "",
                    mark.line + 1 if mark else None,
                    f"malformed YAML: {getattr(err, 'problem', err)}",
                )
            ],
        ) from None
    if not isinstance(data, dict):
        raise SweepFileError(source, [("", 1, "a sweep file is a mapping of fields")])
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc = tuple(
                p
                for p in error["loc"]
                if not (
                    isinstance(p, str)
                    and ("[" in p or p in {"RangeSpec", "ValuesSpec"} or p.startswith("tuple"))
                )
            )
            line = next((lines[loc[:d]] for d in range(len(loc), 0, -1) if loc[:d] in lines), None)
            problems.append((".".join(str(p) for p in loc), line, _message(error)))
        raise SweepFileError(source, problems) from None
    candidate = path.parent / spec.base
    base = (
        candidate
        if candidate.exists() or spec.base.endswith((".yaml", ".yml"))
        else Path(spec.base)
    )
    return spec, base
