"""Screenshots of report.html and one document's page for the README (docs/*.png).

Cleans the repository's sample corpus (corpus_raw/) into a temporary folder, opens the report in
Debian's Chromium through playwright (the test extra) and saves two small PNGs:

    .venv/bin/python scripts/make_screenshots.py            # writes docs/report-index.png, docs/report-document.png
    .venv/bin/python scripts/make_screenshots.py --out DIR  # somewhere else
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from cleaner.cli.main import main as cleaner
from cleaner.report.html.layout import doc_page

ROOT = Path(__file__).resolve().parents[1]
#: The seed whose page is shown: a news dump with a "MOST VIEWED" box and a share bar.
SEED = "seeds/003_0c92e233fc806f03.txt"
#: Chromium as root in a sandbox-less container, offline.
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
#: The part of each page shown: wide enough for the tables, short enough for a small file (the
#: document's page down to just past its MOST VIEWED box, the front page down to its documents).
VIEWPORT = {"width": 1100, "height": 1500}
DOCUMENT_VIEWPORT = {"width": 1000, "height": 1650}
#: Pixels per CSS pixel: a little under 1 keeps the text readable and the files near 100-250 KB.
SCALE = 0.8


def shoot(out: Path) -> list[Path]:
    """Clean corpus_raw, then screenshot the front page and the seed's page; the files written."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("make_screenshots: no chromium on this machine (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "out"
        if cleaner(["run", str(ROOT / "corpus_raw"), str(report), "--quiet", "--workers", "1"]) != 0:
            sys.exit("make_screenshots: the cleaner run failed")
        shots = [(report / "report.html", out / "report-index.png")]
        shots.append((report / doc_page(SEED), out / "report-document.png"))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            for (source, target), viewport in zip(shots, (VIEWPORT, DOCUMENT_VIEWPORT), strict=True):
                page = browser.new_page(viewport=viewport, device_scale_factor=SCALE)
                page.goto(source.as_uri())
                page.screenshot(path=str(target))
            browser.close()
    return [target for _, target in shots]


def main() -> None:
    """Parse the options and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default: docs/)")
    for path in shoot(parser.parse_args().out):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
