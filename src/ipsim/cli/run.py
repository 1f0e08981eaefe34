"""``ipsim run`` and ``ipsim report``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console

from ipsim.cli.common import non_negative, positive, runs_progress
from ipsim.errors import IpsimError
from ipsim.loading import load_scenario
from ipsim.outputs import check_destination, write_results
from ipsim.runner import RunOutcome, run_experiment


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``run`` and ``report``."""
    run = sub.add_parser(
        "run",
        help="run a scenario: every strategy, with replicates, and write the report",
        description="Run every strategy of a scenario on the same world (common random "
        "numbers), with replicates, in parallel; write tables, figures and report.md.",
    )
    run.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="a scenario file or the name of a shipped scenario (default: default)",
    )
    run.add_argument("--out", type=Path, help="results folder (default: results/<name>/)")
    run.add_argument("--replicates", type=positive, help="replicates per strategy")
    run.add_argument("--seed", type=non_negative, help="seed (default: the scenario's)")
    run.add_argument(
        "--workers", type=positive, help="local processes (default: all cores; 1: in this process)"
    )
    run.add_argument("--force", action="store_true", help="replace an existing results folder")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=run_command)

    report = sub.add_parser("report", help="rebuild figures and report.md from a results folder")
    report.add_argument("folder", type=Path, help="a folder written by 'ipsim run'")
    report.set_defaults(handler=report_command)


def run_command(args: argparse.Namespace) -> int:
    """Run a scenario and write its results."""
    console = Console(stderr=True)
    spec = load_scenario(args.scenario)
    if args.seed is not None and args.seed > 2**63 - 1:
        raise IpsimError(f"--seed must be below 2**63, got {args.seed}")
    out = args.out or Path("results") / spec.name
    check_destination(out, args.force)
    replicates = args.replicates or spec.replicates
    n_runs = len(spec.strategies) * replicates
    console.print(
        f"ipsim: running '{spec.name}': {len(spec.strategies)} strategies x "
        f"{replicates} replicates = {n_runs} runs"
    )
    started = time.perf_counter()
    failures: list[RunOutcome] = []
    with runs_progress(console, args.quiet) as bar:
        task = bar.add_task("runs", total=n_runs)

        def progress(outcome: RunOutcome) -> None:
            if outcome.row["status"] != "ok":
                failures.append(outcome)
            bar.advance(task)

        runs, metrics = run_experiment(
            spec, replicates=replicates, seed=args.seed, workers=args.workers, progress=progress
        )
    elapsed = time.perf_counter() - started
    if metrics.empty:
        first = failures[0].row["error"] if failures else "no run finished"
        console.print(f"ipsim: every run failed; nothing was written. First error: {first}")
        return 1
    meta = {
        "command": " ".join(sys.argv),
        "seconds": round(elapsed, 2),
        "runs": n_runs,
        "replicates": replicates,
        "seed": args.seed if args.seed is not None else spec.seed,
    }
    write_results(out, spec, runs, metrics, force=args.force, meta=meta)
    console.print(
        f"ipsim: {n_runs - len(failures)} runs in {elapsed:.1f} s; results in "
        f"{out}/ (report: {out / 'report.md'})"
    )
    if failures:
        console.print(
            f"ipsim: [bold red]{len(failures)} runs failed[/]; they are listed in "
            f"{out / 'runs.csv'} with their errors, and the report says so"
        )
        return 1
    return 0


def report_command(args: argparse.Namespace) -> int:
    """Rebuild a report from tables."""
    from ipsim.report import build_report  # matplotlib: only for the commands that draw

    path = build_report(args.folder)
    print(f"ipsim: report rebuilt: {path}")
    return 0
