"""The IPOffice agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from ipsim.agents.country import Country
    from ipsim.model import IPModel

EXAMINER_COST_USD = 40_000.0
"""Yearly cost of an examiner, used to express the office's budget."""


class IPOffice(mesa.Agent):
    """A national IP office: examiners, their expertise, automation, backlog and pendency.

    Args:
        model: The model.
        index: The office's country index.
    """

    def __init__(self, model: IPModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def country(self) -> Country:
        """The office's country."""
        return self.model.country_agents[self.index]

    @property
    def examiners(self) -> float:
        """Examiners, including those paid by grants."""
        c = self.model.countries
        return float(c.examiners[self.index] + c.grant_examiners[self.index])

    @property
    def expertise(self) -> float:
        """Mean expertise of the examiners, in [0, 1]."""
        return float(self.model.office_expertise[self.index])

    @expertise.setter
    def expertise(self, value: float) -> None:
        if not 0 <= value <= 1:
            raise ValueError(f"expertise must lie in [0, 1], got {value}")
        self.model.office_expertise[self.index] = value
        self.model.state_changed()

    @property
    def automation(self) -> float:
        """Automation level, in [0, 1]."""
        return float(self.model.countries.automation[self.index])

    @property
    def backlog(self) -> float:
        """Applications waiting for examination."""
        return float(self.model.countries.backlog[self.index])

    @property
    def pendency(self) -> float:
        """Years an application waits at the current rate of examination."""
        return float(self.model.countries.pendency[self.index])

    @property
    def budget_usd(self) -> float:
        """Yearly staff budget of the office (examiners times their cost)."""
        return self.examiners * EXAMINER_COST_USD

    @property
    def capacity(self) -> float:
        """Applications the office can examine per year."""
        return float(self.model.office_capacity[self.index])

    def __repr__(self) -> str:
        return f"IPOffice({self.country.code}, examiners={self.examiners:.0f})"
