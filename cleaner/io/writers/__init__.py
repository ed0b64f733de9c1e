"""Output formats behind one interface (base.Writer) and a registry by name.

A new format is one module here and one line in WRITERS. Every writer renders from the records the
state stores, in pass two, so adding or dropping a format cleans nothing again. `txt` (the tree
mirroring INPUT) is written per document as it is finished, in batch; the others here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cleaner.io.writers.base import Context, RecordStore, Writer, WriterOptions
from cleaner.io.writers.dolma import DolmaWriter
from cleaner.io.writers.es_bulk import EsBulkWriter
from cleaner.io.writers.jsonl import JsonlWriter
from cleaner.io.writers.parquet import ParquetWriter
from cleaner.io.writers.pyserini import PyseriniWriter

#: The per-document tree of .txt files (batch writes it as each document is finished).
TXT = "txt"
WRITERS: dict[str, Writer] = {
    w.name: w for w in (JsonlWriter(), ParquetWriter(), PyseriniWriter(), EsBulkWriter(), DolmaWriter())
}
#: Every --format name, in the order outputs are written; `both` is the older name of txt,jsonl.
FORMATS = (TXT, *WRITERS)
ALIASES = {"both": (TXT, "jsonl")}


class FormatError(ValueError):
    """A --format value names no format, or one whose optional extra is not installed."""


def parse_formats(value: str) -> tuple[str, ...]:
    """'txt,parquet' -> ('txt', 'parquet'): known names, in FORMATS order, each once."""
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise FormatError("--format names no format")
    asked: set[str] = set()
    for name in names:
        if name not in FORMATS and name not in ALIASES:
            raise FormatError(f"--format: unknown format {name!r} (known: {', '.join([*FORMATS, *ALIASES])})")
        asked.update(ALIASES.get(name, (name,)))
    return tuple(f for f in FORMATS if f in asked)


def missing_extra(formats: tuple[str, ...]) -> str | None:
    """The one-line message for the first format whose optional extra is not installed, else None."""
    for name in formats:
        writer = WRITERS.get(name)
        if writer is not None and writer.module is not None and importlib.util.find_spec(writer.module) is None:
            return f"--format {name} needs the optional extra: pip install 'cleaner[{writer.extra}]'"
    return None


def write_all(out: Path, store: RecordStore, formats: tuple[str, ...], options: WriterOptions) -> None:
    """Bring every asked-for format's files in out up to date; remove those of the others."""
    context = Context(store, options)
    for name, writer in WRITERS.items():
        if name in formats:
            writer.write(out, context)
        else:
            writer.remove(out)


__all__ = ["FORMATS", "WRITERS", "FormatError", "Writer", "WriterOptions", "parse_formats", "write_all"]
