"""documents.jsonl: one file, one line per kept document, the fields of corpus.jsonl_record."""

from __future__ import annotations

from pathlib import Path

from ..corpus import JSONL_NAME, atomic_writer
from .base import Context


class JsonlWriter:
    """OUTPUT/documents.jsonl, rewritten whole from the stored lines (a contract with external scorers)."""

    name = "jsonl"
    extra: str | None = None
    module: str | None = None

    def write(self, out: Path, context: Context) -> None:
        """Write every kept, non-duplicate document's stored line, in id order."""
        with atomic_writer(out / JSONL_NAME) as f:
            for row in context.store.output_rows():
                f.write(row[1].encode("utf-8") + b"\n")

    def remove(self, out: Path) -> None:
        """Remove documents.jsonl."""
        (out / JSONL_NAME).unlink(missing_ok=True)
