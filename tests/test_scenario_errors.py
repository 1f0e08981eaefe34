"""Bad scenario files: one clear message naming the file, line, field and what is allowed;
exit status 2; no traceback; nothing written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ipsim.cli import main
from ipsim.errors import ScenarioError
from ipsim.loading import load_scenario

# (file text, field path in the message or None, expected fragments of the message)
BAD_INPUTS = {
    "unknown top-level key": (
        "replicate: 3\n",
        "replicate",
        ["unknown key 'replicate'", "did you mean 'replicates'"],
    ),
    "wrong type": ("replicates: ten\n", "replicates", ["valid integer", "'ten'"]),
    "unknown learning rule": (
        "dynamics:\n  partner_learning: bartr\n",
        "dynamics.partner_learning",
        ["'spillover' or 'barter'"],
    ),
    "out of range": ("replicates: 0\n", "replicates", ["greater than or equal to 1"]),
    "schema version": ("schema_version: 2\n", "schema_version", ["Input should be 1"]),
    "unknown strategy in compare": (
        "compare: [none, unifrom]\n",
        "compare",
        ["unknown strategy 'unifrom'", "did you mean 'uniform'"],
    ),
    "unknown programme strategy": (
        "programme:\n  strategy: tailord\n",
        "programme.strategy",
        ["did you mean 'tailored'", "known:"],
    ),
    "unknown intervention": (
        "programme:\n  interventions:\n    - type: trainig\n",
        "programme.interventions[0].type",
        ["unknown intervention 'trainig'", "did you mean 'training'"],
    ),
    "unknown intervention parameter": (
        "programme:\n  interventions:\n    - type: training\n      params: {seats: 3}\n",
        "programme.interventions[0]",
        ["unknown parameter of 'training'", "seats_per_year"],
    ),
    "shares do not add up": (
        "programme:\n  interventions:\n    - {type: training, share: 0.5}\n"
        "    - {type: elearning, share: 0.2}\n",
        "programme",
        ["must add up to 1", "0.7"],
    ),
    "shares given for some": (
        "programme:\n  interventions:\n    - {type: training, share: 1.0}\n"
        "    - {type: elearning}\n",
        "programme",
        ["every intervention or for none"],
    ),
    "intervention twice": (
        "programme:\n  interventions:\n    - {type: training}\n    - {type: training}\n",
        "programme",
        ["listed twice: training"],
    ),
    "trust fund without earmark": (
        "programme:\n  budget:\n    - {name: t, kind: funds_in_trust, amount_musd: 5}\n",
        "programme.budget[0]",
        ["must be earmarked"],
    ),
    "unknown region": (
        "programme:\n  budget:\n    - {name: t, kind: funds_in_trust, amount_musd: 5,"
        " regions: [Atlantis]}\n",
        "programme.budget[0].regions",
        ["unknown region 'Atlantis'", "Sub-Saharan Africa"],
    ),
    "earmark on core money": (
        "programme:\n  budget:\n    - {name: c, kind: core, amount_musd: 5, "
        "regions: [South Asia]}\n",
        "programme.budget[0]",
        ["only funds_in_trust"],
    ),
    "unknown country": (
        "programme:\n  budget:\n    - {name: t, kind: funds_in_trust, amount_musd: 5, "
        "countries: [XXX]}\n",
        "programme.budget[0].countries",
        ["no country 'XXX'"],
    ),
    "negative budget": (
        "programme:\n  budget:\n    - {name: c, kind: core, amount_musd: -5}\n",
        "programme.budget[0].amount_musd",
        ["greater than or equal to 0"],
    ),
    "impossible budget": (
        "programme:\n  budget:\n    - {name: c, kind: core, amount_musd: 1e9}\n",
        "programme.budget[0].amount_musd",
        ["less than or equal to 100000"],
    ),
    "unknown budget kind": (
        "programme:\n  budget:\n    - {name: c, kind: grant, amount_musd: 5}\n",
        "programme.budget[0].kind",
        ["'core', 'funds_in_trust' or 'co_funding'"],
    ),
    "odd network degree": (
        "world:\n  network:\n    peer_degree: 5\n",
        "world.network.peer_degree",
        ["must be even"],
    ),
    "unknown world source": (
        "world:\n  source: wdii\n",
        "world",
        ["unknown world source 'wdii'", "'synthetic', 'wdi'"],
    ),
    "zero steps per year": (
        "horizon:\n  steps_per_year: 0\n",
        "horizon.steps_per_year",
        ["greater than or equal to 1"],
    ),
    "output interval": (
        "output:\n  every_steps: 3\n",
        None,
        ["every_steps (3) must divide horizon.steps_per_year (4)"],
    ),
    "zero unit cost": (
        "programme:\n  interventions:\n    - {type: training, unit_cost_usd: 0}\n",
        "programme.interventions[0].unit_cost_usd",
        ["greater than 0"],
    ),
    "name with spaces": ("name: my scenario\n", "name", ["should match pattern"]),
    "compare twice": ("compare: [none, none]\n", None, ["compare lists a strategy twice"]),
    "duplicate key": ("seed: 1\nseed: 2\n", None, ["key 'seed' appears twice"]),
    "malformed YAML": ("horizon:\n  years: 3\n   steps_per_year: 4\n", None, ["malformed YAML"]),
    "not a mapping": ("- a\n- b\n", None, ["a scenario is a mapping"]),
    "missing extends": ("extends: nowhere.yaml\n", "extends", ["does not exist"]),
    "missing world data": (
        "world:\n  source: wdi\n  path: no-such-folder\n",
        "world",
        ["no-such-folder"],
    ),
}


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUTS), ids=sorted(BAD_INPUTS))
def test_bad_input_gets_one_clear_message(case, tmp_path, capsys):
    text, field, fragments = BAD_INPUTS[case]
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = caught.value.render()
    assert str(path) in message
    if field is not None:
        assert f"field '{field}" in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"

    out = tmp_path / "out"
    status = main(["run", str(path), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    assert str(path) in err
    assert not out.exists(), "nothing may be written for a bad scenario"


def test_messages_carry_the_line_of_the_problem(tmp_path):
    path = write(tmp_path, "name: ok\nseed: 3\nhorizon:\n  years: 3\n  step_per_year: 4\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "line 5, field 'horizon.step_per_year'" in caught.value.render()
    assert "did you mean 'steps_per_year'" in caught.value.render()
    path = write(tmp_path, "world:\n  network:\n    peer_degree: 5\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "line 3, field 'world.network.peer_degree'" in caught.value.render()


def test_yaml_errors_carry_their_line(tmp_path):
    path = write(tmp_path, "name: ok\nhorizon: {years: 3\nseed: 1\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "line " in caught.value.render()
    assert "malformed YAML" in caught.value.render()


def test_yaml_is_loaded_safely(tmp_path):
    path = write(tmp_path, "name: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "malformed YAML" in caught.value.render()


def test_extends_overrides_only_what_it_names(tmp_path):
    write(tmp_path, "name: parent\nseed: 11\nreplicates: 4\nhorizon: {years: 3}\n", "parent.yaml")
    (tmp_path / "sub").mkdir()
    child = write(
        tmp_path / "sub",
        "extends: ../parent.yaml\nname: child\nhorizon: {steps_per_year: 2}\n",
        "child.yaml",
    )
    spec = load_scenario(child)
    assert (spec.name, spec.seed, spec.replicates) == ("child", 11, 4)
    assert (spec.horizon.years, spec.horizon.steps_per_year) == (3, 2)


def test_extends_a_shipped_scenario_by_name(tmp_path):
    spec = load_scenario(write(tmp_path, "extends: default\nname: mine\nreplicates: 2\n"))
    assert spec.name == "mine" and spec.replicates == 2
    assert spec.programme.total_musd == load_scenario("default").programme.total_musd


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "a.yaml")
    assert "cycle" in caught.value.render()


def test_errors_in_a_parent_name_the_parent(tmp_path):
    write(tmp_path, "name: parent\nreplicates: -1\n", "parent.yaml")
    child = write(tmp_path, "extends: parent.yaml\nname: child\n", "child.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(child)
    message = caught.value.render()
    assert "line 2" in message and "parent.yaml" in message


def test_unknown_shipped_name_suggests_one():
    with pytest.raises(ScenarioError) as caught:
        load_scenario("basline")
    assert "did you mean 'baseline'" in caught.value.render()


def test_validate_command_reports_every_file(tmp_path, capsys):
    good = write(tmp_path, "name: good\n", "good.yaml")
    bad = write(tmp_path, "name: bad\nreplicates: 0\n", "bad.yaml")
    assert main(["validate", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "good.yaml: valid" in captured.out
    assert "bad.yaml" in captured.err and "replicates" in captured.err
