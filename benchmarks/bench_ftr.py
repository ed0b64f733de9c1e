"""F1 with and without the Full-Text RSS site configs, on the development pages whose host has one.

    python benchmarks/bench_ftr.py [--workers 2] [--out benchmarks/out/ftr] [--sets traf-dev dragnet-dev]

Each page needs its URL to reach the matcher: traf-dev's gold.json gives most pages theirs, the
others (and every dragnet-dev page) have only their canonical link, read here as the cleaner reads
it. The covered pages go into one JSONL file per collection with a `url` field (in --out, never in
the project), and `cleaner run` cleans it with and without `--add-rules` on the snapshot, for each
extractor, in the same run of this script; ../shared/bench/score.py scores every output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from bench_accuracy import BENCH, ROOT, load_scorer, timed

from cleaner.core.decode import decode
from cleaner.core.html import extract as html
from cleaner.rules.formats.ftr import FtrFolder, host_of

SNAPSHOT = ROOT.parent / "shared" / "rulesources" / "ftr-site-config"


def page_url(key: str, raw: bytes, gold: dict) -> str | None:
    """The page's URL: the gold's, else its canonical link (or og:url)."""
    url = gold.get(key, {}).get("url")
    if isinstance(url, str) and host_of(url):
        return url
    try:
        return html.canonical_url(html.parse(decode(raw, is_html=True)[0]))
    except html.HtmlError:
        return None


def covered_pages(set_dir: Path, folder: FtrFolder) -> tuple[list[dict], Counter[str]]:
    """The collection's pages whose host has a site file, as JSONL records; the files used."""
    gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
    records, sites = [], Counter()
    for path in sorted((set_dir / "html").glob("*.html")):
        raw = path.read_bytes()
        url = page_url(path.stem, raw, gold)
        name = folder.name_for(host_of(url) or "") if url else None
        if name is not None:
            records.append({"id": path.stem, "url": url, "html": decode(raw, is_html=True)[0]})
            sites[name] += 1
    return records, sites


def clean(pages: Path, out: Path, extractor: str, workers: int, ftr: bool) -> tuple[dict[str, str], Counter[str]]:
    """`cleaner run` over the JSONL; the clean text by page id, and the ftr reasons by directive."""
    command = [sys.executable, "-m", "cleaner", "run", str(pages.parent), str(out), "--format", "jsonl", "--quiet"]
    command += ["--workers", str(workers), "--extractor", extractor, "--full", "--jsonl-id", "id"]
    if ftr:
        command += ["--add-rules", str(SNAPSHOT)]
    timed(command)
    texts = {}
    for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        texts[doc["id"].split("#", 1)[1]] = doc["text"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    directives: Counter[str] = Counter()
    for record in report["documents"]:
        for reason in record.get("removed_by_reason", {}):
            if reason.startswith("rule:ftr/"):
                directives[reason.rsplit("/", 1)[1]] += 1  # pages on which the directive removed something
    return texts, directives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "ftr")
    parser.add_argument("--sets", nargs="+", default=["traf-dev", "dragnet-dev"])
    args = parser.parse_args()
    scorer, folder = load_scorer(), FtrFolder(SNAPSHOT)
    print("| collection | pages covered (sites) | extractor | F1 without | F1 with | P / R without | P / R with |")
    print("|---|---|---|---|---|---|---|")
    notes = []
    for name in args.sets:
        set_dir = BENCH / name
        records, sites = covered_pages(set_dir, folder)
        pages = args.out / name / "in" / "pages.jsonl"
        pages.parent.mkdir(parents=True, exist_ok=True)
        pages.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
        subset = {r["id"]: gold[r["id"]] for r in records}
        for extractor in ("trafilatura", "model"):
            scores = {}
            for ftr in (False, True):
                texts, directives = clean(pages, args.out / name / f"{extractor}-{ftr}", extractor, args.workers, ftr)
                scores[ftr] = scorer.score(subset, texts)
                if ftr:
                    notes.append(f"{name}, {extractor}: pages with a removal by " + _counts(directives))
            a, b = scores[False], scores[True]
            print(
                f"| {name} | {len(records)} ({len(sites)}) | {extractor} | {a['f1']:.3f} | {b['f1']:.3f} "
                f"| {a['precision']:.3f} / {a['recall']:.3f} | {b['precision']:.3f} / {b['recall']:.3f} |"
            )
    print("\n" + "\n".join(notes))


def _counts(counter: Counter[str]) -> str:
    """'name n, ...', the largest first."""
    return ", ".join(f"{k} {n}" for k, n in counter.most_common()) or "none"


if __name__ == "__main__":
    main()
