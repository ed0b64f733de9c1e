"""readers.warc: the pages of WARC files (plain or gzipped), their HTML response records."""

from __future__ import annotations

import gzip
import io
import logging
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.io.readers import Page, SourceError, read_pages


def http_response(
    writer: WARCWriter, url: str, body: bytes, content_type: str | None, extra: list[tuple[str, str]] | None = None
) -> None:
    """Write one WARC response record with an HTTP 200 and the given Content-Type."""
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders("200 OK", headers + (extra or []), protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def write_warc(path: Path, gz: bool) -> Path:
    """A WARC of 6 records: warcinfo, request, HTML (latin-1), image, XHTML (no charset), HTML (utf-8, quoted)."""
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        writer.write_record(
            writer.create_warc_record("http://example.com/a", "request", payload=io.BytesIO(b""), http_headers=request)
        )
        http_response(writer, "http://example.com/a", "<p>Café</p>".encode("latin-1"), "text/html; charset=ISO-8859-1")
        http_response(writer, "http://example.com/logo.png", b"\x89PNG\r\n", "image/png")
        http_response(writer, "http://example.com/b", b"<p>b</p>", "application/xhtml+xml")
        http_response(writer, "http://example.com/c", "<p>Grüße</p>".encode(), 'Text/HTML;Charset="UTF-8"')
    return path


# --- WARC ----------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses(tmp_path: Path, gz: bool) -> None:
    path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz)
    assert list(read_pages(path)) == [
        Page(3, "3", "http://example.com/a", "<p>Café</p>".encode("latin-1"), "html", "iso-8859-1"),
        Page(5, "5", "http://example.com/b", b"<p>b</p>", "html", None),
        Page(6, "6", "http://example.com/c", "<p>Grüße</p>".encode(), "html", "utf-8"),
    ]


def test_warc_payload_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "enc.warc"
    body = b"<p>compressed and chunked</p>" * 50
    gz_body = gzip.compress(body)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (gz_body[:100], gz_body[100:])) + b"0\r\n\r\n"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=False)
        extra = [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
        http_response(writer, "http://example.com/z", chunked, "text/html", extra)
    (page,) = read_pages(path)
    assert page.data == body


def test_warc_revisit_and_metadata_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "r.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warc_record("http://e.com/", "metadata", payload=io.BytesIO(b"k: v")))
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_revisit_record("http://e.com/", "sha1:AAAA", "http://e.com/", "2024-01-01T00:00:00Z", http)
        )
        http_response(writer, "http://e.com/", b"<p>x</p>", "text/html")
    assert [(p.part, p.url) for p in read_pages(path)] == [(3, "http://e.com/")]


def test_warc_limit_reads_one_byte_more(tmp_path: Path) -> None:
    path = tmp_path / "big.warc"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=False)
        http_response(writer, "http://e.com/big", b"<p>" + b"x" * 10_000 + b"</p>", "text/html")
        http_response(writer, "http://e.com/small", b"<p>s</p>", "text/html")
    pages = list(read_pages(path, limit=100))
    assert [len(p.data) for p in pages] == [101, 8]  # the big one is over the limit, the next one is intact
    assert pages[1].data == b"<p>s</p>"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>A web page.</body></html>\n",
        b"<html>this is not a WARC</html>\n",  # five words: warcio takes it for an ARC header
        b'{"url": "https://e.com/", "html": "<p>x</p>"}\n',
    ],
)
def test_not_a_warc_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"^not a WARC file: "):
        list(read_pages(path))


def test_not_a_gzipped_warc_raises(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(b"plain text\n")
    with pytest.raises(SourceError, match=r"^cannot read: not gzip data$"):
        list(read_pages(path))


def test_empty_warc_has_no_pages(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc"
    path.write_bytes(b"")
    assert list(read_pages(path)) == []


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_raises_after_the_complete_pages(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("t.warc.gz" if gz else "t.warc")
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for i in range(3):
            body = b"<p>%d</p>" % i + random.Random(i).randbytes(10_000)  # incompressible: the cut lands in record 3
            http_response(writer, f"http://e.com/{i}", body, "text/html")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 3000])  # cuts into the payload of the last record
    seen: list[Page] = []
    with pytest.raises(SourceError, match=r"^cannot read: truncated (gzip|WARC \(record 3 ends early\))$"):
        for page in read_pages(path):
            seen.append(page)
    assert [p.part for p in seen] == [1, 2]
    assert all(len(p.data) == len(b"<p>0</p>") + 10_000 for p in seen)


def warc_with_target_uris(path: Path, uris: list[str | None]) -> Path:
    """A WARC of one HTML response per target URI (None: a response without WARC-Target-URI)."""
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=path.name.endswith(".gz"))
        for uri in uris:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = io.BytesIO(f"<html><body><p>page {uri}</p></body></html>".encode())
            record = writer.create_warc_record(
                uri or "http://placeholder/", "response", payload=body, http_headers=http
            )
            if uri is None:
                record.rec_headers.remove_header("WARC-Target-URI")
            writer.write_record(record)
    return path


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_warc_response_without_a_target_uri_is_one_error_page(tmp_path: Path, name: str) -> None:
    path = warc_with_target_uris(tmp_path / name, ["http://e.com/a", None, "http://e.com/c"])
    pages = list(read_pages(path))
    assert [(p.part, p.url, p.error) for p in pages] == [
        (1, "http://e.com/a", None),
        (2, None, "record 2: a response without a target URI"),
        (3, "http://e.com/c", None),
    ]
    assert pages[2].data == b"<html><body><p>page http://e.com/c</p></body></html>"


def test_warc_records_with_odd_target_uris_are_dropped_with_a_reason(tmp_path: Path) -> None:
    odd = ["file:///etc/passwd", "javascript:alert(1)", "/relative/page", "http://[broken", "http:no-host"]
    path = warc_with_target_uris(tmp_path / "odd.warc", ["http://e.com/a", *odd, "https://e.com/z"])
    pages = list(read_pages(path))
    assert [p.url for p in pages if p.dropped is None] == ["http://e.com/a", "https://e.com/z"]
    dropped = [p for p in pages if p.dropped is not None]
    assert [p.part for p in dropped] == [2, 3, 4, 5, 6]
    for page, uri in zip(dropped, odd, strict=True):
        assert page.dropped == f"record {page.part}: target URI is not an http(s) URL: {uri!r}"
        assert page.data == b"" and page.error is None


def test_warcio_warnings_are_logged_not_printed(tmp_path: Path, capfd, caplog) -> None:
    path = warc_with_target_uris(tmp_path / "junk.warc", ["http://e.com/a", "http://e.com/b"])
    data = path.read_bytes()
    second = data.index(b"WARC/1.0", 10)
    end = second - 4  # a record ends with its content, then \r\n\r\n: junk there is what a short Content-Length leaves
    path.write_bytes(data[:end] + b"junk after the content\r\n" + data[end:])
    with caplog.at_level("WARNING", logger="cleaner"):
        pages = list(read_pages(path))
    assert [p.url for p in pages] == ["http://e.com/a", "http://e.com/b"]
    err = capfd.readouterr().err  # warcio's own print: "    WARNING: Record not ...\n    Offset: ..."
    assert not [line for line in err.splitlines() if not line.startswith("cleaner: ")]
    assert any("warcio: WARNING: Record not followed by newline" in r.getMessage() for r in caplog.records)


def test_warcio_warnings_reach_the_cli_log_once(tmp_path: Path, capsys) -> None:
    from cleaner.cli import messages

    messages.route_logging()  # what `cleaner ...` does: the cleaner's warnings go through messages.log
    try:
        path = warc_with_target_uris(tmp_path / "junk.warc", ["http://e.com/a", "http://e.com/b"])
        data = path.read_bytes()
        end = data.index(b"WARC/1.0", 10) - 4
        path.write_bytes(data[:end] + b"junk after the content\r\n" + data[end:])
        assert len(list(read_pages(path))) == 2
        err = capsys.readouterr().err
        assert err.count("cleaner: warcio: WARNING: Record not followed by newline") == 1
        assert err.count("\n") == 1
    finally:
        for handler in [h for h in logging.getLogger("cleaner").handlers if isinstance(h, messages.LogHandler)]:
            logging.getLogger("cleaner").removeHandler(handler)
