"""Sweeps: tables, failed runs, the store and resuming, the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ipsim import sweep
from ipsim.cli import main
from ipsim.errors import IpsimError
from ipsim.runner import run_one
from ipsim.sweeps.core import plan_sweep, run_plan
from ipsim.sweeps.overrides import apply_overrides
from ipsim.sweeps.store import SweepStore
from tests.conftest import small_scenario

PARAMS = {"dynamics.spillover_rate": [0.2, 2.0], "programme.budget.total_musd": [5.0, 40.0]}


def tiny():
    return small_scenario(
        world={"n_countries": 8, "stakeholders_per_country": 10, "seed": 3}, replicates=2
    )


def test_grid_sweep_tables_have_parameters_plan_order_and_run_the_right_scenario(tmp_path):
    base = tiny()
    result = sweep(
        base,
        PARAMS,
        strategies=["none", "uniform"],
        replicates=2,
        executor="serial",
        store=tmp_path / "store",
    )
    runs, metrics = result
    assert len(runs) == 4 * 2 * 2 and result.complete and (runs["status"] == "ok").all()
    assert list(runs.columns[-3:]) == ["point", *PARAMS]
    assert runs["run_id"].is_unique
    assert list(runs["run_id"][:3]) == [
        "p000000-none-r0000",
        "p000000-none-r0001",
        "p000000-uniform-r0000",
    ]
    # replicate r has the same seed at every point: common random numbers
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()
    assert set(metrics["run_id"]) == set(runs["run_id"])
    # a sweep run equals the same run made by hand
    row = runs.iloc[-1]
    spec = apply_overrides(base, {p: row[p] for p in PARAMS})
    from ipsim.runner import RunSpec

    alone = run_one(
        RunSpec(row["run_id"], spec, row["strategy"], int(row["replicate"]), int(row["seed"]))
    ).metrics
    mine = metrics[metrics["run_id"] == row["run_id"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
    # the budget reached the model: more money, more spending
    spend = metrics[(metrics["indicator"] == "spend_usd") & (metrics["entity"] == "WORLD")]
    last = spend[spend["step"] == spend["step"].max()].merge(runs, on="run_id")
    by_budget = (
        last[last["strategy_x"] == "uniform"].groupby("programme.budget.total_musd")["value"].mean()
    )
    assert by_budget[40.0] > by_budget[5.0] > 0


def test_serial_and_local_processes_give_identical_tables(tmp_path):
    kwargs = {"sampler": "latin", "n": 3, "replicates": 2, "strategies": ["uniform"]}
    serial = sweep(
        tiny(), PARAMS | {"dynamics.absorptive_k": (1.0, 5.0)}, executor="serial", **kwargs
    )
    pooled = sweep(
        tiny(),
        PARAMS | {"dynamics.absorptive_k": (1.0, 5.0)},
        executor="processes",
        workers=2,
        **kwargs,
    )
    pd.testing.assert_frame_equal(
        serial.runs.drop(columns="wall_seconds"), pooled.runs.drop(columns="wall_seconds")
    )
    pd.testing.assert_frame_equal(serial.metrics, pooled.metrics)


def test_a_run_that_fails_is_a_row_with_its_error_and_the_sweep_goes_on(tmp_path):
    result = sweep(
        tiny(),
        {"world.network.peer_degree": [5, 4]},
        strategies=["none"],
        replicates=1,
        executor="serial",
        store=tmp_path / "s",
    )
    runs = result.runs.set_index("world.network.peer_degree")
    assert runs.loc[4, "status"] == "ok"
    assert runs.loc[5, "status"] == "failed"
    assert "must be even" in runs.loc[5, "error"]
    assert set(result.metrics["run_id"]) == {runs.loc[4, "run_id"]}


def test_resuming_skips_finished_runs_and_removes_uncommitted_metrics(tmp_path, monkeypatch):
    plan = plan_sweep(tiny(), PARAMS, strategies=["uniform"], replicates=1)
    store = SweepStore(tmp_path / "s", flush_seconds=0)
    first = run_plan(plan, store, "serial")
    full_runs, full_metrics = first.runs, first.metrics
    # simulate a crash: drop the last batch's runs file, leaving its metrics behind
    last = sorted(store.runs_dir.glob("part-*.parquet"))[-1]
    lost = pd.read_parquet(last)["run_id"].tolist()
    assert 0 < len(lost) < len(full_runs)
    last.unlink()
    (store.metrics_dir / "part-000099.parquet.tmp").write_bytes(b"half a file")
    calls = []
    import ipsim.sweeps.core as core

    real = core.run_task
    monkeypatch.setattr(core, "run_task", lambda task: calls.append(task.run_id) or real(task))
    again = run_plan(plan, SweepStore(tmp_path / "s"), "serial")
    assert sorted(calls) == sorted(lost)  # only the lost runs ran again
    assert not list(store.metrics_dir.glob("*.tmp"))
    pd.testing.assert_frame_equal(
        again.runs.drop(columns="wall_seconds"), full_runs.drop(columns="wall_seconds")
    )
    pd.testing.assert_frame_equal(again.metrics, full_metrics)


def test_a_store_refuses_another_sweep(tmp_path):
    sweep(
        tiny(),
        {"dynamics.spillover_rate": [0.5]},
        strategies=["none"],
        replicates=1,
        executor="serial",
        store=tmp_path / "s",
    )
    with pytest.raises(IpsimError, match=r"holds a different sweep .*parameters"):
        sweep(
            tiny(),
            {"dynamics.spillover_rate": [0.6]},
            strategies=["none"],
            replicates=1,
            executor="serial",
            store=tmp_path / "s",
        )
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(IpsimError, match="not a sweep store"):
        sweep(
            tiny(), {"dynamics.spillover_rate": [0.6]}, executor="serial", store=tmp_path / "other"
        )


@pytest.mark.parametrize(
    ("params", "kwargs", "message"),
    [
        ({"programme.strategy": ["uniform"]}, {}, "cannot be swept"),
        ({"dynamics.spillover": [1.0]}, {}, "has no field 'spillover'"),
        ({"dynamics.spillover_rate": [1.0]}, {"strategies": ["nonsense"]}, "nonsense"),
        ({"dynamics.spillover_rate": [1.0]}, {"executor": "threads"}, "unknown executor"),
    ],
)
def test_bad_sweeps_fail_before_running(params, kwargs, message, tmp_path):
    with pytest.raises(IpsimError, match=message):
        sweep(tiny(), params, store=tmp_path / "s", **kwargs)


def test_entities_keep_only_the_rows_asked_for():
    result = sweep(
        tiny(),
        {"dynamics.spillover_rate": [1.0]},
        strategies=["none"],
        replicates=1,
        executor="serial",
        entities=["WORLD"],
    )
    assert set(result.metrics["entity"]) == {"WORLD"}


def test_command_line_sweep_resumes_and_writes_sensitivity(tmp_path, capsys):
    (tmp_path / "base.yaml").write_text(
        "name: b\nreplicates: 1\nhorizon: {years: 2}\ncompare: [none, uniform]\n"
        "world: {source: synthetic, n_countries: 8, stakeholders_per_country: 10}\n"
        "programme: {budget: [{name: core, kind: core, amount_musd: 20}]}\n"
    )
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "name: s\nbase: base.yaml\nparameters:\n  dynamics.spillover_rate: {low: 0.1, high: 2}\n"
        "  dynamics.absorptive_k: {low: 1, high: 5}\nsampler: morris\nn: 2\n"
        "entities: [WORLD]\nsensitivity: {outcomes: [stakeholder_expertise], relative_to: none}\n"
    )
    out = tmp_path / "out"
    assert main(["sweep", str(file), "--serial", "--quiet", "--out", str(out)]) == 0
    assert "12 runs in" in capsys.readouterr().err
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["parameter"]) == {"dynamics.spillover_rate", "dynamics.absorptive_k"}
    assert (out / "sensitivity.png").stat().st_size > 1000
    manifest = json.loads((out / "store" / "sweep.json").read_text())
    assert manifest["sampler"] == "morris"
    assert main(["sweep", str(file), "--serial", "--quiet", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "0 runs in" in err and "(12 already in the store)" in err


def test_command_line_reports_a_bad_sweep_file(tmp_path, capsys):
    file = tmp_path / "sweep.yaml"
    file.write_text("name: s\nparameters: {dynamics.spillover: [1.0]}\n")
    assert main(["sweep", str(file), "--serial", "--quiet", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "dynamics.spillover" in err and "did you mean 'spillover_rate'" in err
    assert "Traceback" not in err


def test_command_line_refuses_sensitivity_on_a_grid_before_running_anything(tmp_path, capsys):
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "name: s\nbase: default\nparameters: {dynamics.spillover_rate: [0.5, 1.0]}\n"
        "sampler: grid\nsensitivity: {outcomes: [stakeholder_expertise]}\n"
    )
    out = tmp_path / "o"
    assert main(["sweep", str(file), "--serial", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "sensitivity needs sampler sobol or morris, not 'grid'" in err
    assert not out.exists()  # nothing ran, nothing was written
