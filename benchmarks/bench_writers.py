"""What the output formats cost: a corpus is cleaned once (--format txt), then the five other formats
are added (rendered from the stored records, nothing cleaned again), then the same run is repeated
(nothing changed: nothing is written). Wall time, CPU and peak RSS of each run, and each format's size.

    python benchmarks/bench_writers.py [--sizes 1000] [--workers 2] [--out benchmarks/out/writers]

The corpora are the traf-dev pages hard-linked under new names (bench_batch.make_corpus).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bench_batch import make_corpus, measure

ALL = "txt,jsonl,parquet,pyserini,es-bulk,dolma"
#: Where each format's files are, relative to OUTPUT.
PLACES = {
    "jsonl": "documents.jsonl",
    "parquet": "parquet",
    "pyserini": "pyserini",
    "es-bulk": "es-bulk",
    "dolma": "dolma",
}


def run(corpus: Path, out: Path, formats: str, workers: int) -> dict:
    """One `cleaner run` of the corpus into out with the given formats."""
    command = [sys.executable, "-m", "cleaner", "run", str(corpus), str(out), "--quiet", "--templates", "off"]
    return measure([*command, "--workers", str(workers), "--format", formats])


def size_mb(path: Path) -> float:
    """The bytes of a file or of every file below a folder, in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    """Measure and print one table per corpus size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "writers")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        corpus, out = make_corpus(args.out, size), args.out / f"clean-{size}"
        shutil.rmtree(out, ignore_errors=True)
        print(f"\n{size:,} documents, {args.workers} workers\n")
        print("| run | wall s | CPU s | peak RSS MB |\n|---|---|---|---|")
        runs = (("clean, --format txt", "txt"), ("add the five formats", ALL), ("again, no change", ALL))
        for label, formats in runs:
            m = run(corpus, out, formats, args.workers)
            print(f"| {label} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss_mb']:.0f} |")
        print("\n| format | MB |\n|---|---|")
        print(f"| txt | {sum(p.stat().st_size for p in out.rglob('*.txt')) / 1e6:.1f} |")
        for name, place in PLACES.items():
            print(f"| {name} | {size_mb(out / place):.1f} |")


if __name__ == "__main__":
    main()
