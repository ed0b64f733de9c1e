"""state.duplicates: the kept documents' fingerprints and which documents duplicate which."""

from __future__ import annotations

from state_helpers import document, save_whole, saved

from cleaner.batch.state import State
from cleaner.corpus.dedup import Fingerprint


def finished(state: State, name: str, fingerprint: Fingerprint | None) -> None:
    """A document stored and written, kept (with a fingerprint) or not."""
    save_whole(state, name, [saved(document(name, "A line"))])
    jsonl = f'{{"id": "{name}"}}' if fingerprint else None
    record = {"id": name, "status": "kept" if fingerprint else "dropped", "output": f"{name}.txt", "bytes_out": 7}
    state.documents.finish(name, "set", record, jsonl, fingerprint)


def test_fingerprints_are_those_pass_two_recorded_for_kept_documents(tmp_path):
    near = Fingerprint(30, "h1", bytes(range(16)))
    with State(tmp_path) as state:
        finished(state, "a", near)
        finished(state, "b", Fingerprint(20, "h2", None))
        finished(state, "c", None)
        assert dict(state.duplicates.fingerprints()) == {"a": near, "b": Fingerprint(20, "h2", None)}


def test_duplicates_are_replaced_and_shown_as_dropped(tmp_path):
    with State(tmp_path) as state:
        for name in ("a", "b", "c", "d"):
            finished(state, name, Fingerprint(10, "same", None))
        state.duplicates.replace({"b": "a", "c": "a", "d": "c"})
        state.duplicates.replace({"b": "a", "d": "a"})  # replaces, not adds to, what was stored
        assert state.duplicates.clusters() == {"a": ["b", "d"]}
        records = {r["id"]: r for r in state.documents.records()}
        assert records["b"] == {
            "id": "b",
            "status": "dropped",
            "reason": "duplicate-of:a",
            "output": None,
            "bytes_out": 0,
        }
        assert records["c"]["status"] == "kept"
        assert [row[0] for row in state.output_rows()] == ["a", "c"]  # the writers leave duplicates out


def test_clusters_stored_again_unchanged_change_no_report_record(tmp_path):
    with State(tmp_path) as state:
        for name in ("a", "b", "c"):
            save_whole(state, name, [saved(document(name, "A line"))])
            state.documents.finish(name, "set", {"id": name, "status": "kept"}, None, None)
        state.duplicates.replace({"b": "a", "c": "a"})
        state.documents.keep_reports_reuse("k", "{}")
        state.duplicates.replace({"b": "a", "c": "a"})  # the next run finds the same clusters
        assert state.documents.changes(10) == []
        state.duplicates.replace({"b": "a"})
        assert [now.record["id"] for _, now in state.documents.changes(10)] == ["c"]
        assert state.duplicates.clusters() == {"a": ["b"]}
