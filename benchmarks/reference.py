"""The reference model: ipsim's step rules written the idiomatic Mesa way, one agent at a time.

This is the test oracle and the benchmark baseline of the fast core
(:class:`ipsim.model.IPModel`). Every office and stakeholder is a ``mesa.Agent`` that
keeps its own state in attributes and reads its partners one by one; countries are
agents that hold their country-level state and draw their stakeholders' random events
from the same per-country streams as the core (common random numbers). Agents are
activated with ``AgentSet.shuffle_do``; updates that must be synchronous (learning,
awareness) are computed first and applied afterwards, the usual two-phase Mesa pattern.

Scope: the no-programme dynamics (the counterfactual strategy ``none``), i.e. steps 1
and 5 to 11 of the step order in ``ipsim.model``: exogenous drivers, learning along
links, awareness diffusion, forgetting and turnover, yearly new partnerships, filings,
office processing and data collection. The programme (allocation, delivery,
interventions) acts on country-level cells, not per stakeholder, and is left out. The
initial state (world, stakeholder sample, network, sustained expertise levels, office
sizes) is taken from the core; every step after that is computed here.

The arithmetic follows the core's order of operations with Python floats and ``math``;
``math.exp`` and numpy's ``exp`` can differ in the last bit, so floats agree with the
core to about 1e-12 (relative), and the random draws (which are scalar calls on the same
generators, in the same order) agree exactly.
"""

from __future__ import annotations

import bisect
import math

import mesa
import numpy as np
from mesa.agent import AgentSet

from ipsim import kinds
from ipsim.model import (
    EXPERTISE_REFERENCE,
    NONRESIDENT_SHAPE_PER_YEAR,
    NONRESIDENT_TRADEMARK_RATIO,
    R_AND_D_REFERENCE_USD,
    IPModel,
)
from ipsim.network import stakeholder_link_type, type_weights
from ipsim.sampling import BINOMIAL_INVERSION_MAX_MEAN, NB_INVERSION_MAX_MEAN
from ipsim.spec import Scenario
from ipsim.streams import Streams

RECORDED = (
    "patent_filings_resident",
    "patent_filings_nonresident",
    "trademark_filings",
    "stakeholder_expertise",
    "office_expertise",
    "awareness",
    "backlog",
    "pendency_years",
    "population",
    "gdp_per_capita",
    "legal_maturity",
)
"""Country indicators the reference records every step (names as in ipsim.recorder)."""


def nb_by_inversion(u: float, mean: float, shape: float) -> int:
    """A negative-binomial count by inversion of the uniform ``u`` (-1: mean too large)."""
    if mean > NB_INVERSION_MAX_MEAN:
        return -1
    if not mean > 0:
        return 0
    q = mean / (shape + mean)
    term = math.exp(-shape * math.log1p(mean / shape))
    cumulative = term
    k = 0
    while u >= cumulative:
        k += 1
        term *= (k - 1 + shape) / k * q
        following = cumulative + term
        if following <= cumulative:
            break
        cumulative = following
    return k


def binomial_by_inversion(u: float, n: int, p: float) -> int:
    """A binomial count by inversion of the uniform ``u`` (-1: mean too large)."""
    if n <= 0 or not p > 0:
        return 0
    if n * p > BINOMIAL_INVERSION_MAX_MEAN or p > 0.5:
        return -1
    s = p / (1 - p)
    term = math.exp(n * math.log1p(-p))
    cumulative = term
    k = 0
    while u >= cumulative and k < n:
        k += 1
        term *= (n - k + 1) / k * s
        following = cumulative + term
        if following <= cumulative:
            break
        cumulative = following
    return k


class Actor(mesa.Agent):
    """An office or a stakeholder: expertise, and partners read one at a time."""

    def __init__(self, model: ReferenceModel, index: int, expertise: float, base: float):
        super().__init__(model)
        self.index = index
        self.expertise = expertise
        self.base = base
        self.pending = expertise
        self.partner_ids: list[int] = []
        self.partners: list[Actor] = []
        self.weights: list[float] = []
        self.strength = 0.0

    def link(self, other: Actor, weight: float) -> None:
        """Add a partner, keeping partners in index order (the core's summation order)."""
        at = bisect.bisect_left(self.partner_ids, other.index)
        self.partner_ids.insert(at, other.index)
        self.partners.insert(at, other)
        self.weights.insert(at, weight)
        total = 0.0
        for w in self.weights:
            total += w
        self.strength = total

    def linked_to(self, other: Actor) -> bool:
        """Whether ``other`` is already a partner."""
        at = bisect.bisect_left(self.partner_ids, other.index)
        return at < len(self.partner_ids) and self.partner_ids[at] == other.index

    @property
    def share_aware(self) -> float:
        """Share of the organisations behind this actor aware of IP (offices: all)."""
        return 1.0

    def learn(self) -> None:
        """Move towards more expert partners (SKIN; absorptive capacity); applied in settle."""
        m = self.model
        e = self.expertise
        total = 0.0
        for other, w in zip(self.partners, self.weights, strict=True):
            gap = other.expertise - e
            if gap > 0.0:
                total += w * gap
        pull = total / self.strength if self.strength > 0 else 0.0
        gamma = m.absorptive_floor + (1.0 - m.absorptive_floor) * (
            1.0 - math.exp(-m.absorptive_k * e)
        )
        self.pending = e + m.spillover_step * gamma * pull

    def settle(self) -> None:
        """Apply this step's learning, then forget towards the sustained level."""
        e = min(self.pending, 1.0)
        self.expertise = self.base + (e - self.base) * self.model.retention


class Office(Actor):
    """A national IP office: its examiners' mean expertise, with staff turnover."""

    def settle(self) -> None:
        super().settle()
        m = self.model
        self.expertise = self.expertise * (1 - m.turnover) + m.entry_expertise * m.turnover


class Stakeholder(Actor):
    """A group of organisations of one kind in one country."""

    def __init__(
        self,
        model: ReferenceModel,
        index: int,
        expertise: float,
        base: float,
        country: int,
        kind: int,
        size: int,
        aware: int,
    ):
        super().__init__(model, index, expertise, base)
        self.country = country
        self.kind = kind
        self.size = size
        self.aware = aware
        self.adoption = 0.0
        self.patent_rate = kinds.PATENT_RATE[kind].item()
        self.trademark_rate = kinds.TRADEMARK_RATE[kind].item()
        self.patents = 0
        self.trademarks = 0

    @property
    def share_aware(self) -> float:
        return self.aware / self.size

    def consider_awareness(self) -> None:
        """Bass adoption probability from own and partners' awareness (drawn by the country)."""
        m = self.model
        total = 0.0
        for other, w in zip(self.partners, self.weights, strict=True):
            total += w * other.share_aware
        mean = total / self.strength if self.strength > 0 else 0.0
        influence = (self.share_aware + self.strength * mean) / (1 + self.strength)
        self.adoption = -math.expm1(-(m.bass_p + m.bass_q * influence) * m.dt)

    def aware_factor(self) -> float:
        """Filing propensity of the group relative to a fully aware one."""
        a = self.share_aware
        return a + (1 - a) * self.model.unaware_factor

    def patent_mean(self, country_factor: float) -> float:
        """Expected resident patent filings in a step."""
        m = self.model
        expertise = (self.expertise / EXPERTISE_REFERENCE) ** m.expertise_elasticity
        per_year = self.size * self.patent_rate * expertise * self.aware_factor() * country_factor
        return per_year * m.dt

    def trademark_mean(self, market_legal: float) -> float:
        """Expected resident trademark filings in a step."""
        expertise = math.sqrt(self.expertise / EXPERTISE_REFERENCE)
        per_year = self.size * self.trademark_rate * expertise * self.aware_factor() * market_legal
        return per_year * self.model.dt


class Country(mesa.Agent):
    """A country: drivers, legal framework, office workload, and its stakeholders' draws."""

    def __init__(self, model: ReferenceModel, index: int, core: IPModel):
        super().__init__(model)
        c = core.countries
        self.index = index
        self.income = int(c.income[index])
        self.population = float(c.population[index])
        self.gdp_per_capita = float(c.gdp_per_capita[index])
        self.internet = float(c.internet[index])
        self.rd_fixed = not math.isnan(float(core.world.rd_intensity[index]))
        self.rd_intensity = float(c.rd_intensity[index])
        self.filing_propensity = float(core.filing_propensity[index])
        self.legal = float(c.legal[index])
        self.legal_lagged = float(c.legal_lagged[index])
        self.automation = float(c.automation[index])
        self.examiners = float(c.examiners[index])
        self.grant_examiners = float(c.grant_examiners[index])
        self.backlog = float(c.backlog[index])
        self.pendency = float(c.pendency[index])
        self.patents_resident = 0
        self.patents_nonresident = 0
        self.trademarks = 0
        self.office: Office | None = None
        self.stakeholders: list[Stakeholder] = []

    def legal_factor(self, maturity: float) -> float:
        """Filing multiplier of a legal framework."""
        floor = self.model.d.legal_filing_floor
        return floor + (1.0 - floor) * maturity

    def will_to_file(self) -> float:
        """Filing multiplier of the office's pendency."""
        d = self.model.d
        return math.exp(
            -d.pendency_sensitivity * max(self.pendency - d.pendency_reference_years, 0.0)
        )

    def exogenous(self) -> None:
        """Population, income, internet, R&D and the legal framework foreigners see."""
        m = self.model
        d = m.d
        dt = m.dt
        pop_growth = d.population_growth[self.income]
        gdp_growth = d.gdp_growth[self.income]
        self.population *= math.exp(pop_growth * dt)
        self.gdp_per_capita *= math.exp(gdp_growth * dt)
        self.examiners *= math.exp((pop_growth + gdp_growth) * dt)
        share = min(self.internet, d.internet_ceiling * (1 - 1e-9))
        odds = share / (d.internet_ceiling - share) * math.exp(d.internet_growth * dt)
        self.internet = d.internet_ceiling * odds / (1 + odds)
        if not self.rd_fixed:
            self.rd_intensity = min(
                0.0025 * (self.gdp_per_capita / 1000.0) ** d.rd_income_elasticity, 0.04
            )
        self.legal_lagged += (self.legal - self.legal_lagged) * m.legal_follow

    def adopt(self) -> None:
        """Draw how many of each stakeholder's unaware organisations become aware."""
        gen = self.model.streams.generator("awareness", self.index)
        later = []
        for s in self.stakeholders:
            count = binomial_by_inversion(gen.random(), s.size - s.aware, s.adoption)
            if count < 0:
                later.append(s)
            else:
                s.aware += count
        for s in later:
            s.aware += int(gen.binomial(s.size - s.aware, s.adoption))

    def form_links(self) -> None:
        """New partnerships: random seekers choose partners in proportion to expertise."""
        m = self.model
        gen = m.streams.generator("links", self.index)
        n = len(self.stakeholders)
        n_new = gen.poisson(m.link_rate * n)
        if n_new == 0 or n < 2:
            return
        attract = np.array([s.expertise for s in self.stakeholders]) + 1e-9
        seekers = gen.integers(0, n, n_new)
        chosen = gen.choice(n, size=n_new, p=attract / attract.sum())
        for i, j in zip(seekers.tolist(), chosen.tolist(), strict=True):
            a, b = self.stakeholders[i], self.stakeholders[j]
            if a is b or a.linked_to(b):
                continue
            kind_a = np.array([a.kind])
            kind_b = np.array([b.kind])
            weight = m.link_weights[stakeholder_link_type(kind_a, kind_b)[0]].item()
            a.link(b, weight)
            b.link(a, weight)

    def file(self) -> None:
        """Draw the stakeholders' patents and trademarks, and non-residents' filings."""
        m = self.model
        d = m.d
        gen = m.streams.generator("filings", self.index)
        legal_total = 0.0
        legal_orgs = 0.0
        for s in self.stakeholders:
            w = s.size * (1.0 if s.kind == kinds.Kind.LEGAL_PRACTITIONER else 0.0)
            legal_total += s.expertise * w
            legal_orgs += w
        support = 0.6 + 0.8 * (legal_total / legal_orgs if legal_orgs > 0 else 0.0)
        r_and_d = self.rd_intensity * self.gdp_per_capita / R_AND_D_REFERENCE_USD
        country_factor = (
            self.filing_propensity
            * r_and_d**d.filing_elasticity
            * self.legal_factor(self.legal)
            * self.will_to_file()
            * support
        )
        market_legal = math.sqrt(self.gdp_per_capita / 10_000.0) * self.legal_factor(self.legal)
        patent_means = [s.patent_mean(country_factor) for s in self.stakeholders]
        trademark_means = [s.trademark_mean(market_legal) for s in self.stakeholders]
        market = self.gdp_per_capita * self.population / 1e9
        legal = self.legal_factor(self.legal_lagged)
        nonresident = (
            d.nonresident_scale
            * market**d.nonresident_market_elasticity
            * (legal * legal)
            * self.will_to_file()
        ) * m.dt
        nr_shape = NONRESIDENT_SHAPE_PER_YEAR * m.dt
        # One uniform per count, in order; counts with a large mean are drawn afterwards.
        patents = []
        for s, mean in zip(self.stakeholders, patent_means, strict=True):
            shape = d.filing_dispersion * s.size * m.dt
            patents.append((s, mean, shape, nb_by_inversion(gen.random(), mean, shape)))
        trademarks = []
        for s, mean in zip(self.stakeholders, trademark_means, strict=True):
            shape = d.filing_dispersion * s.size * m.dt
            trademarks.append((s, mean, shape, nb_by_inversion(gen.random(), mean, shape)))
        own = []
        for mean in (nonresident, NONRESIDENT_TRADEMARK_RATIO * nonresident):
            own.append((mean, nr_shape, nb_by_inversion(gen.random(), mean, nr_shape)))
        for s, mean, shape, count in patents:
            s.patents = count if count >= 0 else self._draw(gen, mean, shape)
        for s, mean, shape, count in trademarks:
            s.trademarks = count if count >= 0 else self._draw(gen, mean, shape)
        self.patents_nonresident, own_trademarks = (
            count if count >= 0 else self._draw(gen, mean, shape) for mean, shape, count in own
        )
        self.patents_resident = sum(s.patents for s in self.stakeholders)
        self.trademarks = own_trademarks + sum(s.trademarks for s in self.stakeholders)

    @staticmethod
    def _draw(gen: np.random.Generator, mean: float, shape: float) -> int:
        """A count with a large mean, from numpy's sampler."""
        return int(gen.negative_binomial(shape, shape / (shape + mean)))

    def process(self) -> None:
        """The office examines what it can; the rest waits (backlog, pendency)."""
        m = self.model
        d = m.d
        capacity = (
            (self.examiners + self.grant_examiners)
            * d.examiner_productivity
            * (1 + d.automation_gain * self.automation)
            * (0.5 + self.office.expertise)
        )
        self.backlog += self.patents_resident + self.patents_nonresident
        examined = min(self.backlog, capacity * m.dt)
        self.backlog -= examined
        self.pendency = self.backlog / capacity if capacity > 0 else 0.0
        self.grant_examiners *= math.exp(-m.dt)

    def indicators(self) -> dict[str, float]:
        """This step's values of :data:`RECORDED`."""
        orgs = 0.0
        expertise = 0.0
        aware = 0.0
        for s in self.stakeholders:
            orgs += s.size
            expertise += s.expertise * s.size
            aware += s.aware
        return {
            "patent_filings_resident": self.patents_resident,
            "patent_filings_nonresident": self.patents_nonresident,
            "trademark_filings": self.trademarks,
            "stakeholder_expertise": expertise / orgs if orgs > 0 else 0.0,
            "office_expertise": self.office.expertise,
            "awareness": aware / orgs,
            "backlog": self.backlog,
            "pendency_years": self.pendency,
            "population": self.population,
            "gdp_per_capita": self.gdp_per_capita,
            "legal_maturity": self.legal,
        }


class ReferenceModel(mesa.Model):
    """The no-programme dynamics of :class:`ipsim.model.IPModel`, agent by agent.

    Args:
        spec: The scenario (its strategy is replaced by ``none``).
        rng: Seed of the dynamics (default: ``spec.seed``), as for ``IPModel``.
    """

    def __init__(self, spec: Scenario, *, rng: int | None = None):
        spec = spec.with_strategy("none")
        seed = spec.seed if rng is None else int(rng)
        super().__init__(rng=seed)
        core = IPModel(spec, rng=seed)  # the initial state only
        self.spec = spec
        self.streams = Streams(seed)
        d = self.d = spec.dynamics
        self.dt = spec.horizon.dt
        self.n_steps = spec.horizon.n_steps
        self.steps_per_year = spec.horizon.steps_per_year
        self.absorptive_k = d.absorptive_k
        self.absorptive_floor = d.absorptive_floor
        self.spillover_step = -math.expm1(-d.spillover_rate * self.dt)
        self.retention = 0.5 ** (self.dt * 12.0 / d.expertise_half_life_months)
        self.turnover = -math.expm1(-d.staff_turnover * self.dt)
        self.entry_expertise = d.entry_expertise
        self.bass_p, self.bass_q = d.bass_p, d.bass_q
        self.unaware_factor = d.unaware_filing_factor
        self.expertise_elasticity = d.expertise_filing_elasticity
        lag = d.nonresident_lag_years
        self.legal_follow = 1.0 if lag == 0 else -math.expm1(-self.dt / lag)
        self.link_rate = spec.world.network.link_formation_rate
        self.link_weights = type_weights(spec.world.network)

        n_c = core.n_countries
        E = core.expertise.tolist()
        base = core.expertise_base.tolist()
        self.country_agents = [Country(self, c, core) for c in range(n_c)]
        self.actor_list: list[Actor] = []
        for c, country in enumerate(self.country_agents):
            country.office = Office(self, c, E[c], base[c])
            self.actor_list.append(country.office)
        s = core.stakeholders
        for i, (c, k, size, aware) in enumerate(
            zip(s.country.tolist(), s.kind.tolist(), s.size.tolist(), s.aware.tolist(), strict=True)
        ):
            agent = Stakeholder(self, n_c + i, E[n_c + i], base[n_c + i], c, k, size, aware)
            self.country_agents[c].stakeholders.append(agent)
            self.actor_list.append(agent)
        net = core.network
        for u, v, w in zip(net.u.tolist(), net.v.tolist(), net.weight.tolist(), strict=True):
            self.actor_list[u].link(self.actor_list[v], w)
            self.actor_list[v].link(self.actor_list[u], w)
        self.countries_set = AgentSet(self.country_agents, random=self.random)
        self.actors = AgentSet(self.actor_list, random=self.random)
        self.stakeholder_set = AgentSet(self.actor_list[n_c:], random=self.random)
        del core

        self.records: dict[str, list[list[float]]] = {name: [] for name in RECORDED}
        self.countries_set.do("file")  # flows of the step before the start
        self.collect()

    @property
    def n_stakeholders(self) -> int:
        """Number of stakeholder agents."""
        return len(self.stakeholder_set)

    def collect(self) -> None:
        """Record every country's indicators."""
        rows = [c.indicators() for c in self.country_agents]
        for name in RECORDED:
            self.records[name].append([row[name] for row in rows])

    def step(self) -> None:
        """One step of the no-programme dynamics, in the core's order."""
        self.countries_set.do("exogenous")
        self.actors.shuffle_do("learn")
        self.stakeholder_set.shuffle_do("consider_awareness")
        self.countries_set.do("adopt")
        self.actors.do("settle")
        if self.steps % self.steps_per_year == 0:
            self.countries_set.do("form_links")
        self.countries_set.do("file")
        self.countries_set.do("process")
        self.collect()

    def run(self, n_steps: int | None = None) -> ReferenceModel:
        """Run ``n_steps`` steps (default: to the end of the horizon)."""
        for _ in range(self.n_steps - self.steps if n_steps is None else n_steps):
            self.step()
        return self

    def values(self, name: str) -> np.ndarray:
        """One recorded indicator, shape (steps + 1, countries)."""
        return np.array(self.records[name], dtype=float)

    def expertise(self) -> np.ndarray:
        """Expertise of every actor (offices first), as in ``IPModel.expertise``."""
        return np.array([a.expertise for a in self.actor_list])

    def aware(self) -> np.ndarray:
        """Aware organisations of each stakeholder agent."""
        return np.array([a.aware for a in self.actor_list[len(self.country_agents) :]])

    def n_links(self) -> int:
        """Number of undirected links."""
        return sum(len(a.partners) for a in self.actor_list) // 2
