"""Throughput and memory of `cleaner run` on HTML pages: docs/s and CPU ms per page for 1 and 2
workers next to trafilatura alone, and peak RSS on corpora of 1,000 and 10,000 documents.

    python benchmarks/bench_batch.py [--sizes 1000 10000] [--out benchmarks/out/batch]
    python benchmarks/bench_batch.py --nightly 10000 100000   # no-op and one-change runs only

The corpora are made of the traf-dev pages, hard-linked (no extra disk) under new names.
Peak RSS is the largest resident set of any process of the run (the parent or one worker).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "bench" / "traf-dev" / "html"
ACCURACY = ROOT / "benchmarks" / "bench_accuracy.py"


def make_corpus(folder: Path, size: int) -> Path:
    """A folder of `size` HTML pages, hard links to the traf-dev pages (copies if linking fails)."""
    pages = sorted(PAGES.iterdir())
    target = folder / f"corpus-{size}"
    if target.is_dir() and len(list(target.rglob("*.html"))) == size:
        return target
    shutil.rmtree(target, ignore_errors=True)
    for n in range(size):
        page = pages[n % len(pages)]
        dest = target / f"{n // 1000:03d}" / f"{n:06d}-{page.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, dest)
        except OSError:
            shutil.copyfile(page, dest)
    return target


#: Run a command and print the peak RSS of its process tree: a fresh parent per measurement, since
#: getrusage(RUSAGE_CHILDREN).ru_maxrss keeps the maximum over every child ever waited for.
RSS_WRAPPER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(command: list[str]) -> dict:
    """Run a command to completion; its wall time, CPU (with children) and peak RSS of any process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RSS_WRAPPER, *command], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss_mb": int(done.stdout.split()[-1]) / 1024}


def cleaner(corpus: Path, out: Path, workers: int) -> dict:
    """One full `cleaner run` of the corpus into a fresh output folder."""
    shutil.rmtree(out, ignore_errors=True)
    return measure(
        [
            sys.executable,
            "-m",
            "cleaner",
            "run",
            str(corpus),
            str(out),
            "--quiet",
            "--workers",
            str(workers),
            "--format",
            "both",
        ]
    )


def trafilatura(variant: str, out: Path, workers: int) -> dict:
    """trafilatura alone on the traf-dev pages (the accuracy benchmark's runner)."""
    return measure(
        [
            sys.executable,
            str(ACCURACY),
            "--trafilatura-only",
            variant,
            str(out / f"traf-{variant}.jsonl"),
            "--workers",
            str(workers),
        ]
    )


#: A small text file of the nightly corpora: one short article (cleaned, kept, written).
SMALL_ARTICLE = (
    "Article number {n}\n\nThe town council voted on Tuesday evening to build a new footbridge across the "
    "river, ending a debate that has divided residents of both banks for almost a decade.\n\nThe bridge, "
    "number {n}, will link the old market square with the railway station.\n"
)


def small_corpus(folder: Path, size: int) -> Path:
    """A folder of `size` small text files, 1,000 per sub-folder (kept if already there)."""
    target = folder / f"small-{size}"
    if target.is_dir() and sum(1 for _ in target.rglob("*.txt")) == size:
        return target
    shutil.rmtree(target, ignore_errors=True)
    for n in range(size):
        dest = target / f"{n // 1000:03d}" / f"{n:06d}.txt"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(SMALL_ARTICLE.format(n=n), encoding="utf-8")
    return target


def nightly(folder: Path, size: int) -> None:
    """Print a no-op run's time and a run's after one file changed, on `size` small files (the
    first, full run fills the state; its time is printed too)."""
    corpus, out = small_corpus(folder, size), folder / f"nightly-{size}"
    command = [sys.executable, "-m", "cleaner", "run", str(corpus), str(out), "--quiet", "--workers", "2"]
    shutil.rmtree(out, ignore_errors=True)
    full = measure(command)
    noop = min((measure(command) for _ in range(3)), key=lambda m: m["wall"])
    changed = corpus / "000" / "000000.txt"
    times = []
    for n in range(3):
        changed.write_text(SMALL_ARTICLE.format(n=f"changed {n}"), encoding="utf-8")
        times.append(measure(command))
    one = min(times, key=lambda m: m["wall"])
    print(
        f"| {size:,} | {full['wall']:.0f} | {noop['wall']:.2f} | {noop['cpu']:.2f} | {one['wall']:.2f} |"
        f" {one['wall'] - noop['wall']:+.2f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="none: throughput only")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "batch")
    parser.add_argument("--nightly", type=int, nargs="*", default=None, help="small-file corpus sizes")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.nightly is not None:
        print("Nightly runs on small text files, 2 workers (best of 3 no-op and one-change runs):\n")
        print("| files | full run s | no-op s (wall) | no-op CPU s | one file changed s | one change - no-op |")
        print("|---|---|---|---|---|---|")
        for size in args.nightly:
            nightly(args.out, size)
        return
    pages = len(list(PAGES.iterdir()))
    print(f"Throughput on the {pages} traf-dev pages (CPU summed over all processes):\n")
    print("| system | workers | docs/s | CPU ms/page |")
    print("|---|---|---|---|")
    runs = {("cleaner run", w): cleaner(PAGES, args.out / f"dev-{w}", w) for w in (1, 2)}
    runs |= {(f"trafilatura {v} alone", w): trafilatura(v, args.out, w) for v in ("fast", "standard") for w in (1, 2)}
    for (name, workers), m in runs.items():
        print(f"| {name} | {workers} | {pages / m['wall']:.1f} | {1000 * m['cpu'] / pages:.1f} |")
    speedup = runs[("cleaner run", 1)]["wall"] / runs[("cleaner run", 2)]["wall"]
    print(f"\ncleaner run, 2 workers vs 1: {speedup:.2f}x\n")
    if not args.sizes:
        return
    print("| documents | workers | wall s | docs/s | peak RSS (MB, largest process) |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        corpus = make_corpus(args.out, size)
        m = cleaner(corpus, args.out / f"run-{size}", 2)
        print(f"| {size:,} | 2 | {m['wall']:.0f} | {size / m['wall']:.1f} | {m['rss_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
