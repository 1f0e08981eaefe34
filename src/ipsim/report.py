"""The planner's brief: figures and ``report.md``, rebuilt from a results folder's tables."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from ipsim.errors import IpsimError
from ipsim.plots import plot_cost_effectiveness, plot_indicators, plot_network
from ipsim.recorder import WORLD
from ipsim.summary import HEADLINES, summarise

FIGURES = "figures"
OVER_TIME = [
    "patent_filings_resident",
    "stakeholder_expertise",
    "awareness",
    "legal_maturity",
    "pendency_years",
    "people_trained",
]
DISPARITIES = [
    "gini_filings_per_capita",
    "theil_filings_per_capita",
    "theil_between_region",
    "theil_within_region",
    "top5_share_filings",
    "gini_expertise",
]
KEY_HEADLINES = [
    "patent_filings_resident",
    "cumulative_resident_filings",
    "stakeholder_expertise",
    "awareness",
    "legal_maturity",
    "pendency_years",
    "gini_filings_per_capita",
    "theil_filings_per_capita",
]


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / name
    if not path.exists():
        raise IpsimError(f"{path}: missing; is {folder} a folder written by 'ipsim run'?")
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise IpsimError(f"{path}: cannot be read as a table ({err})") from None


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e6:
        return f"{x / 1e6:,.1f} million"
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 1:
        return f"{x:,.2f}"
    return f"{x:.3f}"


def _certainty(row: pd.Series) -> str:
    low, high = row["diff_ci_low"], row["diff_ci_high"]
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return "with too few replicates to say how sure"
    if low > 0 or high < 0:
        return "and the 95% interval of the difference excludes zero"
    return "but the 95% interval of the difference includes zero: not distinguishable"


def _findings(summary: pd.DataFrame) -> list[str]:
    lines = []
    reference = summary["reference"].iloc[0]
    others = summary[summary["strategy"] != reference]
    if others.empty:
        return [f"Only '{reference}' ran: there is nothing to compare."]
    for name in KEY_HEADLINES:
        rows = others[others["indicator"] == name].dropna(subset=["diff_mean"])
        if rows.empty:
            continue
        better = rows["higher_is_better"].iloc[0]
        best = rows.loc[rows["diff_mean"].idxmax() if better else rows["diff_mean"].idxmin()]
        label = best["label"][0].upper() + best["label"][1:]
        lines.append(
            f"- **{label}**: best under **{best['strategy']}**, "
            f"{_fmt(best['mean'])} (90% band {_fmt(best['p05'])} to {_fmt(best['p95'])}), "
            f"{'+' if best['diff_mean'] >= 0 else ''}{_fmt(best['diff_mean'])} against "
            f"'{reference}' (95% CI {_fmt(best['diff_ci_low'])} to "
            f"{_fmt(best['diff_ci_high'])}), {_certainty(best)}."
        )
    return lines


def _cost_table(summary: pd.DataFrame) -> list[str]:
    def value(strategy: str, indicator: str, column: str) -> float:
        row = summary[(summary["strategy"] == strategy) & (summary["indicator"] == indicator)]
        return float(row[column].iloc[0]) if len(row) else float("nan")

    lines = [
        "| strategy | spent (USD) | additional filings over the horizon (95% CI) | "
        "cost per additional filing (USD) | people trained | cost per person trained (USD) |",
        "|---|---|---|---|---|---|",
    ]
    for strategy in dict.fromkeys(summary["strategy"]):
        gain = value(strategy, "cumulative_resident_filings", "diff_mean")
        lo = value(strategy, "cumulative_resident_filings", "diff_ci_low")
        hi = value(strategy, "cumulative_resident_filings", "diff_ci_high")
        lines.append(
            f"| {strategy} | {_fmt(value(strategy, 'spend_usd', 'mean'))} | {_fmt(gain)} "
            f"({_fmt(lo)} to {_fmt(hi)}) | "
            f"{_fmt(value(strategy, 'cost_per_additional_filing', 'mean'))} | "
            f"{_fmt(value(strategy, 'people_trained', 'mean'))} | "
            f"{_fmt(value(strategy, 'cost_per_person_trained', 'mean'))} |"
        )
    return lines


def _cheapest(summary: pd.DataFrame) -> str:
    rows = summary[(summary["indicator"] == "cost_per_additional_filing")].dropna(subset=["mean"])
    if rows.empty:
        return "No strategy added resident filings on average, so none has a cost per filing."
    best = rows.loc[rows["mean"].idxmin()]
    return (
        f"The cheapest additional resident filing came from **{best['strategy']}**, at "
        f"about USD {_fmt(best['mean'])} each (90% band {_fmt(best['p05'])} to "
        f"{_fmt(best['p95'])} across replicates)."
    )


def build_report(folder: Path | str) -> Path:
    """Rebuild ``figures/`` and ``report.md`` in a results folder from its tables alone.

    Args:
        folder: A folder written by ``ipsim run``.

    Returns:
        The path of ``report.md``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise IpsimError(f"{folder}: no such results folder")
    runs = _read(folder, "runs.csv")
    metrics = _read(folder, "metrics.csv")
    scenario_path = folder / "scenario.yaml"
    if not scenario_path.exists():
        raise IpsimError(f"{scenario_path}: missing; is {folder} a folder written by 'ipsim run'?")
    scenario = yaml.safe_load(scenario_path.read_text(encoding="utf-8"))
    steps_per_year = int(scenario["horizon"]["steps_per_year"])
    if metrics.empty:
        raise IpsimError(f"{folder / 'metrics.csv'}: no finished run to report on")
    summary = summarise(metrics, steps_per_year)
    summary.to_csv(folder / "summary.csv", index=False, float_format="%.6g")

    figures = folder / FIGURES
    figures.mkdir(exist_ok=True)
    saved: list[tuple[str, str]] = []

    def save(fig: plt.Figure, name: str, caption: str) -> None:
        fig.savefig(figures / name, dpi=110)
        plt.close(fig)
        saved.append((name, caption))

    save(
        plot_indicators(metrics, OVER_TIME),
        "indicators.png",
        "Headline indicators over time: mean across replicates, band from the 5th to the "
        "95th percentile.",
    )
    save(
        plot_indicators(metrics, DISPARITIES),
        "disparities.png",
        "Disparities between countries over time.",
    )
    save(
        plot_cost_effectiveness(summary),
        "cost_effectiveness.png",
        "Additional resident filings against money spent, one point per strategy.",
    )
    links_path = folder / "network_links.csv"
    if links_path.exists():
        links = pd.read_csv(links_path)
        last = metrics[
            (metrics["step"] == metrics["step"].max())
            & (metrics["strategy"] == summary["strategy"].iloc[-1])
        ]
        countries = last[~last["entity"].isin(_groups(metrics))]
        nodes = countries.pivot_table(index="entity", columns="indicator", values="value")
        nodes = pd.DataFrame(
            {
                "entity": nodes.index,
                "expertise": nodes["stakeholder_expertise"].to_numpy(),
                "filings": nodes["patent_filings_resident"].to_numpy(),
            }
        )
        save(
            plot_network(nodes, links),
            "network.png",
            f"Partnership network between countries at the horizon under "
            f"'{summary['strategy'].iloc[-1]}' (colour: expertise; size: filings).",
        )

    n_ok = int((runs["status"] == "ok").sum())
    n_failed = int((runs["status"] != "ok").sum())
    strategies = list(dict.fromkeys(runs["strategy"]))
    budget = sum(line["amount_musd"] for line in scenario["programme"]["budget"])
    horizon = scenario["horizon"]
    reference = summary["reference"].iloc[0]
    lines = [
        f"# {scenario['name']}: what the simulation says",
        "",
        (scenario.get("description") or "").strip(),
        "",
        "## The set-up",
        f"- World: {scenario['world']['source']}, "
        f"{metrics[~metrics['entity'].isin(_groups(metrics))]['entity'].nunique()} countries.",
        f"- Horizon: {horizon['years']} years from {horizon['start_year']}, "
        f"{horizon['steps_per_year']} steps a year.",
        f"- Programme budget: USD {budget:,.1f} million for each strategy (equal cost).",
        f"- Strategies: {', '.join(strategies)}; reference: '{reference}'.",
        f"- Runs: {n_ok} finished"
        + (f", **{n_failed} failed** (see runs.csv)" if n_failed else "")
        + f"; {runs.groupby('strategy').size().max()} replicates per strategy, seed "
        f"{scenario['seed']}. Replicate r of every strategy shares its random numbers "
        "(common random numbers), so differences are paired.",
        "",
        "## Findings",
        *_findings(summary),
        "",
        "## Cost-effectiveness",
        _cheapest(summary),
        "",
        *_cost_table(summary),
        "",
        "## How sure are we",
        "Bands are the 5th to 95th percentiles across replicates; intervals of "
        "differences are 95% t-intervals of the paired differences against the "
        f"reference. With {runs.groupby('strategy').size().max()} replicates, small "
        "differences are not distinguishable from noise: run more replicates with "
        "`--replicates` to narrow them. The model's structural assumptions are in "
        "docs/MODEL.md; they are not part of these intervals.",
        "",
        "## Figures",
    ]
    for name, caption in saved:
        lines += [f"![{caption}]({FIGURES}/{name})", "", f"*{caption}*", ""]
    lines += [
        "## Headline indicators (all)",
        "| strategy | indicator | mean | 90% band | difference vs reference (95% CI) |",
        "|---|---|---|---|---|",
    ]
    names = [h.name for h in HEADLINES] + ["cost_per_additional_filing", "cost_per_person_trained"]
    for row in summary.sort_values(
        "indicator", key=lambda s: s.map({n: i for i, n in enumerate(names)})
    ).itertuples():
        lines.append(
            f"| {row.strategy} | {row.label} | {_fmt(row.mean)} | {_fmt(row.p05)} to "
            f"{_fmt(row.p95)} | {_fmt(row.diff_mean)} ({_fmt(row.diff_ci_low)} to "
            f"{_fmt(row.diff_ci_high)}) |"
        )
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _groups(metrics: pd.DataFrame) -> set[str]:
    """Entities that are not countries (regions, income groups, WORLD)."""
    from ipsim.spec import INCOME_GROUPS, REGIONS

    return {WORLD, *REGIONS, *INCOME_GROUPS} & set(np.unique(metrics["entity"]))
