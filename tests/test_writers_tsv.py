"""writers.tsv: documents.tsv, read back by the consumers its docstring names (Python's csv, pandas)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.cli.main import main
from cleaner.io.writers import WriterOptions
from cleaner.io.writers.base import Context, Row
from cleaner.io.writers.tsv import TsvWriter

#: What a consumer passes to read documents.tsv (the module docstring's convention, typed again
#: here on purpose: the test checks the documented reading, not the writer's own dialect object).
READ = {"delimiter": "\t", "quoting": csv.QUOTE_NONE, "escapechar": "\\"}

TEXTS = {
    "a.html": "A tab\there, a backslash \\ there,\nand a second line.",
    "b.html": 'CRLF inside\r\nand a lone CR\r, a \\n that is two characters, "quotes", and a final backslash\\',
    "c.html": "",
}


class Store:
    """The stored rows of three kept documents, and the state's remembered values."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def output_rows(self, first: str = "", last: str | None = None) -> Iterator[Row]:
        """The rows in id order (all of them: one shard)."""
        for doc_id, text in sorted(TEXTS.items()):
            fields = {"text": text, "title": None if doc_id == "c.html" else f"Title of {doc_id}", "url": None}
            fields |= {"date": None, "author": None, "language": "en", "language_score": 0.9, "encoding": "utf-8"}
            fields |= {"kept_lines": 1, "removed_lines": 0}
            yield doc_id, json.dumps(fields), "site", doc_id, 0

    def meta(self, key: str) -> object:
        """A remembered value, or None."""
        return self.values.get(key)

    def set_meta(self, key: str, value: object) -> None:
        """Remember a value."""
        self.values[key] = value


def test_every_character_survives_a_read_with_the_csv_module(tmp_path: Path) -> None:
    TsvWriter().write(tmp_path, Context(Store(), WriterOptions()))
    with (tmp_path / "documents.tsv").open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f, **READ))
    assert header == ["id", "title", "url", "language", "text"]
    assert [row[0] for row in rows] == ["a.html", "b.html", "c.html"]
    assert {row[0]: row[4] for row in rows} == TEXTS
    assert rows[2][1:4] == ["", "", "en"]  # a missing title or url is an empty field


def test_pandas_reads_the_same_table(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas", reason="datasets, in the test extras, brings pandas")
    TsvWriter().write(tmp_path, Context(Store(), WriterOptions()))
    table = pandas.read_csv(tmp_path / "documents.tsv", **READ, keep_default_na=False, dtype=str)
    assert list(table.columns) == ["id", "title", "url", "language", "text"]
    assert dict(zip(table["id"], table["text"], strict=True)) == TEXTS


def test_fields_are_escaped_never_quoted_and_rows_end_in_crlf(tmp_path: Path) -> None:
    TsvWriter().write(tmp_path, Context(Store(), WriterOptions()))
    data = (tmp_path / "documents.tsv").read_bytes()
    assert data.startswith(b"id\ttitle\turl\tlanguage\ttext\r\n") and data.endswith(b"\ten\t\r\n")
    assert b"A tab\\\there" in data and b"lone CR\\\r," in data and b'"quotes"' in data  # escaped, not quoted
    assert b"final backslash\\\\\r\n" in data


def test_an_unchanged_store_is_not_written_again(tmp_path: Path) -> None:
    store, writer = Store(), TsvWriter()
    writer.write(tmp_path, Context(store, WriterOptions()))
    path = tmp_path / "documents.tsv"
    path.write_bytes(b"left alone")  # the digest of the rows is unchanged: nothing is rewritten
    writer.write(tmp_path, Context(store, WriterOptions()))
    assert path.read_bytes() == b"left alone"
    path.unlink()  # a missing file is written again
    writer.write(tmp_path, Context(store, WriterOptions()))
    assert path.read_bytes().startswith(b"id\t")


def test_cleaner_run_writes_the_tsv_beside_documents_jsonl_and_removes_it_when_dropped(seeds, tmp_path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(seeds / "raw"), str(out), "--format", "jsonl,tsv", "--quiet", "--workers", "1"]) == 0
    with (out / "documents.tsv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, **READ))
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(documents) > 0
    for row, doc in zip(rows, documents, strict=True):
        assert row == {k: doc[k] or "" for k in ("id", "title", "url", "language", "text")}
    assert main(["run", str(seeds / "raw"), str(out), "--format", "jsonl", "--quiet", "--workers", "1"]) == 0
    assert not (out / "documents.tsv").exists() and (out / "documents.jsonl").is_file()
