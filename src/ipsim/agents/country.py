"""The Country agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from ipsim.spec import INCOME_GROUPS, REGIONS

if TYPE_CHECKING:
    from ipsim.agents.office import IPOffice
    from ipsim.agents.stakeholder import Stakeholder
    from ipsim.model import IPModel


class Country(mesa.Agent):
    """A country: its economy, its legal framework and its organisations' IP awareness.

    Attributes are read from (and, where settable, written to) the model's arrays, so a
    change made through an agent is the model's state.

    Args:
        model: The model.
        index: The country's index in the model's arrays.
    """

    def __init__(self, model: IPModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def code(self) -> str:
        """ISO3-style code."""
        return str(self.model.world.codes[self.index])

    @property
    def label(self) -> str:
        """Country name."""
        return str(self.model.world.names[self.index])

    @property
    def region(self) -> str:
        """World Bank region."""
        return REGIONS[int(self.model.countries.region[self.index])]

    @property
    def income_group(self) -> str:
        """World Bank income group."""
        return INCOME_GROUPS[int(self.model.countries.income[self.index])]

    @property
    def population(self) -> float:
        """People."""
        return float(self.model.countries.population[self.index])

    @property
    def gdp_per_capita(self) -> float:
        """USD per person per year."""
        return float(self.model.countries.gdp_per_capita[self.index])

    @property
    def internet_access(self) -> float:
        """Share of people using the internet."""
        return float(self.model.countries.internet[self.index])

    @property
    def legal_maturity(self) -> float:
        """Maturity of the IP legal framework, in [0, 1]."""
        return float(self.model.countries.legal[self.index])

    @legal_maturity.setter
    def legal_maturity(self, value: float) -> None:
        if not 0 <= value <= 1:
            raise ValueError(f"legal_maturity must lie in [0, 1], got {value}")
        self.model.countries.legal[self.index] = value
        self.model.state_changed()

    @property
    def awareness(self) -> float:
        """Share of the country's organisations aware of IP."""
        s = self.model.stakeholders
        lo, hi = s.start[self.index], s.start[self.index + 1]
        return float(s.aware[lo:hi].sum() / s.size[lo:hi].sum())

    @property
    def office(self) -> IPOffice:
        """The national IP office."""
        return self.model.office_agents[self.index]

    @property
    def stakeholders(self) -> list[Stakeholder]:
        """The country's stakeholder agents."""
        s = self.model.stakeholders
        return [
            self.model.stakeholder(i) for i in range(s.start[self.index], s.start[self.index + 1])
        ]

    @property
    def patent_filings_resident(self) -> int:
        """Resident patent applications in the last step."""
        return int(self.model.countries.patents_resident[self.index])

    def __repr__(self) -> str:
        return f"Country({self.code}, {self.income_group}, {self.region})"
