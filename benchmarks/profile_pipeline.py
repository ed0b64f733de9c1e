"""Where the CPU of one HTML page goes: cProfile over `cleaner.core.pipeline.process` on the traf-dev pages.

    python benchmarks/profile_pipeline.py [--pages 482] [--top 25] [--format html|text] [--extractor model]

Prints the CPU ms per page of each stage (cumulative time of the stage's entry function, measured
in the same profile) and the functions with the most cumulative time. A warm-up page runs first,
so one-time costs (imports, stoplists, compiled selectors) stay out of the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from cleaner.batch.settings import Settings
from cleaner.core.pipeline import process
from cleaner.document import Document
from cleaner.rules.ruleset import load_rules

ROOT = Path(__file__).resolve().parents[1]
SET_DIR = ROOT.parent / "shared" / "bench" / "traf-dev"

#: The stages of `pipeline._process`, each named by the function that runs it (file, name).
STAGES = {
    "decode": ("decode.py", "decode"),
    "html.extract (all)": ("extract.py", "extract"),
    "  load_html (parse)": ("utils.py", "load_html"),
    "  drop_elements (selectors)": ("selectors.py", "drop_elements"),
    "  anchor_texts": ("extract.py", "anchor_texts"),
    "  page_outline": ("extract.py", "page_outline"),
    "  page_metadata (title, url, date)": ("extract.py", "page_metadata"),
    "  bare_extraction (all)": ("core.py", "bare_extraction"),
    "    extract_metadata": ("metadata.py", "extract_metadata"),
    "    htmldate find_date": ("core.py", "find_date"),
    "    copy / deepcopy": ("copy.py", "deepcopy"),
    "    tree_cleaning": ("htmlprocessing.py", "tree_cleaning"),
    "    extract_content": ("main_extractor.py", "extract_content"),
    "    compare_extraction": ("external.py", "compare_extraction"),
    "  extract_blocks (all, --extractor model)": ("extract.py", "extract_blocks"),
    "    page_blocks (blocks, features)": ("extract.py", "page_blocks"),
    "      segment_tree": ("blocks.py", "segment_tree"),
    "      features.compute": ("features.py", "compute"),
    "    model.verdicts": ("model.py", "verdicts"),
    "  with_lede": ("extract.py", "with_lede"),
    "  line_hints": ("extract.py", "line_hints"),
    "repair": ("decode.py", "repair"),
    "segment": ("segment.py", "segment"),
    "line rules": ("linerules.py", "apply_rules"),
    "rules.for_document": ("ruleset.py", "for_document"),
    "heuristics": ("apply.py", "classify"),
    "language.detect": ("language.py", "detect"),
}


def pages(fmt: str, limit: int) -> list[Path]:
    """The first `limit` pages of the traf-dev folder for the format, in name order."""
    folder = SET_DIR / ("html" if fmt == "html" else "text")
    return sorted(folder.iterdir())[:limit]


def run(
    paths: list[Path], fmt: str, profiled: bool = True, extractor: str = "auto"
) -> tuple[pstats.Stats | None, float]:
    """Process every page (under cProfile if asked); return the statistics and the CPU seconds."""
    rules, settings = load_rules(), Settings(input_format=fmt, extractor=extractor).core
    process(Document(paths[0].name, paths[0].read_bytes()), settings, rules)  # warm-up
    raws = [(p.name, p.read_bytes()) for p in paths]
    profile = cProfile.Profile()
    cpu = time.process_time()
    if profiled:
        profile.enable()
    for name, raw in raws:
        process(Document(name, raw, size=len(raw)), settings, rules)
    profile.disable()
    return (pstats.Stats(profile) if profiled else None), time.process_time() - cpu


def stage_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per stage (the stage's entry functions summed, recursion counted once)."""
    totals = dict.fromkeys(STAGES, 0.0)
    for (path, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for stage, (file_name, function) in STAGES.items():
            if name == function and path.endswith("/" + file_name):
                totals[stage] += cumulative
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=482)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--format", choices=("html", "text"), default="html")
    parser.add_argument("--extractor", choices=("auto", "trafilatura", "model"), default="auto")
    parser.add_argument("--cpu-only", type=int, metavar="REPEATS", help="no profiler: CPU ms/page, best of REPEATS")
    args = parser.parse_args()
    paths = pages(args.format, args.pages)
    if args.cpu_only:
        # The best of a few passes: other processes on the machine only ever add to the CPU time.
        seconds = [run(paths, args.format, False, args.extractor)[1] for _ in range(args.cpu_only)]
        runs = sorted(1000 * s / len(paths) for s in seconds)
        print(f"{len(paths)} pages ({args.format}), CPU ms/page: best {runs[0]:.1f}, median {runs[len(runs) // 2]:.1f}")
        return
    stats, cpu = run(paths, args.format, extractor=args.extractor)
    assert stats is not None
    n = len(paths)
    print(f"{n} pages ({args.format}), CPU {1000 * cpu / n:.1f} ms/page (under cProfile, which inflates it)\n")
    print("| stage | ms/page |\n|---|---|")
    for stage, seconds in stage_times(stats).items():
        print(f"| {stage} | {1000 * seconds / n:.1f} |")
    print()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
