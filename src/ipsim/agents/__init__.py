"""Agents: views onto the model's arrays, the way a user inspects and extends the model."""

from ipsim.agents.country import Country
from ipsim.agents.office import IPOffice
from ipsim.agents.stakeholder import Stakeholder

__all__ = ["Country", "IPOffice", "Stakeholder"]
