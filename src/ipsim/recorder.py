"""Collection of indicators at every step, and the tidy table built from them.

The model records country-level arrays only (cheap: a copy per indicator per step).
Aggregates by region, income group and the world, and the disparity indices, are
computed once from those arrays when the table is built.

The table has one row every ``output.every_steps`` steps (default: a year). Flows are
counts since the previous row (at step 0: the rate just before the start, over the same
interval); rates are means over that interval; stocks are levels at the row's step;
cumulative counts start at step 0.

Indicators (stable names):
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ipsim import metrics
from ipsim.spec import INCOME_GROUPS, REGIONS

if TYPE_CHECKING:
    from ipsim.model import IPModel

WORLD = "WORLD"


@dataclass(frozen=True)
class Indicator:
    """An indicator recorded per country.

    Attributes:
        name: Stable name used in the tables.
        description: What it measures, with its unit.
        aggregate: How countries combine: "sum", or "mean:<weight indicator>".
        kind: "stock" (level at the row's step), "flow" (count since the previous row)
            or "rate" (mean over the steps since the previous row).
    """

    name: str
    description: str
    aggregate: str = "sum"
    kind: str = "stock"


COUNTRY_INDICATORS: tuple[Indicator, ...] = (
    Indicator("patent_filings_resident", "Resident patent applications.", kind="flow"),
    Indicator("patent_filings_nonresident", "Non-resident patent applications.", kind="flow"),
    Indicator(
        "trademark_filings", "Trademark applications (resident and non-resident).", kind="flow"
    ),
    Indicator(
        "resident_filings_per_million",
        "Resident patent applications per million people, at a yearly rate.",
        "mean:population",
        kind="rate",
    ),
    Indicator(
        "stakeholder_expertise",
        "Organisations' mean IP expertise, in [0, 1].",
        "mean:organisations",
    ),
    Indicator("office_expertise", "Examiners' mean expertise, in [0, 1].", "mean:examiners"),
    Indicator("awareness", "Share of organisations aware of IP.", "mean:organisations"),
    Indicator("legal_maturity", "Legal-framework maturity, in [0, 1].", "mean:population"),
    Indicator(
        "people_trained",
        "People trained so far (in person, trainers and their trainees, completed e-learning).",
    ),
    Indicator("elearning_completions", "E-learning courses completed so far."),
    Indicator("reforms_enacted", "Legal reforms enacted so far."),
    Indicator("backlog", "Patent applications awaiting examination."),
    Indicator(
        "pendency_years",
        "Years an application waits at the current examination rate.",
        "mean:examiners",
    ),
    Indicator("automation", "Office automation level, in [0, 1].", "mean:examiners"),
    Indicator("examiners", "Examiners, including grant-funded ones."),
    Indicator("tiscs", "Active Technology and Innovation Support Centres."),
    Indicator(
        "spend_usd",
        "Programme money spent for the country so far (delivered, overhead and leakage), USD.",
    ),
    Indicator("delivered_usd", "Programme money that reached delivery so far, USD."),
    Indicator("population", "People."),
    Indicator("gdp_per_capita", "GDP per capita, USD.", "mean:population"),
    Indicator("internet_users", "People using the internet."),
    Indicator("organisations", "IP-relevant organisations the stakeholders stand for."),
)

WORLD_INDICATORS: dict[str, str] = {
    "gini_filings_per_capita": "Gini of resident filings per million across countries.",
    "theil_filings_per_capita": "Theil T of resident filings per million across countries.",
    "theil_between_region": "Between-region part of that Theil index.",
    "theil_within_region": "Within-region part of that Theil index.",
    "gini_filings": "Gini of resident patent filings across countries.",
    "gini_expertise": "Gini of organisations' mean expertise across countries.",
    "top5_share_filings": "Share of resident filings made in the five largest countries.",
    "income_gap_filings_per_million": "Resident filings per million, high-income group over "
    "low- and lower-middle-income groups.",
    "income_gap_expertise": "Mean expertise, high-income minus low- and lower-middle-income.",
    "overhead_usd": "Programme money spent on overhead so far, USD.",
    "leakage_usd": "Programme money lost to leakage so far, USD.",
    "unspent_usd": "Programme money not yet spent (lines and commitments), USD.",
    "partner_match_usd": "Partners' matching money so far, USD.",
    "budget_usd": "The programme's total budget, USD.",
}

__doc__ = (
    (__doc__ or "")
    + "\n".join(f"- ``{i.name}``: {i.description}" for i in COUNTRY_INDICATORS)
    + "\n\nWorld-only indicators:\n\n"
    + "\n".join(f"- ``{k}``: {v}" for k, v in WORLD_INDICATORS.items())
)


INDICATORS_BY_NAME = {i.name: i for i in COUNTRY_INDICATORS}


def aggregate(
    values: dict[str, np.ndarray], name: str, members: np.ndarray | slice = slice(None)
) -> np.ndarray:
    """One country indicator over ``members`` (a boolean mask; default all), per step.

    A sum or a weighted mean, as the indicator's definition says.

    Args:
        values: Country arrays (steps x countries) by indicator name.
        name: The indicator to aggregate.
        members: Which countries.
    """
    indicator = INDICATORS_BY_NAME[name]
    data = values[name][:, members]
    if indicator.aggregate == "sum":
        return data.sum(axis=1)
    weight = values[indicator.aggregate.split(":")[1]][:, members]
    total = weight.sum(axis=1)
    return np.divide((data * weight).sum(axis=1), total, out=np.zeros(len(total)), where=total > 0)


class Recorder:
    """Stores every country indicator at every step, in preallocated arrays.

    Args:
        model: The model to record (its horizon and countries size the arrays).
    """

    def __init__(self, model: IPModel):
        shape = (model.n_steps + 1, model.n_countries)
        self.values = {i.name: np.zeros(shape) for i in COUNTRY_INDICATORS}
        self.ledger = {
            k: np.zeros(model.n_steps + 1)
            for k in (
                "overhead_usd",
                "leakage_usd",
                "unspent_usd",
                "partner_match_usd",
                "budget_usd",
            )
        }
        self.rows = 0
        self.codes = model.world.codes
        self.region = model.world.region
        self.income = model.world.income
        self.start_year = model.spec.horizon.start_year
        self.steps_per_year = model.spec.horizon.steps_per_year
        self.every = model.spec.record_every

    def record(self, model: IPModel) -> None:
        """Copy the current state into row ``model.steps``."""
        t = model.steps
        c = model.countries
        s = model.stakeholders
        ledger = model.ledger
        v = self.values
        v["patent_filings_resident"][t] = c.patents_resident
        v["patent_filings_nonresident"][t] = c.patents_nonresident
        v["trademark_filings"][t] = c.trademarks
        v["resident_filings_per_million"][t] = (
            c.patents_resident * model.steps_per_year / c.population * 1e6
        )
        v["stakeholder_expertise"][t] = model.by_country(model.stakeholder_expertise, s.size)
        v["office_expertise"][t] = model.office_expertise
        v["awareness"][t] = model.by_country(s.aware.astype(float)) / model.orgs_by_country
        v["legal_maturity"][t] = c.legal
        v["people_trained"][t] = c.people_trained
        v["elearning_completions"][t] = c.elearning_completed
        v["reforms_enacted"][t] = c.reforms_enacted
        v["backlog"][t] = c.backlog
        v["pendency_years"][t] = c.pendency
        v["automation"][t] = c.automation
        v["examiners"][t] = c.examiners + c.grant_examiners
        v["tiscs"][t] = c.tiscs
        spent = ledger.delivered + ledger.overhead + ledger.leakage
        v["spend_usd"][t] = spent.sum(axis=0) / 100
        v["delivered_usd"][t] = ledger.delivered.sum(axis=0) / 100
        v["population"][t] = c.population
        v["gdp_per_capita"][t] = c.gdp_per_capita
        v["internet_users"][t] = c.internet * c.population
        v["organisations"][t] = model.orgs_by_country
        self.ledger["overhead_usd"][t] = ledger.overhead.sum() / 100
        self.ledger["leakage_usd"][t] = ledger.leakage.sum() / 100
        self.ledger["unspent_usd"][t] = ledger.unspent / 100
        self.ledger["partner_match_usd"][t] = ledger.partner_match.sum() / 100
        self.ledger["budget_usd"][t] = ledger.total_budget / 100
        self.rows = t + 1

    def row_steps(self, every: int | None = None) -> np.ndarray:
        """Steps that get a row in the table: 0, every, 2 every, ... and the last step."""
        every = every or self.every
        last = self.rows - 1
        steps = np.arange(0, last + 1, every)
        return steps if steps[-1] == last else np.append(steps, last)

    def resampled(self, every: int | None = None) -> dict[str, np.ndarray]:
        """Country arrays at the table's rows (flows summed, rates averaged in between)."""
        steps = self.row_steps(every)
        out = {}
        for name, values in self.values.items():
            kind = INDICATORS_BY_NAME[name].kind
            data = values[: self.rows]
            if kind == "stock":
                out[name] = data[steps]
                continue
            cumulative = np.cumsum(data, axis=0)
            sums = np.diff(cumulative[steps], axis=0)
            widths = np.diff(steps)[:, None]
            width0 = steps[1] - steps[0] if len(steps) > 1 else 1
            first = data[0][None, :] * (width0 if kind == "flow" else 1)
            rest = sums if kind == "flow" else sums / widths
            out[name] = np.concatenate([first, rest])
        return out

    def world_indicators(
        self, values: dict[str, np.ndarray] | None = None, steps: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """The world-only indicators, one value per row (default: every step)."""
        if values is None:
            values = {k: v[: self.rows] for k, v in self.values.items()}
            steps = np.arange(self.rows)
        per_capita = values["resident_filings_per_million"]
        filings = values["patent_filings_resident"]
        expertise = values["stakeholder_expertise"]
        between, within = metrics.theil_decomposition(per_capita, self.region)
        n_rows = len(per_capita)
        rich = self.income == 3
        poor = self.income <= 1
        out = {
            "gini_filings_per_capita": metrics.gini(per_capita),
            "theil_filings_per_capita": metrics.theil(per_capita),
            "theil_between_region": between,
            "theil_within_region": within,
            "gini_filings": metrics.gini(filings),
            "gini_expertise": metrics.gini(expertise),
            "top5_share_filings": metrics.top_share(filings, 5),
        }
        if rich.any() and poor.any():
            rich_rate = aggregate(values, "resident_filings_per_million", rich)
            poor_rate = aggregate(values, "resident_filings_per_million", poor)
            out["income_gap_filings_per_million"] = np.divide(
                rich_rate, poor_rate, out=np.full(n_rows, np.nan), where=poor_rate > 0
            )
            out["income_gap_expertise"] = aggregate(
                values, "stakeholder_expertise", rich
            ) - aggregate(values, "stakeholder_expertise", poor)
        else:
            out["income_gap_filings_per_million"] = np.full(n_rows, np.nan)
            out["income_gap_expertise"] = np.full(n_rows, np.nan)
        for key, series in self.ledger.items():
            out[key] = series[steps]
        return out

    def to_frame(self, every: int | None = None, **labels: Any) -> pd.DataFrame:
        """The tidy table: one row per recorded step, entity and indicator.

        Args:
            every: Steps between rows (default: the scenario's ``output.every_steps``).
            **labels: Constant columns put first (run_id, scenario, strategy, ...).

        Returns:
            Columns: the labels, then ``step, year, entity, indicator, value``. Entities
            are country codes, regions, income groups and ``WORLD``.
        """
        steps = self.row_steps(every)
        values = self.resampled(every)
        n_rows = len(steps)
        years = self.start_year + steps / self.steps_per_year
        # Columns are gathered as arrays and made into one frame at the end (building a
        # frame per block cost more than the run itself on small worlds).
        columns: dict[str, list[np.ndarray]] = {
            "step": [],
            "year": [],
            "entity": [],
            "indicator": [],
            "value": [],
        }

        def add(entity: np.ndarray | str, indicator: str, data: np.ndarray) -> None:
            data = np.asarray(data, dtype=float)
            if data.ndim == 1:
                data = data[:, None]
                entity = np.array([entity], dtype=object)
            n_e = data.shape[1]
            columns["step"].append(np.repeat(steps, n_e))
            columns["year"].append(np.repeat(years, n_e))
            columns["entity"].append(np.tile(np.asarray(entity, dtype=object), n_rows))
            columns["indicator"].append(np.full(n_rows * n_e, indicator, dtype=object))
            columns["value"].append(data.reshape(-1))

        groups: list[tuple[str, np.ndarray]] = [(WORLD, np.ones(len(self.codes), bool))]
        groups += [(REGIONS[r], self.region == r) for r in np.unique(self.region)]
        groups += [(INCOME_GROUPS[g], self.income == g) for g in np.unique(self.income)]
        for indicator in COUNTRY_INDICATORS:
            add(self.codes, indicator.name, values[indicator.name])
            for entity, members in groups:
                add(entity, indicator.name, aggregate(values, indicator.name, members))
        for name, data in self.world_indicators(values, steps).items():
            add(WORLD, name, data)
        frame = pd.DataFrame({key: np.concatenate(parts) for key, parts in columns.items()})
        for position, (key, value) in enumerate(labels.items()):
            frame.insert(position, key, value)
        return frame
