"""state.documents: documents stored by pass one, finished by pass two, read back streamed."""

from __future__ import annotations

import pytest
from state_helpers import document, save_whole, saved

from cleaner.batch.state import INCOMPLETE, RecordError, Seen, State
from cleaner.corpus.dedup import Fingerprint


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
        assert list(state.documents.missing_outputs(out)) == ["b"]  # c has none (dropped)


def test_records_changed_counts_every_change_of_a_report_record_and_nothing_else(tmp_path):
    with State(tmp_path) as state:
        counts = [state.documents.records_changed()]
        for name in ("a", "b"):
            save_whole(state, name, [saved(document(name, "A line"))])
        counts.append(state.documents.records_changed())  # cleaned, no record yet
        for name in ("a", "b"):
            state.documents.finish(name, "set", {"id": name, "status": "kept"}, None, None)
        counts.append(state.documents.records_changed())
        state.documents.finish("a", "set", {"id": "a", "status": "kept"}, None, None)  # the same record
        state.documents.rewrite_all()
        state.db.execute("UPDATE documents SET fingerprint = 'other'")
        counts.append(state.documents.records_changed())
        state.duplicates.replace({"b": "a"})
        counts.append(state.documents.records_changed())
        state.documents.forget_source("b")
        counts.append(state.documents.records_changed())
        save_whole(state, "a", [saved(document("a", "A new line"))])  # cleaned again: its record goes
        counts.append(state.documents.records_changed())
    assert counts == [0, 0, 2, 2, 3, 4, 5]
    with State(tmp_path) as state:
        assert state.documents.records_changed() == 5  # kept with the state


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
            state.documents.finish(name, "set", record, None, None, (f"<tr>{name}", f"page-{name}"))
        state.duplicates.replace({"b": "a"})
        a, b = state.documents.entries()
        assert (a.text, a.row, a.page) == (
            '{"bytes_out": 7, "id": "a", "output": "a.txt", "status": "kept"}',
            "<tr>a",
            "page-a",
        )
        assert b.row is None and b.page == "page-b"  # its row is rendered as dropped by the reports
        assert b.record == {"id": "b", "status": "dropped", "output": None, "bytes_out": 0, "reason": "duplicate-of:a"}
        assert list(state.documents.pages()) == [("a", "page-a"), ("b", "page-b")]
