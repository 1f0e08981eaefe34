"""Running a scenario: every strategy, every replicate, on the same world.

Runs are independent, so any :class:`concurrent.futures.Executor` can run them: the
default is local processes. Replicate ``r`` of every strategy uses the same seed
(common random numbers), so differences between strategies are signal, not noise.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing.context import BaseContext

import pandas as pd

from ipsim.model import IPModel
from ipsim.spec import Scenario
from ipsim.streams import replicate_seeds

RUN_COLUMNS = [
    "run_id",
    "scenario",
    "strategy",
    "replicate",
    "seed",
    "status",
    "error",
    "wall_seconds",
]


@dataclass(frozen=True)
class RunSpec:
    """One run: a scenario under one strategy with one replicate's seed."""

    run_id: str
    scenario: Scenario
    strategy: str
    replicate: int
    seed: int


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced: its row of the runs table and its metrics (empty if failed)."""

    row: dict
    metrics: pd.DataFrame


def plan_runs(
    spec: Scenario,
    replicates: int | None = None,
    seed: int | None = None,
    strategies: Iterable[str] | None = None,
) -> list[RunSpec]:
    """Every (strategy, replicate) run of a scenario, strategies in the scenario's order."""
    n = spec.replicates if replicates is None else replicates
    seeds = replicate_seeds(spec.seed if seed is None else seed, n)
    names = tuple(strategies) if strategies is not None else spec.strategies
    return [
        RunSpec(f"{spec.name}-{strategy}-r{r:04d}", spec, strategy, r, seeds[r])
        for strategy in names
        for r in range(n)
    ]


def run_row(run: RunSpec, status: str, error: str, wall_seconds: float) -> dict[str, object]:
    """The runs-table row of one run (columns :data:`RUN_COLUMNS` without the parameters)."""
    return {
        "run_id": run.run_id,
        "scenario": run.scenario.name,
        "strategy": run.strategy,
        "replicate": run.replicate,
        "seed": run.seed,
        "status": status,
        "error": error,
        "wall_seconds": round(wall_seconds, 4),
    }


def run_one(run: RunSpec) -> RunOutcome:
    """Run one simulation; an exception becomes a failed row, never a lost run."""
    start = time.perf_counter()
    labels = {
        "run_id": run.run_id,
        "scenario": run.scenario.name,
        "strategy": run.strategy,
        "replicate": run.replicate,
    }
    try:
        model = IPModel(run.scenario.with_strategy(run.strategy), rng=run.seed).run()
        metrics = model.tables(**labels)
        status, error = "ok", ""
    except Exception as err:  # a failed run is recorded, not fatal
        metrics = pd.DataFrame()
        status = "failed"
        error = "".join(traceback.format_exception_only(err)).strip()
    return RunOutcome(run_row(run, status, error, time.perf_counter() - start), metrics)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def process_context(preload: tuple[str, ...] = ("ipsim.runner",)) -> BaseContext:
    """Worker processes forked from a clean server that has imported ``preload`` once.

    Plain ``fork`` copies this process with its threads (pyarrow's, Dask's), which can
    deadlock a child; ``spawn`` (where there is no fork server) imports ipsim again in
    every worker.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


def local_executor(
    workers: int | None = None, preload: tuple[str, ...] = ("ipsim.runner",)
) -> ProcessPoolExecutor:
    """A pool of local processes that is safe in threaded programs (see above).

    Args:
        workers: Number of processes (default: all cores).
        preload: Modules the fork server imports once (see :func:`process_context`).
    """
    return ProcessPoolExecutor(
        max_workers=workers or default_workers(), mp_context=process_context(preload)
    )


def run_experiment(
    spec: Scenario,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[RunOutcome], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every strategy of a scenario, with replicates, and return tidy tables.

    Args:
        spec: The scenario.
        replicates: Replicates per strategy (default: the scenario's).
        seed: Seed (default: the scenario's).
        workers: Local processes when no executor is given (default: all cores; 1 runs
            in this process).
        executor: Any executor (local processes, a Dask client's executor...).
        progress: Called with each run's outcome as it finishes.

    Returns:
        ``(runs, metrics)``: one row per run, and the long metrics table, both sorted
        by strategy order and replicate whatever the order runs finished in.
    """
    plan = plan_runs(spec, replicates, seed)
    outcomes: list[RunOutcome] = []
    n_workers = default_workers() if workers is None else max(1, workers)
    if executor is None and (n_workers == 1 or len(plan) == 1):
        for run in plan:
            outcome = run_one(run)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    else:
        own = executor is None
        pool = executor or local_executor(min(n_workers, len(plan)))
        try:
            futures = [pool.submit(run_one, run) for run in plan]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
        finally:
            if own:
                pool.shutdown(cancel_futures=True)
    order = {run.run_id: i for i, run in enumerate(plan)}
    outcomes.sort(key=lambda o: order[o.row["run_id"]])
    runs = pd.DataFrame([o.row for o in outcomes], columns=RUN_COLUMNS)
    frames = [o.metrics for o in outcomes if not o.metrics.empty]
    metrics = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return runs, metrics
