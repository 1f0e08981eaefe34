"""ipsim's benchmarks: ``make bench`` (full) or ``make bench BENCHFLAGS=--quick``.

Protocol (../shared/PLATFORM.md): BLAS and OpenMP threads pinned to 1, a fresh process
per sample (``benchmarks/sample.py``), implementations interleaved round-robin within
each round (the order rotates between rounds), medians with min and max over rounds,
CPU time beside wall time. Ratios are taken between medians measured in this one run.

Writes ``benchmarks/results.json`` (machine-readable) and ``benchmarks/RESULTS.md``
(for a person). ``bench_viz.py`` and ``bench_sweep.py``, when present, are run as
subprocesses and their output is appended to RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
IPSIM = str(Path(PYTHON).parent / "ipsim")
ENV = {
    **os.environ,
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "Agg",
}

COUNTRIES = 60
# Stakeholder agents per country for about 1k, 10k, ... stakeholders in 60 countries.
PER_COUNTRY = {1_000: 17, 10_000: 167, 30_000: 500, 100_000: 1667, 300_000: 5000, 1_000_000: 16667}
# Steps per sample: multiples of a year (4 steps), so every sample has the same share
# of yearly link formation.
STEPS = {
    "reference": {1_000: 8, 10_000: 4, 100_000: 4},
    "core": {1_000: 40, 10_000: 20, 100_000: 8},
    "kernel": {1_000: 40, 10_000: 20, 100_000: 8},
    "programme": {1_000: 40, 10_000: 20, 30_000: 8, 100_000: 8, 300_000: 4, 1_000_000: 4},
}


def sample(*args: str, timeout: float = 1800) -> dict:
    """Run one sample in a fresh process and return its JSON line."""
    cmd = [PYTHON, str(HERE / "sample.py"), *args]
    out = subprocess.run(
        cmd, env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"sample failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def stats(values: list[float]) -> dict:
    """Median, min and max."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def interleaved(jobs: list[tuple[str, tuple[str, ...]]], rounds: int) -> dict[str, list[dict]]:
    """Run every job once per round, rotating the order between rounds."""
    results: dict[str, list[dict]] = {key: [] for key, _ in jobs}
    for r in range(rounds):
        shift = r % len(jobs)
        for key, args in jobs[shift:] + jobs[:shift]:
            results[key].append(sample(*args))
            log(f"round {r + 1}/{rounds} {key}: wall {results[key][-1]['wall_s']:.3f} s")
    return results


def per_step(samples: list[dict], clock: str) -> dict:
    return stats([s[f"{clock}_s"] / s["steps"] for s in samples])


def updates_per_second(samples: list[dict], clock: str) -> dict:
    return stats([s["n_stakeholders"] * s["steps"] / s[f"{clock}_s"] for s in samples])


def bench_core(sizes: list[int], rounds: int) -> dict:
    """Core, programme, bare kernel and Mesa reference, interleaved at each size."""
    out = {}
    for n in sizes:
        jobs = []
        for impl in ("core", "kernel", "programme", "reference"):
            jobs.append(
                (
                    impl,
                    (
                        "steps",
                        "--impl",
                        impl,
                        "--countries",
                        str(COUNTRIES),
                        "--per-country",
                        str(PER_COUNTRY[n]),
                        "--steps",
                        str(STEPS[impl][n]),
                    ),
                )
            )
        log(f"core vs reference vs kernel at {n:,} stakeholders")
        res = interleaved(jobs, rounds)
        entry = {
            "n_stakeholders": res["core"][0]["n_stakeholders"],
            "n_links": res["core"][0]["n_links"],
        }
        for impl, samples in res.items():
            entry[impl] = {
                "steps": samples[0]["steps"],
                "setup_s": stats([s["setup_s"] for s in samples]),
                "step_wall_s": per_step(samples, "wall"),
                "step_cpu_s": per_step(samples, "cpu"),
                "updates_per_s_wall": updates_per_second(samples, "wall"),
                "updates_per_s_cpu": updates_per_second(samples, "cpu"),
            }
        for clock in ("wall", "cpu"):
            key = f"updates_per_s_{clock}"
            entry[f"core_vs_mesa_{clock}"] = (
                entry["core"][key]["median"] / entry["reference"][key]["median"]
            )
            entry[f"programme_vs_mesa_{clock}"] = (
                entry["programme"][key]["median"] / entry["reference"][key]["median"]
            )
            step = f"step_{clock}_s"
            entry[f"core_vs_numpy_{clock}"] = (
                entry["core"][step]["median"] / entry["kernel"][step]["median"]
            )
            entry[f"programme_vs_numpy_{clock}"] = (
                entry["programme"][step]["median"] / entry["kernel"][step]["median"]
            )
        out[str(n)] = entry
    return out


def fit_exponent(x: list[float], y: list[float]) -> float:
    slope, _ = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope)


def bench_scaling(sizes: list[int], rounds: int) -> dict:
    """Time per step and peak memory of the full core (default programme), 10k to 1M."""
    jobs = [
        (
            str(n),
            (
                "steps",
                "--impl",
                "programme",
                "--countries",
                str(COUNTRIES),
                "--per-country",
                str(PER_COUNTRY[n]),
                "--steps",
                str(STEPS["programme"][n]),
            ),
        )
        for n in sizes
    ]
    log(f"scaling over {', '.join(f'{n:,}' for n in sizes)} stakeholders")
    res = interleaved(jobs, rounds)
    rows = []
    for n in sizes:
        samples = res[str(n)]
        rows.append(
            {
                "n_stakeholders": samples[0]["n_stakeholders"],
                "n_links": samples[0]["n_links"],
                "steps": samples[0]["steps"],
                "setup_s": stats([s["setup_s"] for s in samples]),
                "step_wall_s": per_step(samples, "wall"),
                "step_cpu_s": per_step(samples, "cpu"),
                "peak_rss_bytes": stats([s["peak_rss_bytes"] for s in samples]),
                "rss_end_bytes": stats([s["rss_end_bytes"] for s in samples]),
            }
        )
    size = [r["n_stakeholders"] + r["n_links"] for r in rows]
    agents = [r["n_stakeholders"] for r in rows]
    rss = [r["peak_rss_bytes"]["median"] for r in rows]
    slope, intercept = np.polyfit(agents, rss, 1)
    steady = [r["rss_end_bytes"]["median"] for r in rows]
    steady_slope, _ = np.polyfit(agents, steady, 1)
    return {
        "rows": rows,
        "exponent_wall": fit_exponent(size, [r["step_wall_s"]["median"] for r in rows]),
        "exponent_cpu": fit_exponent(size, [r["step_cpu_s"]["median"] for r in rows]),
        "bytes_per_stakeholder": float(slope),
        "baseline_rss_bytes": float(intercept),
        "steady_bytes_per_stakeholder": float(steady_slope),
        "largest_peak_rss_bytes": rss[-1],
    }


def bench_users(rounds: int) -> dict:
    """``ipsim run`` on the default scenario; one model run of it; one 190-country run."""
    log("what users feel: ipsim run on the default scenario, model runs")
    cli = []
    for _ in range(rounds):
        out = Path(tempfile.mkdtemp(prefix="ipsim-bench-"))
        t0 = time.perf_counter()
        done = subprocess.run(
            [IPSIM, "run", "--force", "--quiet", "--out", str(out / "r")],
            env=ENV,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        cli.append(time.perf_counter() - t0)
        shutil.rmtree(out, ignore_errors=True)
        if done.returncode != 0:
            raise RuntimeError(f"ipsim run failed:\n{done.stderr[-2000:]}")
        log(f"ipsim run: {cli[-1]:.2f} s")
    jobs = [
        ("default", ("model", "--countries", "60", "--per-country", "60")),
        ("world190", ("model", "--countries", "190", "--per-country", "60")),
    ]
    res = interleaved(jobs, rounds)
    out: dict = {"cli_default_s": stats(cli)}
    for key, samples in res.items():
        out[key] = {
            k: stats([s[k] for s in samples])
            for k in ("setup_s", "run_s", "tables_s", "wall_s", "cpu_s")
        }
        out[key]["n_stakeholders"] = samples[0]["n_stakeholders"]
        out[key]["steps"] = samples[0]["steps"]
    return out


def bench_sweeps(rounds: int, replicates: int) -> dict:
    """Runs per second with 1 and 2 local workers, and a process pool's overhead per run."""
    log("sweeps: 1 and 2 workers, pool overhead")
    base = ("sweep", "--replicates", str(replicates))
    jobs = [
        ("serial", (*base, "--workers", "1")),
        ("pool1", (*base, "--workers", "1", "--pool")),
        ("pool2", (*base, "--workers", "2")),
    ]
    res = interleaved(jobs, rounds)
    n_runs = res["serial"][0]["runs"]
    wall = {k: statistics.median(s["wall_s"] for s in v) for k, v in res.items()}
    rate = {k: n_runs / w for k, w in wall.items()}
    return {
        "runs": n_runs,
        "wall_s": {k: stats([s["wall_s"] for s in v]) for k, v in res.items()},
        "runs_per_s": rate,
        "parallel_efficiency": rate["pool2"] / (2 * rate["serial"]),
        "executor_overhead_per_run_s": (wall["pool1"] - wall["serial"]) / n_runs,
        "failed": sum(s["runs"] - s["ok"] for v in res.values() for s in v),
    }


def helper_benchmarks(quick: bool) -> dict[str, str]:
    """Run bench_viz.py and bench_sweep.py if they exist; keep the tail of their output."""
    out = {}
    quick_args = {"bench_sweep.py": ["--rounds", "1", "--points", "4"], "bench_viz.py": []}
    for name in ("bench_viz.py", "bench_sweep.py"):
        path = HERE / name
        if not path.exists():
            continue
        log(f"running {name}")
        args = [PYTHON, str(path), *(quick_args[name] if quick else [])]
        done = subprocess.run(
            args, env=ENV, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
        )
        text = (done.stdout + ("\n" + done.stderr if done.returncode else "")).strip()
        out[name] = f"exit code {done.returncode}\n" + "\n".join(text.splitlines()[-40:])
    return out


def _numba_version() -> str | None:
    """numba's version if the core uses its kernels (ipsim.accel), else None."""
    from ipsim import accel

    if not accel.enabled():
        return None
    import numba

    return numba.__version__


def machine() -> dict:
    import mesa
    import scipy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        "numba": _numba_version(),
        "platform": platform.platform(),
        "load_average_start": os.getloadavg(),
    }


def write_markdown(results: dict, path: Path) -> None:
    m = results["machine"]
    core = results["core"]
    lines = [
        "# ipsim benchmarks",
        "",
        f"Measured {results['date']} with `{results['command']}` "
        f"({'quick' if results['quick'] else 'full'} mode, {results['rounds']} rounds, "
        f"{results['duration_s'] / 60:.1f} minutes).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, "
        f"{(m['memory_bytes'] or 0) / 2**30:.0f} GiB; Python {m['python']}, numpy "
        f"{m['numpy']}, scipy {m['scipy']}, Mesa {m['mesa']}, "
        + (
            f"numba {m['numba']} (the core's compiled kernels in use)"
            if m.get("numba")
            else "no numba (the core's pure-numpy code)"
        )
        + ". Load average at the start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_start'])}, at the end "
        f"{', '.join(f'{x:.2f}' for x in results['load_average_end'])} (the machine is "
        "shared: wall times include waiting for a core, CPU times do not).",
        "",
        "Protocol: `OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1`, a fresh process per sample "
        "(`benchmarks/sample.py`), implementations interleaved round-robin with the order "
        "rotating between rounds; medians, with [min, max] over rounds. Set-up (building "
        "the world and network) is timed apart and excluded from per-step figures.",
        "",
        "## 1-2. Fast core against the Mesa reference and the bare numpy kernel",
        "",
        "Agent-updates per second = stakeholder agents x steps / time of the steps. "
        "`core`: the fast core with no programme (the same rules as the reference); "
        "`programme`: the fast core with the default programme (uniform strategy); "
        "`reference`: `benchmarks/reference.py`, one Mesa agent per office and "
        "stakeholder, `shuffle_do`; `kernel`: `benchmarks/kernel.py`, the same "
        "per-stakeholder update as bare arrays (one generator, no bookkeeping; the "
        "core's own compiled loops for the link passes and the samplers).",
        "",
        "| stakeholders | links | impl | steps | ms/step wall | ms/step CPU | "
        "updates/s wall | updates/s CPU |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for entry in core.values():
        for impl in ("core", "programme", "kernel", "reference"):
            e = entry[impl]
            w, c = e["step_wall_s"], e["step_cpu_s"]
            lines.append(
                f"| {entry['n_stakeholders']:,} | {entry['n_links']:,} | {impl} | "
                f"{e['steps']} | {w['median'] * 1e3:.2f} [{w['min'] * 1e3:.2f}, "
                f"{w['max'] * 1e3:.2f}] | {c['median'] * 1e3:.2f} | "
                f"{e['updates_per_s_wall']['median']:,.0f} | "
                f"{e['updates_per_s_cpu']['median']:,.0f} |"
            )
    lines += [
        "",
        "| stakeholders | core / Mesa (wall) | core / Mesa (CPU) | programme / Mesa (CPU) "
        "| core step / kernel step (wall) | (CPU) | programme step / kernel step (CPU) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in core.values():
        lines.append(
            f"| {entry['n_stakeholders']:,} | {entry['core_vs_mesa_wall']:.1f}x | "
            f"{entry['core_vs_mesa_cpu']:.1f}x | {entry['programme_vs_mesa_cpu']:.1f}x | "
            f"{entry['core_vs_numpy_wall']:.2f} | {entry['core_vs_numpy_cpu']:.2f} | "
            f"{entry['programme_vs_numpy_cpu']:.2f} |"
        )
    sc = results["scaling"]
    lines += [
        "",
        "## 3. Scaling (full core with the default programme)",
        "",
        "| stakeholders | links | steps | set-up s | ms/step wall | ms/step CPU | "
        "peak RSS MiB | RSS after the steps MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sc["rows"]:
        lines.append(
            f"| {r['n_stakeholders']:,} | {r['n_links']:,} | {r['steps']} | "
            f"{r['setup_s']['median']:.2f} | {r['step_wall_s']['median'] * 1e3:.1f} "
            f"[{r['step_wall_s']['min'] * 1e3:.1f}, {r['step_wall_s']['max'] * 1e3:.1f}] | "
            f"{r['step_cpu_s']['median'] * 1e3:.1f} | "
            f"{r['peak_rss_bytes']['median'] / 2**20:.0f} | "
            f"{r['rss_end_bytes']['median'] / 2**20:.0f} |"
        )
    lines += [
        "",
        f"Fitted exponent of time per step against stakeholders + links: "
        f"{sc['exponent_wall']:.3f} (wall), {sc['exponent_cpu']:.3f} (CPU). Memory: "
        f"{sc['bytes_per_stakeholder']:,.0f} bytes per stakeholder (slope of peak RSS, which "
        f"includes set-up), {sc['steady_bytes_per_stakeholder']:,.0f} bytes (slope of the "
        f"resident memory after the steps); the largest world peaked at "
        f"{sc['largest_peak_rss_bytes'] / 2**30:.2f} GiB.",
    ]
    u = results["users"]
    lines += [
        "",
        "## 4. What users feel",
        "",
        f"- `ipsim run --force --quiet --out DIR` on the default scenario (8 strategies x 5 "
        f"replicates, 60 countries x 60 stakeholders, 40 steps, all cores; start-up, runs, "
        f"tables, figures, report): {u['cli_default_s']['median']:.2f} s "
        f"[{u['cli_default_s']['min']:.2f}, {u['cli_default_s']['max']:.2f}].",
    ]
    for key, label in (
        ("default", "One run of the default scenario"),
        ("world190", "One replicate of a 190-country world"),
    ):
        e = u[key]
        lines.append(
            f"- {label} ({e['n_stakeholders']:,} stakeholders, {e['steps']} steps, uniform "
            f"strategy): set-up {e['setup_s']['median']:.3f} s, run "
            f"{e['run_s']['median']:.3f} s, tidy table {e['tables_s']['median']:.3f} s; "
            f"model time {e['setup_s']['median'] + e['run_s']['median']:.3f} s "
            f"(CPU {e['cpu_s']['median']:.3f} s in all)."
        )
    s = results["sweeps"]
    lines += [
        "",
        "## 5. Sweeps",
        "",
        f"{s['runs']} runs (default world, strategies none and uniform) through "
        "`ipsim.runner.run_experiment`: in-process serial "
        f"{s['runs_per_s']['serial']:.2f} runs/s; a process pool with 1 worker "
        f"{s['runs_per_s']['pool1']:.2f} runs/s; 2 workers {s['runs_per_s']['pool2']:.2f} "
        f"runs/s. Parallel efficiency with 2 workers (against serial): "
        f"{s['parallel_efficiency']:.2f}. Executor overhead per run (pool of 1 against "
        f"serial, process start-up included): {s['executor_overhead_per_run_s'] * 1e3:.0f} ms.",
    ]
    for name, text in results.get("helpers", {}).items():
        lines += ["", f"## Output of `benchmarks/{name}`", "", "```", text, "```"]
    lines += ["", "## Where the time goes", "", NOTES, ""]
    path.write_text("\n".join(lines))


NOTES = """Profiled with pyinstrument (`python benchmarks/profile_step.py`, wall clock),
cProfile (CPU clock) and per-phase timers on the default world (60 countries x 60
stakeholders, every built-in strategy) and at 100k and 1M stakeholders (no programme and
uniform).

- 100k stakeholders, no programme, mean ms per step (CPU, measured while another job kept
  both cores busy, so about 20% above a quiet machine), before and after the changes
  below: filings 17.2 -> 5.4 (per-stakeholder means 2.5 -> 1.3, one uniform per count
  from each country's stream 0.8, inversion 1.6, numpy's sampler for the few large means
  0.5 to 1.7, per-country sums 0.2); awareness 7.3 -> 3.9 (neighbour mean 2.2 -> 1.25,
  binomial draws 2.7 -> 1.4 with their uniforms); learning along links 4.5 -> 2.1
  (upward pull 3.7 -> 1.3); new partnerships once a year 3.5 -> 3.8 amortised (14 to 18
  ms per year, mostly merging about 15k links into 700k CSR entries: fresh arrays, page
  faults, and numpy's weighted choice per country); recorder 1.5 -> 0.5; everything else
  under 1 ms. Step 34.5 -> about 16 ms under that load.
- Second round, 100k stakeholders, no programme, ms per step (wall, per-phase
  timers over 12 steps, one other job on the machine): new partnerships 4.2 -> 1.4
  amortised (16 -> about 5 ms per year: merge in place 10 -> 3, partner choice 3 -> 0.6);
  filings 5.1 -> 4.6 (inversion kernels 0.5 -> 0.3 and 0.28 -> 0.21 ms: the ratio is
  computed only for counts above 0, P(0) in place); awareness 3.6 -> 2.9 (one pass for
  the adoption probability, neighbour mean 1.07 -> 0.97); learning along links 2.0 -> 1.6
  (upward pull 1.14 -> 1.04, the rate per country). Step about 16.3 -> 11.5 ms. What is
  left is mostly bound by the machine: two passes over 660k CSR entries (about 1 ms each,
  a dependent chain of adds per actor), 300k uniforms (0.9 ms), the vectorised exp, log1p,
  expm1 and power over 100k agents (about 1.2 ms in all; numpy's, so that both engines
  agree bit for bit), and the yearly merge's two moves of the CSR arrays (2 ms a year).
- Default world, one run in a fresh process: model time 0.27 s -> about 0.5 s with the
  compiled kernels, because importing numba (0.17 to 0.27 s) and loading its cached
  kernels (about 0.1 s) happen once per process, in the model's set-up (the run itself
  is 0.13 s against 0.29 s with numpy). Using numpy below 10,000 stakeholders cut that
  one run to 0.34 s (tried, measured with `make bench`), but every process that runs
  more than two small models then loses: the serial sweep fell from 5.6 to 3.8 runs/s
  and `ipsim run` on the default scenario (40 runs on 2 workers) took longer. The
  kernels are therefore used at every size; the import is reported, not hidden.

Optimisations made:

- Random counts by inversion (`ipsim.sampling`): each country's stream gives one uniform
  per count (its stakeholders' patents, trademarks, then non-residents'; its
  stakeholders' awareness adoptions), the count is the smallest k with u < F(k), summed
  term by term from P(0); counts with a large mean (negative binomial above 50, binomial
  above 30 or p > 0.5) are drawn afterwards with numpy's sampler from the same stream.
  The counts are exactly negative binomial (binomial) up to rounding (tested against
  scipy's pmfs), common random numbers hold, and the results changed once (other draws);
  the default scenario's outcomes agree with the earlier ones within their bands. numpy
  drew a negative binomial as a gamma-Poisson mixture at about 50 ns; a uniform costs
  3 ns and most counts have small means (median 0.02 a quarter).
- Compiled kernels (`ipsim.accel`, numba from the `fast` extra; `IPSIM_NUMBA=0` or no
  numba gives the pure-numpy code, which the tests also run and compare: counts equal,
  floats within 1e-12): the inversion loops, the two passes over the links (one loop per
  actor over its CSR row, 32-bit column indices), per-country sums over the contiguous
  stakeholder blocks, and the yearly CSR insertion. numba was needed: vectorised numpy
  inversion has to run in rounds with compaction (4 to 6 ms for 200k counts, as slow as
  numpy's sampler), and the link passes are bound by gathers, temporaries and bincount
  (3.5 ms for the upward pull against 1.3 compiled). P(0) is computed by numpy for both
  engines (vectorised exp and log1p), so the engines agree on it bit for bit.
- Per step, things that do not change are computed once: each stakeholder's size times
  its kind's filing rates, the filing shapes, the legal practitioners' indices and
  organisations (their mean expertise sums only their rows), the aware factor (shared by
  patents and trademarks); the awareness pass reuses its buffers.
- New partnerships (second round): the link and CSR arrays keep spare capacity (a quarter,
  untouched so not resident) and new entries are merged in place from the back, block by
  block (no fresh arrays, no page faults); positions come from a binary search in each
  actor's row (no array of keys kept); rows are made from `indptr` only when the numpy
  code needs them; columns are 32-bit; the strength is re-summed only for the rows that
  changed. Partners are chosen by inverting one uniform per draw on each country's
  cumulative attractiveness, numpy's own `choice` algorithm without its checks of `p`:
  the same draws (tested against `Generator.choice` and the closed form), all countries
  in one compiled pass.
- Short CSR rows (8 partners or fewer) are summed in an unrolled loop, which the CPU
  predicts better than a loop ending after a varying number of partners (the end of each
  actor's loop was a mispredicted branch); the sums and their order are unchanged.
- Earlier: new partnerships are merged into the sorted CSR arrays instead of re-sorting
  every link each year (136 ms -> about 15 ms at 100k stakeholders), per-country
  generators are looked up once per model, and the tidy table is built from arrays in
  one DataFrame (5 to 10 times faster).
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run ipsim's benchmarks.")
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds and steps (a few minutes)"
    )
    parser.add_argument("--rounds", type=int, help="rounds (default: 3, quick: 1)")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=("core", "scaling", "users", "sweeps", "helpers"),
        help="run only these parts (results.json is then not replaced)",
    )
    parser.add_argument(
        "--markdown-only",
        action="store_true",
        help="rewrite RESULTS.md from results.json without measuring",
    )
    args = parser.parse_args(argv)
    if args.markdown_only:
        write_markdown(json.loads((HERE / "results.json").read_text()), HERE / "RESULTS.md")
        return
    rounds = args.rounds or (1 if args.quick else 3)
    parts = set(args.only or ("core", "scaling", "users", "sweeps", "helpers"))
    start = time.perf_counter()
    results: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "make bench" + (" BENCHFLAGS=--quick" if args.quick else ""),
        "quick": args.quick,
        "rounds": rounds,
        "machine": machine(),
    }
    if "core" in parts:
        results["core"] = bench_core([1_000, 10_000, 100_000], rounds)
    if "scaling" in parts:
        sizes = (
            [10_000, 100_000, 1_000_000]
            if args.quick
            else [10_000, 30_000, 100_000, 300_000, 1_000_000]
        )
        results["scaling"] = bench_scaling(sizes, rounds)
    if "users" in parts:
        results["users"] = bench_users(rounds)
    if "sweeps" in parts:
        results["sweeps"] = bench_sweeps(rounds, replicates=3 if args.quick else 8)
    if "helpers" in parts:
        results["helpers"] = helper_benchmarks(args.quick)
    results["duration_s"] = time.perf_counter() - start
    results["load_average_end"] = os.getloadavg()
    if args.only:
        print(json.dumps(results, indent=1))
        return
    core = results["core"]
    results.update(
        {
            "core_vs_mesa_ratio": {k: v["core_vs_mesa_wall"] for k, v in core.items()},
            "core_vs_mesa_ratio_cpu": {k: v["core_vs_mesa_cpu"] for k, v in core.items()},
            "core_vs_numpy_ratio": {k: v["core_vs_numpy_wall"] for k, v in core.items()},
            "core_vs_numpy_ratio_cpu": {k: v["core_vs_numpy_cpu"] for k, v in core.items()},
            "scaling_exponent": results["scaling"]["exponent_wall"],
            "scaling_exponent_cpu": results["scaling"]["exponent_cpu"],
            "bytes_per_stakeholder": results["scaling"]["bytes_per_stakeholder"],
            "default_run_seconds": results["users"]["cli_default_s"]["median"],
            "default_model_seconds": (
                results["users"]["default"]["setup_s"]["median"]
                + results["users"]["default"]["run_s"]["median"]
            ),
            "sweep_parallel_efficiency": results["sweeps"]["parallel_efficiency"],
        }
    )
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    write_markdown(results, HERE / "RESULTS.md")
    log(
        f"wrote benchmarks/results.json and benchmarks/RESULTS.md in "
        f"{results['duration_s'] / 60:.1f} min"
    )


if __name__ == "__main__":
    main()
