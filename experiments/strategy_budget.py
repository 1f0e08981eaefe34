"""Strategy against budget: every strategy at five budget levels, with replicates.

For each strategy and budget, the programme's effect against no programme on the
same world and the same random numbers (common random numbers): extra resident patent
filings over the horizon, and the fall in the Gini index of filings per capita across
countries. The cost-effectiveness frontier joins the (spending, effect) points that
no cheaper point beats.

    python experiments/strategy_budget.py [--replicates 3] [--workers 2]

Writes results/strategy_budget/: effects.csv (one row per strategy and budget),
frontier.csv, strategy_budget.png, and the sweep's store (resumable).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import ipsim

BUDGETS_MUSD = [37.5, 75.0, 150.0, 300.0, 600.0]
OUTCOMES = {
    "filings_gain": "Extra resident patent filings over the horizon",
    "gini_fall": "Fall in the Gini of filings per capita (final year)",
}


def effects(runs: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Per run: money spent and the effects against 'none' at the same point and replicate."""
    world = metrics[metrics["entity"] == "WORLD"]
    final = world[world["step"] == world["step"].max()].pivot_table(
        index="run_id", columns="indicator", values="value"
    )
    filings = world[(world["indicator"] == "patent_filings_resident") & (world["step"] > 0)]
    per_run = runs.set_index("run_id")[
        ["point", "strategy", "replicate", "programme.budget.total_musd"]
    ].join(
        pd.DataFrame(
            {
                "filings": filings.groupby("run_id")["value"].sum(),
                "gini": final["gini_filings_per_capita"],
                "spend_musd": final["spend_usd"] / 1e6,
            }
        )
    )
    ref = per_run[per_run["strategy"] == "none"][["point", "replicate", "filings", "gini"]]
    out = (
        per_run[per_run["strategy"] != "none"]
        .reset_index()
        .merge(ref, on=["point", "replicate"], suffixes=("", "_none"))
    )
    out["filings_gain"] = out["filings"] - out["filings_none"]
    out["gini_fall"] = out["gini_none"] - out["gini"]
    return out


def summarise(per_run: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5-95% range across replicates, per strategy and budget."""
    grouped = per_run.groupby(["strategy", "programme.budget.total_musd"], sort=False)
    table = grouped[["spend_musd", *OUTCOMES]].mean()
    for outcome in OUTCOMES:
        table[f"{outcome}_lo"] = grouped[outcome].quantile(0.05)
        table[f"{outcome}_hi"] = grouped[outcome].quantile(0.95)
    table["filings_per_musd"] = table["filings_gain"] / table["spend_musd"]
    return table.reset_index().rename(columns={"programme.budget.total_musd": "budget_musd"})


def frontier(table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Points no cheaper point beats: the cost-effectiveness frontier of one outcome."""
    rows = table.sort_values(["spend_musd", outcome], ascending=[True, False])
    best = -np.inf
    keep = []
    for index, row in rows.iterrows():
        if row[outcome] > best:
            keep.append(index)
            best = row[outcome]
    return rows.loc[keep, ["strategy", "budget_musd", "spend_musd", outcome]].assign(
        outcome=outcome
    )


def figure(table: pd.DataFrame, fronts: dict[str, pd.DataFrame]) -> Figure:
    """Effect against money spent, a line per strategy, the frontier dashed."""
    fig = Figure(figsize=(12, 4.8), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, outcome in zip(axes, OUTCOMES, strict=True):
        for strategy, part in table.groupby("strategy", sort=False):
            ax.errorbar(
                part["spend_musd"],
                part[outcome],
                yerr=[part[outcome] - part[f"{outcome}_lo"], part[f"{outcome}_hi"] - part[outcome]],
                marker="o",
                ms=4,
                capsize=2,
                label=strategy,
            )
        front = fronts[outcome]
        ax.plot(front["spend_musd"], front[outcome], "k--", lw=1.2, label="frontier")
        ax.set_xscale("log")
        ax.set_xticks([20, 50, 100, 200, 500], ["20", "50", "100", "200", "500"])
        ax.minorticks_off()
        ax.set_xlabel("Programme money spent (USD million, log scale)")
        ax.set_title(OUTCOMES[outcome], fontsize=10)
        ax.axhline(0, color="0.6", lw=0.8)
    axes[0].legend(fontsize=7)
    fig.suptitle("Strategy against budget: effect against no programme (mean, 5-95% range)")
    return fig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("results/strategy_budget"))
    args = parser.parse_args()
    base = ipsim.load_scenario("default")
    strategies = ["none", *[s for s in base.strategies if s != "none"]]
    result = ipsim.sweep(
        base,
        {"programme.budget.total_musd": BUDGETS_MUSD},
        replicates=args.replicates,
        strategies=strategies,
        workers=args.workers,
        store=args.out / "store",
        entities=["WORLD"],
    )
    if result.failed.shape[0]:
        print(f"{len(result.failed)} runs failed; first: {result.failed['error'].iloc[0]}")
    table = summarise(effects(result.runs, result.metrics))
    fronts = {outcome: frontier(table, outcome) for outcome in OUTCOMES}
    table.to_csv(args.out / "effects.csv", index=False)
    pd.concat(fronts.values()).to_csv(args.out / "frontier.csv", index=False)
    figure(table, fronts).savefig(args.out / "strategy_budget.png", dpi=120)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(
            table[
                [
                    "strategy",
                    "budget_musd",
                    "spend_musd",
                    "filings_gain",
                    "gini_fall",
                    "filings_per_musd",
                ]
            ]
            .round(4)
            .to_string(index=False)
        )
        for outcome, front in fronts.items():
            print(f"\nfrontier of {outcome}:\n{front.round(4).to_string(index=False)}")
    print(f"\nresults in {args.out}/")


if __name__ == "__main__":
    main()
