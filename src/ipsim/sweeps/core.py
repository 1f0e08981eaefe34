"""Running a sweep: every design point x strategy x replicate, streamed to a store.

Each run is one call of :func:`ipsim.runner.run_one` on the base scenario with the
point's fields set. Run ids come from the point, the strategy and the replicate, and
replicate ``r`` has the same seed at every point (common random numbers), so the same
sweep gives bit-identical tables whatever executor ran it, and a resumed sweep skips
exactly the runs already stored.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ipsim.errors import IpsimError, ScenarioError
from ipsim.loading import load_scenario
from ipsim.registry import STRATEGIES
from ipsim.runner import RUN_COLUMNS, RunOutcome, RunSpec, run_one, run_row
from ipsim.spec import Scenario
from ipsim.streams import replicate_seeds
from ipsim.sweeps.design import Design, make_design
from ipsim.sweeps.executors import executor_workers, open_executor
from ipsim.sweeps.overrides import apply_overrides, check_paths
from ipsim.sweeps.store import SweepStore, runs_schema

FLUSH_RUNS = 500
FLUSH_METRIC_ROWS = 2_000_000
RESERVED_PATHS = ("programme.strategy", "compare", "replicates", "seed", "name")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepTask:
    """One run of a sweep, as sent to a worker.

    Attributes:
        base: The base scenario.
        values: The point's field values by path.
        point: The design point's index.
        run_id: Stable id: point, strategy and replicate.
        strategy: Strategy to run.
        replicate: Replicate index.
        seed: The replicate's seed.
        entities: Keep only these entities' metrics rows (``None``: all).
    """

    base: Scenario
    values: dict[str, Any]
    point: int
    run_id: str
    strategy: str
    replicate: int
    seed: int
    entities: tuple[str, ...] | None = None


def run_task(task: SweepTask) -> RunOutcome:
    """Run one task in a worker; invalid values and exceptions become failed rows."""
    try:
        spec = apply_overrides(task.base, task.values)
    except ScenarioError as err:
        message = "; ".join(f"{path}: {msg}" for path, _, msg in err.problems)
        run = RunSpec(task.run_id, task.base, task.strategy, task.replicate, task.seed)
        return RunOutcome(run_row(run, "failed", f"invalid values: {message}", 0.0), pd.DataFrame())
    outcome = run_one(RunSpec(task.run_id, spec, task.strategy, task.replicate, task.seed))
    metrics = outcome.metrics
    if task.entities is not None and not metrics.empty:
        metrics = metrics[metrics["entity"].isin(task.entities)].reset_index(drop=True)
    return RunOutcome(outcome.row, metrics)


@dataclass
class SweepResult:
    """What a sweep produced.

    Unpacks as ``runs, metrics = ipsim.sweep(...)``.

    Attributes:
        design: The design (parameters, sampler, points).
        runs: One row per run: id, strategy, replicate, seed, status, error, point and
            the point's parameter values, in plan order.
        store: Where the results are (``None`` when the sweep kept them in memory).
        planned: Runs in the plan.
        lost: Runs not stored because their worker was lost (run the sweep again).
    """

    design: Design
    runs: pd.DataFrame
    store: SweepStore | None
    planned: int
    lost: int = 0
    _metrics: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def metrics(self) -> pd.DataFrame:
        """The long metrics table (read from the store on first use)."""
        if self._metrics is None:
            assert self.store is not None
            self._metrics = self.store.metrics()
        return self._metrics

    @property
    def complete(self) -> bool:
        """Whether every planned run is in the table (finished or failed)."""
        return len(self.runs) == self.planned

    @property
    def failed(self) -> pd.DataFrame:
        """Rows of the runs that raised."""
        return self.runs[self.runs["status"] != "ok"]

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.runs
        yield self.metrics


@dataclass(frozen=True)
class SweepPlan:
    """Every run of a sweep, before any runs.

    Attributes:
        base: The base scenario.
        design: The design.
        strategies: Strategies run at each point, reference first.
        seeds: Seed of each replicate.
        entities: Entities whose metrics rows are kept (``None``: all).
    """

    base: Scenario
    design: Design
    strategies: tuple[str, ...]
    seeds: tuple[int, ...]
    entities: tuple[str, ...] | None

    def tasks(self) -> Iterator[SweepTask]:
        """The runs, point by point, strategy by strategy, replicate by replicate."""
        names = self.design.names
        for point, values in enumerate(self.design.points.itertuples(index=False, name=None)):
            point_values = {n: _python(v) for n, v in zip(names, values, strict=True)}
            for strategy in self.strategies:
                for r, seed in enumerate(self.seeds):
                    yield SweepTask(
                        self.base,
                        point_values,
                        point,
                        f"p{point:06d}-{strategy}-r{r:04d}",
                        strategy,
                        r,
                        seed,
                        self.entities,
                    )

    def __len__(self) -> int:
        return len(self.design) * len(self.strategies) * len(self.seeds)

    def manifest(self) -> dict[str, Any]:
        """What identifies this sweep in a store (a resumed sweep must match it).

        It holds ipsim's version, so a sweep is never finished by another version of
        the model; within a version, editing the model's code between two calls is not
        detected.
        """
        params = {path: repr(p) for path, p in self.design.parameters.items()}
        from ipsim import __version__

        return {
            "ipsim": __version__,
            "base": self.base.model_dump(mode="json"),
            "parameters": params,
            "sampler": self.design.sampler,
            "n": self.design.n,
            "seed": self.design.seed,
            "strategies": list(self.strategies),
            "replicate_seeds": list(self.seeds),
            "entities": list(self.entities) if self.entities is not None else None,
        }


def _python(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def plan_sweep(
    base: Scenario | str | Path,
    parameters: Mapping[str, Any],
    *,
    sampler: str = "grid",
    n: int | None = None,
    replicates: int | None = None,
    seed: int | None = None,
    strategies: Sequence[str] | None = None,
    entities: Sequence[str] | None = None,
) -> SweepPlan:
    """Validate a sweep and list its runs (see :func:`sweep` for the arguments).

    Values are checked when each run starts: a point whose values the scenario schema
    rejects becomes failed rows with the schema's message, like any run that raises.

    Raises:
        ScenarioError: If the base scenario is invalid or a path names no field.
        IpsimError: For a bad design.
    """
    spec = base if isinstance(base, Scenario) else load_scenario(base)
    paths = [str(p) for p in parameters]
    for path in paths:
        if path.split(".")[0] in RESERVED_PATHS or path == "programme.strategy":
            raise IpsimError(
                f"parameter '{path}' cannot be swept: give strategies with "
                "'strategies', replicates with 'replicates', and the seed with "
                "'seed'"
            )
    check_paths(spec, paths)
    seed = spec.seed if seed is None else seed
    design = make_design(parameters, sampler, n, seed)
    names = tuple(strategies) if strategies is not None else spec.strategies
    if not names:
        raise IpsimError("a sweep needs at least one strategy")
    if len(set(names)) != len(names):
        raise IpsimError("strategies lists a strategy twice")
    for name in names:
        if name not in STRATEGIES:
            raise IpsimError(STRATEGIES.unknown_message(name))
    reps = spec.replicates if replicates is None else replicates
    if reps < 1:
        raise IpsimError(f"replicates must be at least 1, got {reps}")
    return SweepPlan(
        spec,
        design,
        names,
        tuple(replicate_seeds(seed, reps)),
        tuple(entities) if entities is not None else None,
    )


def sweep(
    base: Scenario | str | Path,
    parameters: Mapping[str, Any],
    *,
    sampler: str = "grid",
    n: int | None = None,
    replicates: int | None = None,
    seed: int | None = None,
    strategies: Sequence[str] | None = None,
    executor: Executor | str | None = None,
    workers: int | None = None,
    store: SweepStore | str | Path | None = None,
    entities: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a scenario over a design of parameter values.

    Args:
        base: The base scenario: an object, a file, or a shipped scenario's name.
        parameters: Field path (e.g. ``dynamics.spillover_rate``,
            ``programme.budget.total_musd``) -> ``(low, high)`` or a list of values.
        sampler: ``grid``, ``random``, ``latin``, ``sobol`` or ``morris``.
        n: Design size (see :func:`~ipsim.sweeps.design.make_design`).
        replicates: Replicates per point and strategy (default: the base scenario's).
        seed: Seed of the design and the replicates (default: the base scenario's).
        strategies: Strategies run at every point (default: the base scenario's).
        executor: An executor, ``"serial"``, ``"processes"`` (default), ``"dask"`` (a
            local Dask cluster) or a Dask scheduler's address (``tcp://host:8786``).
        workers: Processes for ``processes`` and ``dask`` (default: all cores).
        store: Folder (or :class:`SweepStore`) the results stream to; run the same
            sweep with the same store to resume it. ``None``: a temporary folder, and
            the tables are kept in memory.
        entities: Keep only these entities' metrics rows (e.g. ``["WORLD"]``), to keep
            large sweeps small.
        progress: Called with ``(done, total)`` at the start and after each run.

    Returns:
        The design, the runs table (with the sampled parameters as columns) and the
        metrics table.

    Raises:
        ScenarioError: If the base scenario is invalid or a path names no field.
        IpsimError: For a bad design, executor, or a store holding another sweep.
    """
    plan = plan_sweep(
        base,
        parameters,
        sampler=sampler,
        n=n,
        replicates=replicates,
        seed=seed,
        strategies=strategies,
        entities=entities,
    )
    if store is None:
        with tempfile.TemporaryDirectory(prefix="ipsim-sweep-") as tmp:
            result = run_plan(plan, SweepStore(tmp), executor, workers, progress)
            result._metrics = result.store.metrics()  # type: ignore[union-attr]
            result.store = None
            return result
    folder = store if isinstance(store, SweepStore) else SweepStore(store)
    return run_plan(plan, folder, executor, workers, progress)


class _Batch:
    """Finished runs waiting to be written, flushed by size or age."""

    def __init__(self, store: SweepStore, plan: SweepPlan):
        self.store = store
        self.schema = runs_schema(plan.design.points)
        self.points = plan.design.points
        self.rows: list[dict] = []
        self.metrics: list[pd.DataFrame] = []
        self.metric_rows = 0
        self.since = time.monotonic()

    def add(self, task: SweepTask, outcome: RunOutcome) -> None:
        row = {**outcome.row, "point": task.point}
        row.update(task.values)
        self.rows.append(row)
        if not outcome.metrics.empty:
            self.metrics.append(outcome.metrics)
            self.metric_rows += len(outcome.metrics)
        if (
            len(self.rows) >= FLUSH_RUNS
            or self.metric_rows >= FLUSH_METRIC_ROWS
            or time.monotonic() - self.since >= self.store.flush_seconds
        ):
            self.flush()

    def flush(self) -> None:
        if self.rows:
            runs = pd.DataFrame(self.rows, columns=self.schema.names)
            metrics = pd.concat(self.metrics, ignore_index=True) if self.metrics else pd.DataFrame()
            self.store.write_batch(runs, metrics, self.schema)
        self.rows, self.metrics, self.metric_rows = [], [], 0
        self.since = time.monotonic()


def run_plan(
    plan: SweepPlan,
    store: SweepStore,
    executor: Executor | str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Run the runs of a plan that are not in the store yet, streaming them to it.

    At most a few runs per worker are in flight at once, and finished runs are written
    in batches, so memory stays bounded however long the sweep.
    """
    store.open(plan.manifest(), plan.design.points)
    finished = store.finished()
    total = len(plan)
    done = len(finished)
    if progress:
        progress(done, total)
    todo = (task for task in plan.tasks() if task.run_id not in finished)
    batch = _Batch(store, plan)
    lost = 0
    window = 2 * executor_workers(executor, workers)
    with open_executor(executor, workers) as pool:
        pending: dict[Future, SweepTask] = {}
        try:
            for task in _take(todo, window):
                pending[pool.submit(run_task, task)] = task
            while pending:
                finished_now, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for future in finished_now:
                    task = pending.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenExecutor:
                        raise
                    except Exception as err:  # a lost worker: not stored, resuming redoes it
                        lost += 1
                        warnings.warn(
                            f"run {task.run_id} was lost ({type(err).__name__}: "
                            f"{err}); run the sweep again to redo it",
                            stacklevel=2,
                        )
                        continue
                    batch.add(task, outcome)
                    done += 1
                    if progress:
                        progress(done, total)
                for task in _take(todo, len(finished_now)):
                    pending[pool.submit(run_task, task)] = task
        except BrokenExecutor as err:
            raise IpsimError(
                f"the worker processes died ({err}); the finished runs are "
                f"saved in {store.path}: run the same sweep again to resume"
            ) from None
        finally:
            for future in pending:
                future.cancel()
            batch.flush()
    return SweepResult(plan.design, store.runs(), store, total, lost)


def _take(tasks: Iterator[SweepTask], k: int) -> list[SweepTask]:
    out: list[SweepTask] = []
    if k < 1:
        return out
    for task in tasks:
        out.append(task)
        if len(out) >= k:
            break
    return out


__all__ = [
    "RUN_COLUMNS",
    "SweepPlan",
    "SweepResult",
    "SweepTask",
    "plan_sweep",
    "run_plan",
    "run_task",
    "sweep",
]
