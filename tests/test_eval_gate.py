"""Evaluation gate: the cleaner's F1 on ../shared/bench/traf-dev must not fall below the pinned floors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from cleaner.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SET_DIR = ROOT.parent / "shared" / "bench" / "traf-dev"
FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not SET_DIR.is_dir(), reason="../shared/bench/traf-dev is not present")


def _scorer():
    spec = importlib.util.spec_from_file_location("score", SET_DIR.parent / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scored(collection: str, mode: str, out: Path, *options: str) -> dict:
    """`cleaner run` over one collection's html/ or text/ folder (2 workers, JSONL), scored against its gold."""
    set_dir = SET_DIR.parent / collection
    args = ["run", str(set_dir / mode), str(out), "--format", "jsonl", "--quiet", "--workers", "2"]
    assert main([*args, "--input-format", mode, *options]) == 0
    scorer = _scorer()
    gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
    return scorer.score(gold, scorer.load_outputs(out / "documents.jsonl"))


@pytest.mark.parametrize("mode", ["html", "text"])
def test_f1_stays_above_floor(mode: str, tmp_path: Path) -> None:
    result = scored("traf-dev", mode, tmp_path)
    assert result["f1"] >= FLOORS[mode], f"{mode} F1 {result['f1']} fell below the floor {FLOORS[mode]}: {result}"


@pytest.mark.parametrize("mode", ["html", "text"])
def test_page_scope_on_cleaneval_stays_above_floor(mode: str, tmp_path: Path) -> None:
    """The block models of --scope page on CleanEval's convention (57 pages: seconds)."""
    result = scored("cleaneval-dev", mode, tmp_path, "--scope", "page")
    floor = FLOORS[f"cleaneval-page-{mode}"]
    assert result["f1"] >= floor, f"page scope {mode} F1 {result['f1']} fell below the floor {floor}: {result}"


def test_default_path_on_the_collection_its_heuristics_were_not_tuned_on(tmp_path: Path) -> None:
    """dragnet-dev, HTML, the default path: the held-out figure of the hand-tuned heuristics (about a minute)."""
    result = scored("dragnet-dev", "html", tmp_path)
    floor = FLOORS["dragnet-html"]
    assert result["f1"] >= floor, f"dragnet-dev HTML F1 {result['f1']} fell below the floor {floor}: {result}"
