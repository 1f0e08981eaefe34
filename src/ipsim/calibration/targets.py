"""The statistics a backcast is judged on, computed alike for data and simulation.

Published values for the same years (data README): Gini of resident patent filings
across reporting countries about 0.93; top-five share 0.85 to 0.87; elasticity of ln
filings per million to ln GDP per capita about 1.1 (r about 0.72); growth 2000 -> 2010
by income group: world x1.41, high x1.07, upper middle x5.7, lower middle x2.5.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ipsim import metrics
from ipsim.spec import INCOME_GROUPS


@dataclass(frozen=True)
class Statistics:
    """Cross-country statistics of resident patent filings in one year.

    Attributes:
        gini: Gini coefficient across countries.
        top5: Share of the five largest countries.
        elasticity: Slope of ln filings per million on ln GDP per capita.
        correlation: Correlation of the same.
        growth: Ratio of filings to the base year's, by income group name and "World".
    """

    gini: float
    top5: float
    elasticity: float
    correlation: float
    growth: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        """Plain values, for tables and JSON."""
        return asdict(self)


def elasticity(
    filings: np.ndarray, population: np.ndarray, gdp_per_capita: np.ndarray
) -> tuple[float, float]:
    """Slope and correlation of ln filings per million on ln GDP per capita (filings > 0)."""
    ok = (filings > 0) & (gdp_per_capita > 0) & (population > 0)
    if ok.sum() < 3:
        return float("nan"), float("nan")
    x = np.log(gdp_per_capita[ok])
    y = np.log(filings[ok] / population[ok] * 1e6)
    slope = float(np.polyfit(x, y, 1)[0])
    return slope, float(np.corrcoef(x, y)[0, 1])


def statistics(
    filings: np.ndarray,
    base: np.ndarray,
    population: np.ndarray,
    gdp_per_capita: np.ndarray,
    income: np.ndarray,
) -> Statistics:
    """Statistics of one year's filings on a panel of countries.

    Args:
        filings: Resident filings of each country in the year.
        base: The same countries' filings in the base year (for growth).
        population: Population in the year.
        gdp_per_capita: GDP per capita in the year (current USD, as WDI reports it).
        income: Income-group index of each country.

    Returns:
        The statistics.
    """
    filings = np.asarray(filings, dtype=float)
    slope, corr = elasticity(filings, population, gdp_per_capita)
    growth = {}
    for g, name in enumerate(INCOME_GROUPS):
        members = income == g
        total = base[members].sum()
        growth[name] = float(filings[members].sum() / total) if total > 0 else float("nan")
    growth["World"] = float(filings.sum() / base.sum())
    return Statistics(
        gini=float(metrics.gini(filings)),
        top5=float(metrics.top_share(filings)),
        elasticity=slope,
        correlation=corr,
        growth=growth,
    )
