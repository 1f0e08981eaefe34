"""Knowledge barter between partners (Cowan and Jonard 2004): ipsim.barter and the model's
``partner_learning: barter`` mode."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsim.barter import KnowledgeFields
from ipsim.errors import ScenarioError
from ipsim.loading import scenario_from_dict
from ipsim.model import IPModel


def fields_of(values: list[list[float]]) -> tuple[KnowledgeFields, np.ndarray]:
    """Knowledge fields set to given values (rows: actors), and the actors' expertise."""
    values = np.asarray(values, dtype=float)
    expertise = values.mean(axis=1)
    return KnowledgeFields(values - expertise[:, None]), expertise


def one_link_round(values, alpha=0.5, weight=1.0):
    knowledge, expertise = fields_of(values)
    trades = knowledge.trade_round(
        expertise,
        np.array([0]),
        np.array([1]),
        np.array([weight]),
        np.full(2, alpha),
        np.random.default_rng(1),
    )
    return trades, knowledge.fields(expertise)


def test_partners_each_ahead_somewhere_trade_and_close_part_of_each_gap():
    trades, after = one_link_round([[0.2, 0.8], [0.6, 0.4]], alpha=0.5, weight=0.8)
    assert trades == 1
    share = 0.5 * 0.8
    np.testing.assert_allclose(after[0], [0.2 + share * 0.4, 0.8], rtol=1e-12)
    np.testing.assert_allclose(after[1], [0.6, 0.4 + share * 0.4], rtol=1e-12)


@pytest.mark.parametrize(
    "values",
    [[[0.2, 0.3], [0.6, 0.6]], [[0.5, 0.5], [0.5, 0.5]], [[0.7, 0.4], [0.7, 0.2]]],
    ids=["dominated", "equal", "ahead in one field, tied in the other"],
)
def test_no_trade_without_a_double_coincidence_of_wants(values):
    trades, after = one_link_round(values)
    assert trades == 0
    np.testing.assert_allclose(after, values, rtol=1e-12)


def test_initial_fields_lie_in_the_unit_interval_and_average_to_expertise():
    rng = np.random.default_rng(5)
    expertise = np.concatenate([rng.random(1000), [0.0, 1.0]])
    knowledge = KnowledgeFields.around(expertise, 7, np.random.default_rng(6))
    fields = knowledge.fields(expertise)
    assert fields.shape == (1002, 7)
    assert fields.min() >= 0.0 and fields.max() <= 1.0
    np.testing.assert_allclose(fields.mean(axis=1), expertise, atol=1e-12)


def test_uniform_start_draws_every_field_uniform_and_sets_expertise_to_their_mean():
    knowledge, expertise = KnowledgeFields.uniform(20_000, 4, np.random.default_rng(8))
    fields = knowledge.fields(expertise)
    assert fields.min() >= 0.0 and fields.max() < 1.0
    # Uniform on [0, 1]: mean 1/2, variance 1/12, deciles evenly spaced; fields independent.
    assert abs(fields.mean() - 0.5) < 0.005
    assert abs(fields.var() - 1 / 12) < 0.002
    np.testing.assert_allclose(
        np.quantile(fields, np.linspace(0.1, 0.9, 9)), np.linspace(0.1, 0.9, 9), atol=0.01
    )
    assert abs(np.corrcoef(fields[:, 0], fields[:, 1])[0, 1]) < 0.03
    np.testing.assert_allclose(fields.mean(axis=1), expertise, atol=1e-12)


def test_fewer_than_two_fields_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        KnowledgeFields.around(np.full(3, 0.5), 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least 2"):
        KnowledgeFields.uniform(3, 1, np.random.default_rng(0))


def test_uniform_start_without_barter_is_refused_with_a_clear_message():
    with pytest.raises(ScenarioError, match="knowledge_start: uniform needs partner_learning"):
        scenario_from_dict({"dynamics": {"knowledge_start": "uniform"}})


def test_a_model_with_the_uniform_start_replaces_the_worlds_expertise():
    spec = barter_scenario(knowledge_start="uniform", forgetting=False)
    model = IPModel(spec)
    fields = model.knowledge.fields(model.expertise)
    assert fields.min() >= 0.0 and fields.max() < 1.0
    np.testing.assert_allclose(fields.mean(axis=1), model.expertise, atol=1e-12)
    world = IPModel(barter_scenario(forgetting=False))
    assert not np.allclose(model.stakeholder_expertise, world.stakeholder_expertise)
    model.run()
    assert model.stakeholder_expertise.mean() > fields[model.n_countries :].mean()


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 40),
    links=st.integers(1, 120),
    fields=st.integers(2, 6),
    alpha=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_round_is_a_matching_in_which_givers_lose_nothing_and_nothing_is_invented(
    n, links, fields, alpha, seed
):
    rng = np.random.default_rng(seed)
    u, v = rng.integers(0, n, links), rng.integers(0, n, links)
    keep = u != v
    u, v = u[keep], v[keep]
    values = rng.random((n, fields))
    knowledge, expertise = fields_of(values.tolist())
    before = knowledge.fields(expertise)
    trades = knowledge.trade_round(
        expertise, u, v, rng.uniform(0.1, 1.0, len(u)), np.full(n, alpha), rng
    )
    after = knowledge.fields(expertise)
    changed = np.flatnonzero((np.abs(after - before) > 0).any(axis=1))
    assert trades <= n // 2  # each actor meets at most one partner in a round
    if alpha > 0:
        assert len(changed) <= 2 * trades
    assert (after >= before - 1e-12).all()  # the giver loses nothing
    assert (after.max(axis=0) <= before.max(axis=0) + 1e-12).all()  # nothing invented
    np.testing.assert_allclose(after.mean(axis=1), expertise, atol=1e-12)


def barter_scenario(**dynamics):
    return scenario_from_dict(
        {
            "name": "barter",
            "seed": 4,
            "horizon": {"years": 6, "steps_per_year": 4},
            "world": {
                "n_countries": 4,
                "stakeholders_per_country": 40,
                "network": {"peer_degree": 4, "link_formation_rate": 0},
            },
            "dynamics": {
                "partner_learning": "barter",
                "knowledge_fields": 4,
                "barter_rounds_per_year": 48,
                **dynamics,
            },
            "programme": {"strategy": "none"},
        }
    )


def test_barter_without_forgetting_only_raises_expertise_as_trading_dies_down():
    model = IPModel(barter_scenario(forgetting=False))
    net = model.network
    peers = (net.u >= model.n_countries) & (net.v >= model.n_countries)

    def tradeable() -> int:
        return model.knowledge.tradeable_links(model.expertise, net.u[peers], net.v[peers])

    open_at_start = tradeable()
    previous = model.stakeholder_expertise.copy()
    start = previous.copy()
    for _ in range(model.n_steps):
        model.step()
        assert (model.stakeholder_expertise >= previous - 1e-12).all()
        previous = model.stakeholder_expertise.copy()
    assert model.stakeholder_expertise.mean() > start.mean() + 0.01
    assert tradeable() < open_at_start * 0.6


def test_barter_runs_are_reproducible_and_keep_fields_consistent_with_expertise():
    spec = barter_scenario()
    a, b = IPModel(spec).run(), IPModel(spec).run()
    np.testing.assert_array_equal(a.expertise, b.expertise)
    np.testing.assert_array_equal(a.knowledge.deviation, b.knowledge.deviation)
    np.testing.assert_allclose(
        a.knowledge.fields(a.expertise).mean(axis=1), a.expertise, atol=1e-12
    )
    assert ((a.expertise >= 0) & (a.expertise <= 1)).all()


def test_spillover_without_forgetting_never_lowers_stakeholders_expertise():
    spec = barter_scenario(partner_learning="spillover", forgetting=False)
    model = IPModel(spec)
    previous = model.stakeholder_expertise.copy()
    for _ in range(model.n_steps):
        model.step()
        assert (model.stakeholder_expertise >= previous - 1e-12).all()
        previous = model.stakeholder_expertise.copy()
    assert model.knowledge is None
    assert model.retention == 1.0
