"""Container inputs: one file that holds many pages (JSONL records, WARC responses).

A container is a `.jsonl`/`.ndjson` file (one JSON object per line: a url and an html or a
text field) or a `.warc` file (each HTML `response` record is a page); any of them may be
gzipped (`.gz`). Every page gets two names from its place in the file:

- `part`: the 1-based physical line number (JSONL; blank lines count) or the 1-based number
  of the record among ALL records of the WARC (requests, metadata... count too), so a page's
  number never changes when the pages around it are skipped. It names the page's output file.
- `key`: what follows '#' in the page's document id ('dump.jsonl#abc'). A JSONL record's own
  id field if it has a usable one (a str or int, non-empty, not already taken by an earlier
  line of the file), else str(part); if even that is taken (an earlier line had it as its
  own id), f"line-{part}" (then f"line-{part}-2", ...). A WARC record's key is str(part).

A line or record that cannot be read becomes a Page with `error` set (the batch reports it and
goes on); a file that cannot be read at all (not gzip, truncated, not a WARC) raises
SourceError while iterating, after the pages read before the damage.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecordLoader

from cleaner.io.filetypes import WARC_SUFFIXES, is_container

LOG = logging.getLogger(__name__)

#: Media types of the WARC responses that are pages; anything else (images, CSS, PDF) is skipped,
#: as are responses whose HTTP status is not 2xx (redirects, error pages).
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: The schemes of the target URIs of WARC responses that are pages of the web.
WEB_SCHEMES = frozenset({"http", "https"})
#: How much of an odd target URI a message shows (a javascript: URI can be a whole script).
URI_SHOWN = 100
#: Chunk size for skipping the rest of a WARC record: bounded memory whatever the record's size.
DRAIN_CHUNK = 64 * 1024
#: JSON's names for the Python types json.loads returns, for messages about a line's value.
JSON_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}


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


def read_pages(path: Path, fields: JsonlFields = JsonlFields(), limit: int | None = None) -> Iterator[Page]:
    """The pages of a container file, in file order, streamed (never the whole file in memory).

    `limit` bounds what is read of one WARC payload: at most limit + 1 bytes, so that a page
    over the limit is still yielded (and can be reported as too large) without being read whole.
    It bounds a JSONL line while it is read: a longer line is an error page, skipped in chunks
    (a .jsonl.gz line that expands to a gigabyte never is in memory whole).
    """
    if not is_container(path.name):
        raise SourceError(f"not a JSONL or WARC file: {path.name}")
    if path.name.lower().endswith(WARC_SUFFIXES):
        yield from _read_warc(path, limit)
    else:
        yield from _read_jsonl(path, fields, limit)


# --- JSONL ---------------------------------------------------------------------------------


def _read_jsonl(path: Path, fields: JsonlFields, limit: int | None) -> Iterator[Page]:
    """The pages of a JSONL file, one per non-blank line."""
    used: set[str] = set()
    for part, raw in enumerate(_lines(path, limit), start=1):
        if isinstance(raw, _LongLine):
            message = f"too large: {raw.size:,} bytes (limit {limit:,}; see --max-bytes)"
            yield _error_page(part, _unique_key(None, part, used), message)
        elif raw.strip():
            yield _jsonl_page(raw, part, fields, used)


@dataclass(frozen=True, slots=True)
class _LongLine:
    """A line longer than the limit, skipped unread: its size in bytes."""

    size: int


def _lines(path: Path, limit: int | None) -> Iterator[bytes | _LongLine]:
    """The file's lines as bytes (decompressed if gzipped), none longer than limit (a _LongLine
    instead); read errors become SourceError."""
    try:
        with _open(path) as f:
            while line := f.readline(-1 if limit is None else limit + 1):
                if limit is not None and len(line) > limit and not line.endswith(b"\n"):
                    yield _LongLine(len(line) + _skip_line(f))
                else:
                    yield line
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(read_error(exc)) from exc


def _skip_line(f: io.BufferedIOBase) -> int:
    """Read past the end of the current line in bounded chunks; the bytes skipped."""
    skipped = 0
    while chunk := f.readline(DRAIN_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            return skipped - 1
    return skipped


def _jsonl_page(raw: bytes, part: int, fields: JsonlFields, used: set[str]) -> Page:
    """The page on one JSONL line, or an error page saying what is wrong with the line."""
    try:
        value = json.loads(raw.decode("utf-8-sig" if part == 1 else "utf-8"))  # a BOM may open the file
    except UnicodeDecodeError:
        return _error_page(part, _unique_key(None, part, used), "not valid UTF-8")
    except json.JSONDecodeError as exc:
        return _error_page(part, _unique_key(None, part, used), f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return _error_page(part, _unique_key(None, part, used), "not valid JSON (nested too deeply)")
    except ValueError as exc:  # a number too long to convert (Python's int limit), after JSON parsing
        return _error_page(part, _unique_key(None, part, used), f"not readable JSON ({_one_line(exc)})")
    if not isinstance(value, dict):
        return _error_page(part, _unique_key(None, part, used), f"not a JSON object but {_json_type(value)}")
    return record_page(value, part, fields, used)


def record_page(value: dict[str, Any], part: int, fields: JsonlFields, used: set[str]) -> Page:
    """The page of one parsed JSONL record (a JSONL line, or a dict given to cleaner.clean_records);
    `used` holds the keys taken so far, to which this one is added."""
    key = _unique_key(_own_id(value.get(fields.id)), part, used)
    url = value.get(fields.url)
    url = _utf8(url) if isinstance(url, str) and url else None
    content = _content(value, fields)
    if isinstance(content, str):
        return _error_page(part, key, content, url)
    input_format, text = content
    # "replace": a lone surrogate ("\ud800" in the JSON) cannot be UTF-8; it becomes "?", the rest stays
    return Page(part, key, url, text.encode("utf-8", "replace"), input_format, "utf-8")


def _content(record: dict[str, Any], fields: JsonlFields) -> tuple[str, str] | str:
    """(input format, content) of a record, or what is wrong with it: html wins when non-empty."""
    html, text = record.get(fields.html), record.get(fields.text)  # null counts as absent
    if isinstance(html, str) and html:
        return "html", html
    if html is not None and not isinstance(html, str):
        return f"{fields.html!r} is not a string"
    if text is not None:
        return ("text", text) if isinstance(text, str) else f"{fields.text!r} is not a string"
    if html is not None:
        return "html", html  # an empty page: the pipeline reports it as empty
    return f"no {fields.html!r} or {fields.text!r} field"


def _own_id(value: object) -> str | None:
    """A record's own id as a key, if it is usable: a non-empty str, or an int (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return _utf8(str(value)) or None


def _utf8(value: str) -> str:
    """A JSON string as valid UTF-8: a lone surrogate ("\\ud800" in the JSON) becomes "?"."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _unique_key(own: str | None, part: int, used: set[str]) -> str:
    """The first free key of: the own id, str(part), f"line-{part}", f"line-{part}-2", ..."""
    key = own if own and own not in used else str(part)
    n = 1
    while key in used:
        key = f"line-{part}" if n == 1 else f"line-{part}-{n}"
        n += 1
    used.add(key)
    return key


def _json_type(value: object) -> str:
    """JSON's name for the type of a parsed value, with its article ('an array')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _error_page(part: int, key: str, message: str, url: str | None = None) -> Page:
    """A line that could not be read: no content, and why, prefixed by its line number."""
    return Page(part, key, url, b"", "html", None, error=f"line {part}: {message}")


# --- WARC ----------------------------------------------------------------------------------


def _read_warc(path: Path, limit: int | None) -> Iterator[Page]:
    """The pages of a WARC file: its HTML response records."""
    part = 0
    try:
        with _open(path) as f:
            for part, record in enumerate(_records(f), start=1):
                if record.format != "warc":  # warcio also reads ARC, and takes many a text line for an ARC header
                    raise SourceError(f"not a WARC file: no WARC header at record {part}")
                page = _warc_page(record, part, limit)
                _drain(record, part)  # before yielding, so a truncated page is never passed on
                if page is not None:
                    yield page
    except ArchiveLoadFailed as exc:
        where = "not a WARC file" if part == 0 else f"damaged WARC after record {part}"
        raise SourceError(f"{where}: {str(exc).strip()}") from exc
    except (OSError, EOFError, zlib.error) as exc:  # opening the file (reads go through _StrictStream)
        raise SourceError(read_error(exc)) from exc


def _records(f: io.BufferedIOBase) -> Iterator[Any]:
    """warcio's records of a file; what warcio prints on stderr (a bad Content-Length) is logged."""
    records = iter(_ArchiveIterator(_StrictStream(f)))
    while True:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stderr(printed):
                record = next(records, None)
        finally:  # logged once stderr is back: a handler that writes there must not write here
            _log_printed(printed.getvalue())
        if record is None:
            return
        yield record


def _log_printed(text: str) -> None:
    """What warcio printed, as one warning (its messages span several lines)."""
    message = " ".join(text.split())
    if message:
        LOG.warning("warcio: %s", message)


class _Loader(ArcWarcRecordLoader):
    """warcio's record loader, for a record without a WARC-Target-URI too (warcio's own raises)."""

    def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: int | None) -> Any:
        """The HTTP headers of a record, None for a record without a target URI."""
        return super().load_http_headers(rec_type, uri or "", stream, length)


class _ArchiveIterator(ArchiveIterator):
    """warcio's ArchiveIterator with _Loader: one record without a target URI does not end the file."""

    def __init__(self, fileobj: Any) -> None:
        """Iterate over the records of an open (decompressed) file."""
        super().__init__(fileobj)
        self.loader = _Loader(verify_http=False, arc2warc=False)  # as ArchiveIterator makes its own


def _warc_page(record: Any, part: int, limit: int | None) -> Page | None:
    """The page in one WARC record, or None if the record is not a successful HTML response.

    A response without a target URI is an error page; one whose target URI is not an absolute
    http(s) URL (file:, javascript:, a relative one) is counted as a dropped page, with why.
    """
    if record.rec_type != "response":
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    if url is None:
        return Page(part, str(part), None, b"", "html", None, error=f"record {part}: a response without a target URI")
    if not _is_web_url(url):
        why = f"record {part}: target URI is not an http(s) URL: {url[:URI_SHOWN]!r}"
        return Page(part, str(part), None, b"", "html", None, dropped=why)
    if record.http_headers is None:
        return None
    if not str(record.http_headers.get_statuscode() or "").startswith("2"):
        return None  # a redirect or an error page ("404 Not Found") is not a page of the corpus
    media_type, charset = _parse_content_type(record.http_headers.get_header("Content-Type") or "")
    if media_type not in HTML_MEDIA_TYPES:
        return None
    # warcio undoes chunking and Content-Encoding; it passes damaged encodings on as they are, never raising
    stream = record.content_stream()
    data = stream.read() if limit is None else stream.read(limit + 1)
    return Page(part, str(part), url, data, "html", charset)


def _is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def _one_line(exc: BaseException) -> str:
    """An exception's message folded onto one line."""
    return " ".join(str(exc).split())


def _parse_content_type(value: str) -> tuple[str, str | None]:
    """('text/html', 'iso-8859-1') from 'text/html; charset="ISO-8859-1"'; the charset may be None."""
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'").strip().lower() or None
    return media_type.strip().lower(), charset


def _drain(record: Any, part: int) -> None:
    """Skip the rest of a record; raise SourceError if the file ends before the record does."""
    stream = record.raw_stream
    while stream.read(DRAIN_CHUNK):
        pass
    if isinstance(stream, LimitReader) and stream.limit > 0:  # warcio stops silently at the end of the file
        raise SourceError(f"cannot read: truncated WARC (record {part} ends early)")


class _StrictStream:
    """A file for warcio whose read errors raise SourceError: warcio takes an EOFError for the end."""

    def __init__(self, f: io.BufferedIOBase) -> None:
        """Wrap an open binary file."""
        self._f = f

    def read(self, size: int = -1) -> bytes:
        """Read at most size bytes (what is there before a damage first), raising SourceError on damage."""
        try:
            # read1, not read: read() loses the bytes it has when it meets a truncation, and with
            # them the records before it; read1 returns them, and the next call raises
            return self._f.read1(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(read_error(exc)) from exc

    def tell(self) -> int:
        """The position in the (decompressed) file; warcio records offsets with it."""
        return self._f.tell()


# --- shared --------------------------------------------------------------------------------


def _open(path: Path) -> io.BufferedIOBase:
    """The file opened for reading bytes, decompressed if its name ends in .gz."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


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
