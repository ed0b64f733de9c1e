"""What every container reader shares: the Page it yields, its errors, and its interface.

A container is one input file that holds many pages (JSONL records, WARC responses). Every page
gets two names from its place in the file:

- `part`: a 1-based number that never changes when the pages around it are skipped (a JSONL
  file's physical line number, a WARC's record number among all its records). It names the
  page's output file.
- `key`: what follows '#' in the page's document id ('dump.jsonl#abc'), unique in its file.

A line or record that cannot be read becomes a Page with `error` set (the batch reports it and
goes on); a file that cannot be read at all (not gzip, truncated, not a WARC) raises
SourceError while iterating, after the pages read before the damage.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

#: Chunk size for skipping what is not read (the rest of a WARC record, a JSONL line over the
#: limit): bounded memory whatever its size.
DRAIN_CHUNK = 64 * 1024


class SourceError(Exception):
    """A container file that cannot be read (any further): not gzip, truncated, not a WARC."""


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """The field names of a JSONL page record (configurable by the user)."""

    url: str = "url"
    html: str = "html"
    text: str = "text"
    id: str = "id"


@dataclass(frozen=True, slots=True)
class Page:
    """One page read from a container file."""

    part: int  # 1-based physical line number (JSONL) or record number (WARC); names its output file
    key: str  # what follows '#' in the document id (see the module docstring)
    url: str | None
    data: bytes  # the page content (JSONL strings encoded as UTF-8; WARC payload bytes as they are)
    input_format: str  # "html" (JSONL html field, WARC) | "text" (JSONL text field)
    charset: str | None  # the known transport encoding: "utf-8" for JSONL; the HTTP header's for WARC, else None
    error: str | None = None  # set (and data b"") when this line/record cannot be read
    dropped: str | None = None  # set (and data b"") for a record that is not a page of the corpus, and why


class Reader(Protocol):
    """One kind of container file: which file names it reads, and the pages of such a file."""

    @property
    def name(self) -> str:
        """The kind's name as messages say it ('JSONL', 'WARC')."""
        ...

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The lower-case endings of the file names it reads ('.warc', '.warc.gz')."""
        ...

    def read(self, path: Path, fields: JsonlFields, limit: int | None) -> Iterator[Page]:
        """The pages of one file, in file order, streamed (never the whole file in memory).

        `limit` bounds what is read of one page: at most limit + 1 bytes, so that a page over the
        limit is still yielded (and reported as too large) without being read whole.
        """
        ...


def open_binary(path: Path) -> io.BufferedIOBase:
    """The file opened for reading bytes, decompressed if its name ends in .gz."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def one_line(exc: BaseException) -> str:
    """An exception's message folded onto one line."""
    return " ".join(str(exc).split())


def read_error(exc: BaseException) -> str:
    """A clear message for an error reading a file: 'cannot read: truncated gzip'."""
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, EOFError):
        return "cannot read: truncated gzip"
    if isinstance(exc, gzip.BadGzipFile) and str(exc).startswith("Not a gzipped file"):  # before OSError, its base
        return "cannot read: not gzip data"  # the whole file, or what follows a gzip member
    if isinstance(exc, gzip.BadGzipFile | zlib.error):  # CRC check failed, invalid code lengths...
        return f"cannot read: damaged gzip ({exc})"
    return f"cannot read: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"
