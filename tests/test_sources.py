"""sources: pages read from container files (JSONL lines, WARC response records)."""

from __future__ import annotations

import gzip
import io
import json
import logging
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.io.filetypes import CONTAINER_SUFFIXES, is_container
from cleaner.io.readers import JsonlFields, Page, SourceError, read_pages

HTML = "<html><body><p>Grüße aus Köln.</p></body></html>"


def write_jsonl(path: Path, lines: list[object | bytes | str]) -> Path:
    """A JSONL file (gzipped if the name ends in .gz): dicts/lists as JSON, str and bytes as they are."""
    raw = b"".join(
        (line if isinstance(line, bytes) else (line if isinstance(line, str) else json.dumps(line)).encode()) + b"\n"
        for line in lines
    )
    path.write_bytes(gzip.compress(raw) if path.name.lower().endswith(".gz") else raw)
    return path


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


# --- is_container --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["dump.jsonl", "dump.jsonl.gz", "dump.ndjson", "DUMP.NDJSON.GZ", "crawl.warc", "crawl.warc.gz", "Crawl.WARC.GZ"],
)
def test_container_names(name: str) -> None:
    assert is_container(name)


@pytest.mark.parametrize("name", ["page.html", "page.html.gz", "notes.txt", "data.json", "warc", "x.warc.bz2", "x.gz"])
def test_other_names_are_not_containers(name: str) -> None:
    assert not is_container(name)


def test_suffixes_are_the_documented_ones() -> None:
    assert CONTAINER_SUFFIXES == (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".warc", ".warc.gz")


# --- JSONL ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz", "pages.ndjson", "PAGES.NDJSON.GZ"])
def test_jsonl_pages_plain_and_gzipped(tmp_path: Path, name: str) -> None:
    path = write_jsonl(
        tmp_path / name,
        [{"url": "https://e.com/1", "html": HTML, "id": "a1"}, {"url": "https://e.com/2", "text": "Plain text."}],
    )
    assert list(read_pages(path)) == [
        Page(1, "a1", "https://e.com/1", HTML.encode(), "html", "utf-8"),
        Page(2, "2", "https://e.com/2", b"Plain text.", "text", "utf-8"),
    ]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", ["", {"html": "<p>a</p>"}, "   \t", "", {"text": "b"}])
    pages = list(read_pages(path))
    assert [(p.part, p.key, p.data) for p in pages] == [(2, "2", b"<p>a</p>"), (5, "5", b"b")]


def test_own_ids_and_line_numbers(tmp_path: Path) -> None:
    records = [
        {"id": "doc-7", "text": "a"},
        {"id": 42, "text": "b"},  # an int id is used as its decimal string
        {"id": "", "text": "c"},  # empty: the line number
        {"id": True, "text": "d"},  # a bool is not an id
        {"id": 1.5, "text": "e"},  # nor a float
        {"id": None, "text": "f"},
        {"text": "g"},
    ]
    keys = [p.key for p in read_pages(write_jsonl(tmp_path / "p.jsonl", records))]
    assert keys == ["doc-7", "42", "3", "4", "5", "6", "7"]


def test_duplicate_and_colliding_ids_stay_unique(tmp_path: Path) -> None:
    records = [
        {"id": "x", "text": "1"},
        {"id": "x", "text": "2"},  # duplicate own id: its line number
        {"id": "4", "text": "3"},  # takes "4", so line 4 cannot have it
        {"text": "4"},  # no id, "4" taken: "line-4"
        {"id": "line-6", "text": "5"},
        {"id": "6", "text": "6"},  # own "6" is free
        {"id": "6", "text": "7"},  # duplicate: "7"
        {"id": "line-9", "text": "8"},
        {"id": "9", "text": "9"},
        {"id": "9", "text": "10"},  # "10"
    ]
    keys = [p.key for p in read_pages(write_jsonl(tmp_path / "p.jsonl", records))]
    assert keys == ["x", "2", "4", "line-4", "line-6", "6", "7", "line-9", "9", "10"]
    assert len(set(keys)) == len(keys)


def test_key_fallback_beyond_line_prefix(tmp_path: Path) -> None:
    records = [{"id": "3", "text": "a"}, {"id": "line-3", "text": "b"}, {"id": "3", "text": "c"}]
    keys = [p.key for p in read_pages(write_jsonl(tmp_path / "p.jsonl", records))]
    assert keys == ["3", "line-3", "line-3-2"]


def test_configurable_field_names(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"link": "https://e.com/x", "body": HTML, "doc_id": "d1", "url": "ignored", "html": "ignored"},
            {"link": "https://e.com/y", "content": "Some text.", "id": "ignored"},
        ],
    )
    fields = JsonlFields(url="link", html="body", text="content", id="doc_id")
    pages = list(read_pages(path, fields))
    assert [(p.key, p.url, p.data, p.input_format) for p in pages] == [
        ("d1", "https://e.com/x", HTML.encode(), "html"),
        ("2", "https://e.com/y", b"Some text.", "text"),
    ]


def test_html_wins_over_text_unless_empty_or_null(tmp_path: Path) -> None:
    records = [
        {"html": "<p>h</p>", "text": "t"},
        {"html": "", "text": "t"},
        {"html": None, "text": "t"},
        {"html": ""},  # an empty page, still a page (the pipeline reports it as empty)
        {"text": ""},
    ]
    pages = list(read_pages(write_jsonl(tmp_path / "p.jsonl", records)))
    assert [(p.input_format, p.data, p.error) for p in pages] == [
        ("html", b"<p>h</p>", None),
        ("text", b"t", None),
        ("text", b"t", None),
        ("html", b"", None),
        ("text", b"", None),
    ]


def test_url_must_be_a_non_empty_string(tmp_path: Path) -> None:
    records = [{"url": 5, "text": "a"}, {"url": "", "text": "b"}, {"url": None, "text": "c"}, {"text": "d"}]
    assert [p.url for p in read_pages(write_jsonl(tmp_path / "p.jsonl", records))] == [None, None, None, None]


def test_unicode_is_encoded_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"text": "Gr\\u00fc\\u00dfe \\ud83d\\ude00 caf\xc3\xa9 \\ud800!"}\n')
    (page,) = read_pages(path)
    assert page.data == "Grüße 😀 café ?!".encode()  # a lone surrogate cannot be UTF-8: "?"
    assert page.charset == "utf-8"


def test_bom_at_start_of_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "a"}\n{"text": "b"}\n')
    assert [(p.data, p.error) for p in read_pages(path)] == [(b"a", None), (b"b", None)]


def test_bad_lines_become_error_pages(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"html": "<p>ok</p>"},
            '{"html": "<p>x</p>" "url": 1}',
            "[1, 2]",
            '"just a string"',
            "null",
            {"url": "https://e.com/m", "id": "m", "title": "no content"},
            {"html": 5},
            {"text": ["a"]},
            b'{"text": "caf\xe9"}',
            "[" * 100_000,
            {"text": "still read"},
        ],
    )
    pages = list(read_pages(path))
    assert [p.error for p in pages] == [
        None,
        "line 2: not valid JSON (Expecting ',' delimiter at column 21)",
        "line 3: not a JSON object but an array",
        "line 4: not a JSON object but a string",
        "line 5: not a JSON object but null",
        "line 6: no 'html' or 'text' field",
        "line 7: 'html' is not a string",
        "line 8: 'text' is not a string",
        "line 9: not valid UTF-8",
        "line 10: not valid JSON (nested too deeply)",
        None,
    ]
    assert [p.part for p in pages] == list(range(1, 12))
    assert all(p.data == b"" for p in pages if p.error)
    missing = pages[5]
    assert (missing.key, missing.url) == ("m", "https://e.com/m")  # known even though the line is unusable
    assert pages[-1].data == b"still read"


def test_field_error_uses_configured_names(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [{"html": "<p>x</p>"}, {"body": 1}])
    pages = list(read_pages(path, JsonlFields(html="body", text="plain")))
    assert [p.error for p in pages] == ["line 1: no 'body' or 'plain' field", "line 2: 'body' is not a string"]


def test_truncated_gzip_raises_after_the_pages_before_it(tmp_path: Path) -> None:
    lines = [{"id": str(i), "text": f"page {i} " + "x" * 2000} for i in range(200)]
    full = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in lines))
    path = tmp_path / "p.jsonl.gz"
    path.write_bytes(full[: len(full) - 20])
    seen: list[Page] = []
    with pytest.raises(SourceError, match=r"^cannot read: truncated gzip$"):
        for page in read_pages(path):
            seen.append(page)
    assert seen, "the pages before the damage are yielded"
    assert [p.key for p in seen] == [str(i) for i in range(len(seen))]
    assert all(p.error is None for p in seen)


def test_not_gzip_raises(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl.gz"
    path.write_bytes(b'{"text": "not compressed"}\n')
    with pytest.raises(SourceError, match=r"^cannot read: not gzip data$"):
        list(read_pages(path))


def test_damaged_gzip_raises(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b'{"text": "a"}\n'))
    data[-8] ^= 0xFF  # the CRC-32 in the trailer
    path = tmp_path / "p.jsonl.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match=r"^cannot read: damaged gzip \(CRC check failed"):
        list(read_pages(path))


def test_missing_file_raises_when_iterated(tmp_path: Path) -> None:
    pages = read_pages(tmp_path / "gone.jsonl")  # nothing is read until iteration
    with pytest.raises(SourceError, match=r"^cannot read: No such file or directory$"):
        next(pages)


def test_not_a_container_name_raises(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML)
    with pytest.raises(SourceError, match="not a JSONL or WARC file: page.html"):
        list(read_pages(path))


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


# --- one bad record never sinks the file --------------------------------------------------------


def test_a_jsonl_line_with_a_huge_integer_is_one_error_page(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "big.jsonl",
        [{"url": "http://e.com/1", "text": "one"}, '{"id": ' + "9" * 5000 + ', "text": "x"}', {"text": "three"}],
    )
    pages = list(read_pages(path))
    assert [p.error is None for p in pages] == [True, False, True]
    assert pages[1].error.startswith("line 2: not readable JSON (") and pages[1].key == "2"
    assert pages[2].data == b"three"


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


def test_a_jsonl_line_over_the_limit_is_skipped_unread(tmp_path: Path) -> None:
    import tracemalloc

    huge = b'{"text": "' + b"x" * (64 * 1024 * 1024) + b'"}'  # 64 MB once decompressed
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb") as f:
        f.write(b'{"text": "before"}\n' + huge + b'\n{"text": "after"}\n' + b'{"text": "' + b"y" * 2000 + b'"}')
    tracemalloc.start()
    try:
        pages = list(read_pages(path, limit=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.data for p in pages[::2]] == [b"before", b"after"]
    assert pages[1].error == f"line 2: too large: {len(huge):,} bytes (limit 1,048,576; see --max-bytes)"
    assert pages[3].data == b"y" * 2000 and pages[3].error is None  # the last line has no newline
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes"
    exact = tmp_path / "exact.jsonl"
    exact.write_bytes(b'{"text": "ab"}\n' * 2)  # a line of exactly the limit is read
    assert [p.data for p in read_pages(exact, limit=len(b'{"text": "ab"}'))] == [b"ab", b"ab"]
    assert read_pages(exact, limit=len(b'{"text": "ab"}') - 1).__next__().error.startswith("line 1: too large: 14")
