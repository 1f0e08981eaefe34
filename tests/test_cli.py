"""The command line end to end: run, report, list, schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ipsim.cli import main
from ipsim.loading import shipped_scenarios

SMALL = """\
name: tiny
description: A tiny scenario for tests.
seed: 5
replicates: 2
horizon: {start_year: 2025, years: 2, steps_per_year: 4}
world: {n_countries: 10, stakeholders_per_country: 10}
programme:
  budget:
    - {name: core, kind: core, amount_musd: 20}
compare: [none, uniform, tailored]
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def run(scenario: Path, out: Path, *options: str) -> int:
    """``ipsim run SCENARIO --out OUT --quiet OPTIONS...``; the exit status."""
    return main(["run", str(scenario), "--out", str(out), "--quiet", *options])


def test_run_writes_tables_figures_and_report(scenario_file, tmp_path, capsys):
    out = tmp_path / "results" / "tiny"
    assert run(scenario_file, out, "--workers", "1") == 0
    runs = pd.read_csv(out / "runs.csv")
    assert list(runs.columns[:7]) == [
        "run_id",
        "scenario",
        "strategy",
        "replicate",
        "seed",
        "status",
        "error",
    ]
    assert len(runs) == 6 and (runs.status == "ok").all()
    # Replicate r of every strategy shares its seed (common random numbers).
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()
    metrics = pd.read_csv(out / "metrics.csv")
    assert list(metrics.columns) == [
        "run_id",
        "scenario",
        "strategy",
        "replicate",
        "step",
        "year",
        "entity",
        "indicator",
        "value",
    ]
    assert {"WORLD", "Sub-Saharan Africa", "High income"} <= set(metrics.entity)
    summary = pd.read_csv(out / "summary.csv")
    assert {"cost_per_additional_filing", "cost_per_person_trained"} <= set(summary.indicator)
    for figure in ("indicators.png", "disparities.png", "cost_effectiveness.png", "network.png"):
        assert (out / "figures" / figure).stat().st_size > 10_000
    report = (out / "report.md").read_text()
    assert "## Findings" in report and "tailored" in report and "figures/" in report
    assert (out / ".complete").exists()
    assert not list(out.parent.glob(".tiny.partial-*"))


def test_existing_results_are_not_overwritten_without_force(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert run(scenario_file, out) == 2
    assert "--force" in capsys.readouterr().err
    assert (out / "keep.txt").exists()
    assert run(scenario_file, out, "--replicates", "1", "--workers", "1", "--force") == 0
    assert not (out / "keep.txt").exists()
    assert (out / "report.md").exists()


def test_report_is_rebuilt_from_the_tables_alone(scenario_file, tmp_path):
    out = tmp_path / "out"
    assert run(scenario_file, out, "--replicates", "2", "--workers", "1") == 0
    before = (out / "report.md").read_text()
    (out / "report.md").unlink()
    for png in (out / "figures").glob("*.png"):
        png.unlink()
    assert main(["report", str(out)]) == 0
    assert (out / "report.md").read_text() == before
    assert len(list((out / "figures").glob("*.png"))) == 4


def test_report_on_a_folder_that_is_not_results(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "runs.csv: missing" in capsys.readouterr().err


def test_an_interrupted_run_leaves_no_folder(scenario_file, tmp_path, monkeypatch):
    import ipsim.report

    def interrupt(folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(ipsim.report, "build_report", interrupt)
    out = tmp_path / "out"
    assert run(scenario_file, out, "--replicates", "1", "--workers", "1") == 130
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.yaml"]


def test_list_names_scenarios_strategies_and_interventions(capsys):
    assert main(["list"]) == 0
    text = capsys.readouterr().out
    for name in (
        "baseline",
        "budget_cut",
        "tailored",
        "impact_maximising",
        "elearning",
        "legal_reform",
    ):
        assert name in text


def test_schema_is_json_schema_with_registered_names(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "tailored" in schema["properties"]["compare"]["items"]["enum"]
    intervention = schema["$defs"]["InterventionSpec"]
    assert "training" in intervention["properties"]["type"]["enum"]
    jsonschema = pytest.importorskip("jsonschema")
    for path in shipped_scenarios().values():
        import yaml

        data = yaml.safe_load(path.read_text())
        if "extends" not in data:
            jsonschema.validate(data, schema)


def test_console_script_and_module_entry_point(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ipsim", "validate", "default"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "default: valid" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("replicates: 0\n")
    result = subprocess.run(
        [sys.executable, "-m", "ipsim", "run", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "replicates" in result.stderr
