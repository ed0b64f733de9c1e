"""Acceptance: the five seed texts (../shared/acceptance/seeds) come out as the expected clean text.

Conventions (seeds/README.md): line by line after collapsing whitespace, blank lines ignored;
typographic quotes stay as they are; title and date per expected.jsonl.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED_DIR, non_empty_lines

from cleaner.cli.main import main

SEEDS_DIR = SHARED_DIR / "acceptance" / "seeds"
SEED_FILES = sorted(p.name for p in (SEEDS_DIR / "expected").glob("*.txt")) if SEEDS_DIR.is_dir() else []


@pytest.fixture(scope="module")
def expected_meta(seeds: Path) -> dict:
    lines = (seeds / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["file"]: d for d in map(json.loads, filter(None, lines))}


@pytest.fixture(scope="module")
def jsonl_run(seeds: Path, tmp_path_factory) -> dict:
    """The documents of one `cleaner run RAW OUT --format jsonl --quiet`, by id."""
    out = tmp_path_factory.mktemp("seeds-jsonl")
    code = main(["run", str(seeds / "raw"), str(out), "--format", "jsonl", "--quiet"])
    assert code == 0
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["id"]: d for d in map(json.loads, lines)}


@pytest.fixture(scope="module")
def txt_run(seeds: Path, tmp_path_factory) -> Path:
    """The output folder of one `cleaner run RAW OUT --quiet` (the default .txt tree)."""
    out = tmp_path_factory.mktemp("seeds-txt")
    assert main(["run", str(seeds / "raw"), str(out), "--quiet"]) == 0
    return out


def test_the_seed_set_is_complete(seeds, expected_meta):
    raw = sorted(p.name for p in (seeds / "raw").glob("*.txt"))
    assert raw == SEED_FILES == sorted(expected_meta)
    assert len(raw) == 5


def test_every_seed_is_kept(jsonl_run):
    assert sorted(jsonl_run) == SEED_FILES


@pytest.mark.parametrize("name", SEED_FILES)
def test_jsonl_text_matches_expected(name, seeds, jsonl_run):
    expected = non_empty_lines((seeds / "expected" / name).read_text(encoding="utf-8"))
    got = non_empty_lines(jsonl_run[name]["text"])
    assert got == expected


@pytest.mark.parametrize("name", SEED_FILES)
def test_txt_output_matches_expected(name, seeds, txt_run):
    expected = non_empty_lines((seeds / "expected" / name).read_text(encoding="utf-8"))
    got = non_empty_lines((txt_run / name).read_text(encoding="utf-8"))
    assert got == expected


@pytest.mark.parametrize("name", SEED_FILES)
def test_title_date_and_language_match_expected(name, expected_meta, jsonl_run):
    doc, want = jsonl_run[name], expected_meta[name]
    assert doc["title"] == want["title"]
    assert doc["date"] == want["date"]
    assert doc["language"] == want["language"]
    assert doc["kept_lines"] == want["kept_lines"]


@pytest.mark.parametrize("name", SEED_FILES)
def test_removed_lines_and_their_kind_match_expected(name, seeds, expected_meta):
    """Every expected removal happens at its raw line, for the expected kind of chrome, and no other."""
    from cleaner import clean

    doc = clean((seeds / "raw" / name).read_bytes(), doc_id=name)
    got = {r.line: r for r in doc.removals}
    want = {r["line"]: r for r in expected_meta[name]["removed"]}
    assert sorted(got) == sorted(want)
    for line, removal in want.items():
        kind = str(got[line].reason).split(":", 1)[1].rsplit("/", 1)[-1]  # rule:default/logo -> logo
        assert kind == removal["why"], f"line {line}: {got[line].reason} for {removal['text'][:60]!r}"
        assert " ".join(removal["text"].split()).lstrip("• ") in " ".join(got[line].text.split())
