"""Indicators over time, read from a model's recorder (one value per step).

The view plots every step of the live run, so it reads the recorder's per-step arrays
(cheap: a few array reductions) rather than building the tidy table, which is made for
the written outputs and takes longer than a step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ipsim.model import IPModel
from ipsim.recorder import INDICATORS_BY_NAME, aggregate

Series = dict[str, np.ndarray]
"""Indicator name -> values, one per recorded step."""


@dataclass(frozen=True)
class Panel:
    """One panel of the indicators figure.

    Attributes:
        indicator: Indicator name (a country indicator or a world-only one).
        title: Title of the panel.
        scale: Factor applied to the values before plotting.
    """

    indicator: str
    title: str
    scale: float = 1.0


PANELS: tuple[Panel, ...] = (
    Panel("patent_filings_resident", "Resident patent filings (per step)"),
    Panel("stakeholder_expertise", "Organisations' mean expertise"),
    Panel("awareness", "Aware of IP (share)"),
    Panel("gini_filings_per_capita", "Gini of filings per capita"),
    Panel("theil_filings_per_capita", "Theil of filings per capita"),
    Panel("spend_usd", "Spent (million USD)", 1e-6),
)
"""The indicators the page plots over time."""

COUNTRY_PANELS: tuple[Panel, ...] = (
    Panel("patent_filings_resident", "Resident filings (per step)"),
    Panel("stakeholder_expertise", "Organisations' expertise"),
    Panel("awareness", "Aware of IP (share)"),
    Panel("office_expertise", "Examiners' expertise"),
    Panel("pendency_years", "Pendency (years)"),
    Panel("spend_usd", "Spent (million USD)", 1e-6),
)
"""The indicators of the country panel."""


def world_series(model: IPModel, names: Sequence[str] | None = None) -> Series:
    """World values of ``names`` (default: the page's panels) at every step so far."""
    names = [p.indicator for p in PANELS] if names is None else list(names)
    recorder = model.recorder
    rows = recorder.rows
    values = {k: v[:rows] for k, v in recorder.values.items()}
    world_only = None
    out: Series = {"step": np.arange(rows)}
    for name in names:
        if name in INDICATORS_BY_NAME:
            out[name] = aggregate(values, name)
        else:
            if world_only is None:
                world_only = recorder.world_indicators()
            out[name] = np.asarray(world_only[name], dtype=float)
    return out


def country_series(model: IPModel, country: int, names: Sequence[str] | None = None) -> Series:
    """Values of one country's indicators (default: the country panel's) at every step."""
    names = [p.indicator for p in COUNTRY_PANELS] if names is None else list(names)
    rows = model.recorder.rows
    out: Series = {"step": np.arange(rows)}
    for name in names:
        out[name] = model.recorder.values[name][:rows, country].copy()
    return out


def compare_strategies(
    model: IPModel,
    strategies: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Series]:
    """Run each strategy once on the live run's world, budget and seed, to the end.

    The runs share the live run's seed, so they share their random draws (common random
    numbers) and differ only through the strategy.

    Args:
        model: The live run (its scenario and seed are used; it is not changed).
        strategies: Strategies to run (default: the scenario's).
        progress: Called with each strategy's name before it runs.

    Returns:
        World series of the page's panels, by strategy.
    """
    spec = model.spec
    strategies = spec.strategies if strategies is None else strategies
    out: dict[str, Series] = {}
    for name in strategies:
        if progress is not None:
            progress(name)
        run = IPModel(spec.with_strategy(name), rng=model.seed, world=model.world).run()
        out[name] = world_series(run)
    return out
