"""Country-level state: the arrays the model owns, one entry per country."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np


def _zeros() -> np.ndarray:
    return np.zeros(0)


@dataclass
class CountryState:
    """Everything that changes about countries and their offices, as arrays.

    Stocks are floats unless they count whole things; flows (``*_step``) hold the last
    step's values. Country agents and office agents read and write these arrays.
    """

    region: np.ndarray
    income: np.ndarray
    population: np.ndarray
    gdp_per_capita: np.ndarray
    internet: np.ndarray
    rd_intensity: np.ndarray
    legal: np.ndarray
    legal_lagged: np.ndarray
    automation: np.ndarray
    examiners: np.ndarray
    backlog: np.ndarray
    pendency: np.ndarray
    grant_examiners: np.ndarray = field(default_factory=_zeros)
    platform_years: np.ndarray = field(default_factory=_zeros)
    spillover_boost: np.ndarray = field(default_factory=_zeros)
    tiscs: np.ndarray = field(default_factory=_zeros)
    tisc_years: np.ndarray = field(default_factory=_zeros)
    awareness_push: np.ndarray = field(default_factory=_zeros)
    trainers: np.ndarray = field(default_factory=_zeros)
    people_trained: np.ndarray = field(default_factory=_zeros)
    elearning_enrolled: np.ndarray = field(default_factory=_zeros)
    elearning_completed: np.ndarray = field(default_factory=_zeros)
    reforms_pending: np.ndarray = field(default_factory=_zeros)
    reforms_enacted: np.ndarray = field(default_factory=_zeros)
    reforms_failed: np.ndarray = field(default_factory=_zeros)
    patents_resident: np.ndarray = field(default_factory=_zeros)
    patents_nonresident: np.ndarray = field(default_factory=_zeros)
    trademarks: np.ndarray = field(default_factory=_zeros)
    examined: np.ndarray = field(default_factory=_zeros)

    def __post_init__(self) -> None:
        n = len(self.population)
        counts = {
            "tiscs",
            "trainers",
            "people_trained",
            "elearning_enrolled",
            "elearning_completed",
            "reforms_pending",
            "reforms_enacted",
            "reforms_failed",
            "patents_resident",
            "patents_nonresident",
            "trademarks",
        }
        for f in fields(self):
            value = getattr(self, f.name)
            if len(value) == 0 and n:
                dtype = np.int64 if f.name in counts else np.float64
                setattr(self, f.name, np.zeros(n, dtype))
        self.trainers = self.trainers.astype(np.float64)

    @property
    def n(self) -> int:
        """Number of countries."""
        return len(self.population)
