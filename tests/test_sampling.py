"""The inversion samplers (ipsim.sampling) against closed forms and scipy's pmfs.

Each sampler runs with the pure-numpy code and, when numba is installed, with the
compiled kernels; both must give the same counts from the same uniforms.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ipsim import accel, sampling

ENGINES = [
    False,
    pytest.param(True, marks=pytest.mark.skipif(not accel.available(), reason="no numba")),
]

# (mean, shape): tiny to large means, heavy tails (small shapes) to near-Poisson, and
# means above the inversion limit (numpy's sampler).
NB_CASES = [
    (0.02, 0.125),
    (0.7, 0.5),
    (4.0, 0.8),
    (9.0, 0.125),
    (30.0, 50.0),
    (49.0, 2.0),
    (80.0, 1.5),
    (400.0, 0.3),
]
BINOMIAL_CASES = [(3, 0.01), (40, 0.2), (193, 0.05), (60, 0.499), (200, 0.3), (20, 0.8)]


def _chi_square_pvalue(counts: np.ndarray, pmf) -> float:
    """Chi-square goodness of fit, pooling the tail so every expected cell is >= 5."""
    n = len(counts)
    top = int(counts.max())
    k = np.arange(top + 1)
    expected = pmf(k) * n
    observed = np.bincount(counts, minlength=top + 1).astype(float)
    # Pool from the right while the expected count is small; the last cell takes the tail.
    cells_obs, cells_exp = [], []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected, strict=True):
        acc_o += o
        acc_e += e
        if acc_e >= 5:
            cells_obs.append(acc_o)
            cells_exp.append(acc_e)
            acc_o = acc_e = 0.0
    cells_obs[-1] += acc_o
    cells_exp[-1] += acc_e + (n - expected.sum())  # the tail beyond the largest draw
    obs, exp = np.array(cells_obs), np.array(cells_exp)
    return float(stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue)


@pytest.mark.parametrize("numba", ENGINES)
@pytest.mark.parametrize(("mean", "shape"), NB_CASES)
def test_negative_binomial_has_its_pmf_mean_and_variance(numba, mean, shape):
    rng = np.random.default_rng(int(mean * 1000 + shape * 10))
    with accel.use_numba(numba):
        counts = sampling.negative_binomial(rng, np.full(100_000, mean), shape)
    p = shape / (shape + mean)
    assert _chi_square_pvalue(counts, lambda k: stats.nbinom.pmf(k, shape, p)) > 1e-3
    var = mean + mean**2 / shape
    assert counts.mean() == pytest.approx(mean, abs=5 * np.sqrt(var / len(counts)))
    # The variance of heavy-tailed counts is noisy: a loose band.
    assert counts.var() == pytest.approx(var, rel=0.15)


@pytest.mark.parametrize("numba", ENGINES)
@pytest.mark.parametrize(("n", "p"), BINOMIAL_CASES)
def test_binomial_has_its_pmf_mean_and_variance(numba, n, p):
    rng = np.random.default_rng(n * 7 + int(p * 1000))
    with accel.use_numba(numba):
        counts = sampling.binomial(rng, np.full(100_000, n), p)
    assert _chi_square_pvalue(counts, lambda k: stats.binom.pmf(k, n, p)) > 1e-3
    var = n * p * (1 - p)
    assert counts.mean() == pytest.approx(n * p, abs=5 * np.sqrt(var / len(counts)))
    assert counts.var() == pytest.approx(var, rel=0.05)
    assert counts.min() >= 0 and counts.max() <= n


@pytest.mark.parametrize("numba", ENGINES)
def test_inversion_is_the_smallest_k_whose_cdf_exceeds_u(numba):
    """Away from rounding, inversion gives scipy's quantile function."""
    rng = np.random.default_rng(1)
    n = 20_000
    mean = rng.uniform(0, sampling.NB_INVERSION_MAX_MEAN, n)
    shape = rng.uniform(0.1, 20, n)
    u = rng.random(n)
    with accel.use_numba(numba):
        counts = sampling.nb_inversion(u, mean, shape)
    p = shape / (shape + mean)
    below = stats.nbinom.cdf(counts - 1, shape, p)
    at = stats.nbinom.cdf(counts, shape, p)
    assert ((below <= u + 1e-9) & (u < at + 1e-9)).all()

    trials = rng.integers(0, 200, n)
    prob = rng.uniform(0, 0.5, n) * np.minimum(
        1, sampling.BINOMIAL_INVERSION_MAX_MEAN / np.maximum(trials, 1)
    )
    with accel.use_numba(numba):
        counts = sampling.binomial_inversion(u, trials, prob)
    assert (counts >= 0).all()
    below = stats.binom.cdf(counts - 1, trials, prob)
    at = stats.binom.cdf(counts, trials, prob)
    assert ((below <= u + 1e-9) & (u < at + 1e-9)).all()


@pytest.mark.parametrize("numba", ENGINES)
def test_large_means_and_edge_cases_are_marked_or_zero(numba):
    u = np.array([0.3, 0.99, 0.5, 0.5, 0.999999])
    mean = np.array(
        [0.0, -1.0, sampling.NB_INVERSION_MAX_MEAN * 1.01, sampling.NB_INVERSION_MAX_MEAN, 1.0]
    )
    with accel.use_numba(numba):
        counts = sampling.nb_inversion(u, mean, np.full(5, 0.5))
    assert counts[0] == 0 and counts[1] == 0
    assert counts[2] == sampling.FALLBACK
    assert counts[3] >= 0 and counts[4] > 0
    n = np.array([0, 5, 100, 4, 10])
    p = np.array([0.3, 0.0, 0.5, 0.9, 1.0])
    with accel.use_numba(numba):
        counts = sampling.binomial_inversion(u, n, p)
    assert counts[0] == 0 and counts[1] == 0
    assert counts[2] == sampling.FALLBACK  # mean 50
    assert counts[3] == sampling.FALLBACK and counts[4] == sampling.FALLBACK  # p > 0.5


@pytest.mark.skipif(not accel.available(), reason="no numba")
def test_compiled_and_numpy_inversions_agree():
    rng = np.random.default_rng(2)
    n = 200_000
    u = rng.random(n)
    mean = rng.exponential(5.0, n) * (rng.random(n) < 0.9)
    shape = rng.choice([0.125, 0.5, 3.0, 400.0], n)
    trials = rng.integers(0, 300, n)
    prob = rng.uniform(0, 0.7, n) ** 2
    out = {}
    for flag in (True, False):
        with accel.use_numba(flag):
            out[flag] = (
                sampling.nb_inversion(u, mean, shape),
                sampling.binomial_inversion(u, trials, prob),
            )
    for a, b in zip(out[True], out[False], strict=True):
        np.testing.assert_array_equal(a, b)


def test_one_stream_gives_uniforms_first_then_large_means():
    """A count's uniform depends on its position only: changing one mean changes no other
    inverted count (the large means are drawn after all the uniforms)."""
    mean = np.array([0.5, 2.0, 500.0, 1.0, 700.0])
    a = sampling.negative_binomial(np.random.default_rng(9), mean, 1.0)
    changed = mean.copy()
    changed[0] = 3.0
    b = sampling.negative_binomial(np.random.default_rng(9), changed, 1.0)
    np.testing.assert_array_equal(a[1:], b[1:])
    u = np.random.default_rng(9).random(5)
    small = sampling.nb_inversion(u, mean, np.ones(5))
    np.testing.assert_array_equal(a[[0, 1, 3]], small[[0, 1, 3]])


def test_weighted_choice_draws_what_generator_choice_draws():
    rng = np.random.default_rng(11)
    for case in range(50):
        n = int(rng.integers(1, 3000))
        weights = rng.random(n) ** 3 + 1e-9
        weights[rng.random(n) < 0.2] = 1e-9
        size = int(rng.integers(0, 60))
        a, b = np.random.default_rng(case), np.random.default_rng(case)
        expected = a.choice(n, size=size, p=weights / weights.sum())
        got = sampling.weighted_choice(b, weights, size)
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == np.int64
        assert a.random() == b.random()  # the stream is left in the same state


def test_weighted_choice_has_probabilities_proportional_to_weights():
    weights = np.array([1e-9, 0.5, 2.0, 0.25, 1.0, 3.25, 1e-9, 1.0])
    p = weights / weights.sum()
    draws = sampling.weighted_choice(np.random.default_rng(5), weights, 200_000)
    observed = np.bincount(draws, minlength=len(weights))
    assert observed[0] + observed[6] <= 1  # weight 1e-9 of 9: about 4e-5 expected draws
    live = p > 1e-6
    pvalue = stats.chisquare(observed[live], p[live] / p[live].sum() * observed[live].sum())
    assert pvalue.pvalue > 1e-3


@pytest.mark.parametrize("numba", ENGINES)
def test_segment_choice_gives_weighted_choice_draws_per_segment(numba):
    rng = np.random.default_rng(3)
    bounds = np.array([0, 1, 5, 905, 906, 1906, 2400])
    weights = rng.random(bounds[-1]) ** 2 + 1e-9
    lo, hi = bounds[:-1], bounds[1:]
    draws = np.array([0, 7, 40, 3, 120, 0])
    keep = hi - lo >= 1
    lo, hi, draws = lo[keep], hi[keep], draws[keep]
    seeds = range(len(lo))
    u = np.concatenate(
        [np.random.default_rng(k).random(d) for k, d in zip(seeds, draws, strict=True)]
    )
    with accel.use_numba(numba):
        got = sampling.segment_choice(weights, lo, hi, u, draws)
    expected = np.concatenate(
        [
            a + sampling.weighted_choice(np.random.default_rng(k), weights[a:b], d)
            for k, a, b, d in zip(seeds, lo, hi, draws, strict=True)
        ]
    )
    np.testing.assert_array_equal(got, expected)
    ends = np.cumsum(draws)
    for k, (a, b) in enumerate(zip(lo, hi, strict=True)):
        assert (
            (got[ends[k] - draws[k] : ends[k]] >= a) & (got[ends[k] - draws[k] : ends[k]] < b)
        ).all()
