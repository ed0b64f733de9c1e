"""report.html in a real browser: headless Chromium (Debian's package, installed by .ci/run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cleaner.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (.ci/run installs it)")

#: Chromium as root in a sandbox-less container, with no network: no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(ROOT / "corpus_raw"), str(out), "--quiet", "--workers", "1"]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_report_renders_charts_without_console_errors(report, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network request: {r.url}") if not r.url.startswith("file:") else None)
    page.goto(report.as_uri())
    bars = page.locator("svg.chart rect")
    assert bars.count() >= 3
    box = bars.first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert page.locator("h2", has_text="Run history").count() == 1
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == []


def test_report_tables_show_with_javascript_disabled(report, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report.as_uri())
    assert page.locator("table").count() >= 4
    assert page.locator("td", has_text="rule:default/most-viewed").first.is_visible()
    context.close()
