"""Figures built from the tidy tables (never from model internals).

Each function takes a table and an optional matplotlib ``ax`` and returns the figure.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ipsim.recorder import WORLD

LABELS = {
    "patent_filings_resident": "Resident patent filings",
    "patent_filings_nonresident": "Non-resident patent filings",
    "trademark_filings": "Trademark filings",
    "stakeholder_expertise": "Organisations' mean expertise",
    "office_expertise": "Examiners' mean expertise",
    "awareness": "Share of organisations aware of IP",
    "legal_maturity": "Legal-framework maturity",
    "people_trained": "People trained (cumulative)",
    "reforms_enacted": "Reforms enacted (cumulative)",
    "pendency_years": "Pendency (years)",
    "gini_filings_per_capita": "Gini, filings per capita",
    "theil_filings_per_capita": "Theil, filings per capita",
    "theil_between_region": "Theil, between regions",
    "theil_within_region": "Theil, within regions",
    "top5_share_filings": "Top-5 share of filings",
    "gini_expertise": "Gini, expertise",
    "spend_usd": "Money spent (USD, cumulative)",
}


def _axes(ax: Axes | None, size: tuple[float, float] = (7, 4)) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        return fig, ax
    return ax.figure, ax  # type: ignore[return-value]


def plot_indicator(
    metrics: pd.DataFrame,
    indicator: str,
    entity: str = WORLD,
    ax: Axes | None = None,
    band: float = 0.9,
) -> Figure:
    """One indicator over time: a line per strategy (mean) and a band across replicates.

    Args:
        metrics: Tidy metrics table.
        indicator: Indicator name.
        entity: Country code, region, income group or ``WORLD``.
        ax: Axes to draw on (default: a new figure).
        band: Width of the band (0.9: from the 5th to the 95th percentile).
    """
    fig, ax = _axes(ax)
    rows = metrics[(metrics["indicator"] == indicator) & (metrics["entity"] == entity)]
    lo_q, hi_q = (1 - band) / 2, 1 - (1 - band) / 2
    for strategy in dict.fromkeys(rows["strategy"]):
        own = rows[rows["strategy"] == strategy].groupby("year")["value"]
        mean = own.mean()
        (line,) = ax.plot(mean.index, mean.to_numpy(), label=strategy, lw=1.6)
        if own.size().max() > 1:
            ax.fill_between(
                mean.index,
                own.quantile(lo_q).to_numpy(),
                own.quantile(hi_q).to_numpy(),
                color=line.get_color(),
                alpha=0.15,
                lw=0,
            )
    ax.set_title(
        LABELS.get(indicator, indicator) + ("" if entity == WORLD else f" ({entity})"), fontsize=10
    )
    ax.set_xlabel("year")
    ax.grid(alpha=0.3)
    return fig


def plot_indicators(
    metrics: pd.DataFrame, indicators: list[str], entity: str = WORLD, ncols: int = 2
) -> Figure:
    """Several indicators over time, one panel each, with one shared legend."""
    nrows = int(np.ceil(len(indicators) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5.2 * ncols, 3.2 * nrows), layout="constrained", squeeze=False
    )
    for ax, indicator in zip(axes.flat, indicators, strict=False):
        plot_indicator(metrics, indicator, entity, ax=ax)
    for ax in list(axes.flat)[len(indicators) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 4),
        fontsize=8,
        frameon=False,
    )
    return fig


def plot_cost_effectiveness(summary: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Outcome gained against money spent: one point per strategy, with 95% intervals.

    Args:
        summary: The summary table (see :func:`ipsim.summary.summarise`).
        ax: Axes to draw on.
    """
    fig, ax = _axes(ax, (6.5, 4.5))
    gain = summary[summary["indicator"] == "cumulative_resident_filings"].set_index("strategy")
    spend = summary[summary["indicator"] == "spend_usd"].set_index("strategy")
    for strategy in gain.index:
        x = spend.loc[strategy, "mean"] / 1e6
        y = gain.loc[strategy, "diff_mean"]
        if np.isnan(y):
            y = 0.0
        low, high = gain.loc[strategy, "diff_ci_low"], gain.loc[strategy, "diff_ci_high"]
        err = None if np.isnan(low) else [[y - low], [high - y]]
        ax.errorbar([x], [y], yerr=err, fmt="o", capsize=4, label=strategy)
        ax.annotate(strategy, (x, y), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("money spent over the horizon (million USD)")
    reference = gain["reference"].iloc[0] if len(gain) else "reference"
    ax.set_ylabel(f"additional resident filings vs '{reference}'")
    ax.set_title("Cost-effectiveness (95% CI of the paired difference)", fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def plot_network(
    nodes: pd.DataFrame, links: pd.DataFrame, ax: Axes | None = None, seed: int = 1
) -> Figure:
    """The country-level partnership network, coloured by organisations' expertise.

    Args:
        nodes: Columns ``entity, region, expertise, filings`` (one row per country).
        links: Columns ``source, target, type, weight`` between countries.
        ax: Axes to draw on.
        seed: Seed of the layout.
    """
    fig, ax = _axes(ax, (7.5, 6))
    graph = nx.Graph()
    graph.add_nodes_from(nodes["entity"])
    for row in links.itertuples(index=False):
        graph.add_edge(row.source, row.target, weight=row.weight, type=row.type)
    layout = nx.spring_layout(graph, seed=seed, weight="weight")
    widths = np.asarray([graph.edges[e]["weight"] for e in graph.edges], dtype=float)
    if len(widths):
        widths = 0.3 + 2.0 * widths / widths.max()
    nx.draw_networkx_edges(graph, layout, ax=ax, width=widths, alpha=0.25)
    filings = nodes.set_index("entity")["filings"].reindex(list(graph.nodes)).fillna(0)
    sizes = 30 + 400 * np.sqrt(filings / max(filings.max(), 1))
    colours = nodes.set_index("entity")["expertise"].reindex(list(graph.nodes))
    drawn = nx.draw_networkx_nodes(
        graph,
        layout,
        ax=ax,
        node_size=sizes.to_numpy(),
        node_color=colours.to_numpy(),
        cmap="viridis",
    )
    nx.draw_networkx_labels(graph, layout, ax=ax, font_size=6)
    fig.colorbar(drawn, ax=ax, label="organisations' mean expertise", shrink=0.7)
    ax.set_title("Partnership network between countries (size: filings)", fontsize=10)
    ax.set_axis_off()
    return fig
