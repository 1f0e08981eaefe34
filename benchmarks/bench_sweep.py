"""Benchmark of sweeps: runs per second with 1 and 2 workers, and Dask against processes.

Protocol (PLATFORM.md): BLAS and OpenMP pinned to one thread, a fresh Python process per
sample, configurations interleaved round-robin over several rounds, medians with min
and max, CPU time beside wall time. Each sample runs the same sweep (a grid over the
spillover rate, the default strategy against none) from the call of ``ipsim.sweep``
to its return, so the wall time includes starting the worker processes or the Dask
cluster, as a user sees it.

    python benchmarks/bench_sweep.py [--rounds 3] [--points 8] [--countries 30]

Prints a table and writes benchmarks/out/bench_sweep.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CONFIGS = [("serial", 1), ("processes", 1), ("processes", 2), ("dask", 2)]
ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def sample(executor: str, workers: int, points: int, countries: int) -> dict:
    """One timed sweep in this (fresh) process."""
    import ipsim

    base = ipsim.scenario_from_dict(
        {
            "name": "bench",
            "seed": 1,
            "horizon": {"years": 10},
            "world": {
                "source": "synthetic",
                "n_countries": countries,
                "stakeholders_per_country": 60,
            },
            "compare": ["none", "uniform"],
        }
    )
    values = [0.1 + 1.9 * i / max(points - 1, 1) for i in range(points)]
    stamps: list[float] = []
    cpu0 = _cpu()
    start = time.perf_counter()
    result = ipsim.sweep(
        base,
        {"dynamics.spillover_rate": values},
        replicates=1,
        executor=executor,
        workers=workers,
        entities=["WORLD"],
        progress=lambda done, total: stamps.append(time.perf_counter()),
    )
    wall = time.perf_counter() - start
    assert result.complete and (result.runs["status"] == "ok").all()
    finished = stamps[1:]  # the first call comes before any run
    # steady rate: runs after the first `workers` results, over the time they took
    steady = (len(finished) - workers) / (finished[-1] - finished[workers - 1])
    return {
        "executor": executor,
        "workers": workers,
        "runs": len(result.runs),
        "wall": wall,
        "first_result": finished[0] - start,
        "steady_runs_per_second": steady,
        "cpu_parent": _cpu() - cpu0,
        "run_seconds": float(result.runs["wall_seconds"].sum()),
    }


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--points", type=int, default=8, help="design points (x 2 strategies)")
    parser.add_argument("--countries", type=int, default=30)
    parser.add_argument(
        "--sample", nargs=2, metavar=("EXECUTOR", "WORKERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.sample:
        print(json.dumps(sample(args.sample[0], int(args.sample[1]), args.points, args.countries)))
        return
    samples: dict[tuple[str, int], list[dict]] = {c: [] for c in CONFIGS}
    for r in range(args.rounds):
        for executor, workers in CONFIGS:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--sample",
                    executor,
                    str(workers),
                    "--points",
                    str(args.points),
                    "--countries",
                    str(args.countries),
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **ENV},
            )
            samples[executor, workers].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(
                f"round {r + 1}: {executor} x{workers}: "
                f"{samples[executor, workers][-1]['wall']:.2f} s",
                file=sys.stderr,
            )
    rows = []
    for (executor, workers), got in samples.items():
        walls = [s["wall"] for s in got]
        runs = got[0]["runs"]
        rows.append(
            {
                "executor": executor,
                "workers": workers,
                "runs": runs,
                "wall_median": statistics.median(walls),
                "wall_min": min(walls),
                "wall_max": max(walls),
                "runs_per_second": runs / statistics.median(walls),
                "first_result_median": statistics.median(s["first_result"] for s in got),
                "steady_median": statistics.median(s["steady_runs_per_second"] for s in got),
                "cpu_parent_median": statistics.median(s["cpu_parent"] for s in got),
                "run_seconds_median": statistics.median(s["run_seconds"] for s in got),
            }
        )
    by = {(r["executor"], r["workers"]): r for r in rows}
    dask_over = by["dask", 2]["wall_median"] / by["processes", 2]["wall_median"]
    dask_steady = by["processes", 2]["steady_median"] / by["dask", 2]["steady_median"]
    print(
        f"{'executor':<10} {'workers':>7} {'runs':>5} {'wall s (min-max)':>22} "
        f"{'runs/s':>7} {'1st result s':>12} {'steady runs/s':>13} {'parent cpu s':>12} "
        f"{'in-run s':>9}"
    )
    for r in rows:
        print(
            f"{r['executor']:<10} {r['workers']:>7} {r['runs']:>5} "
            f"{r['wall_median']:>8.2f} ({r['wall_min']:.2f}-{r['wall_max']:.2f}) "
            f"{r['runs_per_second']:>7.2f} {r['first_result_median']:>12.2f} "
            f"{r['steady_median']:>13.2f} {r['cpu_parent_median']:>12.2f} "
            f"{r['run_seconds_median']:>9.2f}"
        )
    print(
        f"Dask LocalCluster against local processes (2 workers): {dask_over:.2f}x the wall "
        f"time with start-up, {dask_steady:.2f}x once running"
    )
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_sweep.json").write_text(
        json.dumps(
            {
                "rounds": args.rounds,
                "points": args.points,
                "countries": args.countries,
                "rows": rows,
                "dask_over_processes": dask_over,
                "dask_steady_ratio": dask_steady,
                "samples": {f"{e}-{w}": s for (e, w), s in samples.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
