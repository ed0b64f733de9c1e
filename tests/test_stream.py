"""cleaner.clean_records: pages held in memory come out as `cleaner run` writes them in documents.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_batch

from cleaner import Settings, clean_records
from cleaner.io.readers import JsonlFields


def traf_pages(shared: Path, count: int) -> list[dict]:
    """Real pages (traf-dev) as JSONL records: raw HTML in `html`, a URL of a site of their own."""
    paths = sorted((shared / "bench" / "traf-dev" / "html").glob("*.html"))[:count]
    return [
        {"id": p.stem, "url": f"https://{p.stem}.example/article", "html": p.read_text(encoding="utf-8")} for p in paths
    ]


def run_records(pages: list[dict], tmp_path: Path, **options) -> dict[str, dict]:
    """documents.jsonl of `cleaner run` on the pages as one JSONL file, by the page's own id."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "pages.jsonl").write_text("\n".join(json.dumps(p) for p in pages) + "\n", encoding="utf-8")
    run_batch(inp, tmp_path / "out", format="jsonl", **options)
    lines = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {
        r["id"].removeprefix("pages.jsonl#"): {**r, "id": r["id"].removeprefix("pages.jsonl#")}
        for r in map(json.loads, lines)
    }


def test_records_are_cleaned_as_cleaner_run_cleans_a_jsonl_file(shared, tmp_path):
    pages = traf_pages(shared, 8)
    pages.append(
        {
            "id": "dump",
            "text": (shared / "acceptance" / "seeds" / "raw" / "003_0c92e233fc806f03.txt").read_text(encoding="utf-8"),
        }
    )
    expected = run_records(pages, tmp_path)
    got = {r["id"]: r for r in clean_records(iter(pages))}  # any iterable: a generator is read once
    assert got == expected and len(got) == 9
    assert "MOST VIEWED" not in got["dump"]["text"] and got["dump"]["title"]


def test_dropped_and_broken_records_are_reported_not_yielded(ruleset):
    drops: list[tuple[str, str]] = []
    records = [
        {"html": ""},
        {"id": 7, "body": "x"},
        {
            "id": "de",
            "text": "Der Rat hat am Dienstag beschlossen, eine neue Brücke über den Fluss zu bauen, die im Frühjahr fertig wird.",
        },
    ]
    out = list(
        clean_records(
            records, rules=ruleset, settings=Settings(languages=("en",)), on_drop=lambda i, why: drops.append((i, why))
        )
    )
    assert out == []
    assert drops[0] == ("1", "empty file")
    assert drops[1] == ("7", "line 2: no 'html' or 'text' field")  # a record's position, as in a JSONL file
    assert drops[2][0] == "de" and drops[2][1].startswith("language:not-en")


def test_field_names_are_configurable(ruleset):
    fields = JsonlFields(url="link", html="page", text="body", id="key")
    page = (
        "<html><body><article><p>"
        + "The new bridge over the river opens to traffic on Monday. " * 6
        + "</p></article></body></html>"
    )
    (record,) = clean_records(
        [{"key": "k1", "link": "https://example.org/b", "page": page}], rules=ruleset, fields=fields
    )
    assert record["id"] == "k1" and record["url"] == "https://example.org/b"
    assert record["text"].startswith("The new bridge over the river opens to traffic on Monday.")
