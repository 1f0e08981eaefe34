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
5. learning along partnership links: spillover with absorptive capacity, or, under
   ``dynamics.partner_learning: barter``, trades between matched pairs of partners;
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

from ipsim import accel, kinds, mechanisms, sampling
from ipsim.agents import Country, IPOffice, Stakeholder
from ipsim.barter import KnowledgeFields
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
        knowledge: Under barter, every actor's fields of expertise (:mod:`ipsim.barter`);
            None under spillover.
        ledger: The programme's money.
        strategy: The strategy deciding the allocation.
        interventions: The intervention types the programme can buy.
        recorder: Indicators collected at every step.
        expertise_sd: Spread of stakeholders' starting expertise (organisation-weighted
            SD), the unit in which training effects are given.
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
        if accel.enabled():
            accel.kernels()  # compiled (or loaded from numba's cache) once per process
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
        self.knowledge = self._knowledge_fields(world_streams.generator("world.knowledge"))
        self.expertise_sd = self._expertise_spread()  # the unit of training effects
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

        for name in ("awareness", "links"):  # per-country streams made once, at set-up
            self._streams_by_country(name)
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

    def _knowledge_fields(self, rng: np.random.Generator) -> KnowledgeFields | None:
        """Fields of know-how under barter (None under spillover)."""
        d = self.spec.dynamics
        if d.partner_learning != "barter":
            return None
        if d.knowledge_start == "uniform":
            fields, expertise = KnowledgeFields.uniform(
                len(self.expertise), d.knowledge_fields, rng
            )
            self.expertise[:] = expertise  # the world's starting expertise is replaced
            return fields
        return KnowledgeFields.around(self.expertise, d.knowledge_fields, rng)

    def state_changed(self) -> None:
        """Forget values derived from the state within a step (expected filings...).

        The model calls it where a step changes the state they depend on; call it after
        changing state by hand (the agents' setters do).
        """
        self._cache.clear()

    @cached_property
    def retention(self) -> float:
        """Share of expertise above the sustained level kept over one step (1: no forgetting)."""
        d = self.spec.dynamics
        if not d.forgetting:
            return 1.0
        return mechanisms.retention_per_step(d.expertise_half_life_months, self.dt)

    def _sustained_levels(self) -> np.ndarray:
        """Each actor's sustained expertise, set so the initial world is at rest.

        Without a programme, learning from partners, forgetting towards this level and
        staff turnover balance at the initial expertise (clipped to [0, 1]).
        """
        d = self.spec.dynamics
        r = self.retention
        if self.knowledge is None:
            gain = self._spillover_increment(self.expertise)
        else:  # barter has no steady inflow: each actor's sustained level is its start
            gain = np.zeros_like(self.expertise)
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
        self.state_changed()

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

    def _expertise_spread(self) -> float:
        """Spread of stakeholders' expertise now (organisation-weighted SD)."""
        w = self.stakeholders.size
        e = self.stakeholder_expertise
        mean = np.average(e, weights=w)
        return float(np.sqrt(np.average((e - mean) ** 2, weights=w)))

    def by_country(self, values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Sum (or weighted mean, when ``weights`` is given) of stakeholder values by country."""
        if weights is None:
            return self._country_sum(values)
        total = self._country_sum(values * weights)
        norm = self._country_sum(weights)
        return np.divide(total, norm, out=np.zeros_like(total), where=norm > 0)

    def _country_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of stakeholder values by country, in index order (as a bincount would)."""
        s = self.stakeholders
        if accel.enabled():
            out = np.empty(self.n_countries)
            accel.kernels().segment_sum(s.start, np.ascontiguousarray(values), out)
            return out
        return np.bincount(s.country, weights=values, minlength=self.n_countries)

    @property
    def awareness_share(self) -> np.ndarray:
        """Share of organisations aware of IP, per stakeholder agent."""
        return self.stakeholders.aware / self.stakeholders.size

    def _aware_factor(self) -> np.ndarray:
        if "aware_factor" not in self._cache:
            u = self.spec.dynamics.unaware_filing_factor
            a = self.awareness_share
            self._cache["aware_factor"] = a + (1 - a) * u
        return self._cache["aware_factor"]

    @cached_property
    def _legal_practitioners(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Legal practitioners: their indices, sizes and organisations per country."""
        s = self.stakeholders
        at = np.flatnonzero(s.kind == kinds.Kind.LEGAL_PRACTITIONER)
        size = s.size[at].astype(float)
        orgs = np.bincount(s.country[at], weights=size, minlength=self.n_countries)
        return at, size, orgs

    def _country_filing_factor(self) -> np.ndarray:
        d = self.spec.dynamics
        c = self.countries
        r_and_d = c.rd_intensity * c.gdp_per_capita / R_AND_D_REFERENCE_USD
        legal = mechanisms.legal_factor(c.legal, d.legal_filing_floor)
        will = mechanisms.will_to_file(
            c.pendency, d.pendency_reference_years, d.pendency_sensitivity
        )
        # Mean expertise of each country's legal practitioners, weighted by organisations
        # (the other stakeholders have weight 0 and are left out of the sums).
        at, size, orgs = self._legal_practitioners
        country = self.stakeholders.country[at]
        total = np.bincount(
            country, weights=self.stakeholder_expertise[at] * size, minlength=len(orgs)
        )
        mean = np.divide(total, orgs, out=np.zeros_like(total), where=orgs > 0)
        support = 0.6 + 0.8 * mean
        return self.filing_propensity * r_and_d**d.filing_elasticity * legal * will * support

    @cached_property
    def _patent_scale(self) -> np.ndarray:
        s = self.stakeholders
        return s.size * kinds.PATENT_RATE[s.kind]

    @cached_property
    def _trademark_scale(self) -> np.ndarray:
        s = self.stakeholders
        return s.size * kinds.TRADEMARK_RATE[s.kind]

    @property
    def resident_mean(self) -> np.ndarray:
        """Expected resident patent filings per year of each stakeholder agent."""
        if "resident_mean" not in self._cache:
            d = self.spec.dynamics
            s = self.stakeholders
            expertise = (self.stakeholder_expertise / EXPERTISE_REFERENCE) ** (
                d.expertise_filing_elasticity
            )
            mean = self._patent_scale * expertise
            mean *= self._aware_factor()
            mean *= self._country_filing_factor()[s.country]
            self._cache["resident_mean"] = mean
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
        mean = np.sqrt(self.stakeholder_expertise / EXPERTISE_REFERENCE)
        mean *= self._trademark_scale
        mean *= self._aware_factor()
        mean *= (market * legal)[s.country]
        return mean

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
        self.state_changed()
        self._exogenous()
        self._allocate_and_deliver(index)
        for intervention in self.interventions:
            intervention.step()
        self._spillover()
        self._awareness()
        self._forget_and_turn_over()
        if self.steps % self.steps_per_year == 0:
            self._form_links()
        self.state_changed()
        self._filings()
        self._office()
        self.state_changed()
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
        boost = self.countries.spillover_boost
        # The rate per country, then per actor (the same values as computing it per actor).
        rate = mechanisms.step_fraction(d.spillover_rate * (1 + boost), self.dt)[self.actor_country]
        gamma = mechanisms.absorptive_capacity(E, d.absorptive_k, d.absorptive_floor)
        gamma *= rate
        gamma *= self.network.upward_pull(E)
        return gamma

    def _spillover(self) -> None:
        if self.knowledge is not None:
            self._barter()
            return
        self.expertise += self._spillover_increment(self.expertise)
        np.minimum(self.expertise, 1.0, out=self.expertise)

    def _barter(self) -> None:
        d = self.spec.dynamics
        boost = self.countries.spillover_boost[self.actor_country]
        alpha = np.minimum(d.barter_share * (1 + boost), 1.0)
        rounds = max(1, round(d.barter_rounds_per_year * self.dt))
        net = self.network
        gen = self.streams.generator("barter")
        for _ in range(rounds):
            self.knowledge.trade_round(self.expertise, net.u, net.v, net.weight, alpha, gen)
        np.minimum(self.expertise, 1.0, out=self.expertise)

    def _awareness(self) -> None:
        d = self.spec.dynamics
        s = self.stakeholders
        c = self.countries
        share = self.awareness_share
        everyone = self._actor_share  # offices count as aware
        everyone[self.n_countries :] = share
        strength = self.network.strength[self.n_countries :]
        partners = self.network.neighbour_mean(everyone)[self.n_countries :]
        if accel.enabled():  # one pass instead of ten; the same operations, so the same values
            prob = np.empty(self.n_stakeholders)
            accel.kernels().bass_exponent(
                share,
                strength,
                partners,
                d.bass_p,
                c.awareness_push,
                s.country,
                d.bass_q,
                self.dt,
                prob,
            )
            np.expm1(prob, out=prob)
            np.negative(prob, out=prob)
        else:
            influence = (share + strength * partners) / (1 + strength)
            p = d.bass_p + c.awareness_push[s.country]
            prob = mechanisms.bass_adoption_probability(p, d.bass_q, influence, self.dt)
        unaware = s.size - s.aware
        # One uniform per stakeholder from its country's stream, inverted where the mean
        # is small; the others drawn afterwards with numpy's sampler (ipsim.sampling).
        u = self._awareness_uniforms
        gens = self._streams_by_country("awareness")
        for country, gen in enumerate(gens):
            gen.random(out=u[s.start[country] : s.start[country + 1]])
        adopt = sampling.binomial_inversion(u, unaware, prob)
        big = np.flatnonzero(adopt == sampling.FALLBACK)
        for country, a, b in self._country_runs(s.country[big]):
            at = big[a:b]
            adopt[at] = gens[country].binomial(unaware[at], prob[at])
        s.aware += adopt
        c.awareness_push[:] = 0.0

    @cached_property
    def _awareness_uniforms(self) -> np.ndarray:
        return np.empty(self.n_stakeholders)

    @cached_property
    def _actor_share(self) -> np.ndarray:
        return np.ones(self.n_countries + self.n_stakeholders)

    def _forget_and_turn_over(self) -> None:
        d = self.spec.dynamics
        r = self.retention
        base = self.expertise_base
        self.expertise[:] = base + (self.expertise - base) * r
        tau = mechanisms.step_fraction(d.staff_turnover, self.dt)
        office = self.office_expertise
        office[:] = office * (1 - tau) + d.entry_expertise * tau
        if self.knowledge is not None:  # every field moves like the mean
            self.knowledge.shrink(r)
            self.knowledge.shrink(1 - tau, slice(0, self.n_countries))

    def _form_links(self) -> None:
        rate = self.spec.world.network.link_formation_rate
        if rate <= 0:
            return
        s = self.stakeholders
        us, uniforms, segments = [], [], []
        for country, gen in enumerate(self._streams_by_country("links")):
            lo, hi = int(s.start[country]), int(s.start[country + 1])
            n_new = gen.poisson(rate * (hi - lo))
            if n_new == 0 or hi - lo < 2:
                continue
            us.append(lo + gen.integers(0, hi - lo, n_new))
            uniforms.append(gen.random(n_new))  # partners: one uniform each, inverted
            segments.append((lo, hi, n_new))
        if not us:
            return
        lo, hi, n_new = np.array(segments, np.int64).T
        attract = self.stakeholder_expertise + 1e-9
        u = np.concatenate(us)
        v = sampling.segment_choice(attract, lo, hi, np.concatenate(uniforms), n_new)
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
        s = self.stakeholders
        c = self.countries
        dt = self.dt
        patents = self.resident_mean * dt
        trademarks = self.trademark_mean * dt
        shape = self._filing_shape
        nonres = self.nonresident_mean * dt
        nr_mean = np.stack([nonres, NONRESIDENT_TRADEMARK_RATIO * nonres], axis=1).reshape(-1)
        nr_shape = np.full(2 * self.n_countries, NONRESIDENT_SHAPE_PER_YEAR * dt)
        # Each country's stream gives one uniform per count, in order: its stakeholders'
        # patents, their trademarks, then non-residents' patents and trademarks. Counts
        # with a small mean are inverted from their uniform (ipsim.sampling); the others
        # are then drawn with numpy's sampler from the same stream, in the same order.
        u_pat, u_tm, u_nr = self._filing_uniforms
        start = s.start
        for country, gen in enumerate(self._streams_by_country("filings")):
            lo, hi = start[country], start[country + 1]
            gen.random(out=u_pat[lo:hi])
            gen.random(out=u_tm[lo:hi])
            gen.random(out=u_nr[2 * country : 2 * country + 2])
        pat = sampling.nb_inversion(u_pat, patents, shape)
        tm = sampling.nb_inversion(u_tm, trademarks, shape)
        nr = sampling.nb_inversion(u_nr, nr_mean, nr_shape)
        big = [np.flatnonzero(x == sampling.FALLBACK) for x in (pat, tm, nr)]
        if any(len(b) for b in big):
            owner = np.concatenate([s.country[big[0]], s.country[big[1]], big[2] // 2])
            r = np.concatenate([shape[big[0]], shape[big[1]], nr_shape[big[2]]])
            m = np.concatenate([patents[big[0]], trademarks[big[1]], nr_mean[big[2]]])
            order = np.argsort(owner, kind="stable")
            r, m = r[order], m[order]
            prob = r / (r + m)
            draws = np.empty(len(order), np.int64)
            gens = self._streams_by_country("filings")
            for country, a, b in self._country_runs(owner[order]):
                draws[a:b] = gens[country].negative_binomial(r[a:b], prob[a:b])
            filled = np.empty_like(draws)
            filled[order] = draws
            n_p, n_t = len(big[0]), len(big[1])
            pat[big[0]] = filled[:n_p]
            tm[big[1]] = filled[n_p : n_p + n_t]
            nr[big[2]] = filled[n_p + n_t :]
        self.stakeholder_patents = pat
        self.stakeholder_trademarks = tm
        c.patents_nonresident[:] = nr[0::2]
        c.trademarks[:] = nr[1::2]
        c.patents_resident[:] = self.by_country(pat)
        c.trademarks += self.by_country(tm).astype(np.int64)

    @staticmethod
    def _country_runs(owner: np.ndarray) -> list[tuple[int, int, int]]:
        """``(country, start, stop)`` of each run of equal values in sorted ``owner``."""
        if not len(owner):
            return []
        edges = np.flatnonzero(np.diff(owner)) + 1
        starts = np.concatenate([[0], edges])
        stops = np.concatenate([edges, [len(owner)]])
        return list(zip(owner[starts].tolist(), starts.tolist(), stops.tolist(), strict=True))

    @cached_property
    def _filing_shape(self) -> np.ndarray:
        """Negative-binomial shape of each stakeholder agent's filings in a step."""
        return self.spec.dynamics.filing_dispersion * self.stakeholders.size * self.dt

    @cached_property
    def _filing_uniforms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n_s = self.n_stakeholders
        return np.empty(n_s), np.empty(n_s), np.empty(2 * self.n_countries)

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
