"""Shared fixtures: small scenarios that run in a fraction of a second."""

from __future__ import annotations

import os

import pytest

from ipsim.loading import deep_merge, scenario_from_dict
from ipsim.spec import Scenario

os.environ.setdefault("MPLBACKEND", "Agg")


def small_scenario(**overrides) -> Scenario:
    """A small world (8 countries x 12 stakeholders), 2 years, every intervention."""
    data = {
        "name": "small",
        "seed": 7,
        "replicates": 2,
        "horizon": {"start_year": 2025, "years": 2, "steps_per_year": 4},
        "world": {"n_countries": 8, "stakeholders_per_country": 12, "seed": 3},
        "programme": {
            "budget": [{"name": "core", "kind": "core", "amount_musd": 20}],
            "strategy": "uniform",
        },
    }
    return scenario_from_dict(deep_merge(data, overrides))


@pytest.fixture
def small() -> Scenario:
    return small_scenario()
