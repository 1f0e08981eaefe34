"""The calibration report: simulated against observed, by country and in aggregate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipsim.calibration.fit import CalibrationResult, save_params
from ipsim.spec import INCOME_GROUPS


def country_table(
    result: CalibrationResult,
    codes: np.ndarray,
    names: np.ndarray,
    income: np.ndarray,
    observed: dict[int, np.ndarray],
) -> pd.DataFrame:
    """One row per country and reported year: observed, simulated and their log ratio.

    Simulated filings are the model's expected filings times the profiled level factor.
    """
    if result.backcast is None:
        raise ValueError("the calibration result holds no backcast")
    rows: list[dict[str, Any]] = []
    for year in result.fit.simulated:
        sim = result.backcast.at(year) * result.fit.scale
        obs = observed[year]
        sim0 = result.backcast.at(result.start_year) * result.fit.scale
        obs0 = observed[result.start_year]
        for i, code in enumerate(codes):
            both = obs[i] > 0 and obs0[i] > 0
            rows.append(
                {
                    "year": year,
                    "code": code,
                    "name": names[i],
                    "income_group": INCOME_GROUPS[income[i]],
                    "observed": obs[i],
                    "simulated": sim[i],
                    "log_ratio": np.log(sim[i] / obs[i]) if obs[i] > 0 else np.nan,
                    "observed_log_growth": np.log(obs[i] / obs0[i]) if both else np.nan,
                    "simulated_log_growth": np.log(sim[i] / sim0[i]) if both else np.nan,
                    "fitted": year in result.fit_years,
                }
            )
    return pd.DataFrame(rows)


def aggregate_table(result: CalibrationResult) -> pd.DataFrame:
    """One row per year and statistic: observed and simulated."""
    rows = []
    for year, sim in result.fit.simulated.items():
        obs = result.fit.observed[year]
        for name in ("gini", "top5", "elasticity", "correlation"):
            rows.append(
                {
                    "year": year,
                    "statistic": name,
                    "observed": getattr(obs, name),
                    "simulated": getattr(sim, name),
                }
            )
        for group, value in sim.growth.items():
            rows.append(
                {
                    "year": year,
                    "statistic": f"growth: {group}",
                    "observed": obs.growth[group],
                    "simulated": value,
                }
            )
    table = pd.DataFrame(rows)
    table["role"] = np.where(
        table["year"] == result.start_year,
        "start",
        np.where(table["year"].isin(result.fit_years), "fitted", "out of sample"),
    )
    return table


def figure(countries: pd.DataFrame, aggregates: pd.DataFrame) -> Any:
    """Scatter of simulated against observed filings by year, and growth by group."""
    import matplotlib.pyplot as plt

    years = sorted(countries["year"].unique())
    fig, axes = plt.subplots(1, len(years) + 1, figsize=(4.2 * (len(years) + 1), 4.2))
    for ax, year in zip(axes, years, strict=False):
        part = countries[(countries["year"] == year) & (countries["observed"] > 0)]
        ax.loglog(part["observed"], part["simulated"], "o", ms=3, alpha=0.6)
        lo = max(0.5, float(min(part["observed"].min(), part["simulated"].min())))
        hi = float(max(part["observed"].max(), part["simulated"].max())) * 1.5
        ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
        rmse = float(np.sqrt(np.nanmean(part["log_ratio"] ** 2)))
        role = (
            "fitted" if part["fitted"].any() else ("start" if year == years[0] else "out of sample")
        )
        ax.set_title(f"{year} ({role}): RMS log error {rmse:.2f}")
        ax.set_xlabel("observed resident filings")
        ax.set_ylabel("simulated")
    growth = aggregates[
        aggregates["statistic"].str.startswith("growth") & (aggregates["year"] == years[-1])
    ]
    ax = axes[-1]
    labels = [s.removeprefix("growth: ").replace(" income", "") for s in growth["statistic"]]
    x = np.arange(len(labels))
    ax.bar(x - 0.2, growth["observed"], 0.4, label="observed")
    ax.bar(x + 0.2, growth["simulated"], 0.4, label="simulated")
    ax.set_yscale("log")
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.set_title(f"growth {years[0]} -> {years[-1]}")
    ax.legend()
    fig.tight_layout()
    return fig


def _markdown(result: CalibrationResult, countries: pd.DataFrame, aggregates: pd.DataFrame) -> str:
    lines = [
        "# Calibration report",
        "",
        f"Data: {result.folder}; start year {result.start_year}; fitted years "
        f"{', '.join(map(str, result.fit_years))}; "
        + (
            f"{result.trials} trials (Optuna study '{result.study}')."
            if result.trials
            else "the current defaults, not fitted here."
        ),
        "",
        "## Parameters",
        "",
        "| parameter | value |",
        "|---|---|",
        *[f"| dynamics.{k} | {v:.4g} |" for k, v in result.params.items()],
        f"| level factor on kinds.PATENT_RATE | {result.fit.scale:.4g} |",
        "",
        f"Objective (fitted years): {result.fit.loss:.3f}",
        "",
        "## Aggregates",
        "",
        "| year | role | statistic | observed | simulated |",
        "|---|---|---|---|---|",
        *[
            f"| {r.year} | {r.role} | {r.statistic} | {r.observed:.3f} | {r.simulated:.3f} |"
            for r in aggregates.itertuples()
        ],
        "",
        "## Countries (log error)",
        "",
        "Level: log of simulated over observed filings. Growth since the start year: "
        "error of the log growth, against the no-change forecast (growth 1 everywhere) "
        "and a common-growth forecast (every country at the panel's mean log growth).",
        "",
        "| year | countries | RMS level error | median abs level error | RMS growth error "
        "| no-change forecast | common-growth forecast |",
        "|---|---|---|---|---|---|---|",
    ]
    start = result.start_year
    for year, part in countries.dropna(subset=["log_ratio"]).groupby("year"):
        err = part["log_ratio"]
        grown = part.dropna(subset=["observed_log_growth"])
        g_err = grown["simulated_log_growth"] - grown["observed_log_growth"]
        obs_g = grown["observed_log_growth"]
        growth = (
            ("-", "-", "-")
            if year == start
            else (
                f"{np.sqrt((g_err**2).mean()):.3f}",
                f"{np.sqrt((obs_g**2).mean()):.3f}",
                f"{obs_g.std(ddof=0):.3f}",
            )
        )
        lines.append(
            f"| {year} | {len(part)} | {np.sqrt((err**2).mean()):.3f} | "
            f"{err.abs().median():.3f} | {growth[0]} | {growth[1]} | {growth[2]} |"
        )
    last = countries[countries["year"] == countries["year"].max()].dropna(subset=["log_ratio"])
    worst = last.reindex(last["log_ratio"].abs().sort_values(ascending=False).index)[:15]
    lines += [
        "",
        f"Largest errors in {countries['year'].max()}:",
        "",
        "| country | income group | observed | simulated | log ratio |",
        "|---|---|---|---|---|",
        *[
            f"| {r.name} ({r.code}) | {r.income_group} | {r.observed:.0f} | "
            f"{r.simulated:.0f} | {r.log_ratio:+.2f} |"
            for r in worst.itertuples()
        ],
        "",
        "Figure: calibration.png",
        "",
    ]
    return "\n".join(lines)


def write_report(
    result: CalibrationResult, out: Path | str, figure_copy: Path | str | None = None
) -> Path:
    """Write params.json, countries.csv, aggregates.csv, calibration.png and report.md.

    Args:
        result: The calibration (with its backcast and source).
        out: Folder of the report.
        figure_copy: Also save the figure there (e.g. docs/figures/calibration.png).

    Returns:
        The path of report.md.
    """
    import matplotlib.pyplot as plt

    backcast = result.source
    if backcast is None or result.backcast is None:
        raise ValueError("the calibration result holds no backcast to report")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = backcast.world
    observed = {
        int(y): backcast.data.panel("patents_resident", world.codes, int(y))
        for y in result.fit.simulated
    }
    countries = country_table(result, world.codes, world.names, world.income, observed)
    aggregates = aggregate_table(result)
    countries.to_csv(out / "countries.csv", index=False)
    aggregates.to_csv(out / "aggregates.csv", index=False)
    save_params(result, out / "params.json")
    fig = figure(countries, aggregates)
    fig.savefig(out / "calibration.png", dpi=110)
    if figure_copy is not None:
        Path(figure_copy).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(figure_copy, dpi=110)
    plt.close(fig)
    path = out / "report.md"
    path.write_text(_markdown(result, countries, aggregates))
    return path
