"""The base class of strategies, and the diagnostics they share."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from scipy.sparse.csgraph import connected_components

if TYPE_CHECKING:
    from ipsim.model import IPModel

CONSTRAINTS: tuple[str, ...] = ("law", "office", "awareness", "expertise")
"""The binding constraints a country can face, as diagnosed by :func:`capacity_scores`."""

REFERENCE_QUANTILE = 0.9
"""A country's capacity on a constraint is measured against the world's 90th percentile."""


class Strategy:
    """Base class: subclass it, implement :meth:`weights` and register it.

    A strategy returns, each step, non-negative weights over (intervention, country)
    cells; the budget lines commit this step's money in proportion to them (within
    their earmarks). Weights of zero everywhere spend nothing.

    Class attributes:
        name: Registered name (set by :func:`~ipsim.registry.register_strategy`).
        description: One line for ``ipsim list``.

    Args:
        model: The model it allocates for.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __init__(self, model: IPModel):
        self.model = model

    def weights(self) -> np.ndarray:
        """Weights of shape (interventions, countries) for this step."""
        raise NotImplementedError

    # Helpers shared by the built-in strategies.
    def shares(self) -> np.ndarray:
        """The programme's intended mix over its interventions (equal if unspecified)."""
        items = self.model.spec.programme.interventions
        if items[0].share is None:
            return np.full(len(items), 1 / len(items))
        return np.array([i.share for i in items], dtype=float)

    def mask(self, predicate: object) -> np.ndarray:
        """1.0 for interventions whose name or constraint matches ``predicate``."""
        return np.array(
            [
                float(i.name == predicate or i.constraint == predicate)
                for i in self.model.interventions
            ]
        )


def capacity_scores(model: IPModel) -> dict[str, np.ndarray]:
    """Each country's capacity on each constraint, in [0, 1] (1: no gap).

    law: legal-framework maturity; office: speed of examination and automation;
    awareness: share of organisations aware of IP; expertise: stakeholders' mean
    expertise. Each is divided by the world's 90th percentile of that measure, so the
    constraints are comparable and the binding one is where a country lags most.
    """
    c = model.countries
    ref = model.spec.dynamics.pendency_reference_years
    speed = np.minimum(1.0, ref / np.maximum(c.pendency, 1e-9))
    raw = {
        "law": c.legal,
        "office": 0.5 * speed + 0.5 * c.automation,
        "awareness": model.by_country(model.awareness_share, model.stakeholders.size),
        "expertise": model.by_country(model.stakeholder_expertise, model.stakeholders.size),
    }
    out = {}
    for key, values in raw.items():
        reference = np.quantile(values, REFERENCE_QUANTILE)
        out[key] = np.clip(values / reference if reference > 0 else np.ones_like(values), 0, 1)
    return out


def country_centrality(model: IPModel) -> np.ndarray:
    """Eigenvector centrality of each country in the network of cross-border links (max 1).

    Links are only ever added, so the value is kept on the model and recomputed only when
    the number of links changes (once a year at most), not at every step.
    """
    net = model.network
    cached = getattr(model, "_country_centrality", None)
    if cached is not None and cached[0] == net.n_links:
        return cached[1]
    values = _centrality(model)
    values.flags.writeable = False  # shared by every caller until the links change
    model._country_centrality = (net.n_links, values)
    return values


def _centrality(model: IPModel) -> np.ndarray:
    net = model.network
    n_c = model.n_countries
    a = model.actor_country[net.u]
    b = model.actor_country[net.v]
    cross = a != b
    flat = np.bincount(
        np.minimum(a, b)[cross] * n_c + np.maximum(a, b)[cross],
        weights=net.weight[cross],
        minlength=n_c * n_c,
    )
    adjacency = flat.reshape(n_c, n_c)
    adjacency = adjacency + adjacency.T
    # Eigenvector centrality is defined per connected component; a component's values
    # are scaled by its share of the countries, so a small island is not a hub.
    n_parts, part = connected_components(adjacency > 0, directed=False)
    values = np.zeros(n_c)
    for label in range(n_parts):
        members = np.flatnonzero(part == label)
        if len(members) < 2:
            continue
        _, vectors = np.linalg.eigh(adjacency[np.ix_(members, members)])
        values[members] = np.abs(vectors[:, -1]) * len(members) / n_c
    return values / values.max() if values.max() > 0 else np.full(n_c, 1 / n_c)
