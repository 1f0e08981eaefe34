"""The scenario schema: frozen, validated data from which a model is built.

A scenario separates the *world* (countries, stakeholders, network: the uncertainties a
planner does not control), the *dynamics* (mechanism parameters, with their sources) and
the *programme* (budget lines, interventions, strategy: the levers). Every number has a
unit, bounds and a description; the same schema gives validation, the JSON Schema for
editors and the command line's help.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from ipsim.registry import INTERVENTIONS, STRATEGIES

SCHEMA_VERSION = 1

REGIONS: tuple[str, ...] = (
    "East Asia & Pacific",
    "Europe & Central Asia",
    "Latin America & Caribbean",
    "Middle East & North Africa",
    "North America",
    "South Asia",
    "Sub-Saharan Africa",
)
"""World Bank regions, the names used in earmarks and outputs."""

INCOME_GROUPS: tuple[str, ...] = (
    "Low income",
    "Lower middle income",
    "Upper middle income",
    "High income",
)
"""World Bank income groups, poorest first."""


class Frozen(BaseModel):
    """Base of every scenario object: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


def _num(default: float, lo: float, hi: float, description: str, **kw: Any) -> Any:
    return Field(default, ge=lo, le=hi, description=description, **kw)


class Horizon(Frozen):
    """When the simulation starts and how finely it steps."""

    start_year: int = _num(2025, 1950, 2100, "Calendar year of step 0.")
    years: int = _num(10, 1, 100, "Length of the projection, in years.")
    steps_per_year: int = _num(4, 1, 52, "Steps per year (4: a step is a quarter).")

    @property
    def n_steps(self) -> int:
        """Number of steps in the horizon."""
        return self.years * self.steps_per_year

    @property
    def dt(self) -> float:
        """Length of a step in years."""
        return 1.0 / self.steps_per_year


class EdgeWeights(Frozen):
    """Strength of learning along each type of partnership (0: none, 1: strongest)."""

    regional: float = _num(0.5, 0, 1, "Offices linked through a regional IP organisation.")
    public_private: float = _num(0.6, 0, 1, "Public bodies (offices, universities) with firms.")
    academic: float = _num(0.8, 0, 1, "University and research-institute alliances.")
    tech_transfer: float = _num(0.6, 0, 1, "Industry technology transfer between private actors.")
    donor: float = _num(0.9, 0, 1, "Twinning of a high-income office with a developing one.")


class NetworkSpec(Frozen):
    """How the partnership network is generated."""

    peer_degree: int = _num(
        6, 0, 60, "Within-country partners per stakeholder (even; Watts-Strogatz k)."
    )
    rewiring: float = _num(
        0.1, 0, 1, "Watts-Strogatz rewiring probability of within-country links."
    )
    cross_border_share: float = _num(
        0.1,
        0,
        1,
        "Share of rewired links that go to a stakeholder of another country in the region.",
    )
    academic_links: float = _num(
        1.0, 0, 20, "Cross-border alliance links per university (same region or any)."
    )
    donor_links: int = _num(2, 0, 20, "Twinning links per high-income office.")
    office_links: int = _num(
        4, 0, 50, "Links from each office to its country's stakeholders (public-private)."
    )
    link_formation_rate: float = _num(
        0.05,
        0,
        2,
        "New partnerships formed per stakeholder per year, with partners chosen in "
        "proportion to their expertise (SKIN's partner attractiveness).",
    )
    weights: EdgeWeights = Field(default_factory=EdgeWeights, description="Weight by type.")

    @field_validator("peer_degree")
    @classmethod
    def _even(cls, v: int) -> int:
        if v % 2:
            raise ValueError(f"must be even (a ring lattice links k/2 on each side), got {v}")
        return v


class WorldBase(Frozen):
    """Knobs shared by every kind of world."""

    stakeholders_per_country: int = _num(
        60,
        5,
        200_000,
        "Stakeholder agents per country. Each stands for a group of real organisations "
        "(stratified by kind), so results do not depend on it except through noise.",
    )
    seed: int = _num(
        20261125,
        0,
        2**63 - 1,
        "Seed of the world (countries, stakeholders, network); kept fixed across replicates.",
    )
    network: NetworkSpec = Field(default_factory=NetworkSpec, description="Partnership network.")


class SyntheticWorld(WorldBase):
    """The embedded synthetic world, generated from published aggregates."""

    source: Literal["synthetic"] = Field("synthetic", description="World generator.")
    n_countries: int = _num(60, 4, 400, "Number of countries.")


class WDIWorld(WorldBase):
    """A real world loaded from the World Bank's WDI bulk-download CSV files."""

    source: Literal["wdi"] = Field(description="Load the world from WDI files.")
    path: str = Field(
        min_length=1,
        description="Folder of WDI CSV files (relative paths resolve from the scenario file).",
    )
    year: int = _num(2000, 1960, 2100, "Year whose data set the starting world.")


def _world_source(value: Any) -> str:
    """The kind of world a value describes; a world without ``source`` is synthetic."""
    if isinstance(value, dict):
        return str(value.get("source", "synthetic"))
    return str(getattr(value, "source", "synthetic"))


World = Annotated[
    Annotated[SyntheticWorld, Tag("synthetic")] | Annotated[WDIWorld, Tag("wdi")],
    Discriminator(_world_source),
]


class Dynamics(Frozen):
    """Mechanism parameters. Rates are per year; docs/MODEL.md gives each one's source."""

    expertise_half_life_months: float = _num(
        9.0,
        1,
        240,
        "Half-life of expertise above its sustained level when unused (training literature: "
        "6.5 to 13 months; Arthur et al. 1998).",
    )
    absorptive_k: float = _num(
        3.0, 0, 50, "Curvature of absorptive capacity gamma(E) = f + (1-f)(1-exp(-kE))."
    )
    absorptive_floor: float = _num(
        0.2, 0, 1, "Absorptive capacity of a learner with no expertise (f above)."
    )
    spillover_rate: float = _num(
        0.5,
        0,
        20,
        "Rate at which a learner closes its expertise gap to partners, per year "
        "(SKIN; Cowan and Jonard 2004).",
    )
    partner_learning: Literal["spillover", "barter"] = Field(
        "spillover",
        description="How partners learn from each other. spillover: every step each actor "
        "moves towards its more expert partners at spillover_rate (SKIN). barter: expertise "
        "is the mean of knowledge_fields fields and partners trade in pairs, each closing "
        "part of its gap where the other is ahead, only when both gain (Cowan and Jonard "
        "2004); spillover_rate is then not used.",
    )
    knowledge_fields: int = _num(
        5, 2, 50, "Fields of IP know-how per actor under barter (law, drafting, examination...)."
    )
    knowledge_start: Literal["world", "uniform"] = Field(
        "world",
        description="Starting fields of know-how under barter. world: spread around each "
        "actor's starting expertise from the world. uniform: every field of every actor "
        "drawn uniform on [0, 1], replacing the world's starting expertise (Cowan and "
        "Jonard's start, for experiments).",
    )
    barter_share: float = _num(
        0.5,
        0,
        1,
        "Share of its gap in a field that an actor closes in one trade over a link of "
        "weight 1, under barter (Cowan and Jonard's absorptive capacity alpha).",
    )
    barter_rounds_per_year: int = _num(
        12,
        1,
        365,
        "Meeting rounds per year under barter; in each round an actor meets at most one "
        "partner (a random matching of the network). Rounded to whole rounds per step.",
    )
    forgetting: bool = Field(
        True,
        description="Whether unused expertise decays towards its sustained level (see "
        "expertise_half_life_months). Off only for pure diffusion experiments.",
    )
    bass_p: float = _num(
        0.01, 0, 5, "Bass innovation coefficient p (external influence), per year."
    )
    bass_q: float = _num(
        0.15, 0, 20, "Bass imitation coefficient q (influence of partners), per year."
    )
    unaware_filing_factor: float = _num(
        0.96,
        0,
        1,
        "Filing propensity of an organisation unaware of IP, relative to an aware one. "
        "Calibrated (WDI backcast 2000 -> 2005, 2010; docs/CALIBRATION.md): near 1, i.e. "
        "awareness diffusion adds little to filings. Weakly identified and confounded "
        "with filing_elasticity, bass_p and bass_q: fitted on 2005 alone, 0.18 (with "
        "filing_elasticity 0.14) fits as well.",
    )
    filing_elasticity: float = _num(
        0.85,
        0,
        2,
        "Elasticity of patent filings to R&D input per head. Calibrated across countries "
        "(WDI backcast 2000 -> 2005, 2010; docs/CALIBRATION.md; weakly identified, see "
        "unaware_filing_factor); within firms Hausman, Hall and Griliches find 0.5-0.7.",
    )
    rd_income_elasticity: float = _num(
        0.45,
        0,
        2,
        "Elasticity of R&D intensity (% of GDP) to GDP per capita: estimated from WDI "
        "across countries (0.49 in 2000, 0.43 in 2005, 0.40 in 2010; docs/CALIBRATION.md).",
    )
    expertise_filing_elasticity: float = _num(
        1.0, 0, 5, "Elasticity of an organisation's filings to its IP expertise."
    )
    filing_dispersion: float = _num(
        0.5,
        0.01,
        100,
        "Negative-binomial shape of one organisation's yearly filings (smaller: more "
        "over-dispersed).",
    )
    staff_turnover: float = _num(0.08, 0, 1, "Share of office examiners replaced per year.")
    entry_expertise: float = _num(0.25, 0, 1, "Expertise of a newly hired examiner.")
    examiner_productivity: float = _num(
        60, 1, 1000, "Applications an examiner disposes of per year without automation."
    )
    automation_gain: float = _num(
        1.0, 0, 10, "Relative gain in office capacity at full automation."
    )
    pendency_reference_years: float = _num(
        2.0, 0, 20, "Pendency above which applicants start to be discouraged, in years."
    )
    pendency_sensitivity: float = _num(
        0.3, 0, 10, "Fall in the will to file per year of excess pendency (log scale)."
    )
    legal_filing_floor: float = _num(
        0.4, 0, 1, "Filing propensity under no legal framework relative to a mature one."
    )
    nonresident_lag_years: float = _num(
        2.0, 0, 20, "Delay with which foreign applicants follow legal reforms."
    )
    nonresident_scale: float = _num(
        35.0,
        0,
        1e6,
        "Non-resident patent filings per year at an office whose market is USD 1 billion, "
        "under a mature law.",
    )
    nonresident_market_elasticity: float = _num(
        0.8, 0, 3, "Elasticity of non-resident filings to the size of the market (GDP)."
    )
    population_growth: tuple[float, float, float, float] = Field(
        (0.026, 0.016, 0.007, 0.004),
        description="Population growth per year by income group, poorest first (WDI 2023).",
    )
    gdp_growth: tuple[float, float, float, float] = Field(
        (0.015, 0.025, 0.03, 0.012),
        description="Growth of real GDP per capita per year by income group, poorest first.",
    )
    internet_growth: float = _num(
        0.25, 0, 5, "Logistic growth rate of internet use towards its ceiling, per year."
    )
    internet_ceiling: float = _num(0.95, 0, 1, "Saturation level of internet use.")

    @model_validator(mode="after")
    def _uniform_start_needs_barter(self) -> Dynamics:
        if self.knowledge_start == "uniform" and self.partner_learning != "barter":
            raise ValueError(
                "knowledge_start: uniform needs partner_learning: barter (fields of "
                f"know-how exist only under barter), got partner_learning: "
                f"{self.partner_learning}"
            )
        return self

    @field_validator("population_growth", "gdp_growth")
    @classmethod
    def _bounded_growth(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        for x in v:
            if not -0.2 <= x <= 0.3:
                raise ValueError(f"growth rates must lie in [-0.2, 0.3] per year, got {x}")
        return v


class BudgetLine(Frozen):
    """One source of money and the rules that govern its use."""

    name: str = Field("core", min_length=1, max_length=80, description="Label in reports.")
    kind: Literal["core", "funds_in_trust", "co_funding"] = Field(
        "core",
        description="core: flexible member contributions; funds_in_trust: earmarked to "
        "regions or countries; co_funding: spent only where a partner matches it.",
    )
    amount_musd: float = _num(150.0, 0, 100_000, "Money over the whole horizon, in million USD.")
    regions: tuple[str, ...] = Field((), description="Earmark: regions the money may go to.")
    countries: tuple[str, ...] = Field((), description="Earmark: country codes.")
    match_ratio: float = _num(
        1.0, 0, 10, "Co-funding: partner money required per dollar of this line."
    )
    spend_years: float | None = Field(
        None,
        gt=0,
        le=100,
        description="Years from the start over which the line's money is released (default: "
        "the whole horizon); money not spent by then stays unspent.",
    )
    partner_capacity_musd: float = _num(
        5.0,
        0,
        100_000,
        "Co-funding: money partners can put up over the horizon, in million USD, shared "
        "across countries in proportion to their large firms.",
    )

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for region in v:
            if region not in REGIONS:
                raise ValueError(f"unknown region '{region}'; known: {', '.join(REGIONS)}")
        return v

    @model_validator(mode="after")
    def _earmark_rules(self) -> BudgetLine:
        if self.kind == "funds_in_trust" and not (self.regions or self.countries):
            raise ValueError("funds_in_trust must be earmarked: give regions or countries")
        if self.kind != "funds_in_trust" and (self.regions or self.countries):
            raise ValueError(f"only funds_in_trust lines take an earmark, not '{self.kind}'")
        return self


class InterventionSpec(Frozen):
    """One intervention type offered by the programme."""

    type: str = Field(description="Registered intervention name (see `ipsim list`).")
    unit_cost_usd: float | None = Field(
        None, gt=0, le=1e9, description="Cost of one unit; default: the type's own."
    )
    share: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Share of the programme's money intended for this type (strategies that "
        "follow the programme's mix use it); all or none of the shares are given, and they "
        "add up to 1.",
    )
    params: dict[str, float | int | bool | str] = Field(
        default_factory=dict, description="Type-specific parameters (see docs/MODEL.md)."
    )

    @field_validator("type")
    @classmethod
    def _registered(cls, v: str) -> str:
        if v not in INTERVENTIONS:
            raise ValueError(INTERVENTIONS.unknown_message(v))
        return v

    @model_validator(mode="after")
    def _params_valid(self) -> InterventionSpec:
        params_model = INTERVENTIONS.get(self.type).Params
        try:
            params_model.model_validate(self.params)
        except ValidationError as err:
            allowed = ", ".join(sorted(params_model.model_fields)) or "none"
            problems = []
            for error in err.errors():
                where = ".".join(str(p) for p in error["loc"])
                if error["type"] == "extra_forbidden":
                    problems.append(f"params.{where}: unknown parameter of '{self.type}'")
                else:
                    problems.append(f"params.{where}: {error['msg']} (got {error['input']!r})")
            raise ValueError(f"{'; '.join(problems)}; '{self.type}' takes: {allowed}") from None
        return self

    def resolved_params(self) -> Any:
        """The type's parameter object, with defaults filled in."""
        return INTERVENTIONS.get(self.type).Params.model_validate(self.params)

    def resolved_unit_cost(self) -> float:
        """Unit cost in USD: the scenario's, or the type's default."""
        if self.unit_cost_usd is not None:
            return self.unit_cost_usd
        return INTERVENTIONS.get(self.type).default_unit_cost_usd


def _default_interventions() -> tuple[InterventionSpec, ...]:
    return tuple(
        InterventionSpec(type=t)
        for t in (
            "training",
            "elearning",
            "train_the_trainers",
            "legal_reform",
            "office_modernisation",
            "examiner_grant",
            "knowledge_sharing",
            "tisc",
            "awareness_campaign",
        )
    )


def _check_strategy(v: str) -> str:
    if v not in STRATEGIES:
        raise ValueError(STRATEGIES.unknown_message(v))
    return v


StrategyName = Annotated[str, Field(description="Registered strategy name (see `ipsim list`).")]


class Programme(Frozen):
    """The programme: its money, what it can buy, and how it decides."""

    budget: tuple[BudgetLine, ...] = Field(
        (BudgetLine(),), description="Budget lines (core, funds-in-trust, co-funding)."
    )
    interventions: tuple[InterventionSpec, ...] = Field(
        default_factory=_default_interventions,
        min_length=1,
        description="Intervention types the programme can deliver.",
    )
    strategy: StrategyName = "uniform"
    monitoring: float = _num(
        0.5, 0, 1, "Monitoring intensity: leakage falls with it, overhead rises with it."
    )
    overhead_base: float = _num(0.05, 0, 0.5, "Share of allocated money spent on administration.")
    overhead_per_partner: float = _num(
        0.001, 0, 0.05, "Extra overhead share per partner country funded in a step (coordination)."
    )
    monitoring_cost: float = _num(0.04, 0, 0.5, "Overhead share at full monitoring.")
    leakage_max: float = _num(
        0.3,
        0,
        0.9,
        "Share of money lost on the way with no monitoring and no rule of law (Policy "
        "Priority Inference, Guerrero and Castaneda).",
    )

    @field_validator("strategy")
    @classmethod
    def _strategy_known(cls, v: str) -> str:
        return _check_strategy(v)

    @model_validator(mode="after")
    def _shares_and_names(self) -> Programme:
        shares = [i.share for i in self.interventions]
        given = [s for s in shares if s is not None]
        if given and len(given) != len(shares):
            raise ValueError("give a share for every intervention or for none")
        if given and not math.isclose(sum(given), 1.0, abs_tol=1e-6):
            raise ValueError(f"intervention shares must add up to 1, they add up to {sum(given):g}")
        types = [i.type for i in self.interventions]
        duplicates = sorted({t for t in types if types.count(t) > 1})
        if duplicates:
            raise ValueError(f"intervention types listed twice: {', '.join(duplicates)}")
        names = [b.name for b in self.budget]
        if len(set(names)) != len(names):
            raise ValueError("budget line names must be unique")
        return self

    @property
    def total_musd(self) -> float:
        """The programme's total budget over the horizon, in million USD."""
        return sum(line.amount_musd for line in self.budget)


class Output(Frozen):
    """What the metrics table holds."""

    every_steps: int | None = Field(
        None,
        ge=1,
        le=52,
        description="Steps between rows of the metrics table (default: one row a year). "
        "Flows are counts since the previous row; it must divide steps_per_year.",
    )


class Scenario(Frozen):
    """A complete, validated scenario: world, horizon, dynamics, programme and design."""

    schema_version: Literal[1] = Field(
        SCHEMA_VERSION, description="Version of this schema; files must say 1."
    )
    name: str = Field(
        "default",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=80,
        description="Short name; results go to results/<name>/.",
    )
    description: str = Field("", max_length=2000, description="What question the scenario asks.")
    seed: int = _num(12345, 0, 2**63 - 1, "Seed of the stochastic dynamics.")
    replicates: int = _num(8, 1, 100_000, "Replicates per strategy.")
    horizon: Horizon = Field(default_factory=Horizon, description="Time.")
    world: World = Field(default_factory=SyntheticWorld, description="The world.")
    dynamics: Dynamics = Field(default_factory=Dynamics, description="Mechanism parameters.")
    programme: Programme = Field(default_factory=Programme, description="The levers.")
    output: Output = Field(default_factory=Output, description="Resolution of the outputs.")
    compare: tuple[StrategyName, ...] = Field(
        (),
        description="Strategies to run on the same world with common random numbers; "
        "empty: the programme's strategy and 'none' (the counterfactual).",
    )

    @field_validator("compare")
    @classmethod
    def _compare_known(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_strategy(s) for s in v)

    @model_validator(mode="after")
    def _compare_unique(self) -> Scenario:
        if len(set(self.compare)) != len(self.compare):
            raise ValueError("compare lists a strategy twice")
        every = self.output.every_steps
        if every is not None and self.horizon.steps_per_year % every:
            raise ValueError(
                f"output.every_steps ({every}) must divide horizon.steps_per_year "
                f"({self.horizon.steps_per_year})"
            )
        return self

    @property
    def record_every(self) -> int:
        """Steps between rows of the metrics table."""
        return self.output.every_steps or self.horizon.steps_per_year

    @property
    def strategies(self) -> tuple[str, ...]:
        """Strategies this scenario runs, reference first."""
        if self.compare:
            return self.compare
        if self.programme.strategy == "none":
            return ("none",)
        return ("none", self.programme.strategy)

    def with_strategy(self, strategy: str) -> Scenario:
        """A copy of this scenario whose programme follows ``strategy``."""
        programme = self.programme.model_copy(update={"strategy": strategy})
        return self.model_copy(update={"programme": programme})
