"""The .txt tree: one file per kept document, at its output path (INPUT's tree, .txt names)."""

from __future__ import annotations

from pathlib import Path

from cleaner.io.atomic import write_atomic
from cleaner.io.writers.base import OutputRecord


class TxtWriter:
    """OUTPUT/<the input's path>.txt: a kept document's clean text and a final newline."""

    name = "txt"
    extra: str | None = None
    module: str | None = None

    def write_document(self, out: Path, target: str, record: OutputRecord) -> None:
        """Write the document's clean text at out/target, atomically."""
        write_atomic(out / target, render(record.text))

    def remove_document(self, out: Path, target: str) -> None:
        """Remove out/target (an earlier run's file of this document), if it is there."""
        (out / target).unlink(missing_ok=True)


def render(text: str) -> bytes:
    """A .txt file's bytes: the clean text as UTF-8, ending in a newline."""
    return text.encode("utf-8") + b"\n"
