"""The partnership network: typed, weighted links between offices and stakeholders.

Actors are numbered offices first (``0..n_countries-1``), then stakeholders. Links are
kept as arrays and a symmetric CSR adjacency, so that learning along links is one pass
over the links per step; :meth:`PartnershipNetwork.to_networkx` gives a networkx view
for analysis and drawing. Generation is vectorised and always seeded.
"""

from __future__ import annotations

from enum import IntEnum

import networkx as nx
import numpy as np
from scipy import sparse

from ipsim import accel, kinds
from ipsim.spec import NetworkSpec
from ipsim.stakeholders import StakeholderArrays
from ipsim.world import World


class LinkType(IntEnum):
    """Types of partnership."""

    REGIONAL = 0
    PUBLIC_PRIVATE = 1
    ACADEMIC = 2
    TECH_TRANSFER = 3
    DONOR = 4

    @property
    def label(self) -> str:
        """Lower-case name used in outputs and scenario files."""
        return self.name.lower()


LINK_LABELS: tuple[str, ...] = tuple(t.label for t in LinkType)

GROWTH_HEADROOM = 4
"""A link array that must grow gets ``1 / GROWTH_HEADROOM`` of spare capacity."""


class PartnershipNetwork:
    """Undirected weighted links between actors, with a CSR view for fast updates.

    Args:
        n_actors: Number of actors (offices then stakeholders).
        u: First endpoint of each link.
        v: Second endpoint of each link.
        link_type: :class:`LinkType` of each link.
        weight: Weight of each link, in (0, 1].
    """

    def __init__(
        self,
        n_actors: int,
        u: np.ndarray,
        v: np.ndarray,
        link_type: np.ndarray,
        weight: np.ndarray,
    ):
        self.n_actors = n_actors
        self._buffers: dict[str, np.ndarray] = {}
        self.u = np.empty(0, np.int64)
        self.v = np.empty(0, np.int64)
        self.link_type = np.empty(0, np.int8)
        self.weight = np.empty(0, np.float64)
        self.add(u, v, link_type, weight)

    @property
    def n_links(self) -> int:
        """Number of undirected links."""
        return len(self.u)

    def add(self, u: np.ndarray, v: np.ndarray, link_type: np.ndarray, weight: np.ndarray) -> int:
        """Add links (self-loops and links already present are dropped); return how many."""
        u = np.asarray(u, np.int64)
        v = np.asarray(v, np.int64)
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        keep = lo != hi
        lo, hi = lo[keep], hi[keep]
        link_type = np.asarray(link_type, np.int8)[keep]
        weight = np.asarray(weight, np.float64)[keep]
        before = self.n_links
        n = self.n_actors
        key = lo * n + hi
        _, first = np.unique(key, return_index=True)
        first.sort()  # new links keep the order in which they were given
        if before and len(first):
            # Drop links already present: found in the first endpoint's CSR row.
            r, c = lo[first], hi[first]
            pos = np.minimum(self._search(r, c), len(self.cols) - 1)
            first = first[(self.cols[pos] != c) | (pos >= self.indptr[r + 1])]
        if before and not len(first):
            return 0
        for name, added in (
            ("u", lo[first]),
            ("v", hi[first]),
            ("link_type", link_type[first]),
            ("weight", weight[first]),
        ):
            setattr(self, name, self._grown(name, before, len(first), getattr(self, name)))
            getattr(self, name)[before:] = added
        if before:
            self._merge_csr(lo[first], hi[first], weight[first])
        else:
            self._build_csr()
        return self.n_links - before

    def _grown(self, name: str, used: int, extra: int, current: np.ndarray) -> np.ndarray:
        """A view of ``used + extra`` entries of buffer ``name`` holding ``current[:used]``.

        Buffers keep spare capacity (untouched memory, so not resident until used), so that
        the yearly new links are written in place instead of into fresh arrays.
        """
        size = used + extra
        buffer = self._buffers.get(name)
        if buffer is None or len(buffer) < size:
            buffer = np.empty(size + size // GROWTH_HEADROOM + 64, current.dtype)
            buffer[:used] = current[:used]
            self._buffers[name] = buffer
        return buffer[:size]

    def _build_csr(self) -> None:
        rows = np.concatenate([self.u, self.v])
        cols = np.concatenate([self.v, self.u])
        data = np.concatenate([self.weight, self.weight])
        keys = rows * self.n_actors + cols
        order = np.argsort(keys, kind="stable")  # keys are unique: any sort will do
        # Columns as int32 when the actors allow: less memory to move in the passes.
        small = self.n_actors < np.iinfo(np.int32).max
        for name, values in (("cols", cols.astype(np.int32) if small else cols), ("data", data)):
            setattr(self, name, self._grown(name, 0, len(order), values[:0]))
            np.take(values, order, out=getattr(self, name))
        self.indptr = np.zeros(self.n_actors + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=self.n_actors), out=self.indptr[1:])
        self._rows = None
        self.strength = np.empty(self.n_actors)
        self._csr_totals()

    def _merge_csr(self, lo: np.ndarray, hi: np.ndarray, weight: np.ndarray) -> None:
        """Insert new links into the sorted CSR arrays, in place (no full re-sort)."""
        n = self.n_actors
        rows = np.concatenate([lo, hi])
        cols = np.concatenate([hi, lo])
        data = np.concatenate([weight, weight])
        order = np.argsort(rows * n + cols, kind="stable")  # unique keys: any sort will do
        rows, cols, data = rows[order], cols[order], data[order]
        # Where each new entry lands in the merged arrays (as np.insert would put it).
        at = self._search(rows, cols) + np.arange(len(order))
        used = len(self.cols)
        if not accel.enabled():
            old = np.ones(used + len(order), bool)
            old[at] = False
        for name, added in (("cols", cols), ("data", data)):
            merged = self._grown(name, used, len(order), getattr(self, name))
            added = added.astype(merged.dtype, copy=False)
            if accel.enabled():
                accel.kernels().merge_in_place(merged, used, at, added)
            else:
                merged[old] = merged[:used].copy()
                merged[at] = added
            setattr(self, name, merged)
        self.indptr[1:] += np.cumsum(np.bincount(rows, minlength=n))
        self._rows = None
        self._csr_totals(rows[np.flatnonzero(np.diff(rows, prepend=-1))])  # rows sorted

    def _search(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Position of each ``(row, col)`` in the sorted CSR entries (where it is or would go)."""
        out = np.empty(len(rows), np.int64)
        if accel.enabled():
            accel.kernels().csr_search(self.indptr, self.cols, rows, cols, out)
        else:
            n = self.n_actors
            out[:] = np.searchsorted(self.rows * n + self.cols, rows * n + cols)
        return out

    @property
    def rows(self) -> np.ndarray:
        """Row (first actor) of each CSR entry, made from ``indptr`` on request."""
        if self._rows is None:
            self._rows = np.repeat(np.arange(self.n_actors), np.diff(self.indptr))
        return self._rows

    def _csr_totals(self, changed: np.ndarray | None = None) -> None:
        """Strength and degree of every actor (after a merge: ``changed`` rows only)."""
        if accel.enabled():
            # The same sums in the same order as the bincount below.
            if changed is None:
                accel.kernels().segment_sum(self.indptr, self.data, self.strength)
            else:
                accel.kernels().row_sums(self.indptr, self.data, changed, self.strength)
        else:
            self.strength[:] = np.bincount(self.rows, weights=self.data, minlength=self.n_actors)
        self.degree = np.diff(self.indptr)
        self._matrix = None

    @property
    def matrix(self) -> sparse.csr_array:
        """The weighted adjacency as a scipy CSR array (rebuilt after links are added)."""
        if self._matrix is None:
            n = self.n_actors
            self._matrix = sparse.csr_array((self.data, self.cols, self.indptr), shape=(n, n))
        return self._matrix

    def _mean_over_partners(self, total: np.ndarray) -> np.ndarray:
        return np.divide(total, self.strength, out=np.zeros_like(total), where=self.strength > 0)

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        """Weighted mean of ``values`` over each actor's partners (0 for isolated actors)."""
        values = np.ascontiguousarray(values, dtype=np.float64)
        if accel.enabled():
            out = np.empty(self.n_actors)
            accel.kernels().neighbour_mean(
                self.indptr, self.cols, self.data, self.strength, values, out
            )
            return out
        # Sums in CSR order, as a bincount over the links would.
        return self._mean_over_partners(self.matrix @ values)

    def upward_pull(self, values: np.ndarray) -> np.ndarray:
        """Weighted mean of ``max(0, values[j] - values[i])`` over each actor's partners."""
        values = np.ascontiguousarray(values, dtype=np.float64)
        if accel.enabled():
            out = np.empty(self.n_actors)
            accel.kernels().upward_pull(
                self.indptr, self.cols, self.data, self.strength, values, out
            )
            return out
        gap = values[self.cols]
        gap -= values[self.rows]
        np.maximum(gap, 0.0, out=gap)
        gap *= self.data
        return self._mean_over_partners(
            np.bincount(self.rows, weights=gap, minlength=self.n_actors)
        )

    def neighbours(self, actor: int) -> np.ndarray:
        """Partners of one actor."""
        return self.cols[self.indptr[actor] : self.indptr[actor + 1]]

    def to_networkx(self, actor_attributes: dict[str, np.ndarray] | None = None) -> nx.Graph:
        """A networkx view (nodes 0..n-1, edges with ``type`` and ``weight``)."""
        graph = nx.Graph()
        graph.add_nodes_from(range(self.n_actors))
        if actor_attributes:
            for name, values in actor_attributes.items():
                nx.set_node_attributes(graph, dict(enumerate(values.tolist())), name)
        graph.add_edges_from(
            (int(a), int(b), {"type": LINK_LABELS[t], "weight": float(w)})
            for a, b, t, w in zip(self.u, self.v, self.link_type, self.weight, strict=True)
        )
        return graph


def stakeholder_link_type(kind_a: np.ndarray, kind_b: np.ndarray) -> np.ndarray:
    """Type of a link between two stakeholders, from their kinds."""
    pub_a, pub_b = kinds.IS_PUBLIC[kind_a], kinds.IS_PUBLIC[kind_b]
    out = np.full(len(kind_a), LinkType.TECH_TRANSFER, np.int8)
    out[pub_a != pub_b] = LinkType.PUBLIC_PRIVATE
    out[pub_a & pub_b] = LinkType.ACADEMIC
    return out


def type_weights(spec: NetworkSpec) -> np.ndarray:
    """Weight of each :class:`LinkType`, from the scenario."""
    w = spec.weights
    return np.array([w.regional, w.public_private, w.academic, w.tech_transfer, w.donor])


def build_network(
    world: World, stakeholders: StakeholderArrays, spec: NetworkSpec, rng: np.random.Generator
) -> PartnershipNetwork:
    """Generate the partnership network.

    Within each country, stakeholders form a Watts-Strogatz small world (ring lattice of
    degree ``peer_degree``, each link rewired with probability ``rewiring``; a share
    ``cross_border_share`` of rewired links goes to another country of the region).
    Offices link to some of their stakeholders and to the other offices of their region;
    high-income offices twin with developing ones; universities form cross-border
    alliances.

    Args:
        world: The countries.
        stakeholders: The stakeholder sample.
        spec: Network knobs.
        rng: The world's network stream.

    Returns:
        The network.
    """
    n_c, n_s = world.n, stakeholders.n
    weights = type_weights(spec)
    us, vs, ts = [], [], []
    s_kind = stakeholders.kind
    region_of_stakeholder = world.region[stakeholders.country]

    # Within-country small worlds.
    half = spec.peer_degree // 2
    for c in range(n_c):
        lo, hi = stakeholders.start[c], stakeholders.start[c + 1]
        m = hi - lo
        if half == 0 or m < 2:
            continue
        order = lo + rng.permutation(m)
        reach = min(half, (m - 1) // 2) if m > 2 else 1
        src = np.repeat(np.arange(m), reach)
        dst = (src + np.tile(np.arange(1, reach + 1), m)) % m
        a, b = order[src], order[dst]
        rewire = rng.random(len(a)) < spec.rewiring
        n_rw = int(rewire.sum())
        if n_rw:
            new_b = lo + rng.integers(0, m, n_rw)
            abroad = rng.random(n_rw) < spec.cross_border_share
            if abroad.any():
                same_region = np.flatnonzero(
                    (region_of_stakeholder == world.region[c]) & (stakeholders.country != c)
                )
                pool = (
                    same_region if len(same_region) else np.flatnonzero(stakeholders.country != c)
                )
                if len(pool):
                    new_b[abroad] = pool[rng.integers(0, len(pool), int(abroad.sum()))]
            b = b.copy()
            b[rewire] = new_b
        us.append(a + n_c)
        vs.append(b + n_c)
        ts.append(stakeholder_link_type(s_kind[a], s_kind[b]))

    # Offices with their stakeholders (public-private).
    if spec.office_links:
        for c in range(n_c):
            lo, hi = stakeholders.start[c], stakeholders.start[c + 1]
            k = min(spec.office_links, hi - lo)
            chosen = lo + rng.choice(hi - lo, size=k, replace=False)
            us.append(np.full(k, c))
            vs.append(chosen + n_c)
            ts.append(np.full(k, LinkType.PUBLIC_PRIVATE, np.int8))

    # Regional organisations: offices of a region are linked.
    for r in np.unique(world.region):
        members = np.flatnonzero(world.region == r)
        if len(members) > 1:
            iu, iv = np.triu_indices(len(members), 1)
            us.append(members[iu])
            vs.append(members[iv])
            ts.append(np.full(len(iu), LinkType.REGIONAL, np.int8))

    # Donor twinning: each high-income office with developing offices.
    developing = np.flatnonzero(world.income <= 1)
    if spec.donor_links and len(developing):
        for c in np.flatnonzero(world.income == 3):
            k = min(spec.donor_links, len(developing))
            partners = rng.choice(developing, size=k, replace=False)
            us.append(np.full(k, c))
            vs.append(partners)
            ts.append(np.full(k, LinkType.DONOR, np.int8))

    # Academic alliances across borders (70% within the region).
    universities = np.flatnonzero(s_kind == kinds.Kind.UNIVERSITY)
    if spec.academic_links and len(universities) > 1:
        n_links = rng.poisson(spec.academic_links, len(universities))
        src = np.repeat(universities, n_links)
        dst = universities[rng.integers(0, len(universities), len(src))]
        regional = rng.random(len(src)) < 0.7
        for r in np.unique(world.region):
            pool = universities[region_of_stakeholder[universities] == r]
            pick = regional & (region_of_stakeholder[src] == r)
            if len(pool) and pick.any():
                dst[pick] = pool[rng.integers(0, len(pool), int(pick.sum()))]
        us.append(src + n_c)
        vs.append(dst + n_c)
        ts.append(np.full(len(src), LinkType.ACADEMIC, np.int8))

    u = np.concatenate(us) if us else np.empty(0, np.int64)
    v = np.concatenate(vs) if vs else np.empty(0, np.int64)
    t = np.concatenate(ts) if ts else np.empty(0, np.int8)
    return PartnershipNetwork(n_c + n_s, u, v, t, weights[t])
