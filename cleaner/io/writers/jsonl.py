"""documents.jsonl: one file, one line per kept document, the fields of corpus.jsonl_record."""

from __future__ import annotations

from typing import IO

from cleaner.document import Document
from cleaner.io.writers.base import Context
from cleaner.io.writers.single import SingleFileWriter

JSONL_NAME = "documents.jsonl"


class JsonlWriter(SingleFileWriter):
    """OUTPUT/documents.jsonl, written whole from the stored lines (a contract with external scorers)."""

    name = "jsonl"
    file_name = JSONL_NAME

    def render(self, f: IO[bytes], context: Context) -> None:
        """Every kept, non-duplicate document's stored line, in id order."""
        for row in context.store.output_rows():
            f.write(row[1].encode("utf-8") + b"\n")


def jsonl_record(doc: Document) -> dict:
    """The documents.jsonl object for one kept document (a contract with external scorers)."""
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "url": doc.url,
        "date": doc.date,
        "author": doc.author,
        "language": doc.language,
        "language_score": doc.language_score,
        "encoding": doc.decoding.encoding if doc.decoding else None,
        "kept_lines": doc.kept_lines,
        "removed_lines": len(doc.removals),
    }
