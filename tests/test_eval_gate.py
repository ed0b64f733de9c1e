"""Evaluation gate: the cleaner's F1 on ../shared/bench/traf-dev must not fall below the pinned floors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from cleaner.cli import main

ROOT = Path(__file__).resolve().parents[1]
SET_DIR = ROOT.parent / "shared" / "bench" / "traf-dev"
FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not SET_DIR.is_dir(), reason="../shared/bench/traf-dev is not present")


def _scorer():
    spec = importlib.util.spec_from_file_location("score", SET_DIR.parent / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("mode", ["html", "text"])
def test_f1_stays_above_floor(mode: str, tmp_path: Path) -> None:
    code = main(
        [
            "run",
            str(SET_DIR / mode),
            str(tmp_path),
            "--format",
            "jsonl",
            "--quiet",
            "--workers",
            "2",
            "--input-format",
            mode,
        ]
    )
    assert code == 0
    scorer = _scorer()
    gold = json.loads((SET_DIR / "gold.json").read_text(encoding="utf-8"))
    result = scorer.score(gold, scorer.load_outputs(tmp_path / "documents.jsonl"))
    assert result["f1"] >= FLOORS[mode], f"{mode} F1 {result['f1']} fell below the floor {FLOORS[mode]}: {result}"


@pytest.mark.parametrize("mode", ["html", "text"])
def test_page_scope_on_cleaneval_stays_above_floor(mode: str, tmp_path: Path) -> None:
    """The block models of --scope page on CleanEval's convention (57 pages: seconds)."""
    set_dir = SET_DIR.parent / "cleaneval-dev"
    code = main(
        [
            "run",
            str(set_dir / mode),
            str(tmp_path),
            "--format",
            "jsonl",
            "--quiet",
            "--workers",
            "2",
            "--input-format",
            mode,
            "--scope",
            "page",
        ]
    )
    assert code == 0
    scorer = _scorer()
    gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
    result = scorer.score(gold, scorer.load_outputs(tmp_path / "documents.jsonl"))
    floor = FLOORS[f"cleaneval-page-{mode}"]
    assert result["f1"] >= floor, f"page scope {mode} F1 {result['f1']} fell below the floor {floor}: {result}"
