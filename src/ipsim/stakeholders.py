"""The stakeholder sample: agents that each stand for a group of real organisations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ipsim import kinds
from ipsim.streams import Streams
from ipsim.world import World


@dataclass
class StakeholderArrays:
    """Stakeholder state as arrays, one entry per stakeholder agent.

    Agents are stored country by country (``start[c]:start[c + 1]``).

    Attributes:
        country: Country index of each agent.
        kind: :class:`~ipsim.kinds.Kind` of each agent.
        size: Number of real organisations the agent stands for (>= 1).
        aware: How many of those organisations are aware of IP (0..size).
        start: Offsets of each country's block, length ``n_countries + 1``.
    """

    country: np.ndarray
    kind: np.ndarray
    size: np.ndarray
    aware: np.ndarray
    start: np.ndarray

    @property
    def n(self) -> int:
        """Number of stakeholder agents."""
        return len(self.country)


def sample_stakeholders(
    world: World, per_country: int, streams: Streams
) -> tuple[StakeholderArrays, np.ndarray]:
    """Draw each country's stakeholder agents and their initial expertise.

    Args:
        world: The countries.
        per_country: Stakeholder agents per country.
        streams: The world's random streams.

    Returns:
        The stakeholder arrays and the initial expertise of each agent.
    """
    rng = streams.generator("world.stakeholders")
    counts = kinds.sample_counts(per_country)
    kind_block = np.repeat(np.arange(kinds.N_KINDS), counts)
    n_c = world.n
    country = np.repeat(np.arange(n_c), per_country)
    kind = np.tile(kind_block, n_c)
    start = np.arange(n_c + 1) * per_country

    # Organisations per kind and country, spread over that kind's agents.
    millions = world.population / 1e6
    orgs = np.maximum(np.rint(millions[:, None] * kinds.ORGS_PER_MILLION[None, :]), counts)
    size = np.empty(n_c * per_country, dtype=np.int64)
    for c in range(n_c):
        block = size[start[c] : start[c + 1]]
        offset = 0
        for k, m in enumerate(counts):
            total = int(orgs[c, k])
            share = np.full(m, total // m, dtype=np.int64)
            share[: total % m] += 1
            block[offset : offset + m] = share
            offset += m

    aware_share = world.awareness[country]
    aware = rng.binomial(size, aware_share)
    mean = np.clip(kinds.BASE_EXPERTISE[kind] * world.expertise_factor[country], 0.02, 0.95)
    concentration = 12.0
    expertise = rng.beta(mean * concentration, (1 - mean) * concentration)
    arrays = StakeholderArrays(country=country, kind=kind, size=size, aware=aware, start=start)
    return arrays, expertise
