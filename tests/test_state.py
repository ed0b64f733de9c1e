"""state: OUTPUT/.cleaner/state.sqlite makes re-runs incremental (new, changed, unchanged, removed)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import ARTICLE_PARAGRAPHS, GERMAN_PARAGRAPHS, article_html, output_files, run_batch

from cleaner import load_rules
from cleaner.batch.state import DB_NAME, STATE_DIR, State
from cleaner.rules.ruleset import DEFAULT_RULES_DIR

EXTRA_RULE = """\
version: 1
name: extra
description: One more line rule, for the tests.
drop_lines:
  - id: bridge-cost
    pattern: '^The bridge, which will link the old market square'
"""


def article(title: str, *paragraphs: str) -> str:
    return "\n\n".join((title, *(paragraphs or ARTICLE_PARAGRAPHS))) + "\n"


@pytest.fixture
def tree(make_tree) -> Path:
    return make_tree(
        {
            "a.txt": article("First article about the bridge"),
            "b.txt": article("Second article about the bridge"),
            "sub/c.html": article_html(),
            "de.txt": article("Neue Brücke über den Fluss", *GERMAN_PARAGRAPHS),
            "empty.txt": b"",
        }
    )


def rows(out: Path) -> dict[str, dict]:
    """The state's document rows, read with a plain sqlite3 connection."""
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    db.row_factory = sqlite3.Row
    try:
        return {r["id"]: dict(r) for r in db.execute("SELECT * FROM documents")}
    finally:
        db.close()


def jsonl_ids(out: Path) -> list[str]:
    return [json.loads(line)["id"] for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]


def set_mtime(path: Path, seconds_later: float = 10) -> None:
    """Move a file's mtime on, so a rewrite within the clock's granularity is still seen."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds_later * 1e9)))


# --- the state of a run -------------------------------------------------------------------------


def test_state_records_each_input(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    state = rows(out)
    assert sorted(state) == ["a.txt", "b.txt", "de.txt", "empty.txt", "sub/c.html"]
    a = state["a.txt"]
    st = (tree / "a.txt").stat()
    assert (a["size"], a["mtime_ns"]) == (st.st_size, st.st_mtime_ns)
    assert a["sha256"] == hashlib.sha256((tree / "a.txt").read_bytes()).hexdigest()
    assert a["output"] == "a.txt" and a["fingerprint"]
    assert json.loads(a["record"])["status"] == "kept"
    assert json.loads(state["empty.txt"]["record"])["status"] == "dropped"
    assert len({r["fingerprint"] for r in state.values()}) == 1


# --- incremental runs ----------------------------------------------------------------------------


def test_second_run_cleans_nothing(tree, tmp_path):
    out = tmp_path / "out"
    first = run_batch(tree, out, format="both")
    assert first.outcome.cleaned == 5
    assert first.counts == {"new": 5, "changed": 0, "unchanged": 0, "removed": 0}
    before = output_files(out)

    second = run_batch(tree, out, format="both")
    assert second.outcome.cleaned == 0
    assert second.counts == {"new": 0, "changed": 0, "unchanged": 5, "removed": 0}
    assert second.documents == first.documents  # the report still covers every document
    assert second.report["totals"] == first.report["totals"]
    assert output_files(out) == before


def test_second_run_does_not_call_the_pipeline(tree, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch(tree, out)
    from cleaner.core import pipeline

    def never(*args):
        raise AssertionError("an unchanged input was cleaned again")

    monkeypatch.setattr(pipeline, "process", never)  # reaches the forked workers too
    result = run_batch(tree, out, workers=2)
    assert result.outcome.cleaned == 0 and result.outcome.failed == []
    assert all(r["status"] != "failed" for r in result.documents)


def test_changed_content_is_cleaned_again(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    (tree / "a.txt").write_text(article("First article, now rewritten"), encoding="utf-8")
    result = run_batch(tree, out, format="both")
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 4, "removed": 0}
    assert result.outcome.cleaned == 1
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("First article, now rewritten")
    docs = {json.loads(line)["id"]: json.loads(line) for line in (out / "documents.jsonl").read_text().splitlines()}
    assert docs["a.txt"]["text"].startswith("First article, now rewritten")


def test_same_size_edit_with_a_new_mtime_is_a_change(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    path = tree / "b.txt"
    old = path.read_text(encoding="utf-8")
    new = old.replace("Second", "Edited")
    assert len(new.encode()) == len(old.encode())
    path.write_text(new, encoding="utf-8")
    set_mtime(path)
    result = run_batch(tree, out)
    assert result.counts["changed"] == 1 and result.outcome.cleaned == 1
    assert (out / "b.txt").read_text(encoding="utf-8").startswith("Edited article")


def test_touched_but_identical_file_is_unchanged(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    path = tree / "a.txt"
    path.write_bytes(path.read_bytes())  # rewritten with the same bytes
    set_mtime(path)
    result = run_batch(tree, out)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 5, "removed": 0}
    assert result.outcome.cleaned == 0


def test_new_file_is_cleaned_alone(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    (tree / "sub" / "d.txt").write_text(article("A brand new article"), encoding="utf-8")
    result = run_batch(tree, out)
    assert result.counts == {"new": 1, "changed": 0, "unchanged": 5, "removed": 0}
    assert result.outcome.cleaned == 1
    assert (out / "sub" / "d.txt").is_file()
    assert len(result.documents) == 6


def rules_folder(tmp_path: Path, name: str, extra: str | None = None) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for path in DEFAULT_RULES_DIR.glob("*.yaml"):
        shutil.copyfile(path, folder / path.name)
    if extra is not None:
        (folder / "extra.yaml").write_text(extra, encoding="utf-8")
    return folder


def test_changed_rules_reclean_everything(tree, tmp_path):
    out = tmp_path / "out"
    plain = rules_folder(tmp_path, "rules-plain")
    run_batch(tree, out, load_rules([plain]), rules_dirs=(plain,))

    # the same rules in another folder are the same rules: nothing to do
    copy = rules_folder(tmp_path, "rules-copy")
    assert run_batch(tree, out, load_rules([copy]), rules_dirs=(copy,)).outcome.cleaned == 0

    # a different rules folder (one more file)
    more = rules_folder(tmp_path, "rules-more", EXTRA_RULE)
    result = run_batch(tree, out, load_rules([more]), rules_dirs=(more,))
    assert result.counts == {"new": 0, "changed": 5, "unchanged": 0, "removed": 0}
    assert result.outcome.cleaned == 5
    assert ARTICLE_PARAGRAPHS[1] not in (out / "a.txt").read_text(encoding="utf-8")
    assert result.records["a.txt"]["removed_by_reason"].get("rule:extra/bridge-cost") == 1

    # the same folder with edited contents
    (more / "extra.yaml").write_text(EXTRA_RULE.replace("bridge-cost", "bridge-costs"), encoding="utf-8")
    result = run_batch(tree, out, load_rules([more]), rules_dirs=(more,))
    assert result.counts["changed"] == 5 and result.outcome.cleaned == 5
    assert result.records["a.txt"]["removed_by_reason"].get("rule:extra/bridge-costs") == 1


def test_changed_language_option_recleans_and_removes_dropped_outputs(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    assert (out / "a.txt").is_file() and (out / "de.txt").is_file()
    result = run_batch(tree, out, format="both", languages=("de",))
    assert result.counts == {"new": 0, "changed": 5, "unchanged": 0, "removed": 0}
    assert result.records["a.txt"]["status"] == "dropped"
    assert not (out / "a.txt").exists() and not (out / "sub" / "c.txt").exists()  # no stale outputs
    assert (out / "de.txt").is_file()
    assert jsonl_ids(out) == ["de.txt"]
    # and the same option again is no change
    assert run_batch(tree, out, format="both", languages=("de",)).outcome.cleaned == 0


def test_switching_formats_cleans_nothing_again_and_writes_what_a_fresh_run_would(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="txt")
    assert not (out / "documents.jsonl").exists()
    for fmt in ("both", "jsonl", "txt", "jsonl", "both"):
        result = run_batch(tree, out, format=fmt)
        assert result.counts["unchanged"] == 5 and result.outcome.cleaned == 0, fmt  # rendered from the state
        fresh = tmp_path / f"fresh-{fmt}-{len(list(tmp_path.iterdir()))}"
        reference = run_batch(tree, fresh, format=fmt)
        assert output_files(out) == output_files(fresh), fmt  # the old format's outputs are gone
        assert result.documents == reference.documents, fmt
    assert jsonl_ids(out) == ["a.txt", "b.txt", "de.txt", "sub/c.html"]
    assert run_batch(tree, out, format="jsonl").outcome.cleaned == 0
    assert not list(out.rglob("*.txt"))  # the txt tree is gone with --format jsonl


def test_a_new_cleaner_recleans_everything_and_the_same_cleaner_nothing(tree, tmp_path, monkeypatch):
    from cleaner import identity

    out = tmp_path / "out"
    run_batch(tree, out)
    assert run_batch(tree, out).outcome.cleaned == 0
    monkeypatch.setattr(identity, "code_digest", lambda: "new code, same version string")
    assert run_batch(tree, out).counts["changed"] == 5
    assert run_batch(tree, out).outcome.cleaned == 0
    real = identity.metadata.version
    monkeypatch.setattr(identity.metadata, "version", lambda name: "99.0" if name == "trafilatura" else real(name))
    assert run_batch(tree, out).counts["changed"] == 5
    assert run_batch(tree, out).outcome.cleaned == 0


def test_the_code_digest_covers_code_and_data_but_not_caches(tmp_path):
    from cleaner import identity

    package = tmp_path / "cleaner"
    shutil.copytree(identity.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = identity.files_digest(package)
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "batch.cpython-311.pyc").write_bytes(b"bytecode")
    assert identity.files_digest(package) == before
    (package / "models").mkdir(exist_ok=True)
    (package / "models" / "lang.bin").write_bytes(b"weights")
    with_model = identity.files_digest(package)
    assert with_model != before
    (package / "models" / "lang.bin").write_bytes(b"other weights")
    assert identity.files_digest(package) != with_model
    (package / "models" / "lang.bin").unlink()
    assert identity.files_digest(package) == before
    (package / "rules" / "default.yaml").write_text("version: 1\n", encoding="utf-8")
    assert identity.files_digest(package) != before
    with open(package / "classify.py", "a", encoding="utf-8") as f:
        f.write("# a comment changes the code too\n")
    assert identity.files_digest(package) != before
    assert identity.code_digest() == identity.files_digest(identity.PACKAGE_DIR)[:16]
    assert [v.split("==")[0] for v in identity.library_versions()] == list(identity.TEXT_LIBRARIES)
    assert "trafilatura==absent" not in identity.library_versions()


def test_renaming_a_rule_file_without_a_name_recleans(tree, tmp_path):
    out = tmp_path / "out"
    unnamed = EXTRA_RULE.replace("name: extra\n", "")
    more = rules_folder(tmp_path, "rules-more", unnamed)
    result = run_batch(tree, out, load_rules([more]), rules_dirs=(more,))
    assert result.records["a.txt"]["removed_by_reason"].get("rule:extra/bridge-cost") == 1
    (more / "extra.yaml").rename(more / "bridge.yaml")  # same bytes, another reason
    result = run_batch(tree, out, load_rules([more]), rules_dirs=(more,))
    assert result.counts["changed"] == 5
    assert result.records["a.txt"]["removed_by_reason"].get("rule:bridge/bridge-cost") == 1
    assert "rule:extra/bridge-cost" not in json.dumps(result.documents)


def test_options_that_do_not_change_outputs_are_no_change(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    assert run_batch(tree, out, workers=2, timeout=5).outcome.cleaned == 0


def test_deleted_input_loses_its_outputs(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    (tree / "b.txt").unlink()
    (tree / "sub" / "c.html").unlink()
    result = run_batch(tree, out, format="both")
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 3, "removed": 2}
    assert result.outcome.cleaned == 0
    assert not (out / "b.txt").exists() and not (out / "sub" / "c.txt").exists()
    assert jsonl_ids(out) == ["a.txt", "de.txt"]
    assert sorted(result.records) == ["a.txt", "de.txt", "empty.txt"]
    assert result.report["totals"]["files"] == 3
    assert sorted(rows(out)) == ["a.txt", "de.txt", "empty.txt"]
    # removed once: the next run has nothing to remove
    assert run_batch(tree, out, format="both").counts["removed"] == 0


def test_full_redoes_everything(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    before = output_files(out)
    result = run_batch(tree, out, format="both", full=True)
    assert result.counts == {"new": 0, "changed": 5, "unchanged": 0, "removed": 0}
    assert result.outcome.cleaned == 5
    assert output_files(out) == before


def test_incremental_outputs_equal_a_fresh_full_run(tree, tmp_path):
    """After adds, edits, deletions and a rules change, OUTPUT is what a fresh run would write."""
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    (tree / "b.txt").unlink()
    (tree / "new.txt").write_text(article("An article added later"), encoding="utf-8")
    run_batch(tree, out, format="both")
    (tree / "a.txt").write_text("", encoding="utf-8")  # kept before, dropped now
    (tree / "empty.txt").write_text(article("Empty no more"), encoding="utf-8")  # dropped before, kept now
    (tree / "sub" / "c.html").unlink()
    (tree / "sub" / "c.md").write_text(article("Markdown takes the name"), encoding="utf-8")
    run_batch(tree, out, format="both")
    more = rules_folder(tmp_path, "rules-more", EXTRA_RULE)
    run_batch(tree, out, load_rules([more]), format="both", rules_dirs=(more,))
    (tree / "b.txt").write_text(article("Second article is back"), encoding="utf-8")
    last = run_batch(tree, out, load_rules([more]), format="both", rules_dirs=(more,))

    fresh = tmp_path / "fresh"
    reference = run_batch(tree, fresh, load_rules([more]), format="both", rules_dirs=(more,), workers=2)
    assert output_files(out) == output_files(fresh)
    assert (out / "documents.jsonl").read_bytes() == (fresh / "documents.jsonl").read_bytes()
    kept = sorted(r["id"] for r in reference.documents if r["status"] == "kept")
    assert jsonl_ids(out) == kept  # one line per current kept document, no stale ones
    assert last.documents == reference.documents
    assert last.report["totals"] == reference.report["totals"]


def test_an_output_path_handed_to_another_document_is_not_deleted(make_tree, tmp_path, monkeypatch):
    # a.html and a.txt collide, so a.html writes a.html.txt. Adding a.html.html (whose own name
    # is a.html.txt) renames a.html's output to a.html.1.txt; if a.html finishes after
    # a.html.html, it unlinks "its" old a.html.txt, which is a.html.html's output by now.
    root = make_tree({"a.html": article_html(), "a.txt": article("The text version")})
    out = tmp_path / "out"
    run_batch(root, out)
    assert (out / "a.html.txt").is_file()
    (root / "a.html.html").write_text(article_html(), encoding="utf-8")
    from cleaner.core import pipeline

    real = pipeline.process

    def slow_a_html(doc, settings, ruleset):
        if doc.id == "a.html":
            time.sleep(1.5)
        return real(doc, settings, ruleset)

    monkeypatch.setattr(pipeline, "process", slow_a_html)
    result = run_batch(root, out, workers=2)
    outputs = {r["id"]: r["output"] for r in result.documents}
    assert outputs == {"a.html": "a.html.1.txt", "a.html.html": "a.html.txt", "a.txt": "a.txt.txt"}
    for output in outputs.values():
        assert (out / output).is_file(), f"{output} is in the report but not on disk"


def test_state_keeps_the_last_settings_and_history(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="both", languages=("en",))
    (tree / "b.txt").unlink()
    run_batch(tree, out, format="both", languages=("en",))
    with State(out, read_only=True) as state:
        history = state.history()
        saved = state.meta("settings")
    assert [(h.new, h.changed, h.unchanged, h.removed) for h in history] == [(5, 0, 0, 0), (0, 0, 4, 1)]
    assert not any(h.interrupted for h in history)
    values = list(saved.values())  # by option key; the keys are the config file's business
    assert str(tree) in values and "both" in values and ["en"] in values


def test_an_unreadable_input_is_recorded_again_not_a_crash(tmp_path):
    from cleaner.cli.main import main

    root = tmp_path / "in"
    root.mkdir()
    (root / "good.txt").write_text(
        "The council met on Tuesday and agreed to build a new bridge over the river, officials said on Wednesday.\n"
    )
    (root / "broken.txt").symlink_to(root / "missing.txt")  # inside INPUT (one out of it is skipped)
    out = tmp_path / "out"
    for _ in range(2):
        assert main(["run", str(root), str(out), "--quiet", "--workers", "1"]) == 1  # a failure, not a crash (70)
    report = json.loads((out / "report.json").read_text())
    broken = next(d for d in report["documents"] if d["id"] == "broken.txt")
    assert broken["status"] == "failed" and "cannot read" in broken["reason"]


def test_pass_two_walks_every_document_page_by_page(tree, tmp_path, monkeypatch):
    from cleaner.batch.state import store as state_store

    reference = tmp_path / "reference"
    run_batch(tree, reference)
    monkeypatch.setattr(state_store, "PAGE_ROWS", 2)  # five documents: three pages of rows
    out = tmp_path / "out"
    run_batch(tree, out)
    assert output_files(out) == output_files(reference)
    (out / sorted(output_files(out))[-1]).unlink()
    run_batch(tree, out)
    assert output_files(out) == output_files(reference)
