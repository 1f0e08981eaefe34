"""Fixed positions for drawing networks (deterministic: no random layout, no per-frame cost).

Countries sit in one cluster per region, the clusters on a large circle; a country's
office sits at the centre of its stakeholders, who sit on a ring grouped by kind (the
ring shows the small-world structure of their partnerships).
"""

from __future__ import annotations

import numpy as np


def _ring(n: int, radius: float, phase: float = 0.0) -> np.ndarray:
    """``n`` points evenly spaced on a circle of ``radius`` (shape (n, 2))."""
    angle = phase + 2 * np.pi * np.arange(n) / max(n, 1)
    return radius * np.column_stack([np.cos(angle), np.sin(angle)])


def country_positions(region: np.ndarray) -> np.ndarray:
    """Positions of countries, clustered by region.

    Args:
        region: Region index of each country.

    Returns:
        Array of shape (countries, 2), inside the unit square centred on 0.
    """
    region = np.asarray(region)
    groups = np.unique(region)
    centres = _ring(len(groups), 1.0, np.pi / 2)
    pos = np.zeros((len(region), 2))
    for centre, group in zip(centres, groups, strict=True):
        members = np.flatnonzero(region == group)
        radius = 0.12 + 0.03 * np.sqrt(len(members))
        pos[members] = centre + (_ring(len(members), radius) if len(members) > 1 else 0.0)
    return pos


def country_ring_positions(n_stakeholders: int) -> np.ndarray:
    """Positions of a country's office (row 0, at the centre) and its stakeholders (a ring).

    Stakeholders are stored grouped by kind, so the ring keeps kinds together.
    """
    return np.vstack([np.zeros((1, 2)), _ring(n_stakeholders, 1.0, np.pi / 2)])
