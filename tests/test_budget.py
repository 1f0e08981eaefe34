"""Budget lines: earmarks, co-funding, release over time, overhead and leakage."""

from __future__ import annotations

import numpy as np

from ipsim import IPModel
from ipsim.spec import REGIONS
from tests.conftest import small_scenario


def _spend_by_country(model):
    ledger = model.ledger
    return (ledger.delivered + ledger.overhead + ledger.leakage).sum(axis=0)


def test_funds_in_trust_are_spent_only_where_earmarked():
    probe = IPModel(small_scenario())
    region = REGIONS[int(probe.world.region[0])]
    spec = small_scenario(
        programme={
            "budget": [
                {"name": "trust", "kind": "funds_in_trust", "amount_musd": 10, "regions": [region]}
            ],
            "strategy": "uniform",
        }
    )
    model = IPModel(spec).run()
    spend = _spend_by_country(model)
    inside = model.world.region == REGIONS.index(region)
    assert spend[inside].sum() > 0
    assert spend[~inside].sum() == 0


def test_co_funding_needs_a_partner_match():
    no_partner = small_scenario(
        programme={
            "budget": [
                {
                    "name": "partners",
                    "kind": "co_funding",
                    "amount_musd": 10,
                    "partner_capacity_musd": 0,
                }
            ],
            "strategy": "uniform",
        }
    )
    model = IPModel(no_partner).run()
    assert _spend_by_country(model).sum() == 0
    assert model.ledger.unspent == model.ledger.total_budget

    matched = small_scenario(
        programme={
            "budget": [
                {
                    "name": "partners",
                    "kind": "co_funding",
                    "amount_musd": 10,
                    "match_ratio": 1.0,
                    "partner_capacity_musd": 100,
                }
            ],
            "strategy": "uniform",
        }
    )
    model = IPModel(matched).run()
    ours = model.ledger.delivered.sum()
    partner = model.ledger.partner_match.sum()
    assert ours > 0
    # Dollar for dollar, to within a cent per unit bought.
    assert abs(partner - ours) <= model.ledger.units.sum()


def test_a_line_released_over_two_years_spends_nothing_afterwards():
    spec = small_scenario(
        horizon={"start_year": 2025, "years": 4, "steps_per_year": 4},
        programme={
            "budget": [{"kind": "core", "amount_musd": 10, "spend_years": 2}],
            "interventions": [{"type": "training"}],
            "strategy": "uniform",
        },
    )
    model = IPModel(spec)
    for _ in range(8):
        model.step()
    assert model.ledger.balance.sum() == 0  # the window's last release took the rest
    held_at_year_two = held = model.ledger.commitments.sum()
    spent_by_year_two = _spend_by_country(model).sum()
    for _ in range(8):
        model.step()
        assert model.ledger.balance.sum() == 0
        assert model.ledger.commitments.sum() <= held  # nothing new is committed
        held = model.ledger.commitments.sum()
    # After year two only the money committed by then can be spent.
    spent_after = _spend_by_country(model).sum() - spent_by_year_two
    assert spent_after == held_at_year_two - held
    assert model.ledger.accounted()


def test_monitoring_cuts_leakage():
    def leakage(monitoring):
        spec = small_scenario(
            programme={
                "budget": [{"kind": "core", "amount_musd": 20}],
                "strategy": "uniform",
                "monitoring": monitoring,
            }
        )
        model = IPModel(spec).run()
        return model.ledger.leakage.sum() / max(model.ledger.delivered.sum(), 1)

    assert leakage(1.0) == 0
    assert leakage(0.0) > leakage(0.5) > 0


def test_coordination_overhead_grows_with_partners():
    model = IPModel(small_scenario())
    ledger = model.ledger
    assert ledger.overhead_rate(30) > ledger.overhead_rate(3)


def test_money_is_accounted_for_in_every_strategy_of_the_default_world():
    spec = small_scenario(world={"n_countries": 20, "stakeholders_per_country": 10, "seed": 1})
    for strategy in ("uniform", "tailored", "impact_maximising"):
        model = IPModel(spec.with_strategy(strategy)).run()
        ledger = model.ledger
        total = (
            ledger.delivered.sum() + ledger.overhead.sum() + ledger.leakage.sum() + ledger.unspent
        )
        assert total == ledger.total_budget
        assert np.all(ledger.units >= 0)


def test_money_a_full_cell_cannot_take_goes_to_the_other_cells():
    from ipsim.budget import _water_fill

    weights = np.array([[1.0, 1.0, 2.0]])
    cap = np.array([[10.0, 1e9, 1e9]])
    alloc = _water_fill(100.0, weights, cap)
    assert alloc[0, 0] == 10.0
    np.testing.assert_allclose(alloc[0, 1:], [30.0, 60.0])
    # Nothing can take it: it stays with the line.
    assert _water_fill(100.0, weights, np.zeros((1, 3))).sum() == 0


def test_commitments_never_exceed_what_a_cell_can_spend_in_a_step():
    spec = small_scenario(
        programme={"budget": [{"kind": "core", "amount_musd": 500}], "strategy": "uniform"}
    )
    model = IPModel(spec)
    for _ in range(4):
        capacity = np.stack([i.capacity() for i in model.interventions])
        room = model.ledger.spending_room(model.unit_cost_cents, capacity, model.countries.legal)
        held = model.ledger.commitments.sum(axis=0)
        model.step()
        assert np.all(model.ledger.commitments.sum(axis=0) <= np.maximum(room, held) + 1)
    assert model.ledger.balance.sum() > 0  # a huge budget cannot all be absorbed at once
