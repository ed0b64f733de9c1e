"""The pages of WARC files (warcio): each HTML `response` record with a 2xx status is a page.

A page's `part`, and its `key`, is the 1-based number of its record among ALL records of the
WARC (requests, metadata... count too). Any WARC may be gzipped (`.warc.gz`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecordLoader

from cleaner.io.readers.base import DRAIN_CHUNK, Page, SourceError, open_binary, read_error
from cleaner.io.urls import WEB_SCHEMES

LOG = logging.getLogger(__name__)

#: Media types of the WARC responses that are pages; anything else (images, CSS, PDF) is skipped,
#: as are responses whose HTTP status is not 2xx (redirects, error pages).
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: The schemes of the target URIs of WARC responses that are pages of the web.
#: How much of an odd target URI a message shows (a javascript: URI can be a whole script).
URI_SHOWN = 100


def read_warc(path: Path, limit: int | None) -> Iterator[Page]:
    """The pages of a WARC file: its HTML response records."""
    part = 0
    try:
        with open_binary(path) as f:
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
