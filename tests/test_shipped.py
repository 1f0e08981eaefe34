"""Every shipped scenario validates and runs (on a short horizon)."""

from __future__ import annotations

import pytest

from ipsim import IPModel
from ipsim.loading import describe_shipped, load_scenario, shipped_scenarios

NAMES = sorted(shipped_scenarios())


def test_the_library_answers_the_planners_questions():
    assert {
        "default",
        "baseline",
        "strategies",
        "digital_first_africa",
        "funds_in_trust",
        "budget_cut",
        "training_no_follow_up",
        "co_funding",
    } <= set(NAMES)
    for name, description in describe_shipped():
        assert description and "invalid" not in description, name


@pytest.mark.parametrize("name", NAMES)
def test_shipped_scenario_runs(name):
    spec = load_scenario(name)
    short = spec.model_copy(update={"horizon": spec.horizon.model_copy(update={"years": 1})})
    for strategy in short.strategies:
        model = IPModel(short.with_strategy(strategy)).run()
        assert model.ledger.accounted()
        if strategy != "none":
            spent = model.ledger.delivered.sum()
            assert spent > 0, f"{name}/{strategy} spent nothing"
