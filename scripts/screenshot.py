"""Take the README's screenshot of the browser view: docs/figures/viz.png.

Starts ``ipsim viz`` on a free port, drives Debian's chromium with Playwright (a few
steps, the strategies compared, a country opened) and saves the page. Usage::

    python scripts/screenshot.py [--out docs/figures/viz.png] [--steps 12] [--country NAA]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port free on this machine now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(scenario: str | None, port: int) -> subprocess.Popen:
    """Start ``ipsim viz`` and return its process once it answers."""
    command = [sys.executable, "-m", "ipsim", "viz", "--port", str(port)]
    if scenario:
        command.insert(4, scenario)
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    process = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise SystemExit(f"ipsim viz stopped with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                process.terminate()
                raise SystemExit("ipsim viz did not answer within 90 s") from None
            time.sleep(0.3)


def take(url: str, out: Path, steps: int, country: str | None, compare: bool) -> None:
    """Drive the page at ``url`` and save a full-page screenshot to ``out``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_text("Time: 0.0").wait_for()
        for i in range(steps):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Time: {i + 1:.1f}").wait_for()
        if country:
            field = page.locator(".ipsim-country-select input[type=text]")
            field.click()
            field.fill(country)
            page.get_by_role("option", name=country, exact=True).click()
        if compare:
            page.get_by_role("button", name="Compare").click()
            page.wait_for_function(
                "() => !document.body.innerText.includes('one run each')", timeout=120_000
            )
        page.wait_for_timeout(800)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def main() -> int:
    """Run the script; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario (default: default)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures" / "viz.png")
    parser.add_argument("--steps", type=int, default=12, help="steps before the picture")
    parser.add_argument("--country", default="FAB", help="country the panel shows")
    parser.add_argument("--no-compare", action="store_true", help="skip the comparison")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"screenshot: needs {CHROMIUM} (scripts/ensure-chromium.sh)", file=sys.stderr)
        return 1
    port = free_port()
    server = start_server(args.scenario, port)
    try:
        take(f"http://127.0.0.1:{port}/", args.out, args.steps, args.country, not args.no_compare)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"screenshot: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
