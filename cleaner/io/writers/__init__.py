"""Output formats behind two interfaces (base.Writer, base.DocumentWriter) and registries by name.

A new format is one module here and one line in a registry: WRITERS for a format of a few files
over the whole corpus (base.Writer: documents.jsonl, shards), DOCUMENT_WRITERS for one of a file
per document (base.DocumentWriter: the .txt tree). Every writer renders from the records the
state stores, in pass two, so adding or dropping a format cleans nothing again: the corpus
writers once the documents are finished (write_all), the document writers as each is finished
(write_document), before its state is committed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cleaner.io.writers.base import Context, DocumentWriter, Format, OutputRecord, RecordStore, Writer, WriterOptions
from cleaner.io.writers.dolma import DolmaWriter
from cleaner.io.writers.es_bulk import EsBulkWriter
from cleaner.io.writers.jsonl import JsonlWriter
from cleaner.io.writers.parquet import ParquetWriter
from cleaner.io.writers.pyserini import PyseriniWriter
from cleaner.io.writers.single import SingleFileWriter
from cleaner.io.writers.tsv import TsvWriter
from cleaner.io.writers.txt import TxtWriter

#: The formats of a file per document, written as pass two finishes each document.
DOCUMENT_WRITERS: dict[str, DocumentWriter] = {w.name: w for w in (TxtWriter(),)}
#: The formats of files over the whole corpus, written from the stored records once pass two is done.
WRITERS: dict[str, Writer] = {
    w.name: w for w in (JsonlWriter(), ParquetWriter(), PyseriniWriter(), EsBulkWriter(), DolmaWriter(), TsvWriter())
}
#: Every --format name, in the order outputs are written; `both` is the older name of txt,jsonl.
FORMATS = (*DOCUMENT_WRITERS, *WRITERS)
ALIASES = {"both": ("txt", "jsonl")}
#: The files the one-file formats write at the top of OUTPUT (an input may not claim their names).
OUTPUT_FILES = frozenset(w.file_name for w in WRITERS.values() if isinstance(w, SingleFileWriter))


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
        writer: Format | None = WRITERS.get(name) or DOCUMENT_WRITERS.get(name)
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


def writes_documents(formats: tuple[str, ...]) -> bool:
    """True if a format of a file per document is asked for (a document then has its own output)."""
    return any(name in formats for name in DOCUMENT_WRITERS)


def write_document(out: Path, target: str, record: OutputRecord | None, formats: tuple[str, ...]) -> None:
    """Bring one document's own files up to date: each asked-for format's written for a kept
    document (record), every other one removed (a dropped or failed document, a format not asked for)."""
    for name, writer in DOCUMENT_WRITERS.items():
        if record is not None and name in formats:
            writer.write_document(out, target, record)
        else:
            writer.remove_document(out, target)


def remove_document(out: Path, target: str) -> None:
    """Remove every file of the document whose output path is target (deleted, or now a duplicate)."""
    for writer in DOCUMENT_WRITERS.values():
        writer.remove_document(out, target)


def documents_switched(before: object, formats: tuple[str, ...]) -> bool:
    """True if the last run's --format value (`before`, None if unknown) and this run's formats differ
    in a format of a file per document: pass two then writes (or removes) every document's files."""
    try:
        earlier = parse_formats(before) if isinstance(before, str) else None
    except FormatError:
        earlier = None
    return earlier is None or any((name in earlier) != (name in formats) for name in DOCUMENT_WRITERS)


__all__ = [
    "DOCUMENT_WRITERS",
    "FORMATS",
    "OUTPUT_FILES",
    "WRITERS",
    "DocumentWriter",
    "FormatError",
    "OutputRecord",
    "Writer",
    "WriterOptions",
    "documents_switched",
    "parse_formats",
    "remove_document",
    "write_all",
    "write_document",
    "writes_documents",
]
