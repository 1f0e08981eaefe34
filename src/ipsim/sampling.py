"""Count samplers driven by uniforms: negative binomial and binomial by inversion.

The model draws its many small counts (filings, awareness adoption) by inversion: one
uniform ``u`` per count, drawn from the process's per-country stream, and the count is the
smallest ``k`` with ``u < F(k)``, the cumulative probabilities summed term by term from
``P(0)`` with the recurrence of the probability mass function. That is much cheaper than
numpy's samplers for the small means the model mostly has (numpy draws a negative binomial
as a gamma-Poisson mixture, about 50 ns each) and keeps common random numbers: a count
depends only on its own uniform and parameters.

Inversion costs one term per unit of the count, so counts with a large mean (above
:data:`NB_INVERSION_MAX_MEAN` or :data:`BINOMIAL_INVERSION_MAX_MEAN`) are not inverted:
the inversion functions mark them with -1, and the caller draws them afterwards with
numpy's own sampler from the same stream (:func:`negative_binomial` and :func:`binomial`
show the protocol for one stream). Which method a count gets depends on its parameters
only, so the counts have exactly the negative binomial (binomial) distribution, up to
floating-point rounding in the cumulative sums (errors of order 1e-15 in probability; if
the sum stops growing before reaching ``u``, the count stops there).

Arithmetic, term by term (the per-agent reference in ``benchmarks/reference.py`` repeats
it with Python floats and ``math``):

- negative binomial with mean ``m`` and shape ``r``: ``q = m / (r + m)``,
  ``P(0) = exp(-r log1p(m / r))``, ``P(k) = P(k - 1) ((k - 1 + r) / k q)``;
- binomial with ``n`` trials and probability ``p``: ``s = p / (1 - p)``,
  ``P(0) = exp(n log1p(-p))``, ``P(k) = P(k - 1) ((n - k + 1) / k s)``, stopping at ``n``.

Two implementations give the same counts: compiled loops (numba, when installed; see
:mod:`ipsim.accel`) and vectorised numpy rounds, where every count still active in round
``k`` is at ``k`` and the last few long tails finish in a scalar loop.
"""

from __future__ import annotations

import numpy as np

from ipsim import accel

NB_INVERSION_MAX_MEAN = 50.0
"""Negative-binomial counts with a larger mean are drawn with numpy's sampler.

At 100k stakeholders, inverting a count of mean 50 (about 50 terms) costs less than
numpy's gamma-Poisson draw for the small shapes of single organisations."""

BINOMIAL_INVERSION_MAX_MEAN = 30.0
"""Binomial counts with a larger mean (or p > 0.5) are drawn with numpy's sampler."""

FALLBACK = -1
"""Marks a count that the inversion left to numpy's sampler."""

_SCALAR_TAIL = 16
"""Below this many active counts, the numpy rounds finish in a scalar loop."""


# ------------------------------------------------------------ negative binomial
def nb_inversion(u: np.ndarray, mean: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Negative-binomial counts by inversion of uniforms.

    Args:
        u: One uniform in [0, 1) per count.
        mean: Mean of each count (zero or negative: the count is 0).
        shape: Shape ``r`` of each count (variance ``mean + mean**2 / r``), positive.

    Returns:
        The counts (int64), :data:`FALLBACK` where ``mean`` is above
        :data:`NB_INVERSION_MAX_MEAN`.
    """
    u, mean, shape = _as_float(u), _as_float(mean), _as_float(shape)
    out = np.empty(len(u), np.int64)
    # P(0) for every count at once (vectorised exp and log1p, in place); counts with a
    # zero or large mean get values that are not used.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        first = np.divide(mean, shape)
        np.log1p(first, out=first)
        first *= shape
        np.negative(first, out=first)  # -(r log1p(m / r)), the same as (-r) log1p(m / r)
        np.exp(first, out=first)
    if accel.enabled():
        accel.kernels().nb_inversion(u, mean, shape, first, float(NB_INVERSION_MAX_MEAN), out)
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        q = mean / (shape + mean)
    out[:] = 0
    out[mean > NB_INVERSION_MAX_MEAN] = FALLBACK
    at = np.flatnonzero((mean > 0) & (mean <= NB_INVERSION_MAX_MEAN))
    _invert_rounds(out, at, u[at], first[at], q[at], shape[at], _nb_term)
    return out


def _nb_term(k: int, r: np.ndarray | float, q: np.ndarray | float):
    return (k - 1 + r) / k * q


# ------------------------------------------------------------------- binomial
def binomial_inversion(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial counts by inversion of uniforms.

    Args:
        u: One uniform in [0, 1) per count.
        n: Number of trials of each count (non-negative integers).
        p: Success probability of each count, in [0, 1].

    Returns:
        The counts (int64), :data:`FALLBACK` where ``n * p`` is above
        :data:`BINOMIAL_INVERSION_MAX_MEAN` or ``p > 0.5``.
    """
    u, p = _as_float(u), _as_float(p)
    n = np.ascontiguousarray(n, dtype=np.int64)
    out = np.empty(len(u), np.int64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        first = np.negative(p)
        np.log1p(first, out=first)
        first *= n
        np.exp(first, out=first)
    if accel.enabled():
        accel.kernels().binomial_inversion(u, n, p, first, float(BINOMIAL_INVERSION_MAX_MEAN), out)
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        s = p / (1 - p)
    out[:] = 0
    live = (n > 0) & (p > 0)
    large = live & ((n * p > BINOMIAL_INVERSION_MAX_MEAN) | (p > 0.5))
    out[large] = FALLBACK
    at = np.flatnonzero(live & ~large)
    _invert_rounds(out, at, u[at], first[at], s[at], n[at], _binomial_term)
    return out


def _binomial_term(k: int, n: np.ndarray | int, s: np.ndarray | float):
    return (n - k + 1) / k * s


# ------------------------------------------------------------- shared rounds
def _invert_rounds(out, at, u, P, ratio, param, term) -> None:
    """Sum the pmf term by term; every count still active in round ``k`` is at ``k``.

    ``term(k, param, ratio)`` is the factor from ``P(k - 1)`` to ``P(k)``. A count stops
    when ``u < F(k)``, when ``F`` stops growing (rounding) or, for the binomial, at ``n``.
    """
    binomial = term is _binomial_term
    F = P.copy()
    go = u >= F
    k = 0
    while True:
        n_go = int(np.count_nonzero(go))
        if n_go == 0:
            return
        at, u, P, F, ratio, param = at[go], u[go], P[go], F[go], ratio[go], param[go]
        if n_go <= _SCALAR_TAIL:
            for i in range(n_go):
                out[at[i]] = _scalar_tail(
                    k, float(u[i]), float(P[i]), float(F[i]), ratio[i].item(), param[i].item(), term
                )
            return
        k += 1
        P *= term(k, param, ratio)
        F_next = F + P
        go = (u >= F_next) & (F_next > F)
        if binomial:
            go &= param > k
        F = F_next
        out[at] = k


def _scalar_tail(k: int, u: float, P: float, F: float, ratio: float, param, term) -> int:
    """Continue one count's inversion from ``k`` (already ``u >= F(k)``) with Python floats."""
    binomial = term is _binomial_term
    while True:
        k += 1
        P *= term(k, param, ratio)
        F_next = F + P
        if u < F_next or F_next <= F or (binomial and k >= param):
            return k
        F = F_next


# ------------------------------------------------------------- whole draws
def negative_binomial(
    gen: np.random.Generator, mean: np.ndarray, shape: np.ndarray | float
) -> np.ndarray:
    """Negative-binomial counts from one stream: a uniform for each, then numpy's sampler.

    One uniform per count (in order), inverted where the mean allows; then the counts
    with a large mean, in order, from ``gen.negative_binomial``.

    Args:
        gen: The stream.
        mean: Mean of each count.
        shape: Shape of each count (or one for all).

    Returns:
        The counts (int64).
    """
    mean = _as_float(mean)
    shape = np.ascontiguousarray(np.broadcast_to(np.asarray(shape, dtype=float), mean.shape))
    counts = nb_inversion(gen.random(len(mean)), mean, shape)
    large = counts == FALLBACK
    if large.any():
        r = shape[large]
        counts[large] = gen.negative_binomial(r, r / (r + mean[large]))
    return counts


def binomial(gen: np.random.Generator, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Binomial counts from one stream: a uniform for each, then numpy's sampler.

    Args:
        gen: The stream.
        n: Number of trials of each count.
        p: Success probability of each count (or one for all).

    Returns:
        The counts (int64).
    """
    n = np.ascontiguousarray(n, dtype=np.int64)
    p = np.ascontiguousarray(np.broadcast_to(np.asarray(p, dtype=float), n.shape))
    counts = binomial_inversion(gen.random(len(n)), n, p)
    large = counts == FALLBACK
    if large.any():
        counts[large] = gen.binomial(n[large], p[large])
    return counts


def weighted_choice(gen: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with replacement, with probabilities proportional to ``weights``.

    The same draws as ``gen.choice(len(weights), size=size, p=weights / weights.sum())``
    (numpy inverts the cumulative probabilities at one uniform per draw), without that
    call's checks of ``p``, which cost more than the draws for a few draws from
    thousands of weights.

    Args:
        gen: The stream.
        weights: Non-negative weights, at least one positive.
        size: Number of draws.

    Returns:
        The indices (int64).
    """
    p = weights / weights.sum()
    cdf = p.cumsum()
    cdf /= cdf[-1]
    return cdf.searchsorted(gen.random(size), side="right").astype(np.int64, copy=False)


def segment_choice(
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    u: np.ndarray,
    draws: np.ndarray,
) -> np.ndarray:
    """Weighted draws within segments of ``weights``, from given uniforms.

    Segment ``k`` takes the next ``draws[k]`` uniforms of ``u`` and turns each into an
    index in ``[lo[k], hi[k])`` chosen with probability proportional to ``weights``, the
    way :func:`weighted_choice` (numpy's ``choice``) does: the same indices as
    ``lo[k] + weighted_choice(gen, weights[lo[k]:hi[k]], draws[k])`` when ``gen`` would
    give those uniforms.

    Args:
        weights: Non-negative weights, each segment with one positive at least.
        lo: First index of each segment.
        hi: End (exclusive) of each segment.
        u: The uniforms, segment after segment.
        draws: Number of draws of each segment.

    Returns:
        The indices into ``weights`` (int64).
    """
    weights = _as_float(weights)
    lo = np.ascontiguousarray(lo, dtype=np.int64)
    hi = np.ascontiguousarray(hi, dtype=np.int64)
    u = _as_float(u)
    ends = np.concatenate([[0], np.cumsum(draws, dtype=np.int64)])
    # Each segment's total as numpy sums it (pairwise): the same as weighted_choice's.
    bounds = list(zip(lo.tolist(), hi.tolist(), strict=True))
    totals = np.array([weights[a:b].sum() for a, b in bounds], float)
    out = np.empty(len(u), np.int64)
    if accel.enabled():
        cdf = np.empty(len(weights))
        accel.kernels().segment_choice(weights, lo, hi, totals, u, ends, cdf, out)
        return out
    for k, (a, b) in enumerate(bounds):
        cdf = (weights[a:b] / totals[k]).cumsum()
        cdf /= cdf[-1]
        out[ends[k] : ends[k + 1]] = a + cdf.searchsorted(u[ends[k] : ends[k + 1]], side="right")
    return out


def _as_float(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


__all__ = [
    "BINOMIAL_INVERSION_MAX_MEAN",
    "FALLBACK",
    "NB_INVERSION_MAX_MEAN",
    "binomial",
    "binomial_inversion",
    "nb_inversion",
    "negative_binomial",
    "segment_choice",
    "weighted_choice",
]
