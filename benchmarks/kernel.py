"""The machine's limit: the core's per-stakeholder update as a bare numpy kernel.

No model, no bookkeeping: flat arrays, one random generator for every draw (no
per-country streams, so no common random numbers), no strategy, budget, interventions,
data collection or new partnerships. One :meth:`Kernel.step` does the work every
stakeholder does in a step of :class:`ipsim.model.IPModel`:

- learning along links (gather, upward gap, weighted sum per actor, absorptive capacity);
- awareness diffusion (partners' weighted mean awareness, Bass probability, binomial
  adoption by inversion of uniforms);
- forgetting towards the sustained level, examiners' turnover;
- expected filings per agent (expertise, awareness, country factors) and their
  negative-binomial draws (patents and trademarks: one uniform each, inverted, large means
  from numpy's sampler);
- totals per country (filings, mean expertise, awareness).

It starts from a built model's arrays, so it runs on the same world and network. The
passes over the links and the inversion samplers are the core's own (compiled with numba
when the core uses it, see ``ipsim.accel``), so kernel and core do the same work.
"""

from __future__ import annotations

import numpy as np

from ipsim import kinds, mechanisms, sampling
from ipsim.model import EXPERTISE_REFERENCE, IPModel


class Kernel:
    """The per-step stakeholder update of a model, as bare arrays.

    Args:
        model: A built model (only its initial arrays are used).
        seed: Seed of the kernel's single generator.
    """

    def __init__(self, model: IPModel, seed: int = 0):
        d = model.spec.dynamics
        net = model.network
        s = model.stakeholders
        self.rng = np.random.default_rng(seed)
        self.n_c = model.n_countries
        self.n = net.n_actors
        self.net = net
        self.strength = net.strength
        self.E = model.expertise.copy()
        self.base = model.expertise_base.copy()
        self.size = s.size.astype(np.int64)
        self.aware = s.aware.copy()
        self.country = s.country
        dt = model.dt
        self.dt = dt
        self.rate = float(mechanisms.step_fraction(d.spillover_rate, dt))
        self.k, self.floor = d.absorptive_k, d.absorptive_floor
        self.p, self.q = d.bass_p, d.bass_q
        self.retention = mechanisms.retention_per_step(d.expertise_half_life_months, dt)
        self.tau = float(mechanisms.step_fraction(d.staff_turnover, dt))
        self.entry = d.entry_expertise
        self.u = d.unaware_filing_factor
        self.elasticity = d.expertise_filing_elasticity
        self.patent_rate = kinds.PATENT_RATE[s.kind] * self.size
        self.trademark_rate = kinds.TRADEMARK_RATE[s.kind] * self.size
        self.is_legal_size = self.size * (s.kind == kinds.Kind.LEGAL_PRACTITIONER)
        self.shape = d.filing_dispersion * self.size * dt
        # Country-level factors other than the legal practitioners' support, frozen.
        c = model.countries
        r_and_d = c.rd_intensity * c.gdp_per_capita / 100.0
        legal = mechanisms.legal_factor(c.legal, d.legal_filing_floor)
        self.country_factor = model.filing_propensity * r_and_d**d.filing_elasticity * legal
        self.market_legal = np.sqrt(c.gdp_per_capita / 10_000.0) * legal
        self.orgs = np.bincount(self.country, weights=self.size, minlength=self.n_c)
        self.legal_orgs = np.maximum(
            np.bincount(self.country, weights=self.is_legal_size, minlength=self.n_c), 1
        )
        self.share_all = np.ones(self.n)

    def step(self) -> dict[str, np.ndarray]:
        """One step; returns the per-country totals."""
        n_c = self.n_c
        E = self.E
        # Learning along links.
        pull = self.net.upward_pull(E)
        gamma = self.floor + (1.0 - self.floor) * (1.0 - np.exp(-self.k * E))
        E += self.rate * gamma * pull
        np.minimum(E, 1.0, out=E)
        # Awareness diffusion.
        share = self.aware / self.size
        self.share_all[n_c:] = share
        mean = self.net.neighbour_mean(self.share_all)[n_c:]
        strength = self.strength[n_c:]
        influence = (share + strength * mean) / (1 + strength)
        prob = -np.expm1(-(self.p + self.q * influence) * self.dt)
        unaware = self.size - self.aware
        adopt = sampling.binomial_inversion(self.rng.random(len(unaware)), unaware, prob)
        large = adopt == sampling.FALLBACK
        if large.any():
            adopt[large] = self.rng.binomial(unaware[large], prob[large])
        self.aware += adopt
        # Forgetting and turnover.
        E[:] = self.base + (E - self.base) * self.retention
        E[:n_c] = E[:n_c] * (1 - self.tau) + self.entry * self.tau
        # Filings.
        Es = E[n_c:]
        support = (
            0.6
            + 0.8
            * np.bincount(self.country, weights=Es * self.is_legal_size, minlength=n_c)
            / self.legal_orgs
        )
        share = self.aware / self.size
        aware_factor = share + (1 - share) * self.u
        patents = (
            self.patent_rate
            * (Es / EXPERTISE_REFERENCE) ** self.elasticity
            * aware_factor
            * (self.country_factor * support)[self.country]
            * self.dt
        )
        trademarks = (
            self.trademark_rate
            * np.sqrt(Es / EXPERTISE_REFERENCE)
            * aware_factor
            * self.market_legal[self.country]
            * self.dt
        )
        filed = []
        for mean in (patents, trademarks):
            draws = sampling.nb_inversion(self.rng.random(len(mean)), mean, self.shape)
            large = draws == sampling.FALLBACK
            if large.any():
                r = self.shape[large]
                draws[large] = self.rng.negative_binomial(r, r / (r + mean[large]))
            filed.append(np.bincount(self.country, weights=draws, minlength=n_c))
        return {
            "patents": filed[0],
            "trademarks": filed[1],
            "expertise": np.bincount(self.country, weights=Es * self.size, minlength=n_c)
            / self.orgs,
            "awareness": np.bincount(self.country, weights=self.aware, minlength=n_c) / self.orgs,
        }
