"""Experimental designs: which parameter values a sweep runs.

A design is a table of points, one row per point and one column per parameter (a
scenario field path). Samplers are thin wrappers over published code: full grids with
:mod:`itertools`, random and Latin hypercube designs with :mod:`scipy.stats.qmc`,
Sobol' (Saltelli) and Morris designs with SALib, so the sensitivity analysis reads
them in the order it expects.

A parameter is either a range ``(low, high)`` (continuous) or a list of values
(discrete: numbers or names). Continuous samplers draw a list parameter by cutting
the unit interval into as many equal parts as there are values.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ipsim.errors import IpsimError

Sampler = Literal["grid", "random", "latin", "sobol", "morris"]
SAMPLERS: tuple[str, ...] = ("grid", "random", "latin", "sobol", "morris")
DEFAULT_GRID_LEVELS = 5
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Range:
    """A continuous parameter between ``low`` and ``high``.

    Attributes:
        low: Lower bound.
        high: Upper bound (above ``low``).
        levels: Points of a grid design across the range (evenly spaced, ends included).
        log: Sample on a logarithmic scale (both bounds above 0).
    """

    low: float
    high: float
    levels: int = DEFAULT_GRID_LEVELS
    log: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.high <= self.low:
            raise IpsimError(f"a range needs low < high, got ({self.low}, {self.high})")
        if self.levels < 2:
            raise IpsimError(f"a range's grid levels must be at least 2, got {self.levels}")
        if self.log and self.low <= 0:
            raise IpsimError(f"a logarithmic range needs low > 0, got {self.low}")

    def scale(self, u: np.ndarray) -> np.ndarray:
        """Map values in [0, 1] onto the range."""
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            return np.exp(lo + u * (hi - lo))
        return self.low + u * (self.high - self.low)

    def grid(self) -> list[float]:
        """The grid levels."""
        return [float(x) for x in self.scale(np.linspace(0.0, 1.0, self.levels))]


@dataclass(frozen=True)
class Choice:
    """A discrete parameter taking one of ``values``."""

    values: tuple[Any, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise IpsimError("a list of values must not be empty")

    def scale(self, u: np.ndarray) -> np.ndarray:
        """Map values in [0, 1] onto the values, in equal parts."""
        index = np.minimum((np.asarray(u) * len(self.values)).astype(int), len(self.values) - 1)
        return np.asarray(self.values, dtype=object)[index]

    def grid(self) -> list[Any]:
        """Every value."""
        return list(self.values)


Parameter = Range | Choice


def as_parameter(path: str, spec: Any) -> Parameter:
    """Read one parameter: a ``Range``/``Choice``, a ``(low, high)`` tuple, a list, or a mapping.

    A tuple of two numbers is a range; a list is a set of values; a mapping has either
    ``low`` and ``high`` (and optionally ``levels``, ``log``) or ``values``.
    """
    if isinstance(spec, Range | Choice):
        return spec
    if isinstance(spec, Mapping):
        if "values" in spec:
            return Choice(tuple(spec["values"]))
        try:
            return Range(
                float(spec["low"]),
                float(spec["high"]),
                int(spec.get("levels", DEFAULT_GRID_LEVELS)),
                bool(spec.get("log", False)),
            )
        except KeyError:
            raise IpsimError(f"parameter '{path}': a range needs 'low' and 'high'") from None
        except (TypeError, ValueError) as err:
            raise IpsimError(f"parameter '{path}': {err}") from None
    if (
        isinstance(spec, tuple)
        and len(spec) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in spec)
    ):
        return Range(float(spec[0]), float(spec[1]))
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        return Choice(tuple(spec))
    raise IpsimError(
        f"parameter '{path}': give a (low, high) tuple, a list of values, or a "
        f"mapping with low/high or values; got {spec!r}"
    )


@dataclass(frozen=True)
class Design:
    """The points of a sweep and what the sensitivity analysis needs to read them.

    Attributes:
        parameters: Parameters by field path, in column order.
        sampler: The sampler that made the design.
        points: One row per point (index ``point`` from 0), one column per parameter.
        unit: The sampler's raw values for SALib (rows as in ``points``), or ``None``
            for grid designs.
        n: The size asked for (base sample for Sobol', trajectories for Morris).
        seed: The seed of the sampler.
    """

    parameters: dict[str, Parameter]
    sampler: str
    points: pd.DataFrame
    unit: np.ndarray | None = field(default=None, repr=False)
    n: int | None = None
    seed: int = 0

    @property
    def names(self) -> list[str]:
        """Parameter paths, in column order."""
        return list(self.parameters)

    def problem(self) -> dict[str, Any]:
        """The SALib problem: every parameter on the unit scale of the sampler."""
        return {
            "num_vars": len(self.parameters),
            "names": self.names,
            "bounds": [[0.0, 1.0]] * len(self.parameters),
        }

    def __len__(self) -> int:
        return len(self.points)


def make_design(
    parameters: Mapping[str, Any], sampler: str = "grid", n: int | None = None, seed: int = 0
) -> Design:
    """Sample a design.

    Args:
        parameters: Field path -> range or list of values (see :func:`as_parameter`).
        sampler: ``grid`` (every combination; ``n`` unused), ``random`` (``n`` uniform
            points), ``latin`` (``n`` points of a Latin hypercube), ``sobol`` (Saltelli's
            scheme: ``n * (d + 2)`` points, ``n`` a power of 2) or ``morris`` (``n``
            trajectories of ``d + 1`` points on a 4-level grid).
        n: Size of the design (see ``sampler``).
        seed: Seed of the sampler.

    Returns:
        The design.

    Raises:
        IpsimError: For an unknown sampler, a missing or invalid ``n``, or bad parameters.
    """
    if not parameters:
        raise IpsimError("a sweep needs at least one parameter")
    params = {str(path): as_parameter(str(path), spec) for path, spec in parameters.items()}
    if sampler not in SAMPLERS:
        raise IpsimError(f"unknown sampler '{sampler}'; known: {', '.join(SAMPLERS)}")
    if sampler == "grid":
        rows = list(itertools.product(*(p.grid() for p in params.values())))
        points = pd.DataFrame(rows, columns=list(params))
        return Design(params, sampler, _typed(points, params), None, n, seed)
    if n is None or n < 1:
        raise IpsimError(f"sampler '{sampler}' needs a size n of at least 1, got {n}")
    d = len(params)
    if sampler == "random":
        unit = np.random.default_rng(seed).random((n, d))
    elif sampler == "latin":
        unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
    elif sampler == "sobol":
        if n & (n - 1):
            raise IpsimError(f"sampler 'sobol' needs n a power of 2 (e.g. 64, 128), got {n}")
        from SALib.sample import sobol as sobol_sample

        problem = {"num_vars": d, "names": list(params), "bounds": [[0.0, 1.0]] * d}
        unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris as morris_sample

        problem = {"num_vars": d, "names": list(params), "bounds": [[0.0, 1.0]] * d}
        unit = morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    columns = {path: p.scale(unit[:, j]) for j, (path, p) in enumerate(params.items())}
    points = pd.DataFrame(columns)
    return Design(params, sampler, _typed(points, params), unit, n, seed)


def _typed(points: pd.DataFrame, params: Mapping[str, Parameter]) -> pd.DataFrame:
    """Give each column one stable type: float for ranges, the values' own for lists."""
    out = points.copy()
    for path, p in params.items():
        if isinstance(p, Range):
            out[path] = out[path].astype("float64")
        elif all(isinstance(v, bool) for v in p.values):
            out[path] = out[path].astype(bool)
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in p.values):
            out[path] = out[path].astype("int64")
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in p.values):
            out[path] = out[path].astype("float64")
        else:
            out[path] = out[path].astype(str)
    out.index = pd.RangeIndex(len(out), name="point")
    return out
