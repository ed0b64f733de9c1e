"""Data-driven cases (tests/cases/*.yaml): plain text in, the lines kept and removed out.

Each case: label, input, kept (in order), removed (in order); optional title, date, and
xfail: "reason" for a case the cleaner gets wrong today (the case runs; when it starts passing,
the test fails so that the xfail is removed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cleaner import clean

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASE_FIELDS = {"label", "input", "kept", "removed", "title", "date", "xfail"}
BULLET = re.compile(r"^[*+•·▪►»‣◦●■□–—-]\s+")


def norm(line: str) -> str:
    """Whitespace collapsed, a leading list bullet dropped (the segmenter strips bullets)."""
    return BULLET.sub("", " ".join(line.split()))


def load_cases() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            params.append(pytest.param(case, id=f"{path.stem}:{case.get('label')}"))
    return params


CASES = load_cases()


def test_case_files_are_well_formed():
    assert len(CASES) >= 10
    labels = [p.values[0]["label"] for p in CASES]
    assert len(labels) == len(set(labels)), "labels must be unique"
    for param in CASES:
        case = param.values[0]
        assert set(case) <= CASE_FIELDS, f"{case.get('label')}: unknown fields {set(case) - CASE_FIELDS}"
        assert {"label", "input", "kept", "removed"} <= set(case), case.get("label")
        assert isinstance(case["input"], str) and isinstance(case["kept"], list) and isinstance(case["removed"], list)
        # every non-empty input line is accounted for as kept or removed
        listed = len(case["kept"]) + len(case["removed"])
        assert listed == len([line for line in case["input"].splitlines() if line.strip()]), case["label"]


def check(case: dict) -> None:
    doc = clean(case["input"], doc_id="case.txt")
    kept = [norm(b.text) for b in doc.blocks if b.kept]
    removed = [norm(b.text) for b in doc.blocks if not b.kept]
    assert doc.status.value == "kept", f"document {doc.status.value}: {doc.reason}"
    assert kept == [norm(line) for line in case["kept"]], "kept lines differ"
    assert removed == [norm(line) for line in case["removed"]], "removed lines differ"
    if "title" in case:
        assert doc.title == case["title"]
    if "date" in case:
        assert doc.date == case["date"]
    for block in doc.blocks:
        if not block.kept:
            # every removal names what decided it; a dump's lines are the text model's to judge
            assert str(block.removed).split(":")[0] in ("rule", "heuristic", "title", "model"), block


@pytest.mark.parametrize("case", CASES)
def test_case(case):
    reason = case.get("xfail")
    if not reason:
        check(case)
        return
    try:
        check(case)
    except AssertionError:
        pytest.xfail(reason)
    pytest.fail(f"case {case['label']!r} passes now: remove its xfail ({reason})")
