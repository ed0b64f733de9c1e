"""The extraction issue's speed figure: `cleaner run` against trafilatura fast alone, same pages.

    python benchmarks/bench_speed.py [--pages 200] [--runs 3] [-- extra cleaner run options]

Copies the first N traf-dev pages (name order) to a temporary folder, then runs, in turn and
`--runs` times each, `cleaner run` with one worker over them (a full clean, into a fresh OUTPUT) and
trafilatura's `extract(fast=True)` over the same pages in one worker process. Prints each run's
wall and CPU seconds (the process and its children, as the OS accounts them) and the median ratios.
Both include their own start-up: that is what a user waits for.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "bench" / "traf-dev" / "html"


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("options", nargs="*", help="extra `cleaner run` options (after --)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for page in sorted(PAGES.iterdir())[: args.pages]:
            shutil.copy(page, folder / page.name)
        cleaner = [sys.executable, "-m", "cleaner", "run", str(folder), "OUT", "--workers", "1", "--quiet"]
        anchor = [sys.executable, str(ROOT / "benchmarks" / "bench_extractors.py"), "--workers", "1"]
        anchor += ["--anchor-only", "trafilatura-fast", str(folder), str(Path(tmp) / "anchor.jsonl")]
        rows = []
        for run in range(args.runs):
            out = Path(tmp) / f"out{run}"
            a = timed([out.as_posix() if part == "OUT" else part for part in cleaner] + args.options)
            b = timed(anchor)
            rows.append((a, b))
            print(f"run {run + 1}: cleaner {a[0]:.1f} s wall, {a[1]:.1f} s CPU;", end=" ")
            print(f"trafilatura fast {b[0]:.1f} s wall, {b[1]:.1f} s CPU")
    wall = statistics.median(a[0] / b[0] for a, b in rows)
    cpu = statistics.median(a[1] / b[1] for a, b in rows)
    print(f"{args.pages} pages, median of {args.runs} paired runs: {wall:.2f}x wall, {cpu:.2f}x CPU")


if __name__ == "__main__":
    main()
