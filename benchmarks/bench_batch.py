"""Throughput and memory of `cleaner run` on HTML pages: docs/s and CPU ms per page for 1 and 2
workers next to trafilatura alone, and peak RSS on corpora of 1,000 and 10,000 documents.

    python benchmarks/bench_batch.py [--sizes 1000 10000] [--out benchmarks/out/batch]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="none: throughput only")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "batch")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
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
