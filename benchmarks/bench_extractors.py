"""The extraction protocol of issue 14 on the development portfolio, all systems in one run.

    python benchmarks/bench_extractors.py [--sets traf-dev,dragnet-dev,cleaneval-dev] [--anchors]
        [--loo-models DIR] [--workers 2] [--out benchmarks/out/extractors]

For each collection: the cleaner's extractors and scopes through `cleaner run` (F1 by
../shared/bench/score.py, CPU ms per page), dragnet-dev also with `--comments keep` against its
gold with comments, the plain-text dumps, and with --anchors trafilatura fast and standard,
readability-lxml, jusText and resiliparse (`pip install -e '.[bench]'`). With --loo-models (the
folder `training/train_model.py loo --models DIR` writes), the article model is also run as trained
without the collection it is scored on: the figure that predicts a collection never seen.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench_accuracy import children_cpu, load_scorer  # this folder's helpers (run as a script)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
SETS = ("traf-dev", "dragnet-dev", "cleaneval-dev")

#: The scope each collection's gold follows (its README): the cleaner is run in that scope.
SCOPE = {"traf-dev": "article", "dragnet-dev": "article", "cleaneval-dev": "page"}
COMMENTS_GOLD = {"dragnet-dev": "gold-with-comments.json"}


def cleaner(folder: Path, target: Path, workers: int, *options: str) -> tuple[Path, float]:
    """`cleaner run` over one folder into target; its documents.jsonl and CPU seconds."""
    before = children_cpu()
    mode = "html" if folder.name == "html" else "text"
    command = [sys.executable, "-m", "cleaner", "run", str(folder), str(target), "--format", "jsonl", "--quiet"]
    command += ["--workers", str(workers), "--input-format", mode, "--full", *options]
    subprocess.run(command, check=False)
    return target / "documents.jsonl", children_cpu() - before


def anchor_page(args: tuple[str, str]) -> str:
    """One page through one anchor extractor, as a JSONL line."""
    path, system = args
    raw = Path(path).read_bytes()
    text = ""
    try:
        text = _anchor(system, raw) or ""
    except Exception:  # an extractor that fails on a page scores it empty, as the cleaner's would
        text = ""
    return json.dumps({"id": Path(path).name, "text": text}, ensure_ascii=False)


def _anchor(system: str, raw: bytes) -> str | None:
    """The text one anchor system extracts from a page's bytes."""
    if system.startswith("trafilatura"):
        import trafilatura

        return trafilatura.extract(
            raw, fast=system.endswith("fast"), include_comments=system.endswith("comments"), include_tables=True
        )
    if system == "readability":
        import lxml.html
        from readability import Document

        summary = Document(raw.decode("utf-8", "replace")).summary(html_partial=True)
        return lxml.html.fromstring(summary).text_content()
    if system == "justext":
        import justext

        paragraphs = justext.justext(raw, frozenset(), stopwords_low=0, stopwords_high=0)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    if system == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding

        return extract_plain_text(bytes_to_str(raw, detect_encoding(raw)), main_content=True)
    raise ValueError(system)


def anchor(system: str, folder: Path, target: Path, workers: int) -> tuple[Path, float]:
    """One anchor over every page of a folder, in a child process; its JSONL and CPU seconds."""
    before = children_cpu()
    subprocess.run([sys.executable, __file__, "--anchor-only", system, str(folder), str(target)], check=True)
    return target, children_cpu() - before


def anchor_only(system: str, folder: Path, target: Path, workers: int) -> None:
    """Write one anchor's extraction of every page of a folder to a JSONL file."""
    pages = [(str(p), system) for p in sorted(folder.glob("*.html"))]
    target.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers) as pool, open(target, "w", encoding="utf-8") as f:
        for line in pool.map(anchor_page, pages, chunksize=8):
            f.write(line + "\n")


def runs(name: str, args: argparse.Namespace) -> dict[str, tuple[Path, float, str]]:
    """Every system's run on one collection: label -> (output, CPU seconds, gold file)."""
    html, text, out = BENCH / name / "html", BENCH / name / "text", args.out / name
    scope = SCOPE[name]
    found: dict[str, tuple[Path, float, str]] = {}
    for mode, label, prefix in (("html", "cleaner ", ""), ("text", "cleaner, text dumps, ", "text-")):
        folder = html if mode == "html" else text
        found[f"{label}--extractor trafilatura"] = (
            *cleaner(folder, out / f"{prefix}traf", args.workers, "--extractor", "trafilatura"),
            "gold.json",
        )
        found[f"{label}--extractor model --scope {scope}"] = (
            *cleaner(folder, out / f"{prefix}model", args.workers, "--extractor", "model", "--scope", scope),
            "gold.json",
        )
        loo = args.loo_models / f"{prefix}article-without-{name}.json" if args.loo_models else None
        if loo is not None and loo.is_file():
            found[f"{label}--extractor model, trained without this collection"] = (
                *cleaner(folder, out / f"{prefix}model-loo", args.workers, "--extractor", "model", "--model", str(loo)),
                "gold.json",
            )
        if name in COMMENTS_GOLD:
            found[f"{label}--comments keep"] = (
                *cleaner(folder, out / f"{prefix}model-comments", args.workers, "--comments", "keep"),
                COMMENTS_GOLD[name],
            )
    if args.anchors:
        systems = ["trafilatura-fast", "trafilatura-standard", "readability", "justext", "resiliparse"]
        for system in systems:
            found[system] = (*anchor(system, html, out / f"{system}.jsonl", args.workers), "gold.json")
        if name in COMMENTS_GOLD:
            target = out / "trafilatura-standard-comments.jsonl"
            found["trafilatura-standard-comments"] = (
                *anchor("trafilatura-standard-comments", html, target, args.workers),
                COMMENTS_GOLD[name],
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--anchors", action="store_true", help="also run the other extractors")
    parser.add_argument("--loo-models", type=Path, default=None, metavar="DIR")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "extractors")
    parser.add_argument("--anchor-only", nargs=3, metavar=("SYSTEM", "FOLDER", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.anchor_only:
        system, folder, target = args.anchor_only
        anchor_only(system, Path(folder), Path(target), args.workers)
        return
    scorer = load_scorer()
    print("| collection | system | gold | precision | recall | F1 | CPU ms/page |")
    print("|---|---|---|---|---|---|---|")
    for name in args.sets.split(","):
        pages = len(list((BENCH / name / "html").glob("*.html")))
        for label, (output, cpu, gold_file) in runs(name, args).items():
            gold = json.loads((BENCH / name / gold_file).read_text(encoding="utf-8"))
            s = scorer.score(gold, scorer.load_outputs(output) if output.exists() else {})
            row = f"| {name} | {label} | {gold_file} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |"
            print(f"{row} {1000 * cpu / pages:.1f} |", flush=True)


if __name__ == "__main__":
    main()
