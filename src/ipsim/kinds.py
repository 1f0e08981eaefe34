"""Stakeholder kinds and the parameters that describe them."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Kind(IntEnum):
    """The five kinds of stakeholder organisation."""

    SME = 0
    UNIVERSITY = 1
    LEGAL_PRACTITIONER = 2
    INDIVIDUAL_INVENTOR = 3
    LARGE_FIRM = 4

    @property
    def label(self) -> str:
        """Lower-case name used in outputs."""
        return self.name.lower()


N_KINDS = len(Kind)
KIND_LABELS: tuple[str, ...] = tuple(k.label for k in Kind)

# Organisations per million people (IP-relevant ones). Assumption, order of magnitude
# from OECD SME statistics and university counts; calibrated in issue 6.
ORGS_PER_MILLION = np.array([1500.0, 6.0, 80.0, 400.0, 20.0])

# Share of each country's stakeholder agents given to each kind: rare but important
# kinds are over-sampled, and each agent stands for as many organisations as needed.
SAMPLE_SHARE = np.array([0.35, 0.15, 0.15, 0.20, 0.15])

# Patent applications per organisation per year at the reference state (R&D input
# 100 USD per head, expertise 0.5, aware, mature law, no excess pendency).
PATENT_RATE = np.array([0.03, 2.0, 0.0, 0.04, 3.0])

# Trademark applications per organisation per year at the reference market.
TRADEMARK_RATE = np.array([0.08, 0.05, 0.0, 0.01, 4.0])

# Mean initial expertise in a high-income country; other income groups scale it.
BASE_EXPERTISE = np.array([0.30, 0.55, 0.60, 0.25, 0.60])

# Public bodies (for typing partnership links).
IS_PUBLIC = np.array([False, True, False, False, False])


def sample_counts(total: int) -> np.ndarray:
    """Agents per kind for a country with ``total`` agents (largest remainder, at least 1)."""
    if total < N_KINDS:
        raise ValueError(f"a country needs at least {N_KINDS} stakeholder agents, got {total}")
    raw = SAMPLE_SHARE * total
    counts = np.maximum(np.floor(raw).astype(np.int64), 1)
    while counts.sum() < total:
        counts[np.argmax(raw - counts)] += 1
    while counts.sum() > total:
        counts[np.argmax(np.where(counts > 1, counts - raw, -np.inf))] -= 1
    return counts
