"""How the site-template thresholds trade chrome removed against content lost, on traf-dev.

    python benchmarks/bench_templates.py [--out benchmarks/out/templates] [--workers 2]

traf-dev has one page per site, so it cannot show templates at work inside a site; it shows what
the thresholds do where they are most dangerous: the 482 plain-text dumps lie in one folder, so
without URLs they form one "site" of unrelated pages, and every line the thresholds take from them
is a line that recurs across *different* sites. The first run cleans; every other setting only
derives the template sets again from the stored line counts (no page is cleaned twice).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench_accuracy import SET_DIR, load_scorer

ROOT = Path(__file__).resolve().parents[1]
#: (min_docs, min_share) settings to compare; "off" first, the shipped default among them.
SETTINGS = [None, (5, 0.5), (5, 0.2), (5, 0.1), (5, 0.05), (5, 0.02), (5, 0.01)]


def run(mode: str, out: Path, workers: int, setting: tuple[int, float] | None) -> dict:
    """One `cleaner run` on a traf-dev folder with a template setting; its report."""
    flags = ["--templates", "off"] if setting is None else ["--template-min-docs", str(setting[0])]
    flags += [] if setting is None else ["--templates", "on", "--template-min-share", str(setting[1])]
    command = [sys.executable, "-m", "cleaner", "run", str(SET_DIR / mode), str(out), "--format", "jsonl", "--quiet"]
    command += ["--workers", str(workers), "--input-format", mode, *flags]
    subprocess.run(command, check=True)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "templates")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scorer = load_scorer()
    gold = json.loads((SET_DIR / "gold.json").read_text(encoding="utf-8"))
    for mode in ("text", "html"):
        print(f"\n{mode}: min docs, min share | template lines removed | sites with templates | P | R | F1")
        print("|---|---|---|---|---|---|")
        for setting in SETTINGS:
            out = args.out / mode
            report = run(mode, out, args.workers, setting)
            removed = Counter(report["totals"]["removed_by_reason"])["template"]
            s = scorer.score(gold, scorer.load_outputs(out / "documents.jsonl"))
            label = "off" if setting is None else f"{setting[0]}, {setting[1]}"
            print(
                f"| {label} | {removed} | {len(report['templates'])} "
                f"| {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |"
            )


if __name__ == "__main__":
    main()
