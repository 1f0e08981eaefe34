"""A user adds a strategy or an intervention in Python and names it in a scenario."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict, Field

from ipsim import Intervention, IPModel, Strategy, register_intervention, register_strategy
from ipsim.errors import ScenarioError, UnknownNameError
from ipsim.registry import INTERVENTIONS, STRATEGIES
from tests.conftest import small_scenario


@register_strategy("test_richest_first")
class RichestFirst(Strategy):
    """All money to the country with the highest GDP per capita."""

    description = "Test strategy."

    def weights(self) -> np.ndarray:
        w = np.zeros((len(self.model.interventions), self.model.n_countries))
        w[:, np.argmax(self.model.countries.gdp_per_capita)] = 1.0
        return w


class BoostParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    gain: float = Field(0.01, ge=0, le=1)


@register_intervention("test_law_boost")
class LawBoost(Intervention):
    """Raises legal maturity by a fixed gain per unit."""

    unit = "boost"
    default_unit_cost_usd = 10_000.0
    constraint = "law"
    Params = BoostParams

    def deliver(self, units: np.ndarray) -> None:
        c = self.model.countries
        c.legal = np.minimum(c.legal + self.params.gain * units, 1.0)


def test_a_user_strategy_and_intervention_run_from_scenario_data():
    spec = small_scenario(
        programme={
            "budget": [{"kind": "core", "amount_musd": 1}],
            "interventions": [{"type": "test_law_boost", "params": {"gain": 0.001}}],
            "strategy": "test_richest_first",
        }
    )
    model = IPModel(spec)
    richest = int(np.argmax(model.countries.gdp_per_capita))
    before = model.countries.legal.copy()
    model.run()
    changed = np.flatnonzero(model.countries.legal != before)
    assert list(changed) == [richest]
    assert model.ledger.units[0, richest] > 0
    assert model.ledger.accounted()


def test_unknown_names_are_rejected_with_the_known_ones():
    with pytest.raises(UnknownNameError, match="did you mean 'uniform'"):
        STRATEGIES.get("unifrom")
    with pytest.raises(ScenarioError, match="test_law_boost"):
        small_scenario(programme={"interventions": [{"type": "test_law_boos"}]})
    assert "test_law_boost" in INTERVENTIONS.names()


def test_a_name_cannot_be_registered_twice_by_different_classes():
    with pytest.raises(ValueError, match="already registered"):

        @register_strategy("uniform")
        class Impostor(Strategy):
            pass


def test_invalid_weights_from_a_strategy_are_reported():
    @register_strategy("test_negative")
    class Negative(Strategy):
        def weights(self):
            return -np.ones((len(self.model.interventions), self.model.n_countries))

    model = IPModel(small_scenario(programme={"strategy": "test_negative"}))
    with pytest.raises(ValueError, match="returned invalid weights"):
        model.step()


def test_agents_are_views_on_the_model_state():
    model = IPModel(small_scenario())
    country = model.country_agents[0]
    assert country.office.country is country
    stakeholders = country.stakeholders
    assert len(stakeholders) == 12 and all(s.country is country for s in stakeholders)
    assert sum(s.organisations for s in stakeholders) == model.orgs_by_country[0]
    stakeholders[0].expertise = 0.99
    assert model.stakeholder_expertise[model.stakeholders.start[0]] == 0.99
    country.legal_maturity = 0.5
    assert model.countries.legal[0] == 0.5
    with pytest.raises(ValueError):
        country.legal_maturity = 1.5
    assert model.country(country.code) is country
    assert len(model.agents) == model.n_countries * 2 + model.n_stakeholders
    graph = model.partnership_graph()
    assert graph.number_of_nodes() == model.n_countries + model.n_stakeholders
    assert graph.number_of_edges() == model.network.n_links


def test_network_hub_handles_a_network_split_into_islands():
    from ipsim.strategies.base import country_centrality

    spec = small_scenario(
        world={
            "n_countries": 8,
            "stakeholders_per_country": 10,
            "seed": 1,
            "network": {"cross_border_share": 0.0, "academic_links": 0, "donor_links": 0},
        }
    )
    model = IPModel(spec.with_strategy("network_hub"))
    values = country_centrality(model)
    assert np.all(np.isfinite(values)) and values.max() == 1.0
    model.run()
    assert model.ledger.accounted()


def test_read_outs_follow_state_changed_through_the_agents():
    model = IPModel(small_scenario())
    agent = model.country_agents[0].stakeholders[0]
    agent.expertise = 0.1
    before = agent.expected_patent_filings
    agent.expertise = 0.9  # between steps: the cached expected filings must not be reused
    assert agent.expected_patent_filings > before * 5
    country = model.country_agents[0]
    country.legal_maturity = 0.0
    low = agent.expected_patent_filings
    country.legal_maturity = 1.0
    assert agent.expected_patent_filings > low
