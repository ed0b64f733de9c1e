"""Inputs from real scrapers: JSONL and WARC files of pages clean to the same text as the same pages
given as files; their pages are documents of their own, planned by file, and bad records are
reported one by one."""

from __future__ import annotations

import gc
import gzip
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import output_files, run_batch, shipped_rules
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner import Settings
from cleaner.batch import clean as corpus
from cleaner.core import language, pipeline
from cleaner.core.decode import decode
from cleaner.document import Status
from cleaner.io import discover
from cleaner.io.discover import Input

SAMPLE = Path(__file__).resolve().parents[1] / "corpus_raw"
HTML_PAGES = sorted((SAMPLE / "html").glob("*.html"))
TEXT_PAGES = sorted((SAMPLE / "seeds").glob("*.txt"))[:2]


def url_of(path: Path) -> str:
    return f"https://news.example.org/{path.stem}"


def reference_texts(tmp_path: Path, pages: list[Path]) -> list[bytes]:
    """The clean text of each page given as a file, in order."""
    root = tmp_path / "as-files"
    root.mkdir()
    for n, path in enumerate(pages):
        (root / f"{n:02}-{path.name}").write_bytes(path.read_bytes())
    run_batch(root, tmp_path / "as-files-out")
    outputs = output_files(tmp_path / "as-files-out")
    return [outputs[f"{n:02}-{path.stem}.txt"] for n, path in enumerate(pages)]


def decoded(path: Path) -> tuple[str, str]:
    """A page's text and encoding, as a scraper that honours the page's charset stores them."""
    text, decoding = decode(path.read_bytes(), is_html=path.suffix == ".html")
    return text, decoding.encoding


def jsonl_line(path: Path, **extra) -> str:
    field = "html" if path.suffix == ".html" else "text"
    return json.dumps({"url": url_of(path), field: decoded(path)[0], **extra}, ensure_ascii=False)


@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz"])
def test_jsonl_pages_clean_like_the_same_pages_as_files(tmp_path, name):
    pages = HTML_PAGES + TEXT_PAGES
    data = "".join(jsonl_line(p) + "\n" for p in pages).encode("utf-8")
    root = tmp_path / "in"
    (root / "dump").mkdir(parents=True)
    (root / "dump" / name).write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    result = run_batch(root, tmp_path / "out", format="both")
    outputs = output_files(tmp_path / "out")
    assert [outputs[f"dump/{name}/{n}.txt"] for n in range(1, len(pages) + 1)] == reference_texts(tmp_path, pages)
    assert sorted(result.records) == [f"dump/{name}#{n}" for n in range(1, len(pages) + 1)]
    record = result.records[f"dump/{name}#1"]
    assert record["url"] == url_of(pages[0]) and record["output"] == f"dump/{name}/1.txt"
    jsonl = [json.loads(line) for line in outputs["documents.jsonl"].splitlines()]
    assert [d["id"] for d in jsonl] == sorted(result.records) and jsonl[0]["url"] == url_of(pages[0])


def test_jsonl_ids_field_names_and_bad_lines(tmp_path):
    page = HTML_PAGES[0]
    lines = [
        json.dumps({"link": url_of(page), "body": decoded(page)[0], "key": "story-1"}),
        "",
        "{not json",
        json.dumps({"link": "https://news.example.org/x", "key": "story-2"}),
        json.dumps({"link": url_of(page), "body": decoded(page)[0]}),
    ]
    root = tmp_path / "in"
    root.mkdir()
    (root / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_batch(root, tmp_path / "out", jsonl_url="link", jsonl_html="body", jsonl_id="key")
    records = result.records
    assert sorted(records) == ["crawl.jsonl#3", "crawl.jsonl#5", "crawl.jsonl#story-1", "crawl.jsonl#story-2"]
    assert records["crawl.jsonl#story-1"]["status"] == "kept"
    assert records["crawl.jsonl#story-1"]["output"] == "crawl.jsonl/1.txt"
    assert records["crawl.jsonl#3"]["status"] == "failed" and "not valid JSON" in records["crawl.jsonl#3"]["reason"]
    assert records["crawl.jsonl#story-2"]["status"] == "failed" and "'body'" in records["crawl.jsonl#story-2"]["reason"]
    assert records["crawl.jsonl#5"]["status"] == "kept"
    assert result.outcome.cleaned == 1 and len(result.outcome.failed) == 2


def warc_file(path: Path, pages: list[tuple], gzipped: bool) -> None:
    """A WARC of responses (url, payload, content type[, status]), each after a request record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    for url, payload, content_type, *status in pages:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders(
            status[0] if status else "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers)
        )
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_responses_clean_like_the_same_pages_as_files(tmp_path, name):
    # a page in Windows-1252 that says so only in its HTTP header, as many servers do
    latin = (
        "<html><body><article>"
        + "".join(
            f"<p>Größere Brücken über die Flüsse: Die Stadt plant für {n} Jahre im Voraus, sagte die Bürgermeisterin "
            "am Dienstag vor dem Gemeinderat, und die Anwohner begrüßen das Vorhaben.</p>"
            for n in range(4)
        )
        + "</article></body></html>"
    )
    pages = [*HTML_PAGES, latin]
    root = tmp_path / "in"
    root.mkdir()
    entries = [(url_of(p), p.read_bytes(), f"text/html; charset={decoded(p)[1]}") for p in HTML_PAGES]
    entries.append(("https://news.example.org/latin", latin.encode("cp1252"), "text/html; charset=windows-1252"))
    entries.append(("https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"))  # not a page
    entries.append(
        ("https://news.example.org/gone", b"<html><body>Not Found</body></html>", "text/html", "404 Not Found")
    )
    warc_file(root / name, entries, gzipped=name.endswith(".gz"))
    result = run_batch(root, tmp_path / "out")
    # records: request 1, response 2, request 3, response 4, ...; the PNG and the 404 are skipped
    ids = [f"{name}#{2 * n + 2}" for n in range(len(pages))]
    assert sorted(result.records) == sorted(ids)
    files_root = tmp_path / "files"
    files_root.mkdir()
    (files_root / "latin.html").write_text(
        latin.replace("<html>", '<html><head><meta charset="utf-8"></head>'), encoding="utf-8"
    )
    expected = reference_texts(tmp_path, HTML_PAGES)
    run_batch(files_root, tmp_path / "files-out")
    expected.append((tmp_path / "files-out" / "latin.txt").read_bytes())
    outputs = output_files(tmp_path / "out")
    assert [outputs[f"{name}/{doc_id.split('#')[1]}.txt"] for doc_id in ids] == expected
    latin_record = result.records[ids[-1]]
    assert (latin_record["encoding"], latin_record["encoding_method"]) == ("cp1252", "transport")
    assert latin_record["url"] == "https://news.example.org/latin"


def test_a_changed_container_is_cleaned_again_and_pages_it_lost_are_removed(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    dump = root / "dump.jsonl"
    dump.write_text("".join(jsonl_line(p) + "\n" for p in HTML_PAGES), encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch(root, out, format="both")
    assert first.counts["new"] == 1 and len(first.records) == 3
    assert run_batch(root, out, format="both").outcome.cleaned == 0  # unchanged: nothing is read again

    dump.write_text(jsonl_line(HTML_PAGES[0]) + "\n", encoding="utf-8")  # two pages fewer
    second = run_batch(root, out, format="both")
    assert second.counts["changed"] == 1 and sorted(second.records) == ["dump.jsonl#1"]
    assert sorted(output_files(out)) == ["documents.jsonl", "dump.jsonl/1.txt"]
    assert len(output_files(out)["documents.jsonl"].splitlines()) == 1

    dump.unlink()
    third = run_batch(root, out, format="both")
    assert third.counts["removed"] == 1 and third.records == {}
    assert output_files(out) == {"documents.jsonl": b""}


def test_a_damaged_container_keeps_the_pages_before_the_damage(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    data = gzip.compress("".join(jsonl_line(p) + "\n" for p in HTML_PAGES).encode("utf-8"), mtime=0)
    (root / "dump.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])  # cut off mid-stream
    result = run_batch(root, tmp_path / "out")
    failed = result.records["dump.jsonl.gz"]
    assert failed["status"] == "failed" and failed["reason"].startswith("cannot read:") and "gzip" in failed["reason"]
    kept = [r for r in result.documents if r["status"] == "kept"]
    assert kept and all(r["id"].startswith("dump.jsonl.gz#") for r in kept)


@pytest.mark.parametrize("path", [*HTML_PAGES, TEXT_PAGES[0]], ids=lambda p: p.name)
def test_a_page_through_a_pipe_cleans_like_the_same_page_as_a_file(path, tmp_path):
    fmt = "html" if path.suffix == ".html" else "text"
    command = [sys.executable, "-m", "cleaner", "clean", "--input-format", fmt]
    piped = subprocess.run([*command, "-"], input=path.read_bytes(), capture_output=True, check=True)
    as_file = subprocess.run([*command, str(path)], capture_output=True, check=True)
    assert piped.stdout == as_file.stdout and len(piped.stdout) > 200
    # and `run` writes the same text for it (the tree's output ends with a newline too)
    root = tmp_path / "in"
    root.mkdir()
    (root / path.name).write_bytes(path.read_bytes())
    run_batch(root, tmp_path / "out")
    assert (tmp_path / "out" / f"{path.stem}.txt").read_bytes() == piped.stdout


def test_each_page_of_a_container_has_the_time_limit(tmp_path, monkeypatch):
    root = tmp_path / "in"
    root.mkdir()
    lines = [jsonl_line(p) for p in HTML_PAGES]
    lines[1] = json.dumps({"url": "https://news.example.org/slow", "text": "SLOW " * 50})
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    real = pipeline.process

    def slow_on_one_page(doc, settings, ruleset):
        while doc.raw.startswith(b"SLOW"):  # stuck, until the time limit interrupts it
            time.sleep(0.01)
        return real(doc, settings, ruleset)

    monkeypatch.setattr(pipeline, "process", slow_on_one_page)
    # Collect what earlier tests left (pool pipes): an alarm that lands in a __del__ is swallowed
    # and repeated (see batch.clean.process_guarded), which pytest reports as a warning.
    gc.collect()
    # What a worker loads at start (the language profiles, about a second) is loaded first, as the
    # pool's initialiser does, so that the limit measures each page's own cleaning; 2 s leaves a
    # loaded machine room for the fast pages and costs the stuck one no more than that.
    language.detect("warm up the language profiles")
    language.stopwords(None)
    settings = Settings(input_dir=root, output_dir=tmp_path / "out", timeout=2)
    docs = {d.id: d for d in corpus.clean_input(Input(root / "dump.jsonl", "dump.jsonl"), settings, shipped_rules())}
    assert docs["dump.jsonl#2"].status is Status.FAILED and docs["dump.jsonl#2"].reason.startswith(
        "timed out after 2 s"
    )
    assert docs["dump.jsonl#1"].status is docs["dump.jsonl#3"].status is Status.KEPT


def test_a_large_container_is_cleaned_in_parts_with_the_same_result(tmp_path, monkeypatch):
    pages = HTML_PAGES + TEXT_PAGES
    data = "".join(jsonl_line(p) + "\n" for p in pages).encode("utf-8")
    root = tmp_path / "in"
    root.mkdir()
    (root / "dump.jsonl").write_bytes(data)
    whole = run_batch(root, tmp_path / "whole", format="both")
    monkeypatch.setattr(discover, "CONTAINER_PART_BYTES", len(data) // 3)  # four parts
    assert len(Input(root / "dump.jsonl", "dump.jsonl").split(len(data))) == 4
    split = run_batch(root, tmp_path / "split", format="both", workers=2)
    assert output_files(tmp_path / "split") == output_files(tmp_path / "whole")
    assert split.documents == whole.documents
    assert split.outcome.cleaned == 1 and split.counts["new"] == 1
    assert run_batch(root, tmp_path / "split", format="both", workers=2).outcome.cleaned == 0


def test_a_damaged_container_in_parts_is_reported_once(tmp_path, monkeypatch):
    root = tmp_path / "in"
    root.mkdir()
    data = gzip.compress("".join(jsonl_line(p) + "\n" for p in HTML_PAGES).encode("utf-8"), mtime=0)
    (root / "dump.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    monkeypatch.setattr(discover, "CONTAINER_PART_BYTES", len(data) // 4)
    result = run_batch(root, tmp_path / "out", workers=2)
    failures = [r for r in result.documents if r["status"] == "failed"]
    assert [r["id"] for r in failures] == ["dump.jsonl.gz"] and "gzip" in failures[0]["reason"]
