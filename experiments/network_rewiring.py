"""The network pattern of Cowan and Jonard (2004): mean expertise against rewiring.

Cowan and Jonard found that when knowledge is exchanged by barter (two partners trade
only if each is ahead in some field, and both gain), long-run mean knowledge is highest
on small worlds: a ring lattice trades slowly, and a random graph makes partners alike
so that trading stops early. This experiment runs their setting with ipsim's network and
learning code (``experiments/cowan_jonard.yaml``: six countries, each a ring of 500
stakeholder agents with 10 partners, every link rewired with probability
``world.network.rewiring``; expertise the mean of 10 fields, each drawn uniform on
[0, 1]; ``partner_learning: barter`` with alpha 0.5; no forgetting, no programme; 100
years, by which time no pair can trade) over generated worlds (``world.seed``; the same
worlds at every rewiring level, so differences are paired). It then changes one thing
at a time: barter starting from the synthetic world's expertise (which differs by kind
of organisation and by country; fields spread around it), and ipsim's default one-way
rule (``spillover``) from the world's expertise.

The measure is Cowan and Jonard's: the mean over agents of their mean knowledge. ipsim's
indicator ``stakeholder_expertise`` weighs each agent by the organisations it stands for,
which adds noise from the spread of group sizes; it is reported too.

What it shows (16 worlds, 432 runs, 7.5 minutes on 2 cores): in Cowan and Jonard's
setting **mean expertise peaks at intermediate rewiring**: 0.98880 on the lattice,
0.99067 at rewiring 0.2, 0.98857 on the random graph; the peak is 0.0021 above the random
graph (95% CI 0.0015 to 0.0027, paired over worlds) and 0.0019 above the lattice. The
effect is small (0.2%), as in a standalone reimplementation of the paper's model (0.2 to
0.3% at alpha 0.5), because every agent ends close to the best value of each field; it is
clear only in paired comparisons. Starting from the synthetic world's expertise, which
differs by kind of organisation and country, barter rises from 0.513 (lattice) to a
plateau from rewiring 0.3 (0.5 is 0.0008 above the random graph, CI -0.0014 to +0.0030):
no peak. One-way ``spillover`` from the world's start, still moving after 100 years,
rises the same way and ends 0.001 higher at rewiring 0.5 than on the random graph (CI
+0.0001 to +0.0020). The peak needs trades between one pair at a time, a double
coincidence of wants and partners alike enough to have one; in the standalone
reimplementation it is also lost with forgetting, with alpha at or below 0.2 or at 0.9,
and with updates that average over all partners at once.

    python experiments/network_rewiring.py [--worlds 16] [--workers 2]

Writes results/network_rewiring/: runs.csv (one row per run, appended as runs finish:
run the script again after an interruption and only missing runs are made),
expertise_by_rewiring.csv, paired_differences.csv and network_rewiring.png.
"""

from __future__ import annotations

import argparse
import itertools
from concurrent.futures import as_completed
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

import ipsim
from ipsim.runner import local_executor
from ipsim.sweeps.overrides import apply_overrides

HERE = Path(__file__).resolve().parent
BASE = HERE / "cowan_jonard.yaml"
REWIRING = [0.0, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0]
RULES = {
    "barter_uniform": ("barter", "uniform"),  # Cowan and Jonard's setting
    "barter_world": ("barter", "world"),
    "spillover_world": ("spillover", "world"),
}
"""Rule label -> (dynamics.partner_learning, dynamics.knowledge_start)."""
LABELS = {
    "barter_uniform": "barter, uniform start (Cowan and Jonard)",
    "barter_world": "barter, the world's start",
    "spillover_world": "spillover, the world's start",
}
KEYS = ["rule", "rewiring", "world"]
MEASURES = {
    "agent_mean": "mean over agents (Cowan and Jonard's measure)",
    "org_mean": "mean over organisations (ipsim's stakeholder_expertise)",
}


def run(rule: str, rewiring: float, world: int) -> dict:
    """One run of the Cowan-Jonard scenario under ``rule``; final mean expertise two ways."""
    learning, start = RULES[rule]
    spec = apply_overrides(
        ipsim.load_scenario(BASE),
        {
            "dynamics.partner_learning": learning,
            "dynamics.knowledge_start": start,
            "world.network.rewiring": rewiring,
            "world.seed": world,
        },
    )
    model = ipsim.IPModel(spec)
    start = model.stakeholder_expertise.mean()
    model.run()
    expertise = model.stakeholder_expertise
    net = model.network
    peers = (net.u >= model.n_countries) & (net.v >= model.n_countries)
    tradeable = (
        model.knowledge.tradeable_links(model.expertise, net.u[peers], net.v[peers])
        if model.knowledge is not None
        else np.nan
    )
    return {
        "rule": rule,
        "rewiring": rewiring,
        "world": world,
        "agent_mean_start": start,
        "agent_mean": expertise.mean(),
        "org_mean": np.average(expertise, weights=model.stakeholders.size),
        "tradeable_links_at_end": tradeable,
    }


def run_all(worlds: int, workers: int | None, path: Path) -> pd.DataFrame:
    """Every (rule, rewiring, world), skipping those already in ``path``."""
    done = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=KEYS)
    have = set(done[KEYS].itertuples(index=False, name=None))
    todo = [
        task
        for task in itertools.product(RULES, REWIRING, range(1, worlds + 1))
        if task not in have
    ]
    print(f"{len(todo)} runs to make ({len(have)} already in {path})", flush=True)
    with local_executor(workers) as pool:
        futures = [pool.submit(run, *task) for task in todo]
        for count, future in enumerate(as_completed(futures), 1):
            row = pd.DataFrame([future.result()])
            row.to_csv(path, mode="a", header=not path.exists(), index=False)
            if count % 20 == 0 or count == len(todo):
                print(f"  {count}/{len(todo)}", flush=True)
    table = pd.read_csv(path)
    keep = table["world"] <= worlds
    return table[keep].drop_duplicates(KEYS).sort_values(KEYS).reset_index(drop=True)


def by_rewiring(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over worlds of each measure, per rule and rewiring."""
    grouped = runs.groupby(KEYS[:2])[list(MEASURES)]
    out = grouped.mean().join(grouped.std().add_suffix("_sd"))
    out["worlds"] = runs.groupby(KEYS[:2]).size()
    return out.reset_index()


def paired_differences(runs: pd.DataFrame, measure: str, against: float) -> pd.DataFrame:
    """Each level minus ``against`` in the same world: mean and 95% t-interval."""
    wide = runs.pivot_table(index=["rule", "world"], columns="rewiring", values=measure)
    rows = []
    for rule, part in wide.groupby(level=0):
        for level in part.columns:
            diff = (part[level] - part[against]).dropna()
            n = len(diff)
            sd = diff.std()
            half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
            rows.append(
                {
                    "measure": measure,
                    "rule": rule,
                    "rewiring": level,
                    "against": against,
                    "difference": diff.mean(),
                    "ci_low": diff.mean() - half,
                    "ci_high": diff.mean() + half,
                    "t": diff.mean() / (sd / np.sqrt(n)) if n > 1 and sd > 0 else np.nan,
                    "worlds": n,
                }
            )
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, diffs: pd.DataFrame) -> Figure:
    """Mean expertise against rewiring, and each rule's paired difference from random."""
    fig = Figure(figsize=(13, 4.4), layout="constrained")
    axes = fig.subplots(1, 3)

    def x(values: pd.Series) -> pd.Series:
        return values.where(values > 0, 1e-3)  # 0 drawn at the left edge

    for ax, rules in (
        (axes[0], ["barter_uniform"]),
        (axes[2], ["barter_world", "spillover_world"]),
    ):
        for rule in rules:
            part = table[table["rule"] == rule]
            ax.errorbar(
                x(part["rewiring"]),
                part["agent_mean"],
                yerr=part["agent_mean_sd"],
                marker="o",
                capsize=2,
                label=LABELS[rule],
                color=f"C{list(RULES).index(rule)}",
            )
        ax.legend(fontsize=8)
    axes[0].set_title("Cowan and Jonard's setting: mean expertise at the end", fontsize=10)
    axes[2].set_title("from the world's expertise: mean expertise at the end", fontsize=10)
    for offset, rule in enumerate(RULES):
        part = diffs[
            (diffs["rule"] == rule)
            & (diffs["measure"] == "agent_mean")
            & (diffs["against"] == 1.0)
            & (diffs["rewiring"] >= 0.03)
        ]
        axes[1].errorbar(
            part["rewiring"] * (1 + 0.06 * (offset - 1)),  # side by side
            part["difference"],
            yerr=[part["difference"] - part["ci_low"], part["ci_high"] - part["difference"]],
            marker="o",
            capsize=3,
            label=LABELS[rule],
            color=f"C{offset}",
        )
    axes[1].axhline(0.0, color="grey", lw=0.8)
    axes[1].set_ylim(-0.006, 0.004)  # the lattice end falls far below: off the scale
    axes[1].set_title("minus the random graph, same world (95% CI)", fontsize=10)
    axes[1].legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("rewiring probability (0 drawn at 0.001)")
    axes[1].set_xlabel("rewiring probability")
    fig.suptitle(
        "Cowan and Jonard (2004) in ipsim: mean expertise of 6 x 500 agents "
        "(sd over generated worlds) against small-world rewiring"
    )
    return fig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=16, help="generated worlds per level")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("results/network_rewiring"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = run_all(args.worlds, args.workers, args.out / "runs.csv")
    table = by_rewiring(runs)
    diffs = pd.concat(
        [
            paired_differences(runs, measure, against)
            for measure in MEASURES
            for against in (1.0, 0.0)
        ]
    )
    table.to_csv(args.out / "expertise_by_rewiring.csv", index=False)
    diffs.to_csv(args.out / "paired_differences.csv", index=False)
    figure(table, diffs).savefig(args.out / "network_rewiring.png", dpi=120)
    print(table.round(5).to_string(index=False))
    barter = runs["rule"].str.startswith("barter")
    stopped = runs.loc[barter, "tradeable_links_at_end"].eq(0).mean()
    print(f"\nbarter runs in which no pair could trade at the end: {stopped:.0%}")
    for rule, (measure, label) in itertools.product(RULES, MEASURES.items()):
        part = diffs[
            (diffs["rule"] == rule) & (diffs["measure"] == measure) & (diffs["against"] == 1.0)
        ]
        best = part.loc[part["difference"].idxmax()]
        print(
            f"{LABELS[rule]}, {label}: highest at rewiring {best['rewiring']:g}, "
            f"{best['difference']:+.5f} above the random graph (95% CI "
            f"{best['ci_low']:+.5f} to {best['ci_high']:+.5f}, t {best['t']:.1f}, "
            f"{best['worlds']} worlds)"
        )
    print(f"{len(runs)} runs; results in {args.out}/")


if __name__ == "__main__":
    main()
