"""Disparity measures across countries, vectorised over the leading axes.

Each function takes values with countries on the last axis (e.g. steps x countries).
"""

from __future__ import annotations

import numpy as np


def gini(x: np.ndarray) -> np.ndarray:
    """Gini coefficient of non-negative values along the last axis (0 where all are 0)."""
    x = np.sort(np.asarray(x, dtype=float), axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    rank = 2 * np.arange(1, n + 1) - n - 1
    num = (x * rank).sum(axis=-1)
    return np.divide(num, n * total, out=np.zeros_like(total), where=total > 0)


def theil(x: np.ndarray) -> np.ndarray:
    """Theil T index along the last axis (0 ln 0 = 0; 0 where all values are 0)."""
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=-1, keepdims=True)
    ratio = np.divide(x, mean, out=np.zeros_like(x), where=mean > 0)
    terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    return terms.mean(axis=-1)


def theil_decomposition(x: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split Theil T into between-group and within-group parts (they add up to T).

    T = sum_g s_g T_g + sum_g s_g ln(mu_g / mu), with s_g = (n_g / n)(mu_g / mu) the
    group's share of the total.

    Args:
        x: Values, countries on the last axis.
        group: Group index of each country.

    Returns:
        ``(between, within)``.
    """
    x = np.asarray(x, dtype=float)
    n = x.shape[-1]
    mean = x.mean(axis=-1)
    between = np.zeros(x.shape[:-1])
    within = np.zeros(x.shape[:-1])
    for g in np.unique(group):
        members = x[..., group == g]
        n_g = members.shape[-1]
        mean_g = members.mean(axis=-1)
        share = np.divide(n_g * mean_g, n * mean, out=np.zeros_like(mean), where=mean > 0)
        ratio = np.divide(mean_g, mean, out=np.ones_like(mean), where=mean > 0)
        log_ratio = np.log(np.where(ratio > 0, ratio, 1.0))
        between += np.where(share > 0, share * log_ratio, 0.0)
        within += share * theil(members)
    return between, within


def top_share(x: np.ndarray, k: int = 5) -> np.ndarray:
    """Share of the total held by the ``k`` largest values along the last axis."""
    x = np.asarray(x, dtype=float)
    total = x.sum(axis=-1)
    top = -np.sort(-x, axis=-1)[..., :k].sum(axis=-1)
    return np.divide(top, total, out=np.zeros_like(total), where=total > 0)
