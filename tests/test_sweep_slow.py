"""Sweeps on a real Dask cluster, and a sweep killed with SIGKILL then resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ipsim import sweep
from ipsim.loading import scenario_from_dict
from ipsim.sweeps.executors import dask_local_executor
from ipsim.sweeps.store import SweepStore
from tests.conftest import small_scenario

pytest.importorskip("distributed")

PARAMS = {"dynamics.spillover_rate": (0.1, 2.0), "world.network.rewiring": [0.0, 0.3]}


def tiny():
    return small_scenario(world={"n_countries": 8, "stakeholders_per_country": 10, "seed": 3})


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_tables_as_serial():
    # serial equals local processes: tests/test_sweep.py
    kwargs = {"sampler": "latin", "n": 3, "replicates": 2, "strategies": ["none", "uniform"]}
    serial = sweep(tiny(), PARAMS, executor="serial", **kwargs)
    dask = sweep(tiny(), PARAMS, executor="dask", workers=2, **kwargs)
    pd.testing.assert_frame_equal(
        dask.runs.drop(columns="wall_seconds"), serial.runs.drop(columns="wall_seconds")
    )
    pd.testing.assert_frame_equal(dask.metrics, serial.metrics)
    assert len(dask.runs) == 3 * 2 * 2 and dask.complete


@pytest.mark.slow
def test_clusters_ipsim_starts_do_not_set_the_malloc_trim_threshold():
    with dask_local_executor(workers=1) as pool:
        assert pool.submit(os.getenv, "MALLOC_TRIM_THRESHOLD_").result() is None
        assert pool.submit(os.getenv, "OMP_NUM_THREADS").result() == "1"


BASE = {
    "name": "killed",
    "seed": 5,
    "horizon": {"years": 2},
    "world": {"source": "synthetic", "n_countries": 8, "stakeholders_per_country": 10},
    "programme": {"budget": [{"name": "core", "kind": "core", "amount_musd": 20}]},
}
SWEEP = {"sampler": "latin", "n": 8, "replicates": 2, "strategies": ["none", "uniform"]}
N_RUNS = 8 * 2 * 2
SCRIPT = """
import sys
from ipsim.loading import scenario_from_dict
from ipsim.sweeps import SweepStore, sweep

if __name__ == "__main__":
    result = sweep(scenario_from_dict({base!r}), {params!r}, executor="processes",
                   workers=2, store=SweepStore(sys.argv[1], flush_seconds=0), **{sweep!r})
    print(len(result.runs))
"""


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_resumes_without_losing_or_duplicating_runs(tmp_path):
    script = tmp_path / "run_sweep.py"
    script.write_text(SCRIPT.format(base=BASE, params=PARAMS, sweep=SWEEP), encoding="utf-8")
    store = tmp_path / "store"
    command = [sys.executable, str(script), str(store)]
    proc = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    runs_dir = store / "runs"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if runs_dir.exists() and len(list(runs_dir.glob("part-*.parquet"))) >= 3:
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it could be killed"
    stored = len(SweepStore(store).finished())
    assert 0 < stored < N_RUNS
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.strip() == str(N_RUNS)

    # an uninterrupted sweep (here in this process, one run after another)
    whole = sweep(scenario_from_dict(BASE), PARAMS, executor="serial", **SWEEP)
    again = SweepStore(store)
    runs = again.runs()
    assert runs["run_id"].is_unique and len(runs) == N_RUNS
    pd.testing.assert_frame_equal(
        runs.drop(columns="wall_seconds"), whole.runs.drop(columns="wall_seconds")
    )
    pd.testing.assert_frame_equal(again.metrics(), whole.metrics)
    assert len(list(Path(store, "metrics").glob("part-*.parquet"))) == len(
        list(runs_dir.glob("part-*.parquet"))
    )
