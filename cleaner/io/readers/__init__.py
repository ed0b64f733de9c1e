"""Container inputs behind one interface (base.Reader) and a registry by name.

A new kind of container is one module here and one line in READERS: discovery, the split of a
large file into tasks and the batch's cleaning all ask the registry (is_container, reader_for)
what a container is and who reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cleaner.io.readers.base import JsonlFields, Page, Reader, SourceError, read_error
from cleaner.io.readers.jsonl import JsonlReader, record_page
from cleaner.io.readers.warc import WarcReader

#: The field names of JSONL records unless the user names others (--jsonl-url etc.).
DEFAULT_FIELDS = JsonlFields()
#: Every container reader; a file name is matched against them in this order.
READERS: tuple[Reader, ...] = (JsonlReader(), WarcReader())
#: The endings of every container's file names, as the readers list them.
CONTAINER_SUFFIXES = tuple(suffix for reader in READERS for suffix in reader.suffixes)


def is_container(name: str) -> bool:
    """True if a file name (case-insensitive) is a container of pages that a reader reads."""
    return name.lower().endswith(CONTAINER_SUFFIXES)


def reader_for(name: str) -> Reader | None:
    """The reader of a file name (case-insensitive), None if it is no container."""
    lower = name.lower()
    return next((r for r in READERS if lower.endswith(r.suffixes)), None)


def read_pages(path: Path, fields: JsonlFields = DEFAULT_FIELDS, limit: int | None = None) -> Iterator[Page]:
    """The pages of a container file, in file order, streamed (see base.Reader.read)."""
    reader = reader_for(path.name)
    if reader is None:
        raise SourceError(f"not a {_kinds()} file: {path.name}")
    yield from reader.read(path, fields, limit)


def _kinds() -> str:
    """The readers' names for a message: 'JSONL or WARC', 'JSONL, WARC or ARC'."""
    names = [r.name for r in READERS]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


__all__ = [
    "CONTAINER_SUFFIXES",
    "READERS",
    "JsonlFields",
    "Page",
    "Reader",
    "SourceError",
    "read_error",
    "read_pages",
    "reader_for",
    "record_page",
    "is_container",
]
