"""One benchmark sample, run in a fresh process by ``benchmarks/run.py``; prints one JSON line.

Usage::

    python benchmarks/sample.py steps --impl core --per-country 167 --steps 12
    python benchmarks/sample.py model --countries 190
    python benchmarks/sample.py sweep --workers 2 --replicates 4

``steps`` builds one world and times ``--steps`` steps of one implementation: ``core``
(the fast core with no programme: the reference's rules), ``programme`` (the fast core
with the default programme and the uniform strategy), ``reference`` (the per-agent Mesa
reference) or ``kernel`` (the bare numpy kernel). Wall and CPU time of the steps are
reported apart from the set-up; memory is the process's peak resident set.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def scenario(countries: int, per_country: int, strategy: str, years: int | None = None):
    from ipsim.loading import load_scenario

    spec = load_scenario("default")
    world = spec.world.model_copy(
        update={"n_countries": countries, "stakeholders_per_country": per_country}
    )
    update = {"world": world}
    if years is not None:
        update["horizon"] = spec.horizon.model_copy(update={"years": years})
    return spec.model_copy(update=update).with_strategy(strategy)


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss_bytes() -> int:
    """Resident memory now (Linux), or 0 where /proc is missing."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * resource.getpagesize()


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def sample_steps(args: argparse.Namespace) -> dict:
    from ipsim.model import IPModel

    strategy = "uniform" if args.impl == "programme" else "none"
    spec = scenario(args.countries, args.per_country, strategy)
    rss_before = peak_rss_bytes()
    t0 = time.perf_counter()
    if args.impl == "reference":
        from reference import ReferenceModel

        model = ReferenceModel(spec, rng=args.seed)
        n_s, n_links = model.n_stakeholders, model.n_links()

        def run() -> None:
            model.run(args.steps)
    elif args.impl == "kernel":
        from kernel import Kernel

        core = IPModel(spec, rng=args.seed)
        n_s, n_links = core.n_stakeholders, core.network.n_links
        model = Kernel(core, seed=args.seed)
        del core

        def run() -> None:
            for _ in range(args.steps):
                model.step()
    else:
        model = IPModel(spec, rng=args.seed)
        n_s, n_links = model.n_stakeholders, model.network.n_links

        def run() -> None:
            for _ in range(args.steps):
                model.step()

    setup = time.perf_counter() - t0
    wall, cpu = timed(run)
    return {
        "impl": args.impl,
        "n_stakeholders": n_s,
        "n_links": n_links,
        "steps": args.steps,
        "setup_s": setup,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_bytes": peak_rss_bytes(),
        "rss_before_bytes": rss_before,
        "rss_end_bytes": current_rss_bytes(),
    }


def sample_model(args: argparse.Namespace) -> dict:
    from ipsim.model import IPModel

    spec = scenario(args.countries, args.per_country, args.strategy)
    t0 = time.perf_counter()
    c0 = time.process_time()
    model = IPModel(spec, rng=args.seed)
    setup = time.perf_counter() - t0
    model.run()
    run_wall = time.perf_counter() - t0 - setup
    t1 = time.perf_counter()
    table = model.tables(run_id="bench")
    tables = time.perf_counter() - t1
    return {
        "countries": args.countries,
        "n_stakeholders": model.n_stakeholders,
        "steps": model.steps,
        "setup_s": setup,
        "run_s": run_wall,
        "tables_s": tables,
        "rows": len(table),
        "wall_s": time.perf_counter() - t0,
        "cpu_s": time.process_time() - c0,
    }


def sample_sweep(args: argparse.Namespace) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    from ipsim.runner import run_experiment

    spec = scenario(args.countries, args.per_country, "uniform")
    spec = spec.model_copy(update={"compare": ["none", "uniform"]})
    t0 = time.perf_counter()
    if args.pool:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            runs, _ = run_experiment(spec, replicates=args.replicates, executor=pool)
    else:
        runs, _ = run_experiment(spec, replicates=args.replicates, workers=args.workers)
    wall = time.perf_counter() - t0
    return {
        "workers": args.workers,
        "pool": args.pool,
        "runs": len(runs),
        "ok": int((runs["status"] == "ok").sum()),
        "wall_s": wall,
        "run_seconds_sum": float(runs["wall_seconds"].sum()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    steps = sub.add_parser("steps")
    steps.add_argument(
        "--impl", choices=("core", "programme", "reference", "kernel"), required=True
    )
    steps.add_argument("--steps", type=int, default=4)
    model = sub.add_parser("model")
    model.add_argument("--strategy", default="uniform")
    sweep = sub.add_parser("sweep")
    sweep.add_argument("--workers", type=int, default=1)
    sweep.add_argument("--replicates", type=int, default=4)
    sweep.add_argument(
        "--pool",
        action="store_true",
        help="use a process pool even with one worker (executor overhead)",
    )
    for p in (steps, model, sweep):
        p.add_argument("--countries", type=int, default=60)
        p.add_argument("--per-country", type=int, default=60)
        p.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args(argv)
    handler = {"steps": sample_steps, "model": sample_model, "sweep": sample_sweep}[args.mode]
    print(json.dumps(handler(args)))


if __name__ == "__main__":
    main()
