"""The ipsim model: a Mesa model built from a frozen scenario.

The model owns the state as arrays (countries, offices, stakeholders, partnership links)
and updates it with array operations; Country, IPOffice and Stakeholder agents are views
onto those arrays, the way a user inspects and extends the model.

Step order (one step is a quarter by default):

1. exogenous drivers (population, GDP per capita, internet use, R&D intensity);
2. allocation: the strategy weighs (intervention, country) cells, the budget lines
   release and commit money;
3. delivery: commitments buy whole units, within each intervention's capacity;
4. interventions' own dynamics (pending reforms, TISC lapses, trainers' cascades);
5. spillover of expertise along partnership links, with absorptive capacity;
6. awareness diffusion (Bass), pushed by TISCs and campaigns;
7. forgetting (towards each actor's sustained level) and staff turnover at offices;
8. new partnerships, once a year (SKIN's partner attractiveness);
9. inventions and filings (negative binomial; patents and trademarks; resident and
   non-resident);
10. office processing: backlog, examination, pendency (which feeds back on step 9);
11. data collection.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import mesa
import numpy as np

from ipsim import kinds, mechanisms
from ipsim.agents import Country, IPOffice, Stakeholder
from ipsim.budget import Ledger, usd_to_cents
from ipsim.interventions.base import Intervention
from ipsim.network import build_network, stakeholder_link_type, type_weights
from ipsim.recorder import Recorder
from ipsim.registry import INTERVENTIONS, STRATEGIES
from ipsim.spec import Scenario
from ipsim.stakeholders import sample_stakeholders
from ipsim.state import CountryState
from ipsim.strategies.base import Strategy
from ipsim.streams import Streams
from ipsim.world import World, build_world

STAKEHOLDER_AGENT_LIMIT = 50_000
"""Above this many stakeholders, Stakeholder agents are made on request, not up front."""

EXPERTISE_REFERENCE = 0.5
R_AND_D_REFERENCE_USD = 100.0
AUTOMATION_START = (0.10, 0.25, 0.45, 0.80)
NONRESIDENT_SHAPE_PER_YEAR = 20.0
NONRESIDENT_TRADEMARK_RATIO = 1.5


class IPModel(mesa.Model):
    """An IP capacity-building programme acting on a world of countries.

    Args:
        spec: The scenario (default: the embedded default scenario).
        rng: Seed of the stochastic dynamics (default: ``spec.seed``). Two models with
            the same seed share their random draws wherever their states agree.
        world: A world to use instead of the one the scenario describes.

    Attributes:
        spec: The scenario the model was built from.
        seed: The seed the dynamics use.
        world: The countries at the start.
        countries: Country and office state as arrays.
        stakeholders: Stakeholder state as arrays.
        network: The partnership network.
        expertise: Expertise of every actor (offices first, then stakeholders).
        ledger: The programme's money.
        strategy: The strategy deciding the allocation.
        interventions: The intervention types the programme can buy.
        recorder: Indicators collected at every step.
        capacity: Units each (intervention, country) can absorb in the current step,
            computed once per step before the strategy decides.
    """

    def __init__(
        self, spec: Scenario | None = None, *, rng: int | None = None, world: World | None = None
    ):
        spec = spec if spec is not None else Scenario()
        seed = spec.seed if rng is None else int(rng)
        super().__init__(rng=seed)
        self.spec = spec
        self.seed = seed
        self.streams = Streams(seed)
        self.world = world if world is not None else build_world(spec.world, spec.dynamics)
        self.dt = spec.horizon.dt
        self.steps_per_year = spec.horizon.steps_per_year
        self.n_steps = spec.horizon.n_steps
        self.n_countries = self.world.n
        propensity = self.world.filing_propensity
        self.filing_propensity = np.ones(self.n_countries) if propensity is None else propensity

        world_streams = Streams(spec.world.seed)
        self.stakeholders, stakeholder_expertise = sample_stakeholders(
            self.world, spec.world.stakeholders_per_country, world_streams
        )
        self.n_stakeholders = self.stakeholders.n
        self.network = build_network(
            self.world,
            self.stakeholders,
            spec.world.network,
            world_streams.generator("world.network"),
        )
        self.expertise = np.concatenate([self.world.office_expertise.copy(), stakeholder_expertise])
        self.actor_country = np.concatenate(
            [np.arange(self.n_countries), self.stakeholders.country]
        )
        self.countries = self._initial_country_state()
        self.stakeholder_patents = np.zeros(self.n_stakeholders, np.int64)
        self.stakeholder_trademarks = np.zeros(self.n_stakeholders, np.int64)
        self._cache: dict[str, Any] = {}
        self._country_streams: dict[str, list[np.random.Generator]] = {}
        self.expertise_base = self._sustained_levels()
        self._size_office_capacity()

        self.interventions: list[Intervention] = [
            INTERVENTIONS.get(item.type)(
                self, item.resolved_params(), item.resolved_unit_cost(), index
            )
            for index, item in enumerate(spec.programme.interventions)
        ]
        self.unit_cost_cents = np.array(
            [usd_to_cents(i.unit_cost_usd) for i in self.interventions], np.int64
        )
        self.strategy: Strategy = STRATEGIES.get(spec.programme.strategy)(self)
        self.ledger = Ledger(
            spec.programme,
            self.world.codes,
            self.world.region,
            partner_weight=self.orgs_by_kind[:, kinds.Kind.LARGE_FIRM],
            n_interventions=len(self.interventions),
            n_steps=self.n_steps,
            n_steps_per_year=self.steps_per_year,
        )
        self.capacity = np.zeros((len(self.interventions), self.n_countries), np.int64)

        self.country_agents = [Country(self, c) for c in range(self.n_countries)]
        self.office_agents = [IPOffice(self, c) for c in range(self.n_countries)]
        self._stakeholder_agents: dict[int, Stakeholder] = {}
        if self.n_stakeholders <= STAKEHOLDER_AGENT_LIMIT:
            for i in range(self.n_stakeholders):
                self._stakeholder_agents[i] = Stakeholder(self, i)

        self._filings()  # flows of the step before the start, so step 0 has filings
        self.recorder = Recorder(self)
        self.recorder.record(self)

    # ----------------------------------------------------------------- set-up
    def _initial_country_state(self) -> CountryState:
        w = self.world
        d = self.spec.dynamics
        rd = np.where(
            np.isnan(w.rd_intensity),
            mechanisms.rd_intensity(w.gdp_per_capita, d.rd_income_elasticity),
            w.rd_intensity,
        )
        zeros = np.zeros(w.n)
        return CountryState(
            region=w.region.copy(),
            income=w.income.copy(),
            population=w.population.copy(),
            gdp_per_capita=w.gdp_per_capita.copy(),
            internet=w.internet.copy(),
            rd_intensity=rd,
            legal=w.legal_maturity.copy(),
            legal_lagged=w.legal_maturity.copy(),
            automation=np.asarray(AUTOMATION_START)[w.income].astype(float),
            examiners=zeros.copy(),
            backlog=zeros.copy(),
            pendency=w.pendency_years.copy(),
        )

    def _sustained_levels(self) -> np.ndarray:
        """Each actor's sustained expertise, set so the initial world is at rest.

        Without a programme, learning from partners, forgetting towards this level and
        staff turnover balance at the initial expertise (clipped to [0, 1]).
        """
        d = self.spec.dynamics
        r = mechanisms.retention_per_step(d.expertise_half_life_months, self.dt)
        gain = self._spillover_increment(self.expertise)
        if r >= 1:
            return self.expertise.copy()
        base = self.expertise - gain * r / (1 - r)
        tau = float(mechanisms.step_fraction(d.staff_turnover, self.dt))
        n_c = self.n_countries
        E_o = self.expertise[:n_c]
        if tau < 1:
            base[:n_c] = (
                E_o / (1 - tau) - d.entry_expertise * tau / (1 - tau) - (E_o + gain[:n_c]) * r
            ) / (1 - r)
        return np.clip(base, 0.0, 1.0)

    def _size_office_capacity(self) -> None:
        """Size each office so that it examines what it receives at the start."""
        c = self.countries
        d = self.spec.dynamics
        inflow = self.resident_mean_by_country + self.nonresident_mean
        per_examiner = (
            d.examiner_productivity
            * (1 + d.automation_gain * c.automation)
            * (0.5 + self.office_expertise)
        )
        # Fractional examiners: a small office spends part of its staff time on patents.
        c.examiners = np.maximum(inflow / per_examiner, 1e-3)
        c.backlog = c.pendency * inflow
        self._cache.clear()

    # ------------------------------------------------------------- read-outs
    @property
    def office_expertise(self) -> np.ndarray:
        """Mean expertise of each office's examiners (a view)."""
        return self.expertise[: self.n_countries]

    @property
    def stakeholder_expertise(self) -> np.ndarray:
        """Expertise of each stakeholder agent (a view)."""
        return self.expertise[self.n_countries :]

    @cached_property
    def orgs_by_kind(self) -> np.ndarray:
        """Organisations per country and kind, shape (countries, kinds)."""
        s = self.stakeholders
        flat = np.bincount(
            s.country * kinds.N_KINDS + s.kind,
            weights=s.size,
            minlength=self.n_countries * kinds.N_KINDS,
        )
        return flat.reshape(self.n_countries, kinds.N_KINDS)

    @cached_property
    def orgs_by_country(self) -> np.ndarray:
        """Organisations per country."""
        return self.orgs_by_kind.sum(axis=1)

    @cached_property
    def expertise_sd(self) -> float:
        """Spread of stakeholders' initial expertise (organisation-weighted SD)."""
        w = self.stakeholders.size
        e = self.stakeholder_expertise
        mean = np.average(e, weights=w)
        return float(np.sqrt(np.average((e - mean) ** 2, weights=w)))

    def by_country(self, values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Sum (or weighted mean, when ``weights`` is given) of stakeholder values by country."""
        country = self.stakeholders.country
        if weights is None:
            return np.bincount(country, weights=values, minlength=self.n_countries)
        total = np.bincount(country, weights=values * weights, minlength=self.n_countries)
        norm = np.bincount(country, weights=weights, minlength=self.n_countries)
        return np.divide(total, norm, out=np.zeros_like(total), where=norm > 0)

    @property
    def awareness_share(self) -> np.ndarray:
        """Share of organisations aware of IP, per stakeholder agent."""
        return self.stakeholders.aware / self.stakeholders.size

    def _aware_factor(self) -> np.ndarray:
        u = self.spec.dynamics.unaware_filing_factor
        a = self.awareness_share
        return a + (1 - a) * u

    def _country_filing_factor(self) -> np.ndarray:
        d = self.spec.dynamics
        c = self.countries
        r_and_d = c.rd_intensity * c.gdp_per_capita / R_AND_D_REFERENCE_USD
        legal = mechanisms.legal_factor(c.legal, d.legal_filing_floor)
        will = mechanisms.will_to_file(
            c.pendency, d.pendency_reference_years, d.pendency_sensitivity
        )
        s = self.stakeholders
        is_legal = (s.kind == kinds.Kind.LEGAL_PRACTITIONER).astype(float)
        support = 0.6 + 0.8 * self.by_country(self.stakeholder_expertise, s.size * is_legal)
        return self.filing_propensity * r_and_d**d.filing_elasticity * legal * will * support

    @property
    def resident_mean(self) -> np.ndarray:
        """Expected resident patent filings per year of each stakeholder agent."""
        if "resident_mean" not in self._cache:
            d = self.spec.dynamics
            s = self.stakeholders
            expertise = (self.stakeholder_expertise / EXPERTISE_REFERENCE) ** (
                d.expertise_filing_elasticity
            )
            self._cache["resident_mean"] = (
                s.size
                * kinds.PATENT_RATE[s.kind]
                * expertise
                * self._aware_factor()
                * self._country_filing_factor()[s.country]
            )
        return self._cache["resident_mean"]

    @property
    def resident_mean_by_country(self) -> np.ndarray:
        """Expected resident patent filings per year, per country."""
        return self.by_country(self.resident_mean)

    @property
    def trademark_mean(self) -> np.ndarray:
        """Expected resident trademark filings per year of each stakeholder agent."""
        d = self.spec.dynamics
        s = self.stakeholders
        c = self.countries
        market = np.sqrt(c.gdp_per_capita / 10_000.0)
        legal = mechanisms.legal_factor(c.legal, d.legal_filing_floor)
        expertise = np.sqrt(self.stakeholder_expertise / EXPERTISE_REFERENCE)
        return (
            s.size
            * kinds.TRADEMARK_RATE[s.kind]
            * expertise
            * self._aware_factor()
            * (market * legal)[s.country]
        )

    @property
    def nonresident_mean(self) -> np.ndarray:
        """Expected non-resident patent filings per year at each office."""
        d = self.spec.dynamics
        c = self.countries
        market = c.gdp_per_capita * c.population / 1e9
        legal = mechanisms.legal_factor(c.legal_lagged, d.legal_filing_floor)
        will = mechanisms.will_to_file(
            c.pendency, d.pendency_reference_years, d.pendency_sensitivity
        )
        return d.nonresident_scale * market**d.nonresident_market_elasticity * legal**2 * will

    @property
    def office_capacity(self) -> np.ndarray:
        """Applications each office can examine per year."""
        d = self.spec.dynamics
        c = self.countries
        return (
            (c.examiners + c.grant_examiners)
            * d.examiner_productivity
            * (1 + d.automation_gain * c.automation)
            * (0.5 + self.office_expertise)
        )

    # ------------------------------------------------------------- delivery
    def train(
        self,
        trainees: np.ndarray,
        effect_sd: float,
        kind_shares: np.ndarray,
        office_share: float,
        count_as_trained: bool = True,
    ) -> None:
        """Raise expertise of the people trained in each country.

        A share ``office_share`` of each country's trainees are examiners; the rest are
        spread over stakeholder kinds by ``kind_shares``. A trained organisation gains
        ``effect_sd`` baseline standard deviations times its absorptive capacity; an
        agent's mean expertise rises by that gain times the share of its organisations
        trained.

        Args:
            trainees: People trained per country in this step.
            effect_sd: Gain of one trainee, in SDs of the initial spread of expertise.
            kind_shares: Share of the stakeholders' trainees going to each kind.
            office_share: Share of trainees who are examiners.
            count_as_trained: Add the trainees to ``people_trained``.
        """
        trainees = np.asarray(trainees, dtype=np.int64)
        if not trainees.any():
            return
        d = self.spec.dynamics
        c = self.countries
        n_c = self.n_countries
        gamma = mechanisms.absorptive_capacity(self.expertise, d.absorptive_k, d.absorptive_floor)
        gain = effect_sd * self.expertise_sd * gamma
        at_office = np.floor(trainees * office_share)
        examiners = np.maximum(c.examiners + c.grant_examiners, 1.0)
        self.expertise[:n_c] += np.minimum(at_office / examiners, 1.0) * gain[:n_c]
        per_kind = (trainees - at_office)[:, None] * kind_shares[None, :]
        share = np.minimum(per_kind / np.maximum(self.orgs_by_kind, 1.0), 1.0)
        s = self.stakeholders
        self.expertise[n_c:] += share[s.country, s.kind] * gain[n_c:]
        np.minimum(self.expertise, 1.0, out=self.expertise)
        if count_as_trained:
            c.people_trained += trainees

    # ------------------------------------------------- estimates for strategies
    def training_gain(self, effect_sd: float) -> np.ndarray:
        """Expected extra resident filings (over the gain's life) per trained organisation.

        Returns an array of shape (countries, kinds).
        """
        d = self.spec.dynamics
        s = self.stakeholders
        E = np.maximum(self.stakeholder_expertise, 1e-6)
        gamma = mechanisms.absorptive_capacity(E, d.absorptive_k, d.absorptive_floor)
        delta = effect_sd * self.expertise_sd * gamma
        marginal = self.resident_mean * d.expertise_filing_elasticity / E * delta
        cell = s.country * kinds.N_KINDS + s.kind
        total = np.bincount(cell, weights=marginal, minlength=self.n_countries * kinds.N_KINDS)
        per_org = total.reshape(self.n_countries, kinds.N_KINDS) / np.maximum(self.orgs_by_kind, 1)
        life_years = d.expertise_half_life_months / 12 / np.log(2)
        return per_org * life_years

    def pendency_gain(self, capacity_ratio: np.ndarray | float) -> np.ndarray:
        """Extra filings per year if office capacity were multiplied by ``capacity_ratio``."""
        d = self.spec.dynamics
        c = self.countries
        now = mechanisms.will_to_file(
            c.pendency, d.pendency_reference_years, d.pendency_sensitivity
        )
        then = mechanisms.will_to_file(
            c.pendency / capacity_ratio, d.pendency_reference_years, d.pendency_sensitivity
        )
        return (self.resident_mean_by_country + self.nonresident_mean) * (then / now - 1)

    def spillover_gain(self, boost: float) -> np.ndarray:
        """Extra filings per year from raising the learning rate by ``boost`` for a year."""
        d = self.spec.dynamics
        E = np.maximum(self.expertise, 1e-6)
        gamma = mechanisms.absorptive_capacity(E, d.absorptive_k, d.absorptive_floor)
        extra = mechanisms.step_fraction(
            d.spillover_rate * (1 + boost), 1.0
        ) - mechanisms.step_fraction(d.spillover_rate, 1.0)
        delta = (extra * gamma * self.network.upward_pull(self.expertise))[self.n_countries :]
        marginal = self.resident_mean * d.expertise_filing_elasticity / E[self.n_countries :]
        return self.by_country(marginal * delta)

    def awareness_gain(self) -> np.ndarray:
        """Extra filings per year per organisation that becomes aware of IP, per country."""
        u = self.spec.dynamics.unaware_filing_factor
        s = self.stakeholders
        per_org_aware = self.resident_mean / s.size / self._aware_factor()
        unaware = (s.size - s.aware).astype(float)
        gain = self.by_country(per_org_aware * (1 - u), unaware)
        return gain

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance the model by one step (see the module docstring for the order)."""
        index = self.steps - 1
        self._cache.clear()
        self._exogenous()
        self._allocate_and_deliver(index)
        for intervention in self.interventions:
            intervention.step()
        self._spillover()
        self._awareness()
        self._forget_and_turn_over()
        if self.steps % self.steps_per_year == 0:
            self._form_links()
        self._cache.clear()
        self._filings()
        self._office()
        self._cache.clear()
        self.recorder.record(self)
        if self.steps >= self.n_steps:
            self.running = False

    def run(self) -> IPModel:
        """Run to the end of the horizon and return the model."""
        while self.steps < self.n_steps:
            self.step()
        return self

    def _exogenous(self) -> None:
        d = self.spec.dynamics
        c = self.countries
        dt = self.dt
        pop_growth = np.asarray(d.population_growth)[c.income]
        gdp_growth = np.asarray(d.gdp_growth)[c.income]
        c.population *= np.exp(pop_growth * dt)
        c.gdp_per_capita *= np.exp(gdp_growth * dt)
        c.examiners *= np.exp((pop_growth + gdp_growth) * dt)
        c.internet = mechanisms.logistic_step(c.internet, d.internet_growth, d.internet_ceiling, dt)
        if np.isnan(self.world.rd_intensity).any():
            derived = mechanisms.rd_intensity(c.gdp_per_capita, d.rd_income_elasticity)
            c.rd_intensity = np.where(np.isnan(self.world.rd_intensity), derived, c.rd_intensity)
        lag = d.nonresident_lag_years
        follow = 1.0 if lag == 0 else -np.expm1(-dt / lag)
        c.legal_lagged += (c.legal - c.legal_lagged) * follow

    def _allocate_and_deliver(self, index: int) -> None:
        self.capacity = np.stack([i.capacity() for i in self.interventions])
        weights = np.asarray(self.strategy.weights(), dtype=float)
        expected = (len(self.interventions), self.n_countries)
        if weights.shape != expected or not np.all(np.isfinite(weights)) or (weights < 0).any():
            raise ValueError(
                f"strategy '{self.strategy.name}' returned invalid weights: need finite, "
                f"non-negative values of shape {expected}, got shape {weights.shape}"
            )
        capacity = self.capacity
        room = self.ledger.spending_room(self.unit_cost_cents, capacity, self.countries.legal)
        self.ledger.commit(index, weights, room)
        partners = int((self.ledger.commitments.sum(axis=(0, 1)) > 0).sum())
        spending = self.ledger.purchase(
            self.unit_cost_cents, capacity, self.countries.legal, partners
        )
        for intervention, units in zip(self.interventions, spending.units, strict=True):
            if units.any():
                intervention.deliver(units)

    def _spillover_increment(self, E: np.ndarray) -> np.ndarray:
        d = self.spec.dynamics
        boost = self.countries.spillover_boost[self.actor_country]
        rate = mechanisms.step_fraction(d.spillover_rate * (1 + boost), self.dt)
        gamma = mechanisms.absorptive_capacity(E, d.absorptive_k, d.absorptive_floor)
        return rate * gamma * self.network.upward_pull(E)

    def _spillover(self) -> None:
        self.expertise += self._spillover_increment(self.expertise)
        np.minimum(self.expertise, 1.0, out=self.expertise)

    def _awareness(self) -> None:
        d = self.spec.dynamics
        s = self.stakeholders
        c = self.countries
        share = np.concatenate([np.ones(self.n_countries), self.awareness_share])
        strength = self.network.strength[self.n_countries :]
        partners = self.network.neighbour_mean(share)[self.n_countries :]
        influence = (self.awareness_share + strength * partners) / (1 + strength)
        p = d.bass_p + c.awareness_push[s.country]
        prob = mechanisms.bass_adoption_probability(p, d.bass_q, influence, self.dt)
        unaware = s.size - s.aware
        for country, gen in enumerate(self._streams_by_country("awareness")):
            lo, hi = s.start[country], s.start[country + 1]
            s.aware[lo:hi] += gen.binomial(unaware[lo:hi], prob[lo:hi])
        c.awareness_push[:] = 0.0

    def _forget_and_turn_over(self) -> None:
        d = self.spec.dynamics
        r = mechanisms.retention_per_step(d.expertise_half_life_months, self.dt)
        base = self.expertise_base
        self.expertise[:] = base + (self.expertise - base) * r
        tau = mechanisms.step_fraction(d.staff_turnover, self.dt)
        office = self.office_expertise
        office[:] = office * (1 - tau) + d.entry_expertise * tau

    def _form_links(self) -> None:
        rate = self.spec.world.network.link_formation_rate
        if rate <= 0:
            return
        s = self.stakeholders
        E = self.stakeholder_expertise
        us, vs = [], []
        for country in range(self.n_countries):
            lo, hi = s.start[country], s.start[country + 1]
            gen = self.streams.generator("links", country)
            n_new = gen.poisson(rate * (hi - lo))
            if n_new == 0 or hi - lo < 2:
                continue
            attract = E[lo:hi] + 1e-9
            us.append(lo + gen.integers(0, hi - lo, n_new))
            vs.append(lo + gen.choice(hi - lo, size=n_new, p=attract / attract.sum()))
        if not us:
            return
        u, v = np.concatenate(us), np.concatenate(vs)
        types = stakeholder_link_type(s.kind[u], s.kind[v])
        n_c = self.n_countries
        self.network.add(u + n_c, v + n_c, types, type_weights(self.spec.world.network)[types])

    def _streams_by_country(self, name: str) -> list[np.random.Generator]:
        """The per-country generators of a named process (looked up once per model)."""
        gens = self._country_streams.get(name)
        if gens is None:
            gens = self._country_streams[name] = self.streams.per_country(name, self.n_countries)
        return gens

    def _filings(self) -> None:
        d = self.spec.dynamics
        s = self.stakeholders
        c = self.countries
        dt = self.dt
        patents = self.resident_mean * dt
        trademarks = self.trademark_mean * dt
        shape = d.filing_dispersion * s.size * dt
        nonres = self.nonresident_mean * dt
        nr_mean = np.stack([nonres, NONRESIDENT_TRADEMARK_RATIO * nonres], axis=1)
        nr_shape = NONRESIDENT_SHAPE_PER_YEAR * dt
        # The draws of mechanisms.negative_binomial, in the same order from each country's
        # own stream: its stakeholders' patents (agents with a positive mean, in index
        # order), their trademarks, then non-residents' patents and trademarks. The
        # arithmetic is done once for all countries, and each country makes one call on
        # its generator (numpy checks its arguments on every call).
        n_c = self.n_countries
        pat_at = np.flatnonzero(patents > 0)
        tm_at = np.flatnonzero(trademarks > 0)
        nr_flat = nr_mean.reshape(-1)
        nr_at = np.flatnonzero(nr_flat > 0)
        pat_c, tm_c, nr_c = s.country[pat_at], s.country[tm_at], nr_at // 2
        n_pat = np.bincount(pat_c, minlength=n_c)
        n_tm = np.bincount(tm_c, minlength=n_c)
        n_nr = np.bincount(nr_c, minlength=n_c)
        seg = np.zeros(n_c + 1, np.int64)
        np.cumsum(n_pat + n_tm + n_nr, out=seg[1:])
        pat_pos = seg[pat_c] + np.arange(len(pat_at)) - np.searchsorted(pat_at, s.start)[pat_c]
        tm_pos = (
            seg[tm_c] + n_pat[tm_c] + np.arange(len(tm_at)) - np.searchsorted(tm_at, s.start)[tm_c]
        )
        nr_pos = (
            seg[nr_c]
            + n_pat[nr_c]
            + n_tm[nr_c]
            + np.arange(len(nr_at))
            - np.searchsorted(nr_at, 2 * np.arange(n_c + 1))[nr_c]
        )
        r = np.empty(seg[-1])
        prob = np.empty(seg[-1])
        r[pat_pos] = shape[pat_at]
        prob[pat_pos] = r[pat_pos] / (r[pat_pos] + patents[pat_at])
        r[tm_pos] = shape[tm_at]
        prob[tm_pos] = r[tm_pos] / (r[tm_pos] + trademarks[tm_at])
        r[nr_pos] = nr_shape
        prob[nr_pos] = nr_shape / (nr_shape + nr_flat[nr_at])
        draws = np.zeros(seg[-1], np.int64)
        for country, gen in enumerate(self._streams_by_country("filings")):
            a, b = seg[country], seg[country + 1]
            if b > a:
                draws[a:b] = gen.negative_binomial(r[a:b], prob[a:b])
        self.stakeholder_patents[:] = 0
        self.stakeholder_patents[pat_at] = draws[pat_pos]
        self.stakeholder_trademarks[:] = 0
        self.stakeholder_trademarks[tm_at] = draws[tm_pos]
        nonresident = np.zeros(2 * n_c, np.int64)
        nonresident[nr_at] = draws[nr_pos]
        c.patents_nonresident[:] = nonresident[0::2]
        c.trademarks[:] = nonresident[1::2]
        c.patents_resident[:] = self.by_country(self.stakeholder_patents)
        c.trademarks += self.by_country(self.stakeholder_trademarks).astype(np.int64)

    def _office(self) -> None:
        c = self.countries
        capacity = self.office_capacity
        c.backlog += c.patents_resident + c.patents_nonresident
        c.examined = np.minimum(c.backlog, capacity * self.dt)
        c.backlog -= c.examined
        c.pendency = np.divide(c.backlog, capacity, out=np.zeros_like(capacity), where=capacity > 0)
        c.grant_examiners *= np.exp(-self.dt)

    # ------------------------------------------------------------ inspection
    def stakeholder(self, index: int) -> Stakeholder:
        """The Stakeholder agent at ``index`` (made on request above the agent limit)."""
        agent = self._stakeholder_agents.get(index)
        if agent is None:
            if not 0 <= index < self.n_stakeholders:
                raise IndexError(f"stakeholder {index} out of range 0..{self.n_stakeholders - 1}")
            agent = Stakeholder(self, index)
            self._stakeholder_agents[index] = agent
        return agent

    def country(self, code: str) -> Country:
        """The Country agent with ISO3-style ``code``."""
        for agent in self.country_agents:
            if agent.code == code:
                return agent
        raise KeyError(f"no country '{code}'; known: {', '.join(self.world.codes)}")

    def partnership_graph(self) -> Any:
        """The partnership network as a networkx graph, with actor attributes."""
        n_c = self.n_countries
        role = np.array(["office"] * n_c + [kinds.KIND_LABELS[k] for k in self.stakeholders.kind])
        return self.network.to_networkx(
            {
                "country": self.world.codes[self.actor_country],
                "role": role,
                "expertise": self.expertise,
            }
        )

    def tables(self, **labels: Any) -> Any:
        """The tidy metrics table of this run (see :mod:`ipsim.recorder`)."""
        return self.recorder.to_frame(**labels)
