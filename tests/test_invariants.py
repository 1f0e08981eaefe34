"""Invariants over many random scenarios: shares in [0, 1], no negative counts, money
accounted for to the cent, no strategy spending more than its budget."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipsim import IPModel
from ipsim.registry import STRATEGIES
from ipsim.spec import REGIONS
from tests.conftest import small_scenario

# Built-in strategies only: other test modules register strategies of their own.
BUILTIN_STRATEGIES = [n for n, c in STRATEGIES.items() if c.__module__.startswith("ipsim.")]

budget_line = st.one_of(
    st.builds(
        lambda amount: {"kind": "core", "amount_musd": amount}, st.floats(0, 300, allow_nan=False)
    ),
    st.builds(
        lambda amount, region, years: {
            "kind": "funds_in_trust",
            "amount_musd": amount,
            "regions": [region],
            "spend_years": years,
        },
        st.floats(0, 100, allow_nan=False),
        st.sampled_from(REGIONS),
        st.one_of(st.none(), st.floats(0.25, 3)),
    ),
    st.builds(
        lambda amount, ratio, capacity: {
            "kind": "co_funding",
            "amount_musd": amount,
            "match_ratio": ratio,
            "partner_capacity_musd": capacity,
        },
        st.floats(0, 100, allow_nan=False),
        st.floats(0, 3),
        st.floats(0, 50),
    ),
)


@st.composite
def scenarios(draw):
    lines = draw(st.lists(budget_line, min_size=1, max_size=3))
    for i, line in enumerate(lines):
        line["name"] = f"line{i}"
    # Earmarks must reach a country of the world: keep regions the small world has.
    return small_scenario(
        seed=draw(st.integers(0, 2**32)),
        horizon={
            "start_year": 2025,
            "years": draw(st.integers(1, 3)),
            "steps_per_year": draw(st.sampled_from([1, 2, 4, 12])),
        },
        world={
            "n_countries": draw(st.integers(30, 40)),
            "stakeholders_per_country": draw(st.integers(5, 12)),
            "seed": draw(st.integers(0, 1000)),
        },
        dynamics={"partner_learning": draw(st.sampled_from(["spillover", "barter"]))},
        programme={
            "budget": lines,
            "strategy": draw(st.sampled_from(BUILTIN_STRATEGIES)),
            "monitoring": draw(st.floats(0, 1)),
            "leakage_max": draw(st.floats(0, 0.9)),
        },
    )


def check_invariants(model: IPModel) -> None:
    c = model.countries
    s = model.stakeholders
    ledger = model.ledger
    assert ledger.accounted(), "money not accounted for to the cent"
    spent = ledger.delivered.sum() + ledger.overhead.sum() + ledger.leakage.sum()
    assert 0 <= spent <= ledger.total_budget
    assert ledger.unspent >= 0
    assert (ledger.commitments >= 0).all() and (ledger.balance >= 0).all()
    assert (ledger.partner_room >= 0).all()
    for name, values in {
        "expertise": model.expertise,
        "legal": c.legal,
        "automation": c.automation,
        "internet": c.internet,
        "awareness": model.awareness_share,
    }.items():
        assert np.all((values >= 0) & (values <= 1)), f"{name} outside [0, 1]"
    assert np.all((s.aware >= 0) & (s.aware <= s.size))
    for name in (
        "patents_resident",
        "patents_nonresident",
        "trademarks",
        "people_trained",
        "reforms_enacted",
        "tiscs",
        "elearning_completed",
        "backlog",
        "examiners",
        "grant_examiners",
        "pendency",
    ):
        assert np.all(getattr(c, name) >= 0), f"{name} negative"
    assert np.all(c.elearning_completed <= c.elearning_enrolled)
    assert np.all(model.stakeholder_patents >= 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants_hold_at_every_step(spec):
    try:
        model = IPModel(spec)
    except ValueError as err:  # an earmark to a region this small world lacks
        assert "no country in this world" in str(err)
        return
    check_invariants(model)
    for _ in range(model.n_steps):
        model.step()
        check_invariants(model)


@pytest.mark.parametrize("strategy", BUILTIN_STRATEGIES)
def test_no_strategy_spends_more_than_its_budget(strategy):
    spec = small_scenario(
        programme={"budget": [{"kind": "core", "amount_musd": 40}], "strategy": strategy}
    )
    model = IPModel(spec).run()
    ledger = model.ledger
    spent = ledger.delivered.sum() + ledger.overhead.sum() + ledger.leakage.sum()
    assert spent <= ledger.total_budget
    assert ledger.accounted()
    table = model.tables()
    assert table[table.indicator == "spend_usd"]["value"].max() <= 40e6 + 0.01
    if strategy == "none":
        assert spent == 0
        assert ledger.units.sum() == 0
        assert model.countries.people_trained.sum() == 0
    else:
        assert spent > 0, f"{strategy} spent nothing"


def test_elearning_completions_never_exceed_internet_users_or_enrolments():
    spec = small_scenario(
        horizon={"start_year": 2025, "years": 4, "steps_per_year": 4},
        programme={
            "budget": [{"kind": "core", "amount_musd": 200}],
            "interventions": [{"type": "elearning"}],
            "strategy": "uniform",
        },
    )
    model = IPModel(spec).run()
    c = model.countries
    assert c.elearning_completed.sum() > 0
    assert np.all(c.elearning_completed <= c.elearning_enrolled)
    assert np.all(c.elearning_completed <= c.internet * c.population)
    table = model.tables()
    done = table[table.indicator == "elearning_completions"].set_index(["step", "entity"])
    users = table[table.indicator == "internet_users"].set_index(["step", "entity"])
    assert (done["value"] <= users["value"]).all()
    rate = c.elearning_completed.sum() / c.elearning_enrolled.sum()
    assert 0.05 < rate < 0.3  # median completion 13%, log-normal spread across courses
