"""state.store and state.schema: the connection, the lock, the schema and its migration, remembered
values, batched commits, paging and the run history."""

from __future__ import annotations

import json
import os
import sqlite3
import zlib

import pytest
from conftest import ARTICLE_PARAGRAPHS, output_files, run_batch

from cleaner.batch.state import store as store_module
from cleaner.batch.state.schema import SCHEMA_VERSION
from cleaner.batch.state.store import COMMIT_EVERY, DB_NAME, STATE_DIR, LockedError, Store
from cleaner.report.write import RunStats


def connect(out) -> sqlite3.Connection:
    """A second, plain connection to the state database."""
    return sqlite3.connect(out / STATE_DIR / DB_NAME)


def test_the_state_lives_in_the_output_folder_in_wal_mode_at_this_schema(tmp_path):
    Store(tmp_path / "out").close()
    db = connect(tmp_path / "out")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    assert Store.exists(tmp_path / "out") and not Store.exists(tmp_path)


def test_a_second_state_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with Store(out):
        with pytest.raises(LockedError) as exc:
            Store(out)
        message = str(exc.value)
        assert "another cleaner run" in message and str(os.getpid()) in message and "\n" not in message
        # reading (cleaner status) does not need the lock
        reader = Store(out, read_only=True)
        reader.close()
    Store(out).close()  # released on close


def test_an_error_inside_releases_the_lock(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), Store(out):
        raise RuntimeError("a full disk, say")
    Store(out).close()


def test_remembered_values_survive_close_and_reopen(tmp_path):
    with Store(tmp_path) as store:
        store.set_meta("settings", {"b": [1, 2], "a": None})
        store.set_meta("format", "txt")
        store.set_meta("format", "both")  # replaced
        assert store.meta("missing") is None
    with Store(tmp_path, read_only=True) as store:
        assert store.meta("settings") == {"a": None, "b": [1, 2]} and store.meta("format") == "both"


def test_changes_are_committed_every_commit_every_ticks(tmp_path):
    with Store(tmp_path) as store:
        store.set_meta("k", 1)
        reader = connect(tmp_path)
        for _ in range(COMMIT_EVERY - 1):
            store.tick()
        assert reader.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0  # not durable yet
        store.tick()
        assert reader.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 1
        reader.close()


def test_paged_walks_every_row_a_page_at_a_time_while_the_caller_updates_them(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "PAGE_ROWS", 3)
    with Store(tmp_path) as store:
        for n in range(8):
            store.set_meta(f"k{n}", n)
        seen = []
        for key, value in store.paged("SELECT key, value FROM meta WHERE key != '' AND key > ? ORDER BY key LIMIT ?"):
            seen.append((key, json.loads(value)))
            store.set_meta(key, -1)  # updating the rows walked is safe
        assert seen == [(f"k{n}", n) for n in range(8)]
        assert {store.meta(f"k{n}") for n in range(8)} == {-1}


def test_the_run_history_keeps_every_field_in_order(tmp_path):
    runs = [RunStats("then", 1.5, 1, 2, 3, 4, 5, 60, 7, True, 80, 9), RunStats("now", 0.25, 0, 0, 9, 0, 0, 6, 5, False)]
    with Store(tmp_path) as store:
        for run in runs:
            store.add_run(run)
    with Store(tmp_path, read_only=True) as store:
        history = store.history()
    assert history == runs and type(history[0].interrupted) is bool


def test_an_unversioned_schema_is_rebuilt_and_the_history_kept(tmp_path):
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    db = connect(out)
    db.executescript(
        "CREATE TABLE documents (id TEXT PRIMARY KEY, record TEXT);"
        "INSERT INTO documents VALUES ('old', '{}');"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, seconds REAL NOT NULL,"
        " new INTEGER NOT NULL, changed INTEGER NOT NULL, unchanged INTEGER NOT NULL, removed INTEGER NOT NULL,"
        " failed INTEGER NOT NULL, bytes_in INTEGER NOT NULL, bytes_out INTEGER NOT NULL, interrupted INTEGER NOT NULL);"
        "INSERT INTO runs VALUES (1, 'then', 1.0, 1, 0, 0, 0, 0, 10, 5, 0);"
    )
    db.close()
    with Store(out) as store:
        assert store.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
        assert len(store.history()) == 1
        assert (store.history()[0].chars_in, store.history()[0].chars_out) == (0, 0)  # columns added later
        store.add_run(RunStats("now", 1.0, 1, 0, 0, 0, 0, 10, 5, False, 8, 6))
    with Store(out) as store:
        assert [(h.started, h.chars_in, h.chars_out) for h in store.history()] == [("then", 0, 0), ("now", 8, 6)]


def test_a_state_of_the_previous_schema_is_cleaned_again_with_the_same_outputs(make_tree, tmp_path):
    body = "\n\n".join(ARTICLE_PARAGRAPHS)
    tree = make_tree({"a.txt": f"First article\n\n{body}\n", "b/c.txt": f"Second article\n\n{body}\n"})
    out = tmp_path / "out"
    run_batch(tree, out, format="both", dedup="exact")
    before = output_files(out)
    db = connect(out)  # what schema 5 stored: pack()ed document records of version 2
    old = zlib.compress(json.dumps({"document": {"version": 2, "id": "a.txt"}, "fingerprint": None}).encode())
    db.execute("UPDATE documents SET cleaned = ?, version = 2, applied = NULL", (old,))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    db.commit()
    db.close()
    result = run_batch(tree, out, format="both", dedup="exact")
    assert result.counts == {"new": 2, "changed": 0, "unchanged": 0, "removed": 0}  # cleaned again, no traceback
    assert result.outcome.failed == [] and output_files(out) == before
    assert len(result.report["history"]) == 2  # the history is kept
    assert run_batch(tree, out, format="both", dedup="exact").outcome.cleaned == 0
