"""The built-in interventions of a capacity-building programme.

Unit costs are planning assumptions in USD (docs/MODEL.md says where each comes from);
a scenario can override any of them.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ipsim import kinds, mechanisms
from ipsim.interventions.base import Intervention
from ipsim.mechanisms import step_fraction
from ipsim.registry import register_intervention


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _per_step(per_year: float | np.ndarray, dt: float) -> np.ndarray:
    """Whole units per step from a yearly allowance (at least one where it is positive)."""
    raw = np.asarray(per_year, dtype=float) * dt
    return np.where(raw > 0, np.maximum(np.floor(raw), 1), 0).astype(np.int64)


class TargetShares(_Params):
    """How trainees are shared among stakeholder kinds (renormalised to add up to 1)."""

    sme: float = Field(0.20, ge=0, le=1)
    university: float = Field(0.25, ge=0, le=1)
    legal_practitioner: float = Field(0.25, ge=0, le=1)
    individual_inventor: float = Field(0.10, ge=0, le=1)
    large_firm: float = Field(0.20, ge=0, le=1)

    def as_array(self) -> np.ndarray:
        """Shares in :class:`~ipsim.kinds.Kind` order."""
        a = np.array(
            [
                self.sme,
                self.university,
                self.legal_practitioner,
                self.individual_inventor,
                self.large_firm,
            ]
        )
        return a / a.sum() if a.sum() > 0 else np.full(kinds.N_KINDS, 1 / kinds.N_KINDS)


class TrainingParams(_Params):
    """Parameters of in-person training."""

    effect_sd: float = Field(
        0.6,
        ge=0,
        le=5,
        description="Gain of a trainee, in SDs of "
        "the baseline spread of expertise (about 0.6 in meta-analyses).",
    )
    seats_per_year: float = Field(400, ge=0, le=1e6, description="Seats per country per year.")
    office_share: float = Field(0.25, ge=0, le=1, description="Share of seats for examiners.")


@register_intervention("training")
class Training(Intervention):
    """In-person workshops for officials, practitioners and innovators."""

    unit = "trainee"
    description = "In-person workshops: costly per trainee, strong effect, limited seats."
    default_unit_cost_usd = 4000.0
    constraint = "expertise"
    Params = TrainingParams
    shares = TargetShares()

    def capacity(self) -> np.ndarray:  # noqa: D102
        return np.full(
            self.model.n_countries, _per_step(self.params.seats_per_year, self.model.dt), np.int64
        )

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        self.model.train(
            units, self.params.effect_sd, self.shares.as_array(), self.params.office_share
        )

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        gain = self.model.training_gain(self.params.effect_sd)
        return (1 - self.params.office_share) * gain @ self.shares.as_array()


class ElearningParams(_Params):
    """Parameters of e-learning."""

    effect_sd: float = Field(0.25, ge=0, le=5, description="Gain of a learner who completes.")
    completion_median: float = Field(
        0.13,
        ge=0,
        le=1,
        description="Median completion rate of massive online courses (Jordan 2015: about 13%).",
    )
    completion_sigma: float = Field(
        0.5, ge=0, le=3, description="Log-normal spread of the completion rate between courses."
    )
    enrolment_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Most enrolments per year, as "
        "a share of internet-connected organisations and examiners.",
    )
    office_share: float = Field(0.1, ge=0, le=1, description="Share of learners at the office.")


@register_intervention("elearning")
class Elearning(Intervention):
    """Online courses (WIPO Academy style): cheap, reach gated by internet, low completion."""

    unit = "enrolled learner"
    description = "E-learning: cheap per learner, reach gated by internet use, ~13% complete."
    default_unit_cost_usd = 60.0
    constraint = "expertise"
    Params = ElearningParams
    shares = TargetShares()

    def capacity(self) -> np.ndarray:  # noqa: D102
        m = self.model
        connected = m.countries.internet * (m.orgs_by_country + m.countries.examiners)
        return _per_step(connected * self.params.enrolment_share, m.dt)

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        m = self.model
        completed = np.zeros(m.n_countries, np.int64)
        for c in np.flatnonzero(units):
            rng = m.streams.generator("elearning", int(c))
            rate = self.params.completion_median * np.exp(
                rng.normal(0.0, self.params.completion_sigma)
            )
            completed[c] = rng.binomial(int(units[c]), min(rate, 1.0))
        m.countries.elearning_enrolled += units
        m.countries.elearning_completed += completed
        m.train(
            completed,
            self.params.effect_sd,
            self.shares.as_array(),
            self.params.office_share,
        )

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        gain = self.model.training_gain(self.params.effect_sd)
        per_learner = self.params.completion_median * (1 - self.params.office_share)
        return per_learner * gain @ self.shares.as_array()


class TrainersParams(_Params):
    """Parameters of train-the-trainers."""

    effect_sd: float = Field(0.4, ge=0, le=5, description="Gain of a trainee of a trainer.")
    cascade_per_year: float = Field(
        20,
        ge=0,
        le=1000,
        description="People a trainer trains per year, across the countries of the region.",
    )
    trainer_life_years: float = Field(
        3.0, gt=0, le=50, description="Mean active life of a trainer."
    )
    seats_per_year: float = Field(
        60, ge=0, le=1e5, description="Trainer seats per country per year."
    )


@register_intervention("train_the_trainers")
class TrainTheTrainers(Intervention):
    """Regional hubs train trainers, who then train people across their region."""

    unit = "trainer"
    description = "Train the trainers: trainers cascade training across their region."
    default_unit_cost_usd = 6000.0
    constraint = "expertise"
    Params = TrainersParams
    shares = TargetShares()

    def capacity(self) -> np.ndarray:  # noqa: D102
        return np.full(
            self.model.n_countries, _per_step(self.params.seats_per_year, self.model.dt), np.int64
        )

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        m = self.model
        m.countries.trainers += units
        m.countries.people_trained += units

    def step(self) -> None:  # noqa: D102
        m = self.model
        active = m.countries.trainers
        if not active.any():
            return
        # Each region's trainers serve its countries in proportion to their organisations.
        region = m.countries.region
        regional_trainers = np.bincount(region, weights=active, minlength=region.max() + 1)
        regional_orgs = np.bincount(region, weights=m.orgs_by_country, minlength=region.max() + 1)
        share = m.orgs_by_country / regional_orgs[region]
        expected = regional_trainers[region] * share * self.params.cascade_per_year * m.dt
        trainees = np.floor(expected).astype(np.int64)
        trainees += m.streams.generator("trainers").random(m.n_countries) < expected - trainees
        m.train(trainees, self.params.effect_sd, self.shares.as_array(), 0.0)
        m.countries.trainers = active * np.exp(-m.dt / self.params.trainer_life_years)

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        m = self.model
        gain = m.training_gain(self.params.effect_sd) @ self.shares.as_array()
        region = m.countries.region
        regional_gain = np.bincount(
            region, weights=gain * m.orgs_by_country, minlength=region.max() + 1
        )
        regional_orgs = np.bincount(region, weights=m.orgs_by_country, minlength=region.max() + 1)
        mean_gain = regional_gain[region] / regional_orgs[region]
        return mean_gain * self.params.cascade_per_year * self.params.trainer_life_years


class ReformParams(_Params):
    """Parameters of technical assistance for legislative reform."""

    delay_years: float = Field(2.0, ge=0, le=20, description="From start to enactment.")
    success_base: float = Field(
        0.35, ge=0, le=1, description="Chance of enactment with an office of no expertise."
    )
    success_expert: float = Field(0.9, ge=0, le=1, description="Chance with a fully expert office.")
    maturity_gain: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share of the remaining gap "
        "to a mature legal framework closed by an enacted reform.",
    )


@register_intervention("legal_reform")
class LegalReform(Intervention):
    """Policy and legislative advice: reform projects that may be enacted after a delay."""

    unit = "reform project"
    description = (
        "Technical assistance for legal reform: delayed, fails more where offices are weak."
    )
    default_unit_cost_usd = 100_000.0
    constraint = "law"
    Params = ReformParams

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.due = np.full(self.model.n_countries, -1, np.int64)

    def capacity(self) -> np.ndarray:  # noqa: D102
        c = self.model.countries
        return ((self.due < 0) & (c.legal < 0.98)).astype(np.int64)

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        m = self.model
        started = units > 0
        self.due[started] = m.steps + max(round(self.params.delay_years * m.steps_per_year), 0)
        m.countries.reforms_pending[started] += 1

    def success_chance(self) -> np.ndarray:
        """Chance that a reform is enacted, per country (rises with office expertise)."""
        p = self.params
        return p.success_base + (p.success_expert - p.success_base) * self.model.office_expertise

    def step(self) -> None:  # noqa: D102
        m = self.model
        c = m.countries
        p = self.params
        chance = self.success_chance()
        for country in np.flatnonzero((self.due >= 0) & (self.due <= m.steps)):
            if m.streams.generator("legal_reform", int(country)).random() < chance[country]:
                c.legal[country] += p.maturity_gain * (1 - c.legal[country])
                c.reforms_enacted[country] += 1
            else:
                c.reforms_failed[country] += 1
            c.reforms_pending[country] -= 1
            self.due[country] = -1

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        m = self.model
        p = self.params
        c = m.countries
        chance = self.success_chance()
        floor = m.spec.dynamics.legal_filing_floor
        factor = mechanisms.legal_factor(c.legal, floor)
        delta = (1 - floor) * p.maturity_gain * (1 - c.legal) / factor
        return chance * delta * m.resident_mean_by_country / (1 + p.delay_years)


class ModernisationParams(_Params):
    """Parameters of office modernisation."""

    automation_gain: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share of the remaining gap to full automation closed by one project.",
    )
    projects_per_year: float = Field(
        1, ge=0, le=100, description="Projects an office can run per year."
    )


@register_intervention("office_modernisation")
class OfficeModernisation(Intervention):
    """IT systems and automation that raise an office's processing capacity."""

    unit = "automation project"
    description = "Office modernisation: automation raises examination capacity."
    default_unit_cost_usd = 150_000.0
    constraint = "office"
    Params = ModernisationParams

    def capacity(self) -> np.ndarray:  # noqa: D102
        c = self.model.countries
        room = _per_step(self.params.projects_per_year, self.model.dt)
        return np.where(c.automation < 0.99, room, 0).astype(np.int64)

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        c = self.model.countries
        keep = (1 - self.params.automation_gain) ** units
        c.automation = 1 - (1 - c.automation) * keep

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        m = self.model
        c = m.countries
        ag = m.spec.dynamics.automation_gain
        new_auto = 1 - (1 - c.automation) * (1 - self.params.automation_gain)
        ratio = (1 + ag * new_auto) / (1 + ag * c.automation)
        return m.pendency_gain(ratio)


class GrantParams(_Params):
    """Parameters of examiner grants."""

    most_share_per_year: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Most examiner-years funded per year, as a share of the office's examiners.",
    )


@register_intervention("examiner_grant")
class ExaminerGrant(Intervention):
    """Funding grants that pay for examiner-years at an office."""

    unit = "examiner-year"
    description = "Funding grants: pay for examiner-years, cutting backlog and pendency."
    default_unit_cost_usd = 30_000.0
    constraint = "office"
    Params = GrantParams

    def capacity(self) -> np.ndarray:  # noqa: D102
        m = self.model
        return _per_step(m.countries.examiners * self.params.most_share_per_year, m.dt)

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        self.model.countries.grant_examiners += units

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        c = self.model.countries
        return self.model.pendency_gain(1 + 1 / (c.examiners + c.grant_examiners))


class PlatformParams(_Params):
    """Parameters of knowledge-sharing platforms."""

    spillover_boost: float = Field(
        1.0,
        ge=0,
        le=20,
        description="Relative rise in the rate of learning along links while a platform runs.",
    )


@register_intervention("knowledge_sharing")
class KnowledgeSharing(Intervention):
    """Digital and in-person forums that speed up learning along partnership links."""

    unit = "platform-year"
    description = "Knowledge-sharing platforms: faster learning along partnership links."
    default_unit_cost_usd = 50_000.0
    constraint = "network"
    Params = PlatformParams

    def capacity(self) -> np.ndarray:  # noqa: D102
        return (self.model.countries.platform_years < self.model.dt).astype(np.int64)

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        c = self.model.countries
        c.platform_years += units  # the boost is set in step(), which runs next

    def step(self) -> None:  # noqa: D102
        c = self.model.countries
        c.platform_years = np.maximum(c.platform_years - self.model.dt, 0)
        c.spillover_boost = np.where(c.platform_years > 0, self.params.spillover_boost, 0.0)

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        return self.model.spillover_gain(self.params.spillover_boost)


class TiscParams(_Params):
    """Parameters of Technology and Innovation Support Centres."""

    organisations_served: float = Field(
        3000, ge=0, le=1e7, description="Organisations one TISC reaches."
    )
    efficacy: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Yearly hazard of awareness among "
        "organisations reached by a mature TISC network.",
    )
    lapse_rate: float = Field(
        0.25, ge=0, le=10, description="Yearly rate at which TISCs close once established."
    )
    maturity_years: float = Field(
        10, gt=0, le=100, description="TISC-years after which the network is mature."
    )
    most_new_per_year: float = Field(
        4, ge=0, le=1000, description="New TISCs per country per year."
    )


@register_intervention("tisc")
class Tisc(Intervention):
    """Technology and Innovation Support Centres: local awareness; they mature or lapse."""

    unit = "TISC established"
    description = "TISCs: raise awareness locally; the network matures or lapses."
    default_unit_cost_usd = 40_000.0
    constraint = "awareness"
    Params = TiscParams

    def capacity(self) -> np.ndarray:  # noqa: D102
        return np.full(
            self.model.n_countries,
            _per_step(self.params.most_new_per_year, self.model.dt),
            np.int64,
        )

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        self.model.countries.tiscs += units

    def step(self) -> None:  # noqa: D102
        m = self.model
        c = m.countries
        p = self.params
        c.tisc_years += c.tiscs * m.dt
        maturity = np.minimum(c.tisc_years / p.maturity_years, 1.0)
        coverage = np.minimum(c.tiscs * p.organisations_served / m.orgs_by_country, 1.0)
        c.awareness_push += p.efficacy * (0.5 + 0.5 * maturity) * coverage
        lapse = step_fraction(p.lapse_rate, m.dt)
        for country in np.flatnonzero(c.tiscs):
            gen = m.streams.generator("tisc", int(country))
            c.tiscs[country] -= gen.binomial(int(c.tiscs[country]), lapse)

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        m = self.model
        p = self.params
        maturity = np.minimum(m.countries.tisc_years / p.maturity_years, 1.0)
        push = (
            p.efficacy
            * (0.5 + 0.5 * maturity)
            * np.minimum(p.organisations_served / m.orgs_by_country, 1.0)
        )
        life = 1 / max(p.lapse_rate, 1e-9)
        return push * life * m.awareness_gain()


class CampaignParams(_Params):
    """Parameters of awareness campaigns."""

    organisations_reached: float = Field(
        20_000, ge=0, le=1e8, description="Organisations one campaign reaches."
    )
    efficacy: float = Field(
        0.2, ge=0, le=1, description="Share of unaware organisations reached that become aware."
    )
    most_per_year: float = Field(4, ge=0, le=1000, description="Campaigns per country per year.")


@register_intervention("awareness_campaign")
class AwarenessCampaign(Intervention):
    """Media and outreach campaigns: a one-off rise in IP awareness."""

    unit = "campaign"
    description = "Awareness campaigns: a one-off push of IP awareness."
    default_unit_cost_usd = 30_000.0
    constraint = "awareness"
    Params = CampaignParams

    def capacity(self) -> np.ndarray:  # noqa: D102
        return np.full(
            self.model.n_countries, _per_step(self.params.most_per_year, self.model.dt), np.int64
        )

    def deliver(self, units: np.ndarray) -> None:  # noqa: D102
        m = self.model
        p = self.params
        coverage = np.minimum(units * p.organisations_reached / m.orgs_by_country, 1.0)
        share = np.minimum(p.efficacy * coverage, 1 - 1e-12)
        # A hazard that makes `share` of the unaware aware within this step.
        m.countries.awareness_push += -np.log1p(-share) / m.dt

    def expected_gain(self) -> np.ndarray:  # noqa: D102
        m = self.model
        p = self.params
        reached = np.minimum(p.organisations_reached, m.orgs_by_country)
        return p.efficacy * reached * m.awareness_gain() / m.orgs_by_country * 3.0
