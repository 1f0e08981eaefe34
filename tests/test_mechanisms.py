"""Mechanisms against their closed forms and known values."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from ipsim import IPModel, mechanisms, metrics
from ipsim.network import LinkType, PartnershipNetwork
from ipsim.world import World
from tests.conftest import small_scenario


def test_gini_of_known_distributions():
    assert metrics.gini(np.array([1.0, 1.0, 1.0, 1.0])) == pytest.approx(0.0)
    assert metrics.gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    assert metrics.gini(np.zeros(5)) == 0.0
    rows = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 3.0]])
    np.testing.assert_allclose(metrics.gini(rows), [2 / 9, 2 / 3])


def test_theil_decomposition_adds_up_and_matches_known_values():
    rng = np.random.default_rng(0)
    x = rng.lognormal(0, 1, size=(3, 40))
    group = rng.integers(0, 5, 40)
    between, within = metrics.theil_decomposition(x, group)
    np.testing.assert_allclose(between + within, metrics.theil(x), rtol=1e-12)
    assert metrics.theil(np.ones(7)) == pytest.approx(0.0)
    # All in one of n: Theil T = ln n.
    assert metrics.theil(np.array([0, 0, 0, 5.0])) == pytest.approx(math.log(4))
    # Equal means across groups: no between-group inequality.
    b, _ = metrics.theil_decomposition(np.array([1.0, 3.0, 1.0, 3.0]), np.array([0, 0, 1, 1]))
    assert b == pytest.approx(0.0)


def test_top_share():
    x = np.array([10.0, 1, 1, 1, 1, 1, 5])
    assert metrics.top_share(x, 5) == pytest.approx(18 / 20)
    assert metrics.top_share(x, 1) == pytest.approx(0.5)


def test_bass_closed_form_solves_the_bass_equation():
    p, q = 0.03, 0.38
    t = np.linspace(0, 15, 3001)
    f = mechanisms.bass_closed_form(t, p, q)
    derivative = np.gradient(f, t)
    np.testing.assert_allclose(derivative, (p + q * f) * (1 - f), atol=2e-4)
    g = mechanisms.bass_closed_form(t, p, q, f0=0.2)
    assert g[0] == pytest.approx(0.2)
    np.testing.assert_allclose(np.gradient(g, t), (p + q * g) * (1 - g), atol=2e-4)


def _single_country_world(n_agents_population: float = 1.0) -> World:
    one = np.ones(1)
    return World(
        codes=np.array(["AAA"]),
        names=np.array(["Test"]),
        region=np.zeros(1, int),
        income=np.full(1, 3),
        population=one * n_agents_population,
        gdp_per_capita=one * 3e4,
        internet=one * 0.9,
        legal_maturity=one * 0.8,
        office_expertise=one * 0.6,
        awareness=np.zeros(1),
        pendency_years=one * 2.0,
        expertise_factor=one,
        rd_intensity=np.full(1, np.nan),
    )


def test_bass_awareness_on_a_complete_network_follows_the_closed_form():
    """Agents of one organisation each, all linked: the agent form is the Bass model."""
    p, q, years, n = 0.03, 0.38, 12, 600
    spec = small_scenario(
        horizon={"start_year": 2025, "years": years, "steps_per_year": 52},
        world={"n_countries": 4, "stakeholders_per_country": n, "seed": 1},
        dynamics={"bass_p": p, "bass_q": q, "spillover_rate": 0.0},
        programme={"strategy": "none"},
    )
    curves = []
    for seed in range(3):
        model = IPModel(spec, rng=seed, world=_single_country_world())
        assert (model.stakeholders.size == 1).all()
        assert model.stakeholders.aware.sum() == 0
        complete = nx.complete_graph(n)
        u, v = np.array(complete.edges()).T + 1  # actor 0 is the office
        model.network = PartnershipNetwork(
            1 + n, u, v, np.full(len(u), LinkType.TECH_TRANSFER), np.ones(len(u))
        )
        shares = []
        for _ in range(years * 52):
            model.step()
            shares.append(model.stakeholders.aware.sum() / n)
        curves.append(shares)
    t = np.arange(1, years * 52 + 1) / 52
    expected = mechanisms.bass_closed_form(t, p, q)
    mean = np.mean(curves, axis=0)
    # Sampling error of a mean of 3 runs of 600 agents: sd <= 0.5 / sqrt(1800) ~ 0.012.
    assert np.max(np.abs(mean - expected)) < 0.05
    assert abs(mean[-1] - expected[-1]) < 0.03


def test_unused_expertise_halves_in_the_configured_half_life():
    spec = small_scenario(
        horizon={"start_year": 2025, "years": 1, "steps_per_year": 12},
        dynamics={"expertise_half_life_months": 6.0, "spillover_rate": 0.0, "staff_turnover": 0.0},
        programme={"strategy": "none"},
    )
    model = IPModel(spec)
    base = model.expertise_base.copy()
    np.testing.assert_allclose(model.expertise, base)  # at rest without a programme
    gap = 0.3 * (1 - base)
    model.expertise[:] = base + gap
    for _ in range(6):
        model.step()
    np.testing.assert_allclose(model.expertise - base, gap / 2, rtol=1e-10, atol=1e-12)


def test_world_at_rest_without_a_programme():
    spec = small_scenario(
        dynamics={"staff_turnover": 0.0},
        programme={"strategy": "none"},
        world={
            "n_countries": 8,
            "stakeholders_per_country": 12,
            "seed": 3,
            "network": {"link_formation_rate": 0.0},
        },
    )
    model = IPModel(spec)
    before = model.expertise.copy()
    model.run()
    unclipped = (model.expertise_base > 0) & (model.expertise_base < 1)
    np.testing.assert_allclose(model.expertise[unclipped], before[unclipped], atol=1e-9)


def test_negative_binomial_is_over_dispersed_with_the_right_moments():
    rng = np.random.default_rng(3)
    mean, shape = np.full(200_000, 4.0), 0.8
    draws = mechanisms.negative_binomial(rng, mean, shape)
    assert draws.mean() == pytest.approx(4.0, rel=0.02)
    assert draws.var() == pytest.approx(4.0 + 16.0 / 0.8, rel=0.05)
    assert (mechanisms.negative_binomial(rng, np.zeros(10), 1.0) == 0).all()


def test_absorptive_capacity_rises_with_expertise():
    e = np.linspace(0, 1, 11)
    gamma = mechanisms.absorptive_capacity(e, 3.0, 0.2)
    assert gamma[0] == pytest.approx(0.2)
    assert np.all(np.diff(gamma) > 0)
    assert gamma[-1] < 1


def test_logistic_internet_growth_approaches_its_ceiling():
    share = np.array([0.1, 0.5, 0.9])
    for _ in range(400):
        share = mechanisms.logistic_step(share, 0.3, 0.95, 0.25)
    np.testing.assert_allclose(share, 0.95, atol=1e-6)


def test_will_to_file_falls_with_pendency_beyond_the_reference():
    will = mechanisms.will_to_file(np.array([1.0, 2.0, 4.0]), 2.0, 0.3)
    np.testing.assert_allclose(will, [1.0, 1.0, math.exp(-0.6)])
