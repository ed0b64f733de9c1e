"""readers: the registry of container readers, what a container is, and who reads which file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.io import readers
from cleaner.io.readers import CONTAINER_SUFFIXES, SourceError, is_container, read_pages, reader_for
from cleaner.io.readers.jsonl import JsonlReader
from cleaner.io.readers.warc import WarcReader

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


def test_not_a_container_name_raises(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>a page</p></body></html>")
    with pytest.raises(SourceError, match="not a JSONL or WARC file: page.html"):
        list(read_pages(path))


# --- the registry ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [("dump.jsonl", JsonlReader), ("DUMP.NDJSON.GZ", JsonlReader), ("crawl.warc.gz", WarcReader), ("page.html", None)],
)
def test_each_container_name_has_its_reader(name: str, kind: type | None) -> None:
    reader = reader_for(name)
    assert (type(reader) if reader is not None else None) is kind
    assert is_container(name) is (kind is not None)


def test_container_suffixes_are_the_readers_own() -> None:
    assert tuple(s for r in readers.READERS for s in r.suffixes) == CONTAINER_SUFFIXES
    assert all(s == s.lower() for s in CONTAINER_SUFFIXES)  # names are matched lower-cased


def test_read_pages_goes_to_the_reader_of_the_name(tmp_path: Path) -> None:
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_text('{"url": "http://e.com/", "text": "hello"}\n')
    assert [(p.key, p.url, p.data) for p in read_pages(jsonl)] == [("1", "http://e.com/", b"hello")]
    warc = tmp_path / "crawl.warc"
    warc.write_text('{"url": "http://e.com/", "text": "hello"}\n')  # JSON in a .warc: the WARC reader refuses it
    with pytest.raises(SourceError, match=r"^not a WARC file: "):
        list(read_pages(warc))


def test_the_message_for_no_container_names_every_reader(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(readers, "READERS", (*readers.READERS, JsonlReader()))
    with pytest.raises(SourceError, match=r"^not a JSONL, WARC or JSONL file: a.html$"):
        list(read_pages(tmp_path / "a.html"))
