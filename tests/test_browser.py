"""The browser view in a real browser: Debian's chromium driven by Playwright against a
running ``ipsim viz`` server (the default scenario)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium "
        "(scripts/ensure-chromium.sh installs it; make test runs that)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """An ``ipsim viz`` server on a free port; yields its address."""
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ipsim", "viz", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"ipsim viz stopped: {process.stdout.read()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("ipsim viz did not answer within 60 s")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def _open(context, url):
    page = context.new_page()
    failed: list[str] = []
    elsewhere: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((url, "data:", "blob:"))
            else elsewhere.append(request.url)
        ),
    )
    page.goto(url)
    page.get_by_text("Time: 0.0").wait_for()
    page.wait_for_function("document.querySelectorAll('.solara-echarts canvas').length >= 4")
    page.failed_requests = failed
    page.requests_elsewhere = elsewhere
    return page


def _step(page, times: int = 1) -> None:
    """Click Step ``times`` times, each time waiting for the counter and the readout."""
    start = int(float(page.get_by_text("Time:").inner_text().split(":")[1]))
    for i in range(times):
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"Time: {start + i + 1:.1f}").wait_for()
        page.wait_for_function(
            "n => document.body.innerText.includes(`step ${n} · `)", arg=start + i + 1
        )


def _readout(page) -> str:
    return page.locator("div", has_text="step ").filter(has_text=" · strategy ").last.inner_text()


def _indicators_image(page) -> str:
    chart = page.locator(".solara-echarts").nth(1)
    return chart.locator("canvas").first.evaluate("c => c.toDataURL()")


def _painted_pixels(page, index: int) -> int:
    chart = page.locator(".solara-echarts").nth(index)
    return chart.locator("canvas").first.evaluate("""c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }""")


def test_page_loads_offline_with_network_and_plots(context, server):
    page = _open(context, server)
    assert page.failed_requests == []
    assert page.requests_elsewhere == []  # every front-end file comes from the server
    assert page.locator(".solara-echarts").count() == 4
    for index in range(4):
        assert _painted_pixels(page, index) > 5_000, f"chart {index} is blank"
    body = page.inner_text("body")
    for text in (
        "Scenario",
        "Strategy",
        "Budget",
        "Seed",
        "Reset",
        "Step",
        "Country",
        "Compare 8 strategies",
        "Programme spend",
    ):
        assert text.lower() in body.lower()


def test_step_advances_the_counter_and_the_plots(context, server):
    page = _open(context, server)
    before = _indicators_image(page)
    _step(page)
    assert "step 1 · strategy uniform" in _readout(page)
    page.wait_for_function(
        """before => {
        const c = document.querySelectorAll('.solara-echarts')[1].querySelector('canvas');
        return c.toDataURL() !== before;
    }""",
        arg=before,
    )


def test_another_strategy_and_reset_change_the_plotted_values(context, server):
    page = _open(context, server)
    _step(page, 2)
    uniform_text, uniform_image = _readout(page), _indicators_image(page)
    page.locator(".v-select", has_text="Strategy").click()
    page.get_by_role("option", name="none", exact=True).click()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Time: 0.0").wait_for()
    _step(page, 2)
    page.wait_for_function("() => document.body.innerText.includes('strategy none')")
    none_text = _readout(page)
    assert none_text.endswith("· spent: 0") and not uniform_text.endswith("· spent: 0")
    assert none_text != uniform_text
    assert _indicators_image(page) != uniform_image


def test_two_tabs_keep_separate_models(context, server):
    first = _open(context, server)
    second = _open(context, server)
    _step(first, 2)
    second.bring_to_front()
    assert second.get_by_text("Time: 0.0").is_visible()
    _step(second)
    first.bring_to_front()
    assert first.get_by_text("Time: 2.0").is_visible()
    assert "step 2 ·" in _readout(first) and "step 1 ·" in _readout(second)


def test_play_runs_and_pause_stops(context, server):
    page = _open(context, server)
    page.get_by_role("button", name="▶").click()
    page.wait_for_function("""() => {
        const m = document.body.innerText.match(/Time: ([0-9.]+)/);
        return m && parseFloat(m[1]) >= 3;
    }""")
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for()
    page.wait_for_timeout(300)  # a step already under way finishes
    paused_at = page.get_by_text("Time:").inner_text()
    page.wait_for_timeout(1_000)
    assert page.get_by_text("Time:").inner_text() == paused_at
    assert float(paused_at.split(":")[1]) >= 3
