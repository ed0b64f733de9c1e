"""state: OUTPUT/.cleaner/state.sqlite makes re-runs incremental (new, changed, unchanged, removed)."""

from __future__ import annotations

import functools
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
from cleaner.batch.state import DB_NAME, STATE_DIR, LockedError, Plan, RunStats, Saved, Seen, State, pack
from cleaner.document import RECORD_VERSION, Document
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


# --- the database --------------------------------------------------------------------------------


def test_state_lives_in_the_output_folder_in_wal_mode(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


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


def test_plan_sorts_inputs_into_new_changed_unchanged_removed(tmp_path):
    files = {name: tmp_path / name for name in ("same", "edited", "touched", "fresh")}
    for name, path in files.items():
        path.write_text(f"content of {name}\n")
    with State(tmp_path / "out") as state:
        for name in ("same", "edited", "touched", "gone"):
            path = files.get(name, tmp_path / "same")
            st, digest = path.stat(), hashlib.sha256(path.read_bytes()).hexdigest()
            seen = Seen(st.st_size, st.st_mtime_ns, digest, "fp", name + ".txt")
            save_whole(state, name, [Saved(name, seen, "site", pack(Document(name), None), [])])
        files["edited"].write_text("content of edited, now longer\n")
        set_mtime(files["touched"])
        inputs = [(name, path, name + ".txt", None) for name, path in files.items()]
        plan = state.plan(inputs, "fp", full=False)
        assert plan == Plan(new=["fresh"], changed=["edited"], unchanged=["same", "touched"], removed=["gone"])
        assert plan.todo == {"fresh", "edited"}
        assert state.plan(inputs, "other rules", full=False).changed == ["same", "edited", "touched"]
        assert state.plan(inputs, "fp", full=True).changed == ["same", "edited", "touched"]
        moved = [(name, path, "elsewhere/" + name + ".txt", None) for name, path in files.items()]
        assert state.plan(moved, "fp", full=False).changed == ["same", "edited", "touched"]
        stats = {name: (p.stat().st_size, p.stat().st_mtime_ns) for name, p in files.items()}
        known = [(name, path, name + ".txt", stats[name]) for name, path in files.items()]
        assert state.plan(known, "fp", full=False) == plan  # discovery's stat, not a second one


def test_a_second_state_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with State(out):
        with pytest.raises(LockedError) as exc:
            State(out)
        message = str(exc.value)
        assert "another cleaner run" in message and str(os.getpid()) in message and "\n" not in message
        # reading (cleaner status) does not need the lock
        reader = State(out, read_only=True)
        reader.close()
    State(out).close()  # released on close


def test_state_survives_close_and_reopen(tmp_path):
    out = tmp_path / "out"
    with State(out) as state:
        save_whole(state, "x", [Saved("x", Seen(1, 2, "ab", "fp", "x.txt"), "site", pack(Document("x"), None), [7])])
        assert list(state.records()) == []  # cleaned, not written yet
        state.finish("x", "set", {"id": "x", "status": "kept"}, '{"id": "x"}', None)
    with State(out) as state:
        assert state.seen() == {"x": Seen(1, 2, "ab", "fp", "x.txt")}
        assert list(state.records()) == [{"id": "x", "status": "kept"}]
        assert list(state.output_rows()) == [("x", '{"id": "x"}', "site", "x", 2)]
        assert state.output_of("x") == "x.txt" and state.output_of("y") is None
        assert state.load("x")[0].id == "x" and state.load("x")[2:] == ("x.txt", "site")


def save_whole(state: State, source: str, documents: list[Saved]) -> None:
    """Store an input file cleaned in one part, as pass one does."""
    state.save_pages(source, documents)
    state.complete_source(
        source, [d for d, _ in state.stale(source, {d.id for d in documents})], documents[0].seen.fingerprint
    )


def test_a_container_is_planned_as_one_file_and_replaced_whole(tmp_path):
    out = tmp_path / "out"
    dump = tmp_path / "dump.jsonl"
    dump.write_text("{}\n")
    st = dump.stat()
    seen = Seen(st.st_size, st.st_mtime_ns, hashlib.sha256(dump.read_bytes()).hexdigest(), "fp", None)
    plan = functools.partial(state_plan, [("dump.jsonl", dump, None, None)])
    with State(out) as state:
        pages = [Saved(f"dump.jsonl#{n}", seen, "site", pack(Document(f"dump.jsonl#{n}"), None), [n]) for n in (1, 2)]
        state.save_pages("dump.jsonl", pages[:1])  # one part of two stored: the file is not done
        assert plan(state).changed == ["dump.jsonl"]
        state.save_pages("dump.jsonl", pages[1:])
        state.complete_source("dump.jsonl", [], "fp")
        assert plan(state).unchanged == ["dump.jsonl"]
        state.save_pages("dump.jsonl", pages[1:])  # cleaned again: the file lost its first page
        assert plan(state).changed == ["dump.jsonl"]
        assert state.stale("dump.jsonl", {pages[1].id}) == [("dump.jsonl#1", None)]
        state.complete_source("dump.jsonl", ["dump.jsonl#1"], "fp")
        assert [d for (d,) in state.db.execute("SELECT id FROM documents")] == ["dump.jsonl#2"]
        assert [d for (d,) in state.db.execute("SELECT doc FROM lines")] == ["dump.jsonl#2"]
        assert plan(state).unchanged == ["dump.jsonl"]
        state.forget_source("dump.jsonl")
        assert state.seen() == {}


def state_plan(inputs, state: State) -> Plan:
    return state.plan(inputs, "fp", full=False)


def test_an_older_schema_is_rebuilt_and_the_history_kept(tmp_path):
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    db.executescript(
        "CREATE TABLE documents (id TEXT PRIMARY KEY, record TEXT);"
        "INSERT INTO documents VALUES ('old', '{}');"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, seconds REAL NOT NULL,"
        " new INTEGER NOT NULL, changed INTEGER NOT NULL, unchanged INTEGER NOT NULL, removed INTEGER NOT NULL,"
        " failed INTEGER NOT NULL, bytes_in INTEGER NOT NULL, bytes_out INTEGER NOT NULL, interrupted INTEGER NOT NULL);"
        "INSERT INTO runs VALUES (1, 'then', 1.0, 1, 0, 0, 0, 0, 10, 5, 0);"
    )
    db.close()
    with State(out) as state:
        assert state.seen() == {} and len(state.history()) == 1
        assert (state.history()[0].chars_in, state.history()[0].chars_out) == (0, 0)  # columns added later
        state.add_run(RunStats("now", 1.0, 1, 0, 0, 0, 0, 10, 5, False, 8, 6))
    with State(out) as state:
        assert [(h.started, h.chars_in, h.chars_out) for h in state.history()] == [("then", 0, 0), ("now", 8, 6)]


def test_the_pages_that_carry_a_line_are_found_by_its_key(tmp_path):
    with State(tmp_path) as state:
        for n, keys in enumerate([[1, 2], [2], [2, 3]]):
            seen = Seen(1, 1, "h", "fp", None)
            state.save_pages(f"{n}.txt", [Saved(f"{n}.txt", seen, "site", pack(Document(id=f"{n}.txt"), None), keys)])
        assert state.pages_with_line("site", 2, 10) == ["0.txt", "1.txt", "2.txt"]
        assert state.pages_with_line("site", 2, 2) == ["0.txt", "1.txt"]
        assert state.pages_with_line("site", 3, 10) == ["2.txt"] and state.pages_with_line("other", 2, 10) == []


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
    from cleaner.batch import state as state_module

    reference = tmp_path / "reference"
    run_batch(tree, reference)
    monkeypatch.setattr(state_module, "PAGE_ROWS", 2)  # five documents: three pages of rows
    out = tmp_path / "out"
    run_batch(tree, out)
    assert output_files(out) == output_files(reference)
    (out / sorted(output_files(out))[-1]).unlink()
    run_batch(tree, out)
    assert output_files(out) == output_files(reference)


# --- the stored documents are data ---------------------------------------------------------------


def full_document() -> Document:
    """A document with every field set to something other than its default."""
    from cleaner.document import Block, BlockKind, Decoding, LineHint, Origin, Reason, Removal, Status

    rule = Reason(Origin.RULE, "default/back-to-top")
    return Document(
        id="dump.jsonl#7",
        raw=b"\x00\xffraw bytes",
        source="dump.jsonl",
        part=7,
        charset="windows-1252",
        size=1234,
        content_size=999,
        mtime_ns=1_700_000_000_123_456_789,
        sha256="ab" * 32,
        input_format="html",
        decoding=Decoding("windows-1252", "transport", ["mojibake"], ["invalid bytes"]),
        source_text="Title\n\nBody “quoted” — ünïcödé\n\nBack to top",
        blocks=[
            Block("Title", 1, BlockKind.HEADING),
            Block("Body “quoted” — ünïcödé", 3, BlockKind.LIST_ITEM, indent=2),
            Block("Back to top", 5, removed=rule),
        ],
        line_hints={1: LineHint("head", 0.0), 3: LineHint(None, 0.25)},
        title="Title",
        url="https://example.com/a",
        date="2026-11-30",
        language="de",
        language_score=0.9999957,
        stripped=[Removal(3, "Updated: ", Reason(Origin.METADATA, "date"))],
        removed_elements=[Removal(0, "<div class=promo>", Reason(Origin.RULE, "site/promo"))],
        status=Status.DROPPED,
        reason="language de not wanted",
    )


def test_a_document_record_round_trips_every_field():
    from dataclasses import fields

    doc = full_document()
    back = Document.from_record(json.loads(json.dumps(doc.to_record())))
    assert back == doc
    for f in fields(Document):  # equal field by field, with the same types (enums stay enums)
        assert type(getattr(back, f.name)) is type(getattr(doc, f.name)), f.name
    assert back.text == doc.text and back.removals == doc.removals


def test_pack_stores_json_and_keeps_the_fingerprint():
    import zlib

    from cleaner.batch.state import unpack
    from cleaner.corpus.dedup import Fingerprint

    fp = Fingerprint(42, "cd" * 32, bytes(range(256)) * 2)
    data = pack(full_document(), fp)
    assert json.loads(zlib.decompress(data))["document"]["id"] == "dump.jsonl#7"  # JSON, not a pickle
    doc, back = unpack(data)
    assert back == fp and doc.blocks == full_document().blocks
    assert doc.source_text == "" and doc.line_hints == {}  # only what pass two needs is stored


@pytest.mark.parametrize("version", [0, RECORD_VERSION - 1, RECORD_VERSION + 1, str(RECORD_VERSION), None])
def test_a_record_of_another_version_is_refused(version):
    from cleaner.document import RecordError

    record = full_document().to_record()
    record["version"] = version
    with pytest.raises(RecordError):
        Document.from_record(record)


@pytest.mark.parametrize("damage", ["missing-field", "wrong-type", "bad-enum"])
def test_a_damaged_record_is_a_record_error(damage):
    from cleaner.document import RecordError

    record = full_document().to_record()
    if damage == "missing-field":
        del record["blocks"]
    elif damage == "wrong-type":
        record["blocks"] = 5
    else:
        record["status"] = "exploded"
    with pytest.raises(RecordError):
        Document.from_record(record)


class _Exploit:
    """A pickle that, when loaded, writes a file: what a planted blob would do to a pickle reader."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def test_a_blob_planted_in_the_state_cannot_run_code(tree, tmp_path):
    import pickle
    import zlib

    out, marker = tmp_path / "out", tmp_path / "pwned"
    run_batch(tree, out, format="both")
    before = output_files(out)
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    for blob in (pickle.dumps(_Exploit(marker)), zlib.compress(pickle.dumps(_Exploit(marker)))):
        # applied = NULL: pass two must load the row again to write its outputs
        db.execute("UPDATE documents SET cleaned = ?, applied = NULL WHERE id = 'a.txt'", (blob,))
        db.commit()
        second = run_batch(tree, out, format="both")
        assert not marker.exists()
        assert second.outcome.failed == [] and output_files(out) == before  # a.txt's outputs kept as they were
        third = run_batch(tree, out, format="both")  # the unreadable record is cleaned again
        assert third.counts["changed"] == 1 and third.outcome.cleaned == 1
        assert output_files(out) == before and not marker.exists()
    db.close()


def test_a_document_stored_in_another_record_version_is_cleaned_again(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    before = output_files(out)
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    db.execute("UPDATE documents SET version = 0 WHERE id = 'b.txt'")
    db.commit()
    db.close()
    result = run_batch(tree, out, format="both")
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 4, "removed": 0}
    assert output_files(out) == before
    assert run_batch(tree, out, format="both").outcome.cleaned == 0
