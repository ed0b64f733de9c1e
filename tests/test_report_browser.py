"""report.html and the pages beside it in a real browser: headless Chromium (Debian's package,
installed by .ci/run), offline."""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from pathlib import Path

import pytest

from cleaner.cli.main import main

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
SEED = "seeds/003_0c92e233fc806f03.txt"
MOST_VIEWED = "rule:default/most-viewed"
#: A page that takes longer than this to first show anything counts as frozen.
FIRST_RENDER_LIMIT_MS = 5000


def load_bench():
    """benchmarks/bench_report.py (not a package): its synthetic corpus and its time budget."""
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "bench_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def watched(browser, **options):
    """A new page and the list its console errors, page errors and non-file requests go to."""
    page = browser.new_page(viewport={"width": 1100, "height": 900}, **options)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network request: {r.url}") if not r.url.startswith("file:") else None)
    return page, errors


def test_a_seed_page_shows_its_removed_line_with_its_reason_and_its_kept_lines(report, browser, tmp_path):
    page, errors = watched(browser)
    page.goto(report.as_uri())
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    page.locator("#docs a", has_text=SEED).click()
    assert page.locator("h1").inner_text() == "US, NATO discuss position ahead of Russia meeting"
    removed = page.locator("p.removed", has=page.locator("del", has_text="MOST VIEWED"))
    assert removed.count() == 1 and removed.locator("a.why").inner_text() == MOST_VIEWED
    assert removed.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    kept = page.locator("p.kept > span.t").all_inner_texts()
    output = (report.parent / "seeds" / "003_0c92e233fc806f03.txt").read_text(encoding="utf-8")
    assert kept == [line for line in output.strip().split("\n\n") if line.strip()] != []
    assert not any("MOST VIEWED" in line for line in kept)
    raw = page.locator("a", has_text="raw input")
    assert not raw.get_attribute("href").startswith(("/", "file:"))  # relative: OUTPUT can move with INPUT
    assert raw.evaluate("a => a.href") == (ROOT / "corpus_raw" / SEED).as_uri()
    page.screenshot(path=str(tmp_path / "document.png"), full_page=True)
    removed.locator("a.why").click()  # the reason's list: where it fired
    assert page.locator("h1").inner_text() == f"Documents with reason {MOST_VIEWED}"
    assert page.locator("#docs a", has_text=SEED).count() == 1
    assert errors == []
    assert all((tmp_path / name).stat().st_size > 10_000 for name in ("index.png", "document.png"))


def test_report_charts_have_size_and_nothing_goes_to_the_network(report, browser):
    page, errors = watched(browser)
    page.goto(report.as_uri())
    charts = page.locator("svg.chart")
    assert charts.count() >= 7  # kept share, reasons, languages, four of the run history
    for n in range(charts.count()):
        box = charts.nth(n).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20
    bars = [page.locator("svg.chart rect").nth(n).bounding_box() for n in range(3)]
    assert all(b is not None and b["width"] > 0 and b["height"] > 0 for b in bars)
    assert errors == []


def test_filtering_by_a_reason_narrows_the_list_to_the_documents_that_have_it(report, browser):
    documents = json.loads(report.with_name("report.json").read_text(encoding="utf-8"))["documents"]
    having = sorted(d["id"] for d in documents if MOST_VIEWED in d["removed_by_reason"])
    page, errors = watched(browser)
    page.goto(report.as_uri())
    rows = page.locator("#docs tbody tr")
    assert rows.count() == len(documents)
    page.select_option("#f-reason", MOST_VIEWED)
    shown = page.locator("#docs tbody tr:not([hidden]) td:first-child").all_inner_texts()
    assert shown == having and 0 < len(having) < len(documents)
    assert page.locator("#f-links a").get_attribute("href").startswith("report-pages/list/reason-")
    page.select_option("#f-reason", "")
    page.fill("#f-search", "003_0c92")  # searches this page, then the whole corpus's index
    page.locator("#f-found a").first.wait_for()
    assert page.locator("#docs tbody tr:not([hidden])").count() == 1
    assert page.locator("#f-found a").all_inner_texts() == [
        f"{SEED} · US, NATO discuss position ahead of Russia meeting"
    ]
    assert errors == []


def test_report_tables_show_with_javascript_disabled(report, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report.as_uri())
    assert page.locator("table").count() >= 5
    assert page.locator("td", has_text=MOST_VIEWED).first.is_visible()
    assert page.locator("th", has_text="Share of text kept").is_visible()  # the charts' numbers, as tables
    assert page.locator("td", has_text="90–100%").is_visible()
    assert page.locator("#docs tbody tr").count() == 13 and page.locator("#docs tbody tr").first.is_visible()
    page.locator("#docs a", has_text=SEED).click()
    assert page.locator("p.removed", has_text="MOST VIEWED").is_visible()
    context.close()


def test_a_report_of_10000_documents_is_written_in_budget_and_opens_at_once(browser, tmp_path):
    bench = load_bench()
    started = time.perf_counter()
    measured = bench.write_synthetic_report(tmp_path / "out", 10_000)
    seconds = time.perf_counter() - started
    page, errors = watched(browser)
    page.goto((tmp_path / "out" / "report.html").as_uri())
    # the paint entry can come a moment after the load event (under load, in CI): wait for it
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
    first = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    clock = time.perf_counter()
    page.select_option("#f-reason", "heuristic:caption")
    filtered = page.locator("#docs tbody tr:not([hidden])").count()
    filter_ms = 1000 * (time.perf_counter() - clock)
    print(
        f"\n10,000 documents: report written in {seconds:.1f} s ({measured['bytes'] / 1e6:.0f} MB), "
        f"first render {first:.0f} ms, a reason filter {filter_ms:.0f} ms"
    )
    page.screenshot(path=str(tmp_path / "index-10000.png"))
    assert seconds < bench.BUDGET_SECONDS_10K
    assert first < FIRST_RENDER_LIMIT_MS
    assert 0 < filtered < page.locator("#docs tbody tr").count()
    assert errors == []
