"""Worlds: the countries a model is built on.

A :class:`World` is plain arrays, one entry per country. The embedded synthetic world is
generated from published aggregates (sources in docs/MODEL.md); a world loaded from the
World Bank's WDI files produces the same structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ipsim.spec import INCOME_GROUPS, REGIONS, Dynamics, SyntheticWorld, WDIWorld
from ipsim.streams import Streams

# Approximate number of economies per region and income group (low, lower-middle,
# upper-middle, high), after the World Bank classification for fiscal year 2025.
REGION_INCOME_COUNTS = {
    "East Asia & Pacific": (1, 11, 10, 15),
    "Europe & Central Asia": (0, 4, 16, 38),
    "Latin America & Caribbean": (1, 4, 18, 19),
    "Middle East & North Africa": (2, 7, 5, 7),
    "North America": (0, 0, 0, 3),
    "South Asia": (1, 5, 2, 0),
    "Sub-Saharan Africa": (22, 19, 6, 1),
}

# GNI per capita thresholds of the income groups, USD (World Bank, FY2025).
INCOME_BOUNDS_USD = ((300.0, 1145.0), (1146.0, 4515.0), (4516.0, 14005.0), (14006.0, 90000.0))

# Internet use by income group: 27% low, 93% high (ITU Facts and Figures 2024); the
# middle groups are set between them (assumption).
INTERNET_SHARE = (0.27, 0.52, 0.80, 0.93)

# Legal-framework maturity, office expertise, IP awareness and pendency by income group
# (assumptions to be calibrated; see docs/MODEL.md).
LEGAL_MATURITY = (0.30, 0.45, 0.60, 0.85)
OFFICE_EXPERTISE = (0.30, 0.40, 0.55, 0.75)
AWARENESS = (0.10, 0.20, 0.35, 0.60)
EXPERTISE_INCOME_FACTOR = (0.55, 0.65, 0.80, 1.00)
PENDENCY_YEARS = (4.0, 3.5, 3.0, 2.0)

# Spread (log-sd) of countries' unexplained filing propensity: across countries,
# ln filings per capita against ln GDP per capita has r of about 0.72 (WDI, 2005 and
# 2010), far from the near-perfect fit income alone would give.
PROPENSITY_LOG_SD = 1.5

REGION_LETTERS = {
    "East Asia & Pacific": "A",
    "Europe & Central Asia": "E",
    "Latin America & Caribbean": "L",
    "Middle East & North Africa": "M",
    "North America": "N",
    "South Asia": "S",
    "Sub-Saharan Africa": "F",
}


@dataclass(frozen=True)
class World:
    """Countries at the start year, as arrays indexed by country.

    Attributes:
        codes: Three-letter country codes.
        names: Country names.
        region: Index into :data:`~ipsim.spec.REGIONS`.
        income: Index into :data:`~ipsim.spec.INCOME_GROUPS`.
        population: People.
        gdp_per_capita: USD per person per year.
        internet: Share of people using the internet, in [0, 1].
        legal_maturity: Legal-framework maturity in [0, 1].
        office_expertise: Mean expertise of the office's examiners, in [0, 1].
        awareness: Share of organisations aware of IP, in [0, 1].
        pendency_years: Patent pendency at the start.
        expertise_factor: Scale of stakeholders' initial expertise, in (0, 1].
        rd_intensity: R&D spending as a share of GDP, or NaN to derive it from income.
        filing_propensity: Country factor on resident patent filings that the model's
            covariates do not explain (industrial structure, patenting culture); ``None``
            means 1 everywhere.
        imputed: Indicator name -> boolean array, true where the value was not reported
            in the start year and was imputed (real worlds; empty for synthetic ones).
        observed: Indicator name -> reported (or filled-in) value in the start year,
            NaN where unknown, e.g. ``patents_resident`` (real worlds; empty otherwise).
    """

    codes: np.ndarray
    names: np.ndarray
    region: np.ndarray
    income: np.ndarray
    population: np.ndarray
    gdp_per_capita: np.ndarray
    internet: np.ndarray
    legal_maturity: np.ndarray
    office_expertise: np.ndarray
    awareness: np.ndarray
    pendency_years: np.ndarray
    expertise_factor: np.ndarray
    rd_intensity: np.ndarray
    filing_propensity: np.ndarray | None = None
    imputed: dict[str, np.ndarray] = field(default_factory=dict)
    observed: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of countries."""
        return len(self.codes)

    def region_names(self) -> np.ndarray:
        """Region name of each country."""
        return np.array(REGIONS, dtype=object)[self.region]

    def income_names(self) -> np.ndarray:
        """Income-group name of each country."""
        return np.array(INCOME_GROUPS, dtype=object)[self.income]


def _apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` summing to ``total`` (largest remainder)."""
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(np.int64)
    for i in np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return counts


def _beta_around(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    mean = np.clip(mean, 0.02, 0.98)
    return rng.beta(mean * concentration, (1 - mean) * concentration)


def synthetic_world(spec: SyntheticWorld) -> World:
    """Generate the embedded synthetic world.

    Countries are apportioned to region and income cells in proportion to the real
    number of economies; attributes are drawn around the published aggregates of their
    income group. The world depends only on ``spec`` (its own seed), never on a run's.

    Args:
        spec: The world's knobs.

    Returns:
        The world at the start year.
    """
    streams = Streams(spec.seed)
    rng = streams.generator("world.countries")
    cells = [
        (r, g)
        for r, region in enumerate(REGIONS)
        for g in range(4)
        if REGION_INCOME_COUNTS[region][g] > 0
    ]
    weights = np.array([REGION_INCOME_COUNTS[REGIONS[r]][g] for r, g in cells], dtype=float)
    counts = _apportion(weights, spec.n_countries)
    region = np.repeat([r for r, _ in cells], counts).astype(np.int64)
    income = np.repeat([g for _, g in cells], counts).astype(np.int64)
    n = spec.n_countries

    lo = np.array([INCOME_BOUNDS_USD[g][0] for g in income])
    hi = np.array([INCOME_BOUNDS_USD[g][1] for g in income])
    gdp = np.exp(rng.uniform(np.log(lo), np.log(hi)))
    population = np.clip(np.exp(rng.normal(np.log(8e6), 1.6, n)), 5e4, 1.4e9)
    take = np.asarray
    internet = np.clip(take(INTERNET_SHARE)[income] + rng.normal(0, 0.06, n), 0.02, 0.99)
    legal = _beta_around(rng, take(LEGAL_MATURITY)[income], 20)
    office = _beta_around(rng, take(OFFICE_EXPERTISE)[income], 25)
    awareness = _beta_around(rng, take(AWARENESS)[income], 20)
    pendency = take(PENDENCY_YEARS)[income] * np.exp(rng.normal(0, 0.2, n))
    factor = take(EXPERTISE_INCOME_FACTOR)[income] * np.exp(rng.normal(0, 0.08, n))

    codes, names, used = [], [], {}
    for r, g in zip(region, income, strict=True):
        letter = REGION_LETTERS[REGIONS[r]]
        k = used.get(letter, 0)
        used[letter] = k + 1
        codes.append(letter + chr(65 + k // 26) + chr(65 + k % 26))
        names.append(f"{REGIONS[r]} {k + 1} ({INCOME_GROUPS[g].lower()})")
    return World(
        codes=np.array(codes),
        names=np.array(names),
        region=region,
        income=income,
        population=population,
        gdp_per_capita=gdp,
        internet=internet,
        legal_maturity=legal,
        office_expertise=office,
        awareness=awareness,
        pendency_years=pendency,
        expertise_factor=np.clip(factor, 0.1, 1.0),
        rd_intensity=np.full(n, np.nan),
        filing_propensity=np.exp(rng.normal(0.0, PROPENSITY_LOG_SD, n)),
    )


def build_world(spec: SyntheticWorld | WDIWorld, dynamics: Dynamics | None = None) -> World:
    """The world a scenario describes: synthetic, or loaded from WDI files.

    Args:
        spec: The scenario's world.
        dynamics: The scenario's mechanism parameters (a real world's filing propensity
            is read with them); default: the schema's defaults.
    """
    if isinstance(spec, WDIWorld):
        from ipsim.wdi import load_world

        return load_world(spec, dynamics)
    return synthetic_world(spec)
