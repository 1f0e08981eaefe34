"""The Solara components of the browser view.

Each component takes the live model (Mesa's SolaraViz passes it) and redraws after
every step: it subscribes to Mesa's ``update_counter``. A chart's option is built in an
effect that runs once per step (or country, or comparison) and is set on the chart
widget directly: passed as a property, the large option would be walked by Solara's
renderer on every render pass, which cost more than the step itself. Components are Solara
components, not plain functions, so their own state (the strategies compared, for
instance) survives a Reset. The country the panel shows is a Solara reactive variable:
its value is kept per browser session.
"""

# ruff: noqa: N802 - Solara components are named like classes, as in Solara and Mesa.
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from mesa.visualization.utils import update_counter
from solara.components.echarts import EchartsWidget

from ipsim.viz.portrayal import (
    country_indicators_option,
    country_network_option,
    indicators_option,
    network_links,
    network_option,
)
from ipsim.viz.series import PANELS, compare_strategies, world_series
from ipsim.viz.viewmodel import ViewModel

CHART_HEIGHT = "height: 370px; width: 100%;"
SMALL_CHART_HEIGHT = "height: 300px; width: 100%;"

selected_country = solara.reactive(0)
"""Index of the country the country panel shows (one value per browser session)."""


@solara.component
def Chart(
    build: Callable[[], dict[str, Any]],
    dependencies: list[Any],
    style: str,
    on_click: Callable[[dict], None] | None = None,
):
    """An ECharts chart whose option ``build()`` makes when ``dependencies`` change.

    Args:
        build: Makes the chart's option (see :mod:`ipsim.viz.portrayal`).
        dependencies: Values that, when changed, call for a new option.
        style: CSS style of the chart's box (its height).
        on_click: Called with ECharts' click event (series name, item name...).
    """
    element = EchartsWidget.element(
        attributes={"style": style},
        responsive=True,
        on_click=on_click,
        on_mouseover_enabled=False,
        on_mouseout_enabled=False,
    )

    def push() -> None:
        solara.get_widget(element).option = build()

    solara.use_effect(push, dependencies)
    return element


def _country(model: ViewModel) -> int:
    """The selected country, kept within the model's countries."""
    return min(max(int(selected_country.value), 0), model.n_countries - 1)


def _select_by_code(model: ViewModel, code: str) -> None:
    codes = [str(c) for c in model.world.codes]
    if code in codes:
        selected_country.set(codes.index(code))


@solara.component
def NetworkView(model: ViewModel):
    """The partnership network between countries; click a country to open its panel."""
    update_counter.get()
    links = solara.use_memo(lambda: network_links(model), [model])

    def on_click(event: dict) -> None:
        if event.get("seriesName") == "nodes":
            _select_by_code(model, str(event.get("name")))

    with solara.Column(gap="0px", classes=["ipsim-network"]):
        country = _country(model)
        Chart(
            lambda: network_option(model, links, country),
            [model, model.steps, country],
            CHART_HEIGHT,
            on_click=on_click,
        )


def _number(value: float) -> str:
    """A value as a viewer reads it: thousands separated, about four significant digits."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _readout(model: ViewModel) -> str:
    """The live run's latest world values, in words (also what tests read)."""
    latest = world_series(model)
    parts = [f"step {model.steps}", f"strategy {model.spec.programme.strategy}"]
    for panel in PANELS:
        value = float(latest[panel.indicator][-1]) * panel.scale
        parts.append(f"{panel.title.split(' (')[0].lower()}: {_number(value)}")
    return " · ".join(parts)


@solara.component
def IndicatorsView(model: ViewModel):
    """World indicators over time, with the scenario's strategies compared on request."""
    update_counter.get()
    status = solara.use_reactive("")
    current = solara.use_ref(model)
    current.current = model

    def compare() -> tuple[tuple, dict]:
        live = current.current
        series = compare_strategies(live, progress=lambda name: status.set(f"running {name}"))
        status.set("")
        return live.comparison_key, series

    task = solara.lab.use_task(compare, dependencies=None, prefer_threaded=True)
    comparison = None
    if task.finished and task.value is not None and task.value[0] == model.comparison_key:
        comparison = task.value[1]
    strategies = model.spec.strategies
    with solara.Column(gap="4px", classes=["ipsim-indicators"]):
        Chart(
            lambda: indicators_option(model, comparison),
            [model, model.steps, id(comparison)],
            SMALL_CHART_HEIGHT,
        )
        with solara.Row(gap="8px", style={"align-items": "center"}):
            solara.Button(
                f"Compare {len(strategies)} strategies",
                on_click=task,
                disabled=task.pending,
                outlined=True,
                small=True,
                classes=["ipsim-compare"],
            )
            if task.pending:
                solara.Text(f"one run each: {status.value}")
            elif task.error:
                solara.Error(f"comparison failed: {task.exception}")
            elif comparison is None:
                solara.Text("one run each, same world and seed")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=_readout(model),
            classes=["ipsim-readout"],
            style={"font-size": "12px", "white-space": "normal"},
        )
        if model.warning:
            solara.Warning(model.warning)


@solara.component
def CountryNetworkView(model: ViewModel):
    """A country zoomed in: its office and stakeholders, and their partnerships."""
    update_counter.get()
    country = _country(model)
    codes = [str(c) for c in model.world.codes]
    with solara.Column(gap="0px", classes=["ipsim-country"]):
        solara.v.Autocomplete(
            label="Country (type a code, or click one in the network)",
            items=codes,
            v_model=codes[country],
            dense=True,
            hide_details=True,
            class_="ipsim-country-select",
            on_v_model=lambda code: code and _select_by_code(model, code),
        )
        Chart(
            lambda: country_network_option(model, country),
            [model, model.steps, country],
            SMALL_CHART_HEIGHT,
        )


def _facts(model: ViewModel, country: int) -> list[tuple[str, str]]:
    """What the country panel says about a country and its office, now."""
    c = model.country_agents[country]
    office = model.office_agents[country]
    state = model.countries
    return [
        ("Country", f"{c.code}: {c.label}"),
        ("Region, income", f"{c.region}; {c.income_group}"),
        ("Population", f"{c.population / 1e6:,.1f} million"),
        ("GDP per capita", f"USD {c.gdp_per_capita:,.0f}"),
        ("Internet use", f"{c.internet_access:.0%}"),
        ("Aware of IP", f"{c.awareness:.0%} of organisations"),
        ("Legal maturity", f"{c.legal_maturity:.2f}"),
        (
            "Office",
            f"{office.examiners:,.0f} examiners, expertise {office.expertise:.2f}, "
            f"automation {office.automation:.2f}",
        ),
        ("Backlog", f"{office.backlog:,.0f} applications, pendency {office.pendency:.1f} y"),
        ("Resident filings", f"{c.patent_filings_resident:,} this step"),
        (
            "People trained",
            f"{state.people_trained[country]:,.0f}; TISCs {state.tiscs[country]:,.0f}",
        ),
        ("Programme spend", f"USD {model.recorder.values['spend_usd'][model.steps, country]:,.0f}"),
    ]


@solara.component
def CountryPanel(model: ViewModel):
    """The selected country's facts and its indicators over time."""
    update_counter.get()
    country = _country(model)
    facts = _facts(model, country)
    half = -(-len(facts) // 2)
    cells = [f"<th style='text-align:left;padding:0 6px'>{k}</th><td>{v}</td>" for k, v in facts]
    rows = "".join(
        f"<tr>{left}{right}</tr>"
        for left, right in zip(
            cells[:half], cells[half:] + [""] * (2 * half - len(cells)), strict=True
        )
    )
    with solara.Column(gap="0px", classes=["ipsim-country-panel"]):
        solara.HTML(
            tag="table", unsafe_innerHTML=rows, style={"font-size": "11px", "line-height": "1.25"}
        )
        Chart(
            lambda: country_indicators_option(model, country),
            [model, model.steps, country],
            "height: 230px; width: 100%;",
        )
