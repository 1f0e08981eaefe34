"""The browser view without a browser: controls, drawings, and the page rendered and stepped
with Solara's test helpers (a real browser is in test_browser.py)."""

from __future__ import annotations

import time

import ipyvuetify as v
import numpy as np
import pytest
import solara
import yaml
from solara.components.echarts import EchartsWidget
from solara.widgets import HTML

from ipsim.cli import main
from ipsim.cli.viz import check_port, solara_command
from ipsim.errors import IpsimError
from ipsim.outputs import country_links
from ipsim.viz import portrayal
from ipsim.viz.app import App
from ipsim.viz.series import compare_strategies, world_series
from ipsim.viz.viewmodel import ViewModel, model_params, parse_seed, scale_budget

from .conftest import small_scenario


@pytest.fixture
def small_file(tmp_path):
    """A small scenario file comparing three strategies."""
    spec = small_scenario(compare=["none", "uniform", "needs_based"])
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(spec.model_dump(mode="json")), encoding="utf-8")
    return str(path)


# ----------------------------------------------------------------- controls
def test_budget_scale_multiplies_every_line(small):
    doubled = scale_budget(small, 2.0)
    assert doubled.programme.total_musd == pytest.approx(2 * small.programme.total_musd)
    assert scale_budget(small, 1.0) is small
    with pytest.raises(IpsimError, match="budget scale"):
        scale_budget(small, -1.0)


@pytest.mark.parametrize(
    ("text", "seed", "warned"),
    [
        ("", 5, False),
        ("42", 42, False),
        (" 7 ", 7, False),
        ("abc", 5, True),
        ("-3", 5, True),
        (str(2**63), 5, True),
    ],
)
def test_seed_text_is_parsed_or_replaced_with_a_warning(text, seed, warned):
    value, warning = parse_seed(text, 5)
    assert value == seed
    assert bool(warning) is warned


def test_view_model_follows_its_controls(small_file):
    model = ViewModel(scenario_name=small_file, strategy="none", budget_scale=0.5, seed="11")
    assert model.spec.programme.strategy == "none"
    assert model.spec.programme.total_musd == pytest.approx(10.0)
    assert model.seed == 11
    assert model.warning == ""
    bad = ViewModel(scenario_name=small_file, seed="eleven")
    assert bad.seed == bad.spec.seed and "not a whole number" in bad.warning


def test_unknown_strategy_is_refused_with_the_known_names(small_file):
    with pytest.raises(IpsimError, match=r"known: .*uniform"):
        ViewModel(scenario_name=small_file, strategy="unifrom")


def test_controls_offer_shipped_scenarios_and_every_strategy(small_file):
    params = model_params(small_file)
    assert params["scenario_name"]["values"][0] == small_file
    assert "default" in params["scenario_name"]["values"]
    assert {"none", "uniform", "needs_based"} <= set(params["strategy"]["values"])
    assert params["seed"]["value"] == "7"


# ----------------------------------------------------------------- drawings
def test_country_network_draws_every_country_and_link(small):
    from ipsim.model import IPModel

    model = IPModel(small)
    model.step()
    option = portrayal.network_option(model, highlight=2)
    nodes = next(s for s in option["series"] if s["name"] == "nodes")["data"]
    assert [n["name"] for n in nodes] == [str(c) for c in model.world.codes]
    assert nodes[2]["itemStyle"]["borderColor"] != nodes[0]["itemStyle"]["borderColor"]
    drawn = sum(len(s["data"]) for s in option["series"] if s["type"] == "lines")
    assert drawn == len(country_links(model))
    # bigger filings, bigger node
    filings = model.recorder.values["patent_filings_resident"][1]
    sizes = np.array([n["symbolSize"] for n in nodes])
    assert sizes[np.argmax(filings)] == sizes.max()


def test_country_panel_draws_the_office_and_its_stakeholders(small):
    from ipsim.model import IPModel

    model = IPModel(small)
    c = 3
    option = portrayal.country_network_option(model, c)
    nodes = next(s for s in option["series"] if s["name"] == "nodes")["data"]
    s = model.stakeholders
    assert len(nodes) == 1 + int(s.start[c + 1] - s.start[c])
    inside = (model.actor_country[model.network.u] == c) & (
        model.actor_country[model.network.v] == c
    )
    drawn = sum(len(x["data"]) for x in option["series"] if x["type"] == "lines")
    assert drawn == int(inside.sum())


def test_indicator_lines_follow_the_recorder(small):
    from ipsim.model import IPModel

    model = IPModel(small)
    for _ in range(3):
        model.step()
    option = portrayal.indicators_option(model)
    filings = [s for s in option["series"] if s["xAxisIndex"] == 0]
    assert len(filings) == 1
    values = [y for _, y in filings[0]["data"]]
    expected = model.recorder.values["patent_filings_resident"][:4].sum(axis=1)
    np.testing.assert_allclose(values, expected, rtol=1e-5)


def test_comparison_shares_the_world_and_differs_by_strategy(small_file):
    model = ViewModel(scenario_name=small_file)
    runs = compare_strategies(model)
    assert list(runs) == ["none", "uniform", "needs_based"]
    assert runs["none"]["spend_usd"][-1] == 0 < runs["uniform"]["spend_usd"][-1]
    for series in runs.values():  # common random numbers: same start
        np.testing.assert_array_equal(
            series["patent_filings_resident"][0], runs["none"]["patent_filings_resident"][0]
        )
    option = portrayal.indicators_option(model, runs)
    assert {s["name"] for s in option["series"]} == {*runs, "live: uniform"}
    assert model.steps == 0  # the live run is untouched


# --------------------------------------------------------------- the page
@solara.component
def _Page(scenario: str):  # noqa: N802 - a Solara component
    with solara.AppLayout():
        App(scenario)


def _shows(rc, text: str) -> bool:
    return len(rc.find(v.Html, children=[text]).widgets) == 1


def _readout(rc) -> str:
    found = [
        w.unsafe_innerHTML for w in rc.find(HTML).widgets if w.unsafe_innerHTML.startswith("step ")
    ]
    assert len(found) == 1
    return found[0]


def _click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def test_page_renders_and_steps(small_file):
    _, rc = solara.render(_Page(small_file), handle_error=False)
    assert _shows(rc, "Time: 0.0")
    assert len(rc.find(EchartsWidget).widgets) == 4
    before = [w.option for w in rc.find(EchartsWidget).widgets]
    _click(rc, "Step")
    _click(rc, "Step")
    assert _shows(rc, "Time: 2.0")
    assert _readout(rc).startswith("step 2 · strategy uniform")
    after = [w.option for w in rc.find(EchartsWidget).widgets]
    assert all(a != b for a, b in zip(after, before, strict=True))
    rc.close()


def test_strategy_and_reset_change_the_run(small_file):
    _, rc = solara.render(_Page(small_file), handle_error=False)
    _click(rc, "Step")
    spent_uniform = _readout(rc).split("· spent: ")[1]
    assert float(spent_uniform.replace(",", "")) > 0
    rc.find(v.Select, label="Strategy").widget.v_model = "none"
    _click(rc, "Reset")
    assert _shows(rc, "Time: 0.0")
    _click(rc, "Step")
    assert _readout(rc).startswith("step 1 · strategy none")
    assert _readout(rc).endswith("· spent: 0")
    rc.close()


def test_two_pages_have_their_own_models(small_file):
    _, first = solara.render(_Page(small_file), handle_error=False)
    _, second = solara.render(_Page(small_file), handle_error=False)
    _click(first, "Step")
    _click(first, "Step")
    assert _shows(first, "Time: 2.0")
    assert _shows(second, "Time: 0.0")
    first.close()
    second.close()


def test_compare_button_adds_one_line_per_strategy(small_file):
    _, rc = solara.render(_Page(small_file), handle_error=False)
    _click(rc, "Compare 3 strategies")
    deadline = time.monotonic() + 60
    names: set[str] = set()
    while time.monotonic() < deadline:
        indicators = [
            w.option
            for w in rc.find(EchartsWidget).widgets
            if isinstance(w.option.get("title"), list)
            and w.option["title"][0].get("text") == "World indicators"
        ]
        assert len(indicators) == 1
        names = {s["name"] for s in indicators[0]["series"]}
        if len(names) > 1:
            break
        time.sleep(0.1)
    assert names == {"none", "uniform", "needs_based", "live: uniform"}
    rc.close()


def test_world_series_reads_the_recorder_cheaply(small):
    from ipsim.model import IPModel

    model = IPModel(small)
    model.step()
    series = world_series(model)
    assert len(series["step"]) == 2
    table = model.tables(every=1)
    world = table[(table.entity == "WORLD") & (table.indicator == "stakeholder_expertise")]
    np.testing.assert_allclose(series["stakeholder_expertise"], world["value"], rtol=1e-9)


# ------------------------------------------------------------------- the CLI
def test_viz_command_refuses_an_unknown_scenario(capsys):
    assert main(["viz", "no_such_scenario"]) == 2
    assert "shipped:" in capsys.readouterr().err


def test_viz_command_refuses_a_busy_port(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(IpsimError, match="--port"):
            check_port("127.0.0.1", port)
        assert main(["viz", "--port", str(port)]) == 2
    assert "choose another with --port" in capsys.readouterr().err


def test_viz_command_serves_in_production_mode_on_localhost():
    command = solara_command("127.0.0.1", 8765)
    assert command[-1] == "--production" and "ipsim.viz.app" in command
    assert command[command.index("--host") + 1] == "127.0.0.1"
