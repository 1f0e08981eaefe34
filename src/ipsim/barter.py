"""Knowledge barter between partners (Cowan and Jonard 2004).

Under ``dynamics.partner_learning: barter`` an actor's expertise is the mean of
``dynamics.knowledge_fields`` fields of IP know-how (patent law, drafting, examination,
licensing, enforcement...). Partners meet in rounds. In each round a random matching
of the partnership network is drawn: every link gets a random priority and two partners
meet when their link has the lowest priority of all links touching either of them, so
each actor meets at most one partner per round (one Luby step). A pair that meets
trades only if each is ahead of the other in at least one field (a double coincidence
of wants); then each closes a share ``alpha * w_ij`` of its gap in every field where
the other is ahead, using the values before the trade. The giver loses nothing.

Cowan and Jonard find that, run until no pair can trade, mean knowledge is highest
on small worlds (intermediate rewiring): a lattice trades slowly and a random graph
stops trading early. The pattern needs trades between one pair at a time; a rule that
averages over all partners at once (ipsim's ``spillover``) does not show it
(experiments/network_rewiring.py).

Fields start spread around each actor's starting expertise, or, with
``dynamics.knowledge_start: uniform``, uniform on [0, 1] for every actor as in Cowan and
Jonard (then the world's starting expertise is replaced by the fields' means).

The fields are kept as deviations from the mean, so the rest of the model keeps using
the scalar expertise: a training gain shifts every field by the same amount,
forgetting and staff turnover shrink the deviations with the mean's distance to its
sustained level.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 1e-9
"""Smallest difference in a field that counts as being ahead."""


class KnowledgeFields:
    """Fields of expertise of every actor, as deviations from each actor's mean.

    Made with :meth:`around` (fields spread around given expertise) or :meth:`uniform`
    (Cowan and Jonard's start).

    Args:
        deviation: Field minus mean, shape (actors, fields); each row sums to zero.

    Attributes:
        deviation: Field minus mean, shape (actors, fields).
    """

    def __init__(self, deviation: np.ndarray):
        deviation = np.asarray(deviation, dtype=float)
        if deviation.ndim != 2 or deviation.shape[1] < 2:
            fields = deviation.shape[1] if deviation.ndim == 2 else deviation.shape
            raise ValueError(f"barter needs at least 2 knowledge fields, got {fields}")
        self.deviation = deviation

    @classmethod
    def around(
        cls, expertise: np.ndarray, n_fields: int, rng: np.random.Generator
    ) -> KnowledgeFields:
        """Fields spread around each actor's expertise, within [0, 1].

        Each field is ``E + d`` with ``d`` uniform, the ``d`` of an actor summing to zero
        and lying within ``min(E, 1 - E)``.
        """
        expertise = np.asarray(expertise, dtype=float)
        spread = np.minimum(expertise, 1.0 - expertise)
        u = rng.uniform(-1.0, 1.0, (len(expertise), n_fields))
        # |u - mean(u)| < 2, so the fields lie in [E - spread, E + spread], within [0, 1].
        return cls(0.5 * spread[:, None] * (u - u.mean(axis=1, keepdims=True)))

    @classmethod
    def uniform(
        cls, n_actors: int, n_fields: int, rng: np.random.Generator
    ) -> tuple[KnowledgeFields, np.ndarray]:
        """Every field of every actor uniform on [0, 1] (Cowan and Jonard's start).

        Returns:
            The fields, and each actor's expertise (the mean of its fields).
        """
        fields = rng.random((n_actors, n_fields))
        expertise = fields.mean(axis=1)
        return cls(fields - expertise[:, None]), expertise

    def fields(self, expertise: np.ndarray) -> np.ndarray:
        """Every actor's fields, shape (actors, fields)."""
        return expertise[:, None] + self.deviation

    def shrink(self, factor: float, actors: slice = slice(None)) -> None:
        """Scale deviations (forgetting and turnover pull every field like the mean)."""
        self.deviation[actors] *= factor

    def tradeable_links(self, expertise: np.ndarray, u: np.ndarray, v: np.ndarray) -> int:
        """How many links join partners who could trade now (0: barter has stopped)."""
        fields = self.fields(expertise)
        _, _, trade = _double_coincidence(fields[v] - fields[u])
        return int(trade.sum())

    def trade_round(
        self,
        expertise: np.ndarray,
        u: np.ndarray,
        v: np.ndarray,
        weight: np.ndarray,
        alpha: np.ndarray,
        rng: np.random.Generator,
    ) -> int:
        """One meeting round on a random matching; updates ``expertise`` in place.

        Args:
            expertise: Every actor's expertise (the fields' mean), updated in place.
            u: First endpoint of each link.
            v: Second endpoint of each link.
            weight: Weight of each link, in (0, 1].
            alpha: Share of a gap an actor closes in a trade over a link of weight 1,
                per actor.
            rng: Generator of the round's link priorities.

        Returns:
            The number of trades made.
        """
        if not len(u):
            return 0
        priority = rng.random(len(u))
        lowest = np.full(len(expertise), np.inf)
        np.minimum.at(lowest, u, priority)
        np.minimum.at(lowest, v, priority)
        met = np.flatnonzero((priority == lowest[u]) & (priority == lowest[v]))
        a, b = u[met], v[met]
        fa = expertise[a, None] + self.deviation[a]
        fb = expertise[b, None] + self.deviation[b]
        gap = fb - fa
        b_ahead, a_ahead, trade = _double_coincidence(gap)
        if not trade.any():
            return 0
        a, b, fa, fb, gap = a[trade], b[trade], fa[trade], fb[trade], gap[trade]
        w = weight[met[trade], None]
        fa += alpha[a, None] * w * np.where(b_ahead[trade], gap, 0.0)
        fb -= alpha[b, None] * w * np.where(a_ahead[trade], gap, 0.0)
        for actors, values in ((a, fa), (b, fb)):
            mean = values.mean(axis=1)
            expertise[actors] = mean
            self.deviation[actors] = values - mean[:, None]
        return int(trade.sum())


def _double_coincidence(gap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fields where b is ahead, where a is ahead, and which pairs can trade.

    Args:
        gap: b's fields minus a's, shape (pairs, fields).
    """
    b_ahead = gap > TOLERANCE
    a_ahead = gap < -TOLERANCE
    return b_ahead, a_ahead, b_ahead.any(axis=1) & a_ahead.any(axis=1)
