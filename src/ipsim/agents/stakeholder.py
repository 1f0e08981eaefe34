"""The Stakeholder agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from ipsim.kinds import Kind

if TYPE_CHECKING:
    from ipsim.agents.country import Country
    from ipsim.model import IPModel


class Stakeholder(mesa.Agent):
    """A group of organisations of one kind in one country (SMEs, universities, ...).

    The agent stands for ``organisations`` real organisations; its expertise is their
    mean expertise and ``aware`` how many of them are aware of IP.

    Args:
        model: The model.
        index: The stakeholder's index in the model's arrays.
    """

    def __init__(self, model: IPModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> Kind:
        """SME, university, legal practitioner, individual inventor or large firm."""
        return Kind(int(self.model.stakeholders.kind[self.index]))

    @property
    def country(self) -> Country:
        """The stakeholder's country."""
        return self.model.country_agents[int(self.model.stakeholders.country[self.index])]

    @property
    def organisations(self) -> int:
        """Real organisations this agent stands for."""
        return int(self.model.stakeholders.size[self.index])

    @property
    def expertise(self) -> float:
        """Mean IP expertise, in [0, 1]."""
        return float(self.model.stakeholder_expertise[self.index])

    @expertise.setter
    def expertise(self, value: float) -> None:
        if not 0 <= value <= 1:
            raise ValueError(f"expertise must lie in [0, 1], got {value}")
        self.model.stakeholder_expertise[self.index] = value
        self.model.state_changed()

    @property
    def aware(self) -> int:
        """Organisations aware of IP."""
        return int(self.model.stakeholders.aware[self.index])

    @property
    def awareness(self) -> float:
        """Share of the organisations aware of IP."""
        return self.aware / self.organisations

    @property
    def expected_patent_filings(self) -> float:
        """Expected resident patent applications per year."""
        return float(self.model.resident_mean[self.index])

    @property
    def patent_filings(self) -> int:
        """Patent applications filed in the last step."""
        return int(self.model.stakeholder_patents[self.index])

    @property
    def trademark_filings(self) -> int:
        """Trademark applications filed in the last step."""
        return int(self.model.stakeholder_trademarks[self.index])

    @property
    def partners(self) -> list[int]:
        """Indices (in the network's actor numbering) of this agent's partners."""
        return self.model.network.neighbours(self.model.n_countries + self.index).tolist()

    def __repr__(self) -> str:
        return f"Stakeholder({self.index}, {self.kind.label}, {self.country.code})"
