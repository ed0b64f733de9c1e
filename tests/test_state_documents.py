"""state.documents: documents stored by pass one, finished by pass two, read back streamed."""

from __future__ import annotations

import pytest
from state_helpers import document, save_whole, saved

from cleaner.batch.state import INCOMPLETE, RecordError, Seen, State
from cleaner.corpus.dedup import Fingerprint
from cleaner.report.html.index import Listing


def test_a_stored_document_survives_close_and_reopen(tmp_path):
    fingerprint = Fingerprint(11, "ab" * 32, b"\x01\x02\x03\x04")
    with State(tmp_path) as state:
        doc = document("x", "Kept line", "Another kept line")
        save_whole(state, "x", [saved(doc, Seen(1, 2, "ab", "fp", "x.txt"), fingerprint=fingerprint, keys=[7])])
        assert list(state.documents.records()) == []  # cleaned, not written yet
        state.documents.finish("x", "set", {"id": "x", "status": "kept"}, '{"id": "x"}', None)
    with State(tmp_path) as state:
        assert state.planner.seen() == {"x": Seen(1, 2, "ab", "fp", "x.txt")}
        assert list(state.documents.records()) == [{"id": "x", "status": "kept"}]
        assert list(state.documents.record_ids()) == ["x"]
        assert list(state.output_rows()) == [("x", '{"id": "x"}', "site", "x", 2)]
        back, back_fp, output, site = state.documents.load("x")
        assert back.blocks == doc.blocks and back_fp == fingerprint and (output, site) == ("x.txt", "site")


def test_a_record_that_cannot_be_read_is_an_error_and_its_file_is_cleaned_again(tmp_path):
    with State(tmp_path) as state:
        save_whole(state, "x", [saved(document("x", "A line"))])
        state.db.execute("UPDATE documents SET cleaned = ? WHERE id = 'x'", (b"planted",))
        with pytest.raises(RecordError, match="damaged stored record"):
            state.documents.load("x")
        assert state.planner.seen()["x"].fingerprint == INCOMPLETE


def test_a_forgotten_source_takes_its_line_keys_and_marks_its_site(tmp_path):
    with State(tmp_path) as state:
        save_whole(state, "a", [saved(document("a", "One line", "Two lines"))])
        save_whole(state, "b", [saved(document("b", "One line"))])
        state.db.execute("DELETE FROM dirty_sites")
        state.documents.forget_source("a")
        assert [doc for (doc,) in state.db.execute("SELECT DISTINCT doc FROM lines")] == ["b"]
        assert [site for (site,) in state.db.execute("SELECT site FROM dirty_sites")] == ["site"]
        assert list(state.planner.seen()) == ["b"]


def test_unfinished_lists_documents_not_written_with_their_sites_current_template(tmp_path):
    with State(tmp_path) as state:
        for name in ("a", "b", "c"):
            save_whole(state, name, [saved(document(name, f"Line of {name}"))])
        state.templates.update(None)
        current = state.templates.site_template("site").hash
        state.documents.finish("a", current, {"id": "a"}, None, None)
        state.documents.finish("b", "an older template set", {"id": "b"}, None, None)
        assert list(state.documents.unfinished()) == ["b", "c"]
        state.documents.rewrite_all()  # the output format changed
        assert list(state.documents.unfinished()) == ["a", "b", "c"]


def test_missing_outputs_are_kept_documents_whose_text_file_is_gone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("a\n")
    with State(tmp_path / "state") as state:
        for name, output in (("a", "a.txt"), ("b", "b.txt"), ("c", None)):
            save_whole(state, name, [saved(document(name, "A line"))])
            state.documents.finish(name, "set", {"id": name, "output": output}, None, None)
        assert list(state.documents.missing_outputs(state.documents.presence(out))) == ["b"]  # c has none (dropped)


def test_changes_hold_each_changed_record_as_it_was_at_the_last_reports_and_now(tmp_path):
    with State(tmp_path) as state:
        for name in ("a", "b", "c"):
            save_whole(state, name, [saved(document(name, "A line"))])
            state.documents.finish(name, "set", {"id": name, "status": "kept"}, None, None)
        assert len(state.documents.changes(10)) == 3  # new: none before
        assert state.documents.changes(2) is None  # more than the limit
        state.documents.keep_reports_reuse("k", "{}")  # reports written: nothing changed since
        assert state.documents.changes(10) == []
        state.documents.finish("a", "set", {"id": "a", "status": "kept"}, None, None)  # the same record
        state.documents.rewrite_all()
        state.db.execute("UPDATE documents SET fingerprint = 'other'")
        assert state.documents.changes(10) == []
        state.documents.finish("a", "set", {"id": "a", "status": "dropped"}, None, None)
        state.documents.finish("a", "set", {"id": "a", "status": "failed"}, None, None)  # the first 'then' stays
        state.duplicates.replace({"b": "c"})
        state.documents.forget_source("c")
        save_whole(state, "d", [saved(document("d", "A line"))])  # cleaned, not written: no record yet
    with State(tmp_path) as state:  # kept with the state
        changes = state.documents.changes(10)
        assert [(then and then.record, now and now.record) for then, now in changes] == [
            ({"id": "a", "status": "kept"}, {"id": "a", "status": "failed"}),
            (
                {"id": "b", "status": "kept"},
                {"id": "b", "status": "dropped", "reason": "duplicate-of:c", "output": None, "bytes_out": 0},
            ),
            ({"id": "c", "status": "kept"}, None),
        ]
        assert changes[0][0].text == '{"id": "a", "status": "kept"}'  # as report.json holds it


def test_what_the_reports_leave_for_reuse_is_kept_until_replaced(tmp_path):
    with State(tmp_path) as state:
        assert state.documents.reports_reuse() is None
        state.documents.keep_reports_reuse("k1", "{}")
        state.documents.keep_reports_reuse("k2", '{"a": 1}')
    with State(tmp_path) as state:
        assert state.documents.reports_reuse() == ("k2", '{"a": 1}')


def test_entries_carry_the_rendered_row_and_page_and_a_duplicate_shows_as_dropped(tmp_path):
    with State(tmp_path) as state:
        for name in ("a", "b"):
            save_whole(state, name, [saved(document(name, "A line"))])
            record = {"id": name, "status": "kept", "output": f"{name}.txt", "bytes_out": 7}
            state.documents.finish(name, "set", record, None, None, Listing(f"<tr>{name}", f"page-{name}", "[]"))
        state.duplicates.replace({"b": "a"})
        a, b = state.documents.entries()
        assert (a.text, a.listing) == (
            '{"bytes_out": 7, "id": "a", "output": "a.txt", "status": "kept"}',
            Listing("<tr>a", "page-a", "[]"),
        )
        assert b.listing is None  # rendered as dropped by the reports
        assert b.record == {"id": "b", "status": "dropped", "output": None, "bytes_out": 0, "reason": "duplicate-of:a"}
        out = tmp_path / "out"
        out.mkdir()
        (out / "page-b").write_text("b")
        assert state.documents.missing_pages(state.documents.presence(out)) == ["a"]  # by its stored page
        assert [e.record["id"] for e in state.documents.entries("b")] == ["b"]
        assert [e.record["id"] for e in state.documents.entries("", "b")] == ["a"]
