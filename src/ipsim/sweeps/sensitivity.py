"""Global sensitivity analysis of a sweep with SALib: Sobol' indices and Morris screening.

The analysis reads a table of outputs, one row per design point and a column per
outcome, so the same code serves a simulation sweep and any test function (the
Ishigami function in the tests):

    sensitivity(result, ["patent_filings_resident"], relative_to="none")
    sensitivity(design, outputs)          # outputs: a DataFrame, one row per point

- Sobol' (a ``sobol`` design): first-order ``S1`` and total ``ST`` indices with
  bootstrap confidence intervals (Saltelli 2010 and Jansen estimators, in SALib).
- Morris (a ``morris`` design): ``mu_star`` (mean absolute elementary effect, with its
  bootstrap confidence interval), ``sigma`` (their spread: interactions and
  non-linearity) and ``mu``. Effects are per whole range of each parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ipsim.errors import IpsimError
from ipsim.sweeps.design import MORRIS_LEVELS, Design

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ipsim.sweeps.core import SweepResult

Aggregate = Literal["final", "total", "mean"]
INDEX_COLUMNS = ["outcome", "parameter", "index", "value", "conf"]


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity indices in a tidy table, and their figure.

    Attributes:
        method: ``sobol`` or ``morris``.
        indices: One row per outcome, parameter and index (``S1``, ``ST`` or
            ``mu_star``, ``sigma``, ``mu``) with its value and the half-width of its
            confidence interval (``conf``; NaN where SALib gives none).
        outputs: The outputs analysed, one row per design point.
        conf_level: Confidence level of ``conf``.
    """

    method: str
    indices: pd.DataFrame
    outputs: pd.DataFrame
    conf_level: float

    def table(self) -> pd.DataFrame:
        """A wide table: one row per outcome and parameter, a column per index."""
        wide = self.indices.pivot_table(
            index=["outcome", "parameter"], columns="index", values=["value", "conf"], sort=False
        )
        wide.columns = [f"{i}" if v == "value" else f"{i}_conf" for v, i in wide.columns]
        return wide.reset_index()

    def figure(self) -> Figure:
        """The indices: bars with confidence intervals (Sobol') or mu* against sigma (Morris)."""
        from matplotlib.figure import Figure

        outcomes = list(dict.fromkeys(self.indices["outcome"]))
        fig = Figure(figsize=(5.5 * len(outcomes), 4.2), layout="constrained")
        axes = fig.subplots(1, len(outcomes), squeeze=False)[0]
        for ax, outcome in zip(axes, outcomes, strict=True):
            part = self.indices[self.indices["outcome"] == outcome]
            if self.method == "sobol":
                _sobol_bars(ax, part)
            else:
                _morris_scatter(ax, part)
            ax.set_title(outcome, fontsize=10)
        fig.suptitle(
            f"{'Sobol' if self.method == 'sobol' else 'Morris'} sensitivity "
            f"({self.conf_level:.0%} intervals)",
            fontsize=11,
        )
        return fig


def _sobol_bars(ax, part: pd.DataFrame) -> None:
    params = list(dict.fromkeys(part["parameter"]))
    y = np.arange(len(params))
    for offset, (name, colour) in zip(
        (-0.2, 0.2), (("S1", "tab:blue"), ("ST", "tab:orange")), strict=True
    ):
        rows = part[part["index"] == name].set_index("parameter").loc[params]
        ax.barh(
            y + offset,
            rows["value"],
            height=0.38,
            xerr=rows["conf"],
            color=colour,
            label=name,
            capsize=2,
        )
    ax.set_yticks(y, [_short(p) for p in params], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_xlabel("index")
    ax.legend(fontsize=8)


def _short(path: str) -> str:
    """A parameter's label in figures: the last name of its path."""
    return path.rsplit(".", 1)[-1]


def _morris_scatter(ax, part: pd.DataFrame) -> None:
    wide = part.pivot_table(index="parameter", columns="index", values="value", sort=False)
    conf = part[part["index"] == "mu_star"].set_index("parameter")["conf"]
    ax.errorbar(wide["mu_star"], wide["sigma"], xerr=conf.loc[wide.index], fmt="o", capsize=2)
    for name, row in wide.iterrows():
        ax.annotate(
            _short(str(name)),
            (row["mu_star"], row["sigma"]),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma")


def outcome_table(
    result: SweepResult,
    outcomes: Sequence[str],
    *,
    strategy: str | None = None,
    relative_to: str | None = None,
    entity: str = "WORLD",
    aggregate: Aggregate = "final",
) -> pd.DataFrame:
    """One value per design point and outcome, averaged over replicates.

    Args:
        result: A sweep's result.
        outcomes: Indicator names.
        strategy: The strategy whose runs are read (default: the sweep's last, i.e. the
            programme's when the reference comes first).
        relative_to: Subtract the same point and replicate's value under this strategy
            (e.g. ``"none"``: the programme's effect, with common random numbers).
        entity: The entity read (default: the world).
        aggregate: ``final`` (value at the last row), ``total`` (sum over the rows after
            step 0: for flows, the whole horizon) or ``mean`` (over those rows).

    Returns:
        A table indexed by ``point``, a column per outcome (NaN where a run failed).
    """
    runs = result.runs
    strategies = list(dict.fromkeys(runs["strategy"]))
    if not strategies:
        raise IpsimError("the sweep has no runs to analyse")
    chosen = strategy or strategies[-1]
    wanted = [chosen] + ([relative_to] if relative_to else [])
    for name in wanted:
        if name not in strategies:
            raise IpsimError(
                f"the sweep did not run strategy '{name}'; it ran: {', '.join(strategies)}"
            )
    if result.store is not None:
        metrics = result.store.metrics(indicators=list(outcomes), entities=[entity])
    else:
        m = result.metrics
        metrics = m[m["indicator"].isin(list(outcomes)) & (m["entity"] == entity)]
    metrics = metrics[metrics["strategy"].isin(wanted)]
    missing = set(outcomes) - set(metrics["indicator"])
    if missing and not metrics.empty:
        raise IpsimError(f"no values for {', '.join(sorted(missing))} at entity '{entity}'")
    if aggregate == "final":
        last = metrics.groupby("run_id")["step"].transform("max")
        values = metrics[metrics["step"] == last]
        per_run = values.groupby(["run_id", "indicator"])["value"].sum()
    elif aggregate in ("total", "mean"):
        later = metrics[metrics["step"] > 0]
        per_run = later.groupby(["run_id", "indicator"])["value"].agg(
            "sum" if aggregate == "total" else "mean"
        )
    else:
        raise IpsimError(f"aggregate must be final, total or mean, got '{aggregate}'")
    per_run = per_run.unstack("indicator").reindex(columns=list(outcomes))
    table = runs.set_index("run_id")[["point", "strategy", "replicate"]].join(per_run)
    table = table[table["strategy"].isin(wanted)]
    mine = table[table["strategy"] == chosen].set_index(["point", "replicate"])[list(outcomes)]
    if relative_to:
        ref = table[table["strategy"] == relative_to].set_index(["point", "replicate"])
        mine = mine - ref[list(outcomes)].reindex(mine.index)
    out = mine.groupby(level="point").mean()
    return out.reindex(pd.RangeIndex(len(result.design), name="point"))


def sensitivity(
    source: SweepResult | Design,
    outcomes: Sequence[str] | pd.DataFrame,
    *,
    strategy: str | None = None,
    relative_to: str | None = None,
    entity: str = "WORLD",
    aggregate: Aggregate = "final",
    conf_level: float = 0.95,
    seed: int = 0,
) -> SensitivityResult:
    """Sobol' or Morris indices of outcomes, by the sweep's design (``sobol`` or ``morris``).

    Args:
        source: A sweep's result, or a design.
        outcomes: Indicator names (with a sweep's result), or with a design a table of
            outputs: one row per design point, in design order, a column per outcome.
        strategy: See :func:`outcome_table`.
        relative_to: See :func:`outcome_table`.
        entity: See :func:`outcome_table`.
        aggregate: See :func:`outcome_table`.
        conf_level: Confidence level of the bootstrap intervals.
        seed: Seed of the bootstrap.

    Returns:
        The indices and their figure.

    Raises:
        IpsimError: If the design is not a ``sobol`` or ``morris`` design, or outputs
            are missing (failed runs).
    """
    if isinstance(source, Design):
        if not isinstance(outcomes, pd.DataFrame):
            raise IpsimError("with a design, give the outputs as a table: one row per point")
        design, outputs = source, outcomes
    else:
        if isinstance(outcomes, pd.DataFrame | str):
            raise IpsimError("give the outcomes as a list of indicator names")
        design = source.design
        outputs = outcome_table(
            source,
            outcomes,
            strategy=strategy,
            relative_to=relative_to,
            entity=entity,
            aggregate=aggregate,
        )
    return analyse(design, outputs, conf_level=conf_level, seed=seed)


def analyse(
    design: Design, outputs: pd.DataFrame, *, conf_level: float = 0.95, seed: int = 0
) -> SensitivityResult:
    """The analysis itself: SALib on a design and its outputs (see :func:`sensitivity`)."""
    if design.sampler not in ("sobol", "morris"):
        raise IpsimError(
            f"sensitivity needs a sobol or morris design, this sweep's is '{design.sampler}'"
        )
    if len(outputs) != len(design):
        raise IpsimError(
            f"the outputs have {len(outputs)} rows; the design has {len(design)} points"
        )
    problem = design.problem()
    rows = []
    for outcome in outputs.columns:
        y = outputs[outcome].to_numpy(dtype=float)
        bad = int(np.count_nonzero(~np.isfinite(y)))
        if bad:
            raise IpsimError(
                f"outcome '{outcome}' is missing at {bad} of {len(y)} design "
                "points (failed runs?); resume or rerun them first"
            )
        if design.sampler == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(
                problem,
                y,
                calc_second_order=False,
                conf_level=conf_level,
                num_resamples=1000,
                seed=seed,
            )
            for j, name in enumerate(design.names):
                rows.append((outcome, name, "S1", si["S1"][j], si["S1_conf"][j]))
                rows.append((outcome, name, "ST", si["ST"][j], si["ST_conf"][j]))
        else:
            from SALib.analyze import morris

            si = morris.analyze(
                problem,
                design.unit,
                y,
                num_resamples=1000,
                conf_level=conf_level,
                num_levels=MORRIS_LEVELS,
                seed=seed,
            )
            for j, name in enumerate(design.names):
                rows.append((outcome, name, "mu_star", si["mu_star"][j], si["mu_star_conf"][j]))
                rows.append((outcome, name, "sigma", si["sigma"][j], np.nan))
                rows.append((outcome, name, "mu", si["mu"][j], np.nan))
    indices = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    indices[["value", "conf"]] = indices[["value", "conf"]].astype(float)
    return SensitivityResult(design.sampler, indices, outputs, conf_level)
