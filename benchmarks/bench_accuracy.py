"""Accuracy and CPU cost on ../shared/bench/traf-dev: the cleaner (HTML and text mode) next to
trafilatura alone, in the same run, on the same machine.

    python benchmarks/bench_accuracy.py [--workers 2] [--out benchmarks/out]

Prints a Markdown table (precision, recall, F1 by ../shared/bench/score.py, and CPU ms per page
summed over all processes) and per-language F1 for the three largest languages.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
SET_DIR = BENCH / "traf-dev"


def load_scorer():
    """The benchmark's own scorer module (../shared/bench/score.py)."""
    spec = importlib.util.spec_from_file_location("score", BENCH / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def children_cpu() -> float:
    """CPU seconds (user + system) used by finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float]:
    """Run a command; return its CPU seconds (with its children) and wall seconds."""
    cpu0, wall0 = children_cpu(), time.perf_counter()
    subprocess.run(command, check=True)
    return children_cpu() - cpu0, time.perf_counter() - wall0


def cleaner_run(mode: str, out: Path, workers: int) -> tuple[Path, float]:
    """Run `cleaner run` on one traf-dev folder; return documents.jsonl and CPU seconds."""
    target = out / f"cleaner-{mode}"
    cpu, _ = timed(
        [
            sys.executable,
            "-m",
            "cleaner",
            "run",
            str(SET_DIR / mode),
            str(target),
            "--format",
            "jsonl",
            "--quiet",
            "--workers",
            str(workers),
            "--input-format",
            "html" if mode == "html" else "text",
        ]
    )
    return target / "documents.jsonl", cpu


def trafilatura_run(variant: str, out: Path, workers: int) -> tuple[Path, float]:
    """Run trafilatura alone (in a child process) on the HTML pages; return its JSONL and CPU s."""
    target = out / f"trafilatura-{variant}.jsonl"
    cpu, _ = timed([sys.executable, __file__, "--trafilatura-only", variant, str(target), "--workers", str(workers)])
    return target, cpu


def _trafilatura_page(args: tuple[str, str]) -> str:
    """One page through trafilatura.extract, as a JSONL line."""
    import trafilatura

    path, variant = args
    text = trafilatura.extract(Path(path).read_bytes(), fast=variant == "fast") or ""
    return json.dumps({"id": Path(path).name, "text": text}, ensure_ascii=False)


def trafilatura_only(variant: str, target: Path, workers: int) -> None:
    """Write trafilatura's extraction of every traf-dev page to a JSONL file."""
    pages = [(str(p), variant) for p in sorted((SET_DIR / "html").iterdir())]
    target.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers) as pool, open(target, "w", encoding="utf-8") as f:
        for line in pool.map(_trafilatura_page, pages, chunksize=8):
            f.write(line + "\n")


def per_language(scorer, gold: dict, jsonl: Path, top: int = 3) -> list[tuple[str, int, dict]]:
    """F1 on the subsets of pages in the `top` most common detected languages."""
    outputs = scorer.load_outputs(jsonl)
    languages = {}
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        languages[Path(doc["id"]).name.split(".")[0]] = doc.get("language") or "unknown"
    counts = Counter(languages.get(k, "unknown") for k in gold)
    rows = []
    for lang, n in counts.most_common(top):
        subset = {k: v for k, v in gold.items() if languages.get(k, "unknown") == lang}
        rows.append((lang, n, scorer.score(subset, outputs)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--trafilatura-only", nargs=2, metavar=("VARIANT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trafilatura_only:
        trafilatura_only(args.trafilatura_only[0], Path(args.trafilatura_only[1]), args.workers)
        return
    scorer = load_scorer()
    gold = json.loads((SET_DIR / "gold.json").read_text(encoding="utf-8"))
    pages = len(gold)
    runs = {
        "cleaner, HTML pages (`html/`)": cleaner_run("html", args.out, args.workers),
        "cleaner, plain-text dumps (`text/`)": cleaner_run("text", args.out, args.workers),
        "trafilatura `extract()` alone (standard)": trafilatura_run("standard", args.out, args.workers),
        "trafilatura `extract(fast=True)` alone": trafilatura_run("fast", args.out, args.workers),
    }
    print(f"traf-dev: {pages} pages, {args.workers} workers\n")
    print("| system | precision | recall | F1 | CPU ms/page |")
    print("|---|---|---|---|---|")
    for name, (jsonl, cpu) in runs.items():
        s = scorer.score(gold, scorer.load_outputs(jsonl))
        print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {1000 * cpu / pages:.1f} |")
    for name in ("cleaner, HTML pages (`html/`)", "cleaner, plain-text dumps (`text/`)"):
        print(f"\nPer language, {name}:\n")
        print("| language | pages | precision | recall | F1 |")
        print("|---|---|---|---|---|")
        for lang, n, s in per_language(scorer, gold, runs[name][0]):
            print(f"| {lang} | {n} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")


if __name__ == "__main__":
    main()
