"""Benchmark of the browser view: a model step, a redraw, and a Step click end to end.

What a viewer waits for after pressing Step is the model's step, then the redraw: the
server builds the four charts' options from the model's arrays (the browser draws them
with ECharts) and Solara sends them. The redraw reads the model after the step and is
never called from it, so it stays off the model's hot path (and with Mesa's "render
interval" it runs only every N steps while playing).

Measured, for the default scenario (60 countries x 60 stakeholders):

- ``step``: ``model.step()`` alone;
- ``redraw``: the four options built and serialised to JSON (what Solara sends);
- ``click``: a Step click in the page rendered without a browser (Solara's test
  helpers): step, re-render of every component, widget updates;
- ``browser`` (with ``--browser``, when /usr/bin/chromium exists): a Step click in
  chromium against a running ``ipsim viz``, until the page shows the new step and the
  indicators chart has been repainted.

Protocol (PLATFORM.md): BLAS and OpenMP pinned to one thread, a fresh Python process per
sample, kinds interleaved round-robin over the rounds, medians with min and max, CPU
time beside wall time.

    python benchmarks/bench_viz.py [--rounds 3] [--steps 20] [--browser]

Prints a table and writes benchmarks/out/bench_viz.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

KINDS = ("step", "redraw", "click")
ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
}
ROOT = Path(__file__).resolve().parent.parent


def _median_times(fn, n: int) -> dict:
    walls, cpus = [], []
    for _ in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return {"wall_ms": 1e3 * statistics.median(walls), "cpu_ms": 1e3 * statistics.median(cpus)}


def sample(kind: str, steps: int) -> dict:
    """One sample of ``kind`` in this (fresh) process: medians over ``steps`` steps."""
    from ipsim.viz.viewmodel import ViewModel

    if kind in ("step", "redraw"):
        from ipsim.viz import portrayal

        model = ViewModel()
        links = portrayal.network_links(model)
        for _ in range(2):
            model.step()

        def redraw() -> None:
            options = [
                portrayal.network_option(model, links, 0),
                portrayal.indicators_option(model),
                portrayal.country_network_option(model, 0),
                portrayal.country_indicators_option(model, 0),
            ]
            json.dumps(options)

        if kind == "step":
            return _median_times(model.step, steps)
        times = []
        for _ in range(steps):  # a redraw after each step, timed alone
            model.step()
            times.append(_median_times(redraw, 1))
        return {k: statistics.median(t[k] for t in times) for k in times[0]}

    import ipyvuetify as v
    import solara

    from ipsim.viz.app import App

    @solara.component
    def Page():  # noqa: N802 - a Solara component
        with solara.AppLayout():
            App("default")

    _, rc = solara.render(Page(), handle_error=False)
    button = rc.find(v.Btn, children=["Step"]).widget
    for _ in range(2):
        button.click()
    result = _median_times(button.click, steps)
    rc.close()
    return result


def browser_sample(steps: int) -> dict:
    """Step clicks in chromium against ``ipsim viz``: median time to the repainted page."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from playwright.sync_api import sync_playwright
    from screenshot import CHROMIUM, CHROMIUM_ARGS, free_port, start_server

    port = free_port()
    server = start_server(None, port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Time: 0.0").wait_for(timeout=60_000)
            page.wait_for_function(
                "document.querySelectorAll('.solara-echarts canvas').length >= 4"
            )
            button = page.get_by_role("button", name="Step")
            walls = []
            for i in range(steps + 2):
                before = (
                    page.locator(".solara-echarts canvas").nth(1).evaluate("c => c.toDataURL()")
                )
                start = time.perf_counter()
                button.click()
                page.get_by_text(f"Time: {i + 1:.1f}").wait_for()
                page.wait_for_function(
                    """b => document.querySelectorAll('.solara-echarts')[1]
                    .querySelector('canvas').toDataURL() !== b""",
                    arg=before,
                )
                if i >= 2:
                    walls.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"wall_ms": 1e3 * statistics.median(walls), "cpu_ms": float("nan")}


def main() -> None:
    """Run the benchmark (or, with ``--sample``, one sample)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--browser", action="store_true", help="also time clicks in chromium")
    parser.add_argument("--sample", choices=[*KINDS, "browser"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sample:
        result = (
            browser_sample(args.steps)
            if args.sample == "browser"
            else sample(args.sample, args.steps)
        )
        print(json.dumps(result))
        return
    kinds = list(KINDS)
    if args.browser and Path("/usr/bin/chromium").exists():
        kinds.append("browser")
    samples: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            out = subprocess.run(
                [sys.executable, __file__, "--sample", kind, "--steps", str(args.steps)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **ENV},
            )
            samples[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"Browser view, default scenario; {args.rounds} processes per row, median "
        f"over {args.steps} steps in each"
    )
    print(f"{'':8} {'wall ms: median':>15} {'min':>7} {'max':>7} {'cpu ms: median':>15}")
    summary = {}
    for kind, rows in samples.items():
        wall = [r["wall_ms"] for r in rows]
        cpu = [r["cpu_ms"] for r in rows]
        summary[kind] = {"wall_ms": wall, "cpu_ms": cpu}
        print(
            f"{kind:8} {statistics.median(wall):15.1f} {min(wall):7.1f} {max(wall):7.1f} "
            f"{statistics.median(cpu):15.1f}"
        )
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_viz.json").write_text(
        json.dumps({"rounds": args.rounds, "steps": args.steps, "samples": summary}, indent=2)
    )


if __name__ == "__main__":
    main()
