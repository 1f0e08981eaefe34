"""Compiled (numba) loops behind :mod:`ipsim.accel`; imported only when numba is used.

Each function does exactly what its numpy counterpart does, in the same order of
floating-point operations (sums along the links in CSR order, the inversion recurrences
of :mod:`ipsim.sampling` term by term); see those for the meaning of the arguments.
Results are written into ``out``.
"""

from __future__ import annotations

import numba
import numpy as np

# No division in these loops can be by zero (each is guarded), so numpy's error model
# (no checks) gives the same results as Python's, faster.
_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def nb_inversion(
    u: np.ndarray,
    mean: np.ndarray,
    shape: np.ndarray,
    first: np.ndarray,
    max_mean: float,
    out: np.ndarray,
) -> None:
    """Negative-binomial counts by inversion (-1 where the mean is above ``max_mean``).

    ``first`` is P(0) of each count; the ratio is ``mean / (shape + mean)``.
    """
    for i in range(len(u)):
        m = mean[i]
        if m > max_mean:
            out[i] = -1
            continue
        if not m > 0:
            out[i] = 0
            continue
        term = first[i]
        x = u[i]
        if x < term:  # most counts are 0: no ratio needed
            out[i] = 0
            continue
        r = shape[i]
        ratio = m / (r + m)
        cumulative = term
        k = 0
        while x >= cumulative:
            k += 1
            term *= (k - 1 + r) / k * ratio
            following = cumulative + term
            if following <= cumulative:
                break
            cumulative = following
        out[i] = k


@_jit
def binomial_inversion(
    u: np.ndarray,
    n: np.ndarray,
    p: np.ndarray,
    first: np.ndarray,
    max_mean: float,
    out: np.ndarray,
) -> None:
    """Binomial counts by inversion (-1 where ``n p`` is above ``max_mean`` or p > 0.5).

    ``first`` is P(0) of each count; the odds are ``p / (1 - p)``.
    """
    for i in range(len(u)):
        trials = n[i]
        prob = p[i]
        if trials <= 0 or not prob > 0:
            out[i] = 0
            continue
        if trials * prob > max_mean or prob > 0.5:
            out[i] = -1
            continue
        term = first[i]
        x = u[i]
        if x < term:
            out[i] = 0
            continue
        odds = prob / (1 - prob)
        cumulative = term
        k = 0
        while x >= cumulative and k < trials:
            k += 1
            term *= (trials - k + 1) / k * odds
            following = cumulative + term
            if following <= cumulative:
                break
            cumulative = following
        out[i] = k


@_jit
def segment_choice(
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    totals: np.ndarray,
    u: np.ndarray,
    ends: np.ndarray,
    cdf: np.ndarray,
    out: np.ndarray,
) -> None:
    """Weighted draws within segments (see :func:`ipsim.sampling.segment_choice`).

    Per segment, numpy's steps in its order: ``p = w / total``, the running sum of ``p``
    divided by its last value, then for each uniform the first index whose cumulative
    probability exceeds it (``searchsorted(..., side="right")``). ``cdf`` is scratch.
    """
    for k in range(len(lo)):
        a = lo[k]
        b = hi[k]
        running = 0.0
        for i in range(a, b):
            running += weights[i] / totals[k]
            cdf[i] = running
        last = cdf[b - 1]
        for i in range(a, b):
            cdf[i] = cdf[i] / last
        for j in range(ends[k], ends[k + 1]):
            x = u[j]
            left = a
            right = b
            while left < right:
                mid = (left + right) // 2
                if cdf[mid] <= x:
                    left = mid + 1
                else:
                    right = mid
            out[j] = left


@_jit
def bass_exponent(
    share: np.ndarray,
    strength: np.ndarray,
    partners: np.ndarray,
    p: float,
    push: np.ndarray,
    country: np.ndarray,
    q: float,
    dt: float,
    out: np.ndarray,
) -> None:
    """``-(p + push + q influence) dt`` per stakeholder, the exponent of its Bass adoption.

    ``influence = (share + strength partners) / (1 + strength)``: the same operations in
    the same order as :meth:`ipsim.model.IPModel._awareness` does them with numpy.
    """
    for i in range(len(share)):
        s = strength[i]
        influence = (share[i] + s * partners[i]) / (1 + s)
        out[i] = -((p + push[country[i]]) + q * influence) * dt


SHORT_ROW = 8
"""Rows with at most this many entries are summed in a loop of fixed length (see below)."""


@_jit
def upward_pull(
    indptr: np.ndarray,
    cols: np.ndarray,
    data: np.ndarray,
    strength: np.ndarray,
    values: np.ndarray,
    out: np.ndarray,
) -> None:
    """Weighted mean of ``max(0, values[j] - values[i])`` over each actor's partners.

    A row of at most :data:`SHORT_ROW` entries goes through a loop of fixed length (numba
    unrolls it) that skips the slots past the row's end: the same sums in the same order,
    but branches the CPU predicts better than the end of a loop over a varying number of
    partners (about 20% faster on the model's networks).
    """
    for i in range(len(indptr) - 1):
        own = values[i]
        start = indptr[i]
        n = indptr[i + 1] - start
        total = 0.0
        if n <= SHORT_ROW:
            for k in range(SHORT_ROW):
                if k < n:
                    total += data[start + k] * max(values[cols[start + k]] - own, 0.0)
        else:
            for j in range(start, start + n):
                gap = max(values[cols[j]] - own, 0.0)
                total += data[j] * gap
        out[i] = total / strength[i] if strength[i] > 0 else 0.0


@_jit
def neighbour_mean(
    indptr: np.ndarray,
    cols: np.ndarray,
    data: np.ndarray,
    strength: np.ndarray,
    values: np.ndarray,
    out: np.ndarray,
) -> None:
    """Weighted mean of ``values`` over each actor's partners (0 for isolated actors).

    Short rows are summed as in :func:`upward_pull`.
    """
    for i in range(len(indptr) - 1):
        start = indptr[i]
        n = indptr[i + 1] - start
        total = 0.0
        if n <= SHORT_ROW:
            for k in range(SHORT_ROW):
                if k < n:
                    total += data[start + k] * values[cols[start + k]]
        else:
            for j in range(start, start + n):
                total += data[j] * values[cols[j]]
        out[i] = total / strength[i] if strength[i] > 0 else 0.0


@_jit
def segment_sum(start: np.ndarray, values: np.ndarray, out: np.ndarray) -> None:
    """Sum of ``values[start[c]:start[c + 1]]`` for each ``c``, in index order."""
    for c in range(len(start) - 1):
        total = 0.0
        for i in range(start[c], start[c + 1]):
            total += values[i]
        out[c] = total


@_jit
def row_sums(indptr: np.ndarray, values: np.ndarray, rows: np.ndarray, out: np.ndarray) -> None:
    """``out[r]`` = sum of ``values[indptr[r]:indptr[r + 1]]`` for each ``r`` in ``rows``."""
    for r in rows:
        total = 0.0
        for i in range(indptr[r], indptr[r + 1]):
            total += values[i]
        out[r] = total


@_jit
def merge_in_place(buffer: np.ndarray, used: int, at: np.ndarray, added: np.ndarray) -> None:
    """Spread ``buffer[:used]`` so that ``added[j]`` lands at ``buffer[at[j]]`` (``at`` increasing).

    Works from the back, so the old entries are moved within ``buffer`` (which holds at
    least ``used + len(at)`` entries); entries before the first insertion stay put.
    """
    end = used
    for j in range(len(at) - 1, -1, -1):
        start = at[j] - j  # old entries from here on move up by j + 1
        for i in range(end - 1, start - 1, -1):
            buffer[i + j + 1] = buffer[i]
        buffer[at[j]] = added[j]
        end = start


@_jit
def csr_search(
    indptr: np.ndarray,
    cols: np.ndarray,
    rows_new: np.ndarray,
    cols_new: np.ndarray,
    out: np.ndarray,
) -> None:
    """Position of each entry ``(rows_new[j], cols_new[j])`` in sorted CSR entries.

    The first position in the row whose column is not below ``cols_new[j]`` (where the
    entry is, or would be inserted): what ``searchsorted`` over the entries' keys gives.
    """
    for j in range(len(rows_new)):
        lo = indptr[rows_new[j]]
        hi = indptr[rows_new[j] + 1]
        c = cols_new[j]
        while lo < hi:
            mid = (lo + hi) // 2
            if cols[mid] < c:
                lo = mid + 1
            else:
                hi = mid
        out[j] = lo


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel for the types the model uses."""
    u = np.full(2, 0.5)
    one = np.ones(2)
    counts = np.empty(2, np.int64)
    nb_inversion(u, one, one, one * 0.5, 10.0, counts)
    binomial_inversion(u, np.ones(2, np.int64), one * 0.1, one * 0.9, 10.0, counts)
    indptr = np.array([0, 1, 2], np.int64)
    for cols in (np.array([1, 0], np.int64), np.array([1, 0], np.int32)):
        upward_pull(indptr, cols, one, one, u, np.empty(2))
        neighbour_mean(indptr, cols, one, one, u, np.empty(2))
    for values in (one, counts):
        segment_sum(indptr, values, np.empty(2))
    row_sums(indptr, one, indptr[:1], np.empty(2))
    at = np.array([0], np.int64)
    segment_choice(one, indptr[:1], indptr[1:2], one[:1], u, indptr[:2], np.empty(2), counts)
    bass_exponent(u, one, one, 0.1, one, np.zeros(2, np.int64), 0.3, 0.25, np.empty(2))
    for cols in (np.array([1, 0], np.int32), np.array([1, 0], np.int64)):
        csr_search(indptr, cols, at, at, np.empty(1, np.int64))
    for dtype in (np.float64, np.int64, np.int32):
        merge_in_place(np.zeros(3, dtype), 2, at, np.ones(1, dtype))
