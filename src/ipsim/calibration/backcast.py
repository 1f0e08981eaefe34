"""A backcast: a world loaded for a past year, run without a programme along the data.

The exogenous drivers follow the data instead of the scenario's growth rates by income
group: each step, every country's population, GDP per capita (deflated to start-year
dollars) and reported R&D intensity are set to their values interpolated between WDI
years, and office staff grow with the economy as in the model's own exogenous step. What
is left to the model is how filings respond: the mechanisms under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ipsim.loading import scenario_from_dict
from ipsim.model import IPModel
from ipsim.spec import Scenario, WDIWorld
from ipsim.wdi import WDIData, fill_value, read_folder, world_from_data
from ipsim.world import World

USD_INFLATION = 0.021
"""Yearly rise of the US GDP deflator, 2000-2010 (BEA, NIPA table 1.1.4: about 2.1%).

WDI's GDP per capita is in current US dollars; the backcast deflates it with this rate so
that filings respond to real, not nominal, growth.
"""


@dataclass(frozen=True)
class BackcastResult:
    """Filings of one backcast, by country and calendar year.

    Attributes:
        years: Calendar years, start year first.
        expected: Expected resident filings (the model's mean), shape (countries, years).
        realised: Drawn resident filings (negative binomial), same shape.
    """

    years: np.ndarray
    expected: np.ndarray
    realised: np.ndarray

    def at(self, year: int, realised: bool = False) -> np.ndarray:
        """Filings of every country in ``year``."""
        table = self.realised if realised else self.expected
        return table[:, int(np.flatnonzero(self.years == year)[0])]


def _paths(data: WDIData, indicator: str, codes: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Values by country and year, gaps filled as the loader does, else carried."""
    s = data.series[indicator]
    out = np.full((len(codes), len(years)), np.nan)
    for i, code in enumerate(codes):
        row = s.row(code)
        for j, year in enumerate(years):
            out[i, j] = fill_value(s.years, row, int(year))[0]
        for j in range(1, len(years)):  # carry forward what is still missing
            if np.isnan(out[i, j]):
                out[i, j] = out[i, j - 1]
    return out


class Backcast:
    """Run the baseline from ``start_year`` to ``end_year`` with data-driven drivers.

    Args:
        folder: The WDI folder.
        start_year: Year of the initial world.
        end_year: Last year simulated.
        stakeholders_per_country: Stakeholder agents per country (20 is plenty here).
        steps_per_year: Steps per year.
        seed: Seed of the world and of the dynamics (fixed: common random numbers).
        base: Scenario keys to start from (e.g. ``{"dynamics": {...}}``), optional.
    """

    def __init__(
        self,
        folder: str | Path,
        start_year: int = 2000,
        end_year: int = 2010,
        stakeholders_per_country: int = 20,
        steps_per_year: int = 4,
        seed: int = 20261125,
        base: dict[str, Any] | None = None,
    ):
        self.folder = Path(folder)
        self.start_year = start_year
        self.end_year = end_year
        self.seed = seed
        self.steps_per_year = steps_per_year
        self.base = base or {}
        self.data = read_folder(self.folder)
        self.world_spec = WDIWorld(
            source="wdi",
            path=str(self.folder),
            year=start_year,
            stakeholders_per_country=stakeholders_per_country,
            seed=seed,
        )
        self.world: World = world_from_data(self.data, start_year, self.scenario().dynamics)
        self.years = np.arange(start_year, end_year + 1)
        codes = self.world.codes
        deflator = (1 + USD_INFLATION) ** (self.years - start_year)
        self.gdp = _paths(self.data, "gdp_per_capita", codes, self.years) / deflator
        self.population = _paths(self.data, "population", codes, self.years)
        rd = _paths(self.data, "rd_intensity", codes, self.years) / 100.0
        self.rd = np.where(np.isnan(self.world.rd_intensity)[:, None], np.nan, rd)

    def scenario(self, dynamics: dict[str, float] | None = None) -> Scenario:
        """The baseline scenario of the backcast, with ``dynamics`` overrides."""
        base_dynamics = dict(self.base.get("dynamics", {}))
        base_dynamics.update(dynamics or {})
        base_dynamics.update(population_growth=[0.0] * 4, gdp_growth=[0.0] * 4)
        data = {
            **self.base,
            "name": "backcast",
            "seed": self.seed,
            "horizon": {
                "start_year": self.start_year,
                "years": self.end_year - self.start_year + 1,
                "steps_per_year": self.steps_per_year,
            },
            "world": self.world_spec.model_dump(mode="json"),
            "dynamics": base_dynamics,
        }
        return scenario_from_dict(data).with_strategy("none")

    def _driver(self, table: np.ndarray, step: int) -> np.ndarray:
        """Log-linear interpolation of yearly values at the middle of ``step``."""
        t = (step - 0.5) / self.steps_per_year - 0.5
        t = float(np.clip(t, 0.0, len(self.years) - 1))
        j = int(min(np.floor(t), len(self.years) - 2))
        w = t - j
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.exp((1 - w) * np.log(table[:, j]) + w * np.log(table[:, j + 1]))

    def run(self, dynamics: dict[str, float] | None = None) -> BackcastResult:
        """Run the backcast and return filings by country and year."""
        spec = self.scenario(dynamics)
        # The start year's filings are read with the same mechanism parameters.
        world = world_from_data(self.data, self.start_year, spec.dynamics)
        model = IPModel(spec, world=world)
        c = model.countries
        spy = self.steps_per_year
        n_years = len(self.years)
        expected = np.zeros((model.n_countries, n_years))
        realised = np.zeros((model.n_countries, n_years))
        observed_rd = ~np.isnan(self.rd[:, 0])
        for step in range(1, n_years * spy + 1):
            gdp = self._driver(self.gdp, step)
            pop = self._driver(self.population, step)
            economy = (gdp * pop) / (c.gdp_per_capita * c.population)
            c.examiners *= np.where(np.isfinite(economy), economy, 1.0)
            c.gdp_per_capita[:] = gdp
            c.population[:] = pop
            c.rd_intensity[observed_rd] = self._driver(self.rd, step)[observed_rd]
            model.step()
            year = (step - 1) // spy
            expected[:, year] += model.resident_mean_by_country * model.dt
            realised[:, year] += c.patents_resident
        return BackcastResult(years=self.years, expected=expected, realised=realised)
