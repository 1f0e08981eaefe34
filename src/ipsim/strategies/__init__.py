"""Strategies: how a programme divides its money, registered by the names used in scenarios."""

from ipsim.strategies.base import Strategy

__all__ = ["Strategy"]
