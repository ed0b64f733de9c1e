"""writers.txt and the registry of formats of a file per document: the .txt tree, written per document."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.io import writers
from cleaner.io.writers import DOCUMENT_WRITERS, FORMATS, documents_switched, parse_formats, write_document
from cleaner.io.writers.base import OutputRecord
from cleaner.io.writers.txt import TxtWriter

FIELDS = {
    "text": "Grüße aus Köln.\nZweite Zeile.",
    "title": "Köln",
    "url": "https://e.com/a",
    "date": None,
    "author": None,
    "language": "de",
    "language_score": 0.99,
    "encoding": "utf-8",
    "kept_lines": 2,
    "removed_lines": 1,
}


def record(doc_id: str = "site/a.html") -> OutputRecord:
    """A kept document's record, as pass two builds it from its documents.jsonl fields."""
    return OutputRecord.of_fields(doc_id, FIELDS, "e.com", doc_id, 0)


def test_a_kept_document_is_its_text_and_a_newline_at_its_path(tmp_path: Path) -> None:
    TxtWriter().write_document(tmp_path, "site/a.txt", record())
    assert (tmp_path / "site" / "a.txt").read_bytes() == "Grüße aus Köln.\nZweite Zeile.\n".encode()
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["a.txt"]  # no temporary file left behind


def test_remove_document_removes_the_file_and_tolerates_its_absence(tmp_path: Path) -> None:
    writer = TxtWriter()
    writer.write_document(tmp_path, "a.txt", record())
    writer.remove_document(tmp_path, "a.txt")
    writer.remove_document(tmp_path, "a.txt")
    assert not (tmp_path / "a.txt").exists()


@pytest.mark.parametrize(
    ("kept", "formats", "written"),
    [(True, ("txt", "jsonl"), True), (True, ("jsonl",), False), (False, ("txt",), False)],
)
def test_write_document_writes_only_a_kept_document_in_an_asked_for_format(
    tmp_path: Path, kept: bool, formats: tuple[str, ...], written: bool
) -> None:
    (tmp_path / "a.txt").write_text("an earlier run's text\n")
    write_document(tmp_path, "a.txt", record() if kept else None, formats)
    assert (tmp_path / "a.txt").exists() is written


def test_txt_is_a_registry_entry_and_a_format_like_the_others() -> None:
    assert "txt" in DOCUMENT_WRITERS and "txt" not in writers.WRITERS
    assert FORMATS[0] == "txt" and set(FORMATS) == {*DOCUMENT_WRITERS, *writers.WRITERS}
    assert parse_formats("jsonl,both") == ("txt", "jsonl")


@pytest.mark.parametrize(
    ("before", "now", "switched"),
    [
        ("txt", ("txt", "jsonl"), False),  # adding a corpus format leaves the .txt files alone
        ("both", ("txt",), False),
        ("jsonl", ("txt",), True),  # txt switched on: every document's file is written
        ("txt,parquet", ("parquet",), True),  # txt switched off: every document's file is removed
        (None, ("jsonl",), True),  # no earlier run known
        ("no-such-format", ("txt",), True),
    ],
)
def test_switching_a_per_document_format_rewrites_every_document(
    before: str | None, now: tuple[str, ...], switched: bool
) -> None:
    assert documents_switched(before, now) is switched
