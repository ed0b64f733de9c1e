"""The output formats, read back by their real consumers (issue: straight into the indexer and the
data pipeline): pyarrow, Hugging Face datasets, SQLite FTS5, tantivy, and the _bulk NDJSON rules."""

from __future__ import annotations

import gzip
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import output_files

from cleaner.cli.main import main

# datasets reads these when it is imported: the tests load local files and must never reach a hub.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is in the test extras")
datasets = pytest.importorskip("datasets", reason="datasets is in the test extras")
tantivy = pytest.importorskip("tantivy", reason="tantivy is in the test extras")

ALL = "txt,jsonl,parquet,pyserini,es-bulk,dolma"
#: The seed whose raw text carries the "MOST VIEWED" teaser block the cleaner removes.
CHROME_SEED = "003_0c92e233fc806f03.txt"


@pytest.fixture(scope="module")
def seeds_out(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acceptance command: `cleaner run seeds/raw OUT --format <all six>`."""
    out = tmp_path_factory.mktemp("seeds") / "out"
    assert main(["run", str(seeds / "raw"), str(out), "--format", ALL, "--quiet", "--workers", "1"]) == 0
    return out


def jsonl(out: Path) -> dict[str, dict]:
    """documents.jsonl by id."""
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def parquet_rows(out: Path) -> list[dict]:
    """Every row of the parquet shards, as pyarrow reads the folder."""
    return pq.read_table(out / "parquet").to_pylist()


def pyserini_rows(out: Path) -> list[dict]:
    """Every JsonCollection object."""
    return [json.loads(line) for p in sorted((out / "pyserini").glob("*.jsonl")) for line in p.open(encoding="utf-8")]


def dolma_rows(out: Path) -> list[dict]:
    """Every dolma document."""
    shards = sorted((out / "dolma" / "documents").glob("*.jsonl.gz"))
    return [json.loads(line) for p in shards for line in gzip.decompress(p.read_bytes()).decode("utf-8").splitlines()]


def bulk_pairs(out: Path) -> list[tuple[dict, dict]]:
    """(action, source) of every _bulk file, checking the NDJSON shape on the way."""
    pairs = []
    for path in sorted((out / "es-bulk").glob("*.ndjson")):
        data = path.read_bytes()
        assert data.endswith(b"\n") and b"\r" not in data
        lines = [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]
        assert len(lines) % 2 == 0
        pairs += list(zip(lines[::2], lines[1::2], strict=True))
    return pairs


def texts_by_format(out: Path) -> dict[str, dict[str, str]]:
    """id -> text in each format (pyserini's contents, which open with the title the text opens with)."""
    report = {d["id"]: d for d in json.loads((out / "report.json").read_text(encoding="utf-8"))["documents"]}
    txt = {
        i: (out / d["output"]).read_text(encoding="utf-8").removesuffix("\n") for i, d in report.items() if d["output"]
    }
    return {
        "txt": txt,
        "jsonl": {i: r["text"] for i, r in jsonl(out).items()},
        "parquet": {r["id"]: r["text"] for r in parquet_rows(out)},
        "pyserini": {r["id"]: r["contents"] for r in pyserini_rows(out)},
        "es-bulk": {a["index"]["_id"]: s["text"] for a, s in bulk_pairs(out)},
        "dolma": {r["id"]: r["text"] for r in dolma_rows(out)},
    }


def test_the_six_formats_hold_the_same_documents_and_texts(seeds_out):
    texts = texts_by_format(seeds_out)
    assert len(texts["jsonl"]) == 5
    for name, by_id in texts.items():
        assert by_id == texts["jsonl"], name


def test_every_format_carries_the_documents_jsonl_fields(seeds_out):
    reference = jsonl(seeds_out)
    fields = ["title", "url", "date", "author", "language", "language_score", "encoding", "kept_lines", "removed_lines"]
    parquet = {r["id"]: r for r in parquet_rows(seeds_out)}
    pyserini = {r["id"]: r for r in pyserini_rows(seeds_out)}
    bulk = {s["id"]: s for _, s in bulk_pairs(seeds_out)}
    dolma = {r["id"]: r for r in dolma_rows(seeds_out)}
    for doc_id, record in reference.items():
        want = {f: record[f] for f in fields}
        assert {f: parquet[doc_id][f] for f in fields} == want
        assert {f: pyserini[doc_id][f] for f in fields} == want
        assert {f: bulk[doc_id][f] for f in fields} == want
        assert {f: dolma[doc_id]["metadata"][f] for f in fields} == want
        assert dolma[doc_id]["source"] == "cleaner" and dolma[doc_id]["created"] == record["date"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", dolma[doc_id]["added"])
        assert parquet[doc_id]["site"] == bulk[doc_id]["site"] and parquet[doc_id]["source"] is None
    assert any(r["date"] for r in reference.values()) and any(r["title"] for r in reference.values())


def test_pyserini_contents_are_the_title_then_the_text(seeds_out):
    for row in pyserini_rows(seeds_out):
        if row["title"]:  # the seeds' headlines are kept as the text's first line: not repeated
            assert row["contents"].split("\n\n")[0] == row["title"]
            assert row["contents"].count(row["title"]) == 1
    from cleaner.io.writers.base import OutputRecord
    from cleaner.io.writers.pyserini import contents

    record = OutputRecord("x", "Body text.", "A title", None, None, None, None, None, None, "s", 1, 0, None, "")
    assert contents(record) == "A title\n\nBody text."


def test_datasets_loads_parquet_pyserini_and_dolma(seeds_out, tmp_path):
    reference = {i: r["text"] for i, r in jsonl(seeds_out).items()}
    cache = str(tmp_path / "hf")
    parquet = datasets.load_dataset(
        "parquet", data_files=str(seeds_out / "parquet" / "*.parquet"), split="train", cache_dir=cache
    )
    assert dict(zip(parquet["id"], parquet["text"], strict=True)) == reference
    pyserini = datasets.load_dataset(
        "json", data_files=str(seeds_out / "pyserini" / "*.jsonl"), split="train", cache_dir=cache
    )
    assert dict(zip(pyserini["id"], pyserini["contents"], strict=True)) == reference
    dolma = datasets.load_dataset(
        "json", data_files=str(seeds_out / "dolma" / "documents" / "*.jsonl.gz"), split="train", cache_dir=cache
    )
    assert dict(zip(dolma["id"], dolma["text"], strict=True)) == reference
    assert {m["language"] for m in dolma["metadata"]} == {"en"}


def unique_phrase(texts: dict[str, str], doc_id: str, words: int = 6) -> str:
    """A run of plain words of one document that no other document has."""
    tokens = texts[doc_id].split()
    others = [" ".join(t.split()) for i, t in texts.items() if i != doc_id]
    for n in range(len(tokens) - words):
        window = tokens[n : n + words]
        phrase = " ".join(window)
        if all(w.isalpha() for w in window) and not any(phrase in other for other in others):
            return phrase
    raise AssertionError(f"no phrase of {doc_id} is its own")


def test_full_text_indexes_find_the_article_and_not_its_chrome(seeds_out, seeds):
    assert "MOST VIEWED" in (seeds / "raw" / CHROME_SEED).read_text(encoding="utf-8")
    texts = {i: r["text"] for i, r in jsonl(seeds_out).items()}
    phrase = unique_phrase(texts, CHROME_SEED)
    # SQLite FTS5 (standard library) from the pyserini JsonCollection
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, contents)")
    db.executemany("INSERT INTO docs VALUES (?, ?)", [(r["id"], r["contents"]) for r in pyserini_rows(seeds_out)])
    search = "SELECT id FROM docs WHERE docs MATCH ?"
    assert db.execute(search, (f'"{phrase}"',)).fetchall() == [(CHROME_SEED,)]
    assert db.execute(search, ('"MOST VIEWED"',)).fetchall() == []
    # tantivy from the parquet shards
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", stored=True)
    index = tantivy.Index(builder.build())
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for row in parquet_rows(seeds_out):
        writer.add_document(tantivy.Document(id=row["id"], text=row["text"]))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def hits(query: str) -> list[str]:
        found = searcher.search(index.parse_query(query, ["text"]), 10).hits
        return [searcher.doc(address)["id"][0] for _, address in found]

    assert hits(f'"{phrase}"') == [CHROME_SEED]
    assert hits('"MOST VIEWED"') == []


def test_es_bulk_pairs_every_action_with_its_source(seeds_out):
    pairs = bulk_pairs(seeds_out)
    ids = [action["index"]["_id"] for action, _ in pairs]
    assert len(ids) == len(set(ids)) == 5
    for action, source in pairs:
        assert action == {"index": {"_index": "cleaner", "_id": source["id"]}}
        assert set(source) >= {"id", "text", "title", "url", "site"}


def test_a_long_id_becomes_a_stable_hash_and_the_index_name_is_an_option(make_tree, tmp_path, article_text):
    long_key = "k" * 600
    pages = "\n".join(json.dumps({"id": key, "text": article_text}) for key in (long_key, "short"))
    inp, out = make_tree({"pages.jsonl": pages}), tmp_path / "out"
    assert main(["run", str(inp), str(out), "--format", "es-bulk", "--index-name", "news-2026", "--quiet"]) == 0
    actions = {s["id"]: a["index"] for a, s in bulk_pairs(out)}
    long_id = f"pages.jsonl#{long_key}"
    assert actions["pages.jsonl#short"] == {"_index": "news-2026", "_id": "pages.jsonl#short"}
    assert re.fullmatch(r"[0-9a-f]{64}", actions[long_id]["_id"])
    first = actions[long_id]["_id"]
    assert main(["run", str(inp), str(out), "--format", "es-bulk", "--full", "--quiet"]) == 0
    assert {s["id"]: a["index"] for a, s in bulk_pairs(out)}[long_id] == {"_index": "cleaner", "_id": first}


def test_an_invalid_index_name_is_refused_in_one_line(tmp_path, capsys):
    assert main(["run", str(tmp_path), str(tmp_path / "out"), "--format", "es-bulk", "--index-name", "My Index"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--index-name 'My Index' is not an index name" in err and "\n" not in err


def test_the_output_does_not_depend_on_the_worker_count(seeds, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for out, workers in ((one, "1"), (two, "2")):
        assert main(["run", str(seeds / "raw"), str(out), "--format", ALL, "--quiet", "--workers", workers]) == 0
    assert output_files(one) == output_files(two)
    assert {p.split("/")[0] for p in output_files(one)} >= {"parquet", "pyserini", "es-bulk", "dolma"}


# --- --format ------------------------------------------------------------------------------------


def test_format_is_a_comma_list_and_both_is_txt_and_jsonl():
    from cleaner.io.writers import FormatError, parse_formats

    assert parse_formats("both") == ("txt", "jsonl")
    assert parse_formats("dolma, txt,parquet,txt") == ("txt", "parquet", "dolma")
    assert parse_formats("es-bulk,both") == ("txt", "jsonl", "es-bulk")
    for bad in ("", "txt,csv"):
        with pytest.raises(FormatError):
            parse_formats(bad)


def test_a_format_list_in_the_config_file(tmp_path):
    from cleaner.batch.config import find_config, resolve

    (tmp_path / "cleaner.toml").write_text('format = ["txt", "parquet"]\nindex_name = "news"\n', encoding="utf-8")
    settings = resolve({}, find_config(None, tmp_path)).settings
    assert settings.formats == ("txt", "parquet") and settings.index_name == "news"


def test_an_unknown_format_is_refused_in_one_line(tmp_path, capsys):
    assert main(["run", str(tmp_path), str(tmp_path / "out"), "--format", "txt,csv"]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown format 'csv'" in err and "parquet" in err and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_parquet_without_pyarrow_names_the_extra(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what find_spec sees when it is not installed
    assert main(["run", str(tmp_path), str(tmp_path / "out"), "--format", "txt,parquet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--format parquet needs the optional extra: pip install 'cleaner[parquet]'" in err and "\n" not in err
    assert main(["run", str(tmp_path), str(tmp_path / "out"), "--format", "txt,dolma", "--quiet"]) == 0
