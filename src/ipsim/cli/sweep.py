"""``ipsim sweep SWEEP.yaml``: run a sweep file, resumably, and analyse it."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from rich.console import Console

from ipsim.cli import EXIT_FAILED_RUNS, EXIT_INTERRUPTED
from ipsim.cli.common import positive, runs_progress
from ipsim.errors import IpsimError
from ipsim.sweeps.core import plan_sweep, run_plan
from ipsim.sweeps.files import read_sweep_file
from ipsim.sweeps.sensitivity import sensitivity
from ipsim.sweeps.store import MANIFEST, SweepStore


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``sweep``."""
    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a file (resumable), with sensitivity analysis",
        description="Run a sweep file: a base scenario over a design of parameter values "
        "(grid, random, latin, sobol, morris), on local processes or a Dask cluster. "
        "Results stream to <out>/store/; run the same command again to resume an "
        "interrupted sweep.",
    )
    p.add_argument("file", type=Path, help="the sweep file (YAML)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--dask",
        nargs="?",
        const="dask",
        metavar="ADDRESS",
        help="run on Dask: a local cluster, or the scheduler at ADDRESS "
        "(tcp://host:8786); without an address, put it after the file",
    )
    where.add_argument("--serial", action="store_true", help="run in this process")
    p.add_argument("--workers", type=positive, help="local processes (default: all cores)")
    p.add_argument(
        "--out", type=Path, help="results folder (default: the file's out, or results/<name>/)"
    )
    p.add_argument(
        "--restart",
        action="store_true",
        help="delete the sweep's store first instead of resuming it",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=sweep_command)


def sweep_command(args: argparse.Namespace) -> int:
    """Run a sweep file; write the store and, if asked, the sensitivity analysis."""
    console = Console(stderr=True)
    spec, base = read_sweep_file(args.file)
    if spec.sensitivity is not None and spec.sampler not in ("sobol", "morris"):
        # Checked before running, not after the whole sweep has run.
        raise IpsimError(
            f"{args.file}: sensitivity needs sampler sobol or morris, not '{spec.sampler}'"
        )
    plan = plan_sweep(
        base,
        spec.design_parameters(),
        sampler=spec.sampler,
        n=spec.n,
        replicates=spec.replicates,
        seed=spec.seed,
        strategies=spec.strategies,
        entities=spec.entities,
    )
    out = args.out or Path(spec.out or Path("results") / spec.name)
    store = SweepStore(spec.store or out / "store")
    if args.restart and (store.path / MANIFEST).exists():
        shutil.rmtree(store.path)
    executor = "serial" if args.serial else (args.dask or spec.executor)
    console.print(
        f"ipsim: sweep '{spec.name}': {len(plan.design)} points x "
        f"{len(plan.strategies)} strategies x {len(plan.seeds)} replicates = "
        f"{len(plan)} runs on {executor}; store: {store.path}"
    )
    started = time.perf_counter()
    counts: list[int] = []
    with runs_progress(console, args.quiet) as bar:
        task = bar.add_task("runs", total=len(plan))

        def progress(done: int, total: int) -> None:
            counts.append(done)  # the first call gives the runs already in the store
            bar.update(task, completed=done, total=total)

        try:
            result = run_plan(
                plan,
                store,
                executor,
                spec.workers if args.workers is None else args.workers,
                progress,
            )
        except KeyboardInterrupt:
            console.print(
                f"ipsim: interrupted; finished runs are saved in {store.path}: run "
                "the same command to resume"
            )
            return EXIT_INTERRUPTED
    elapsed = time.perf_counter() - started
    resumed = counts[0] if counts else 0
    ran = len(result.runs) - resumed
    failed = len(result.failed)
    console.print(
        f"ipsim: {ran} runs in {elapsed:.1f} s"
        + (f" ({resumed} already in the store)" if resumed else "")
        + f"; {len(result.runs)} of {len(plan)} stored in {store.path}"
    )
    if failed:
        first = result.failed["error"].iloc[0]
        console.print(
            f"ipsim: [bold red]{failed} runs failed[/] (rows with their errors in "
            f"the store). First error: {first}"
        )
    if not result.complete:
        console.print(
            f"ipsim: {len(plan) - len(result.runs)} runs are missing (lost "
            "workers); run the same command again to finish them"
        )
        return EXIT_FAILED_RUNS
    if spec.sensitivity is not None:
        s = spec.sensitivity
        analysis = sensitivity(
            result,
            list(s.outcomes),
            strategy=s.strategy,
            relative_to=s.relative_to,
            entity=s.entity,
            aggregate=s.aggregate,
            conf_level=s.conf_level,
        )
        analysis.table().to_csv(out / "sensitivity.csv", index=False)
        analysis.figure().savefig(out / "sensitivity.png", dpi=120)
        console.print(
            f"ipsim: sensitivity indices in {out / 'sensitivity.csv'} and {out / 'sensitivity.png'}"
        )
    return EXIT_FAILED_RUNS if failed else 0
