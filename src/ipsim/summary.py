"""The planner's summary: headline indicators at the horizon, strategy against strategy.

For each strategy and headline indicator: the mean across replicates and a 90% band
(5th to 95th percentile); the paired difference from the reference strategy (replicate
``r`` of both shares its random numbers) with a 95% confidence interval; and, per
strategy, the cost per additional filing and per person trained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ipsim.recorder import WORLD


@dataclass(frozen=True)
class Headline:
    """A headline indicator of the summary.

    Attributes:
        name: Name in the summary (and, unless ``source`` is given, the indicator read).
        label: Plain words for reports.
        how: "final" (value at the last step), "last_year" (sum over the last year's
            steps), "last_year_mean" (mean over them) or "cumulative" (sum over every
            step after the start).
        higher_is_better: Direction of improvement, for "best" statements.
        source: The metrics indicator it is computed from, if not ``name``.
    """

    name: str
    label: str
    how: str
    higher_is_better: bool = True
    source: str | None = None

    @property
    def indicator(self) -> str:
        """The metrics indicator this headline reads."""
        return self.source or self.name


HEADLINES: tuple[Headline, ...] = (
    Headline("patent_filings_resident", "resident patent filings in the final year", "last_year"),
    Headline(
        "cumulative_resident_filings",
        "resident patent filings over the horizon",
        "cumulative",
        source="patent_filings_resident",
    ),
    Headline(
        "patent_filings_nonresident", "non-resident patent filings in the final year", "last_year"
    ),
    Headline("trademark_filings", "trademark filings in the final year", "last_year"),
    Headline("stakeholder_expertise", "organisations' mean IP expertise", "final"),
    Headline("office_expertise", "examiners' mean expertise", "final"),
    Headline("awareness", "share of organisations aware of IP", "final"),
    Headline("legal_maturity", "legal-framework maturity", "final"),
    Headline("pendency_years", "patent pendency (years)", "final", higher_is_better=False),
    Headline("people_trained", "people trained", "final"),
    Headline("reforms_enacted", "legal reforms enacted", "final"),
    Headline(
        "gini_filings_per_capita",
        "Gini of filings per capita across countries",
        "last_year_mean",
        higher_is_better=False,
    ),
    Headline(
        "theil_filings_per_capita",
        "Theil index of filings per capita",
        "last_year_mean",
        higher_is_better=False,
    ),
    Headline(
        "top5_share_filings",
        "top-5 countries' share of filings",
        "last_year_mean",
        higher_is_better=False,
    ),
    Headline("spend_usd", "programme money spent (USD)", "final", higher_is_better=False),
)

SUMMARY_COLUMNS = [
    "strategy",
    "indicator",
    "label",
    "n",
    "mean",
    "p05",
    "p95",
    "reference",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "higher_is_better",
]


def headline_values(metrics: pd.DataFrame, steps_per_year: int) -> pd.DataFrame:
    """One row per run and headline: ``run_id, strategy, replicate, indicator, value``."""
    world = metrics[metrics["entity"] == WORLD]
    last_step = int(world["step"].max())
    first_of_last_year = last_step - steps_per_year + 1  # rows after the year before
    frames = []
    for h in HEADLINES:
        rows = world[world["indicator"] == h.indicator]
        if h.how == "final":
            rows = rows[rows["step"] == last_step]
            agg = "sum"
        elif h.how in {"last_year", "last_year_mean"}:
            rows = rows[rows["step"] >= first_of_last_year]
            agg = "sum" if h.how == "last_year" else "mean"
        else:
            rows = rows[rows["step"] >= 1]
            agg = "sum"
        values = rows.groupby(["run_id", "strategy", "replicate"], sort=False)["value"].agg(agg)
        frame = values.reset_index()
        frame["indicator"] = h.name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _band(values: np.ndarray) -> tuple[float, float, float]:
    return (
        float(np.mean(values)),
        float(np.quantile(values, 0.05)),
        float(np.quantile(values, 0.95)),
    )


def _mean_ci(diff: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    mean = float(np.mean(diff))
    if len(diff) < 2:
        return mean, float("nan"), float("nan")
    sem = float(np.std(diff, ddof=1) / np.sqrt(len(diff)))
    if sem == 0:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, len(diff) - 1)) * sem
    return mean, mean - half, mean + half


def summarise(
    metrics: pd.DataFrame, steps_per_year: int, reference: str | None = None
) -> pd.DataFrame:
    """The summary table (see the module docstring).

    Args:
        metrics: The tidy metrics table of a finished experiment.
        steps_per_year: Steps per year of its horizon.
        reference: Strategy differences are measured against (default: ``none`` if it
            ran, else the first strategy).

    Returns:
        One row per strategy and indicator, including the cost-effectiveness rows
        ``cost_per_additional_filing`` and ``cost_per_person_trained``.
    """
    values = headline_values(metrics, steps_per_year)
    strategies = list(dict.fromkeys(metrics["strategy"]))
    if reference is None:
        reference = "none" if "none" in strategies else strategies[0]
    wide = values.pivot_table(index=["strategy", "replicate"], columns="indicator", values="value")
    directions = {h.name: h.higher_is_better for h in HEADLINES}
    labels = {h.name: h.label for h in HEADLINES}
    ref = wide.loc[reference] if reference in wide.index.get_level_values(0) else None

    # Cost-effectiveness, per replicate (paired with the reference).
    if ref is not None:
        for strategy in strategies:
            own = wide.loc[strategy]
            gain = own["cumulative_resident_filings"] - ref["cumulative_resident_filings"]
            spend = own["spend_usd"] - ref["spend_usd"]
            wide.loc[(strategy, slice(None)), "cost_per_additional_filing"] = np.where(
                gain > 0, spend / gain.where(gain > 0), np.nan
            )
            trained = own["people_trained"]
            wide.loc[(strategy, slice(None)), "cost_per_person_trained"] = np.where(
                trained > 0, own["spend_usd"] / trained.where(trained > 0), np.nan
            )
        directions |= {"cost_per_additional_filing": False, "cost_per_person_trained": False}
        labels |= {
            "cost_per_additional_filing": "cost per additional resident filing (USD)",
            "cost_per_person_trained": "cost per person trained (USD)",
        }

    rows = []
    for strategy in strategies:
        own = wide.loc[strategy]
        for indicator in labels:
            if indicator not in own:
                continue
            series = own[indicator]
            finite = series.to_numpy(dtype=float)
            finite = finite[np.isfinite(finite)]
            mean, lo, hi = _band(finite) if len(finite) else (np.nan, np.nan, np.nan)
            diff = (np.nan, np.nan, np.nan)
            if ref is not None and indicator in ref and strategy != reference:
                paired = (series - ref[indicator]).to_numpy(dtype=float)
                paired = paired[np.isfinite(paired)]
                if len(paired):
                    diff = _mean_ci(paired)
            rows.append(
                {
                    "strategy": strategy,
                    "indicator": indicator,
                    "label": labels[indicator],
                    "n": len(finite),
                    "mean": mean,
                    "p05": lo,
                    "p95": hi,
                    "reference": reference,
                    "diff_mean": diff[0],
                    "diff_ci_low": diff[1],
                    "diff_ci_high": diff[2],
                    "higher_is_better": directions[indicator],
                }
            )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
