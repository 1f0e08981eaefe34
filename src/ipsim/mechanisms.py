"""The model's mechanisms as pure functions of arrays, each with its source.

Keeping them pure makes each one testable against its closed form and reusable by the
reference (per-agent) implementation in ``benchmarks/``.
"""

from __future__ import annotations

import math

import numpy as np


def absorptive_capacity(expertise: np.ndarray, k: float, floor: float) -> np.ndarray:
    """Share of an offered lesson a learner absorbs (Cohen and Levinthal 1990).

    gamma(E) = floor + (1 - floor) * (1 - exp(-k E)): grows with what the learner
    already knows; ``floor`` lets a novice learn something.
    """
    return floor + (1.0 - floor) * (1.0 - np.exp(-k * expertise))


def step_fraction(rate_per_year: float | np.ndarray, dt: float) -> float | np.ndarray:
    """Probability of an event in a step of ``dt`` years at a constant hazard."""
    return -np.expm1(-np.asarray(rate_per_year) * dt)


def retention_per_step(half_life_months: float, dt: float) -> float:
    """Share of unused expertise (above its sustained level) kept over one step."""
    return 0.5 ** (dt * 12.0 / half_life_months)


def bass_closed_form(t: np.ndarray | float, p: float, q: float, f0: float = 0.0) -> np.ndarray:
    """Bass (1969) adoption share F(t) with F(0) = f0.

    With f0 = 0: F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
    """
    t = np.asarray(t, dtype=float)
    s = p + q
    if f0 == 0.0:
        e = np.exp(-s * t)
        return (1 - e) / (1 + (q / p) * e)
    # General solution of dF/dt = (p + qF)(1 - F).
    c = (p + q * f0) / (1 - f0)
    e = np.exp(s * t)
    return (c * e - p) / (q + c * e)


def bass_adoption_probability(
    p: np.ndarray | float, q: float, aware_share_of_partners: np.ndarray, dt: float
) -> np.ndarray:
    """Probability that an unaware organisation becomes aware within a step."""
    return step_fraction(p + q * aware_share_of_partners, dt)


def rd_intensity(gdp_per_capita: np.ndarray, elasticity: float) -> np.ndarray:
    """R&D spending as a share of GDP, rising with income (0.25% at 1,000 USD, cap 4%)."""
    return np.minimum(0.0025 * (gdp_per_capita / 1000.0) ** elasticity, 0.04)


def will_to_file(pendency_years: np.ndarray, reference: float, sensitivity: float) -> np.ndarray:
    """Multiplier on filing propensity: long pendency discourages applicants."""
    return np.exp(-sensitivity * np.maximum(pendency_years - reference, 0.0))


def legal_factor(legal_maturity: np.ndarray, floor: float) -> np.ndarray:
    """Multiplier on filing propensity from the legal framework's maturity."""
    return floor + (1.0 - floor) * legal_maturity


def negative_binomial(
    rng: np.random.Generator, mean: np.ndarray, shape: np.ndarray | float
) -> np.ndarray:
    """Over-dispersed counts with the given mean and shape (variance mean + mean^2/shape).

    Hausman, Hall and Griliches (1984): patent counts are negative binomial. Drawn the
    model's way (:func:`ipsim.sampling.negative_binomial`: inversion of one uniform per
    count, numpy's sampler for large means); a zero mean gives 0.
    """
    from ipsim import sampling

    return sampling.negative_binomial(rng, np.asarray(mean, dtype=float), shape)


def logistic_step(share: np.ndarray, rate: float, ceiling: float, dt: float) -> np.ndarray:
    """Advance a share along a logistic curve towards ``ceiling`` by ``dt`` years."""
    share = np.minimum(share, ceiling * (1 - 1e-9))
    odds = share / (ceiling - share) * math.exp(rate * dt)
    return ceiling * odds / (1 + odds)
