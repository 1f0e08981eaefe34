"""The built-in strategies."""

from __future__ import annotations

import numpy as np

from ipsim.registry import register_strategy
from ipsim.strategies.base import (
    CONSTRAINTS,
    Strategy,
    capacity_scores,
    country_centrality,
)


@register_strategy("none")
class NoProgramme(Strategy):
    """The counterfactual: no programme, nothing spent."""

    description = "No programme: the counterfactual every strategy is measured against."

    def weights(self) -> np.ndarray:  # noqa: D102
        return np.zeros((len(self.model.interventions), self.model.n_countries))


@register_strategy("uniform")
class Uniform(Strategy):
    """Every country gets the same money, split by the programme's mix."""

    description = "Uniform split: equal money per country, in the programme's mix."

    def weights(self) -> np.ndarray:  # noqa: D102
        return np.outer(self.shares(), np.ones(self.model.n_countries))


@register_strategy("needs_based")
class NeedsBased(Strategy):
    """Money in proportion to the square of each country's capacity gap."""

    description = "Needs-based: the largest capacity gaps first (weight: gap squared)."

    def weights(self) -> np.ndarray:  # noqa: D102
        scores = capacity_scores(self.model)
        gap = 1 - np.mean([scores[k] for k in CONSTRAINTS], axis=0)
        return np.outer(self.shares(), gap**2)


@register_strategy("impact_maximising")
class ImpactMaximising(Strategy):
    """Money to the cells with the highest expected extra filings per dollar.

    Each intervention estimates the extra resident filings one more unit would bring in
    each country; the strategy divides by the unit cost, ranks the cells, and funds the
    best ones, each with the money it can absorb in this step, until this step's money
    is placed (so that seat limits do not leave money idle).
    """

    description = "Impact-maximising: highest expected extra filings per dollar first."

    def weights(self) -> np.ndarray:  # noqa: D102
        m = self.model
        value = np.stack(
            [np.maximum(i.expected_gain(), 0) / i.unit_cost_usd for i in m.interventions]
        )
        if not (value > 0).any():
            return Uniform.weights(self)
        # Money each cell can still absorb this step, net of what is already committed.
        unit_cost = np.array([i.unit_cost_usd for i in m.interventions])
        room = np.minimum(m.capacity, 10**9) * unit_cost[:, None]
        room = np.maximum(room - m.ledger.commitments.sum(axis=0) / 100, 0.0)
        room[value <= 0] = 0.0
        per_step = m.ledger.balance.sum() / 100 / max(m.n_steps - m.steps + 1, 1)
        order = np.argsort(-value, axis=None, kind="stable")
        absorbed = np.cumsum(room.reshape(-1)[order])
        n_take = int(np.searchsorted(absorbed, per_step)) + 1
        w = np.zeros(value.size)
        w[order[:n_take]] = room.reshape(-1)[order[:n_take]]
        return w.reshape(value.shape)


@register_strategy("network_hub")
class NetworkHub(Strategy):
    """Money to the most central countries of the partnership network, to ride spillovers."""

    description = "Network hubs: most central partners first, to exploit spillovers."

    def __init__(self, model):
        super().__init__(model)
        self._centrality: np.ndarray | None = None
        self._year = -1

    def weights(self) -> np.ndarray:  # noqa: D102
        year = self.model.steps // self.model.steps_per_year
        if self._centrality is None or year != self._year:
            self._centrality = country_centrality(self.model)
            self._year = year
        return np.outer(self.shares(), self._centrality**2)


@register_strategy("regional_hub")
class RegionalHub(Strategy):
    """Train the trainers: one hub per region trains trainers and people; the rest share.

    The hub of a region is its country with the most expert office, weighted by its
    centrality. Hubs get the expertise interventions (train the trainers first); every
    country of the region gets knowledge-sharing platforms and the programme's other
    interventions.
    """

    description = "Regional hubs: train the trainers in one hub per region, share the rest."
    trainer_priority = 0.25
    """Extra weight of train-the-trainers in a hub, as a share of the whole programme mix."""

    def weights(self) -> np.ndarray:  # noqa: D102
        m = self.model
        region = m.countries.region
        merit = m.office_expertise * (1 + country_centrality(m))
        hub = np.zeros(m.n_countries, bool)
        for r in np.unique(region):
            members = np.flatnonzero(region == r)
            hub[members[np.argmax(merit[members])]] = True
        size = np.bincount(region)[region]
        shares = self.shares()
        expertise = self.mask("expertise")
        trainers = self.mask("train_the_trainers")
        w = np.outer(shares * (1 - expertise), np.ones(m.n_countries))
        hub_weight = np.where(hub, size, 0.0)
        in_hubs = shares * expertise + trainers * shares.sum() * self.trainer_priority
        w += np.outer(in_hubs, hub_weight)
        return w


@register_strategy("digital_first")
class DigitalFirst(Strategy):
    """E-learning where internet access allows it, in-person training elsewhere."""

    description = "Digital-first: e-learning where internet allows, in-person elsewhere."
    internet_threshold = 0.5

    def weights(self) -> np.ndarray:  # noqa: D102
        m = self.model
        shares = self.shares()
        online = m.countries.internet >= self.internet_threshold
        training = self.mask("training")
        elearning = self.mask("elearning")
        learning = float(shares @ (training + elearning))
        w = np.outer(shares * (1 - training - elearning), np.ones(m.n_countries))
        if elearning.any():
            w += np.outer(elearning * learning, online.astype(float))
        if training.any():
            w += np.outer(training * learning, (~online).astype(float))
        return w


@register_strategy("tailored")
class Tailored(Strategy):
    """Fund each country's binding constraint: law, office, awareness or expertise."""

    description = (
        "Tailored: fund each country's binding constraint (law, office, awareness, expertise)."
    )

    def weights(self) -> np.ndarray:  # noqa: D102
        m = self.model
        scores = capacity_scores(m)
        matrix = np.stack([scores[k] for k in CONSTRAINTS])
        binding = np.argmin(matrix, axis=0)
        gap = 1 - matrix[binding, np.arange(m.n_countries)]
        shares = self.shares()
        w = np.zeros((len(m.interventions), m.n_countries))
        for k, constraint in enumerate(CONSTRAINTS):
            fits = self.mask(constraint) * shares
            if fits.sum() == 0:
                continue
            countries = binding == k
            w[:, countries] = np.outer(fits / fits.sum(), gap[countries])
        return w
