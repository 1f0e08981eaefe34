"""Interventions: what a programme can buy, registered by the names used in scenarios."""

from ipsim.interventions.base import Intervention

__all__ = ["Intervention"]
