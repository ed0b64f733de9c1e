"""Duplicates across the corpus: fingerprints, clusters, and the batch's --dedup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import output_files, run_batch

from cleaner.corpus.dedup import clusters
from cleaner.corpus.dedup import fingerprint as exact_fingerprint


def fingerprint(text: str):
    """A fingerprint with its MinHash signature, as --dedup near makes them."""
    return exact_fingerprint(text, signature=True)


SEEDS = Path(__file__).resolve().parents[1] / "corpus_raw" / "seeds"
STORY = (SEEDS / "001_8a553b9692560df8.txt").read_text(encoding="utf-8")
OTHER = (SEEDS / "004_a558b723e1b3fa97.txt").read_text(encoding="utf-8")


def lightly_edited(text: str) -> str:
    """A copy with a few words changed and added, as syndicated copies are (so it is longer)."""
    return text.replace("closed ranks", "closed their ranks firmly").replace("massive troop", "huge troop")


def test_fingerprint_is_deterministic_and_ignores_case_and_spacing():
    a, b = fingerprint("The Council met  on Tuesday."), fingerprint("the council met on tuesday")
    assert a.text_hash == b.text_hash and a.signature == b.signature
    assert fingerprint(STORY) == fingerprint(STORY)


def test_a_page_and_its_lightly_edited_copy_form_one_cluster():
    docs = [("a.txt", fingerprint(STORY)), ("b.txt", fingerprint(lightly_edited(STORY)))]
    assert clusters(docs, "near", 0.8) == {"a.txt": "b.txt"}  # the longer copy is kept


def test_unrelated_pages_on_the_same_story_are_not_duplicates():
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())}
    assert clusters([(k, fingerprint(v)) for k, v in texts.items()], "near", 0.8) == {}


def test_exact_fingerprints_need_no_signature():
    assert exact_fingerprint(STORY, signature=False).signature is None
    assert exact_fingerprint(STORY, signature=False).text_hash == fingerprint(STORY).text_hash


def test_near_without_the_extra_is_a_one_line_error_naming_it(monkeypatch, tmp_path, capsys):
    import cleaner.batch.settings
    from cleaner.cli.main import main

    monkeypatch.setattr(cleaner.batch.settings, "near_available", lambda: False)
    assert main(["run", str(SEEDS), str(tmp_path / "out"), "--dedup", "near"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cleaner[dedup]" in err
    assert main(["run", str(SEEDS), str(tmp_path / "out"), "--dedup", "exact", "--quiet"]) == 0


def test_exact_mode_only_joins_identical_texts():
    docs = [("a", fingerprint(STORY)), ("b", fingerprint(STORY)), ("c", fingerprint(lightly_edited(STORY)))]
    assert clusters(docs, "exact", 0.8) == {"b": "a"}  # same length: the smallest id is kept


def test_keeper_does_not_depend_on_input_order():
    docs = [(f"{n}.txt", fingerprint(STORY if n % 2 else lightly_edited(STORY))) for n in range(6)]
    assert clusters(docs, "near", 0.8) == clusters(list(reversed(docs)), "near", 0.8)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    (root / "story.txt").write_text(STORY, encoding="utf-8")
    (root / "syndicated.txt").write_text(lightly_edited(STORY), encoding="utf-8")
    (root / "other.txt").write_text(OTHER, encoding="utf-8")
    return root


def test_dedup_near_drops_the_copy_with_a_reason_and_no_output(corpus, tmp_path):
    out = tmp_path / "out"
    result = run_batch(corpus, out, dedup="near", format="both")
    assert result.records["story.txt"]["status"] == "dropped"
    assert result.records["story.txt"]["reason"] == "duplicate-of:syndicated.txt"
    assert result.report["duplicates"] == {"syndicated.txt": ["story.txt"]}
    assert not (out / "story.txt").exists() and (out / "syndicated.txt").exists() and (out / "other.txt").exists()
    ids = [json.loads(line)["id"] for line in (out / "documents.jsonl").read_text().splitlines()]
    assert ids == ["other.txt", "syndicated.txt"]


def test_a_duplicate_comes_back_when_its_keeper_is_deleted(corpus, tmp_path):
    out = tmp_path / "out"
    run_batch(corpus, out, dedup="near", format="both")
    (corpus / "syndicated.txt").unlink()
    result = run_batch(corpus, out, dedup="near", format="both")
    assert result.records["story.txt"]["status"] == "kept"
    fresh = tmp_path / "fresh"
    run_batch(corpus, fresh, dedup="near", format="both")
    assert output_files(out) == output_files(fresh)


def test_dedup_off_restores_every_duplicate(corpus, tmp_path):
    out = tmp_path / "out"
    run_batch(corpus, out, dedup="near")
    assert not (out / "story.txt").exists()
    run_batch(corpus, out, dedup="off")
    assert (out / "story.txt").exists()


def test_dedup_is_the_same_for_one_and_two_workers(corpus, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    run_batch(corpus, one, dedup="near", format="both", workers=1)
    run_batch(corpus, two, dedup="near", format="both", workers=2)
    assert output_files(one) == output_files(two)


def test_an_output_deleted_by_hand_is_written_again(corpus, tmp_path):
    out = tmp_path / "out"
    first = run_batch(corpus, out)
    before = output_files(out)
    (out / "other.txt").unlink()
    again = run_batch(corpus, out)
    # written again from the stored cleaned document: nothing is cleaned again
    assert first.outcome.cleaned == 3 and again.outcome.cleaned == 0
    assert output_files(out) == before
