"""corpus: a folder in, a clean corpus out; one record per input, bad inputs never stop the batch."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest
from conftest import (
    ARTICLE_PARAGRAPHS,
    GERMAN_PARAGRAPHS,
    Batch,
    article_html,
    output_files,
    run_batch,
    shipped_rules,
    tmp_leftovers,
)

from cleaner import Settings
from cleaner.batch import clean as corpus
from cleaner.io.discover import Input
from cleaner.io.writers.jsonl import JSONL_NAME

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4
MIB = 1024 * 1024


def article(title: str, *paragraphs: str) -> str:
    """A plain-text article with its own headline (so every output is recognisable)."""
    return "\n\n".join((title, *(paragraphs or ARTICLE_PARAGRAPHS))) + "\n"


def deep_html(levels: int = 10_000) -> str:
    return "<html><body>" + "<div>" * levels + "<p>Deep inside the page.</p>" + "</div>" * levels + "</body></html>"


def damaged_utf8() -> bytes:
    """A German article in UTF-8 with two invalid bytes in the middle."""
    good = article("Neue Brücke über den Fluss", *GERMAN_PARAGRAPHS).encode()
    return good[:200] + b"\xff" + good[200:400] + b"\xfe" + good[400:]


def run(inp: Path, out: Path, **options) -> Batch:
    """A batch run (cleaner.batch.run.run, one worker unless told), read back from report.json."""
    return run_batch(inp, out, **options)


def records(result: Batch) -> dict[str, dict]:
    return result.records


def jsonl(out: Path) -> dict:
    lines = (out / JSONL_NAME).read_text(encoding="utf-8").splitlines()
    return {d["id"]: d for d in map(json.loads, lines)}


# --- a batch with every kind of bad input --------------------------------------------------------


@pytest.fixture
def messy_tree(make_tree, tmp_path):
    """Good files and one of each bad input; returns the input folder."""
    root = make_tree(
        {
            "good.txt": article("Council approves new footbridge over the river"),
            "news/page.html": article_html(),
            "news/de.txt": article("Neue Brücke über den Fluss", *GERMAN_PARAGRAPHS),
            "bad/empty.txt": b"",
            "bad/image.html": PNG,
            "bad/invalid-utf8.txt": damaged_utf8(),
            "bad/deep.html": deep_html(),
            "bad/locked.txt": article("Locked file"),
        }
    )
    (root / "bad" / "huge.txt").write_bytes(b"word " * (4 * MIB))  # 20 MiB
    os.chmod(root / "bad" / "locked.txt", 0)
    yield root
    os.chmod(root / "bad" / "locked.txt", 0o644)


def test_bad_inputs_each_get_one_record_with_a_specific_reason(messy_tree, tmp_path):
    out = tmp_path / "out"
    report = run(messy_tree, out, format="both")
    inputs = sorted(p.relative_to(messy_tree).as_posix() for p in messy_tree.rglob("*") if p.is_file())
    assert sorted(r["id"] for r in report.documents) == inputs  # exactly one record per input
    recs = records(report)

    assert (recs["bad/empty.txt"]["status"], recs["bad/empty.txt"]["reason"]) == ("dropped", "empty file")
    assert recs["bad/image.html"]["status"] == "failed" and "PNG" in recs["bad/image.html"]["reason"]
    assert recs["bad/huge.txt"]["status"] == "failed" and "too large" in recs["bad/huge.txt"]["reason"]
    assert recs["bad/deep.html"]["status"] == "failed" and "nest" in recs["bad/deep.html"]["reason"]

    damaged = recs["bad/invalid-utf8.txt"]
    assert damaged["status"] == "kept" and damaged["encoding"] == "utf-8"
    assert any("invalid UTF-8" in w for w in damaged["warnings"])
    text = (out / "bad" / "invalid-utf8.txt").read_text(encoding="utf-8")
    assert "Fußgängerbrücke" in text  # accents survive the two bad bytes

    if os.geteuid() != 0:  # root reads a chmod 000 file anyway
        assert recs["bad/locked.txt"]["status"] == "failed" and "permission" in recs["bad/locked.txt"]["reason"]

    # the batch went on: the good files are written
    for rel in ("good.txt", "news/page.txt", "news/de.txt"):
        assert (out / rel).is_file(), rel
    assert {"good.txt", "news/page.html", "news/de.txt"} <= set(jsonl(out))
    # failed and dropped inputs write no text
    for rel in ("bad/empty.txt", "bad/image.txt", "bad/huge.txt", "bad/deep.txt"):
        assert not (out / rel).exists(), rel
    assert tmp_leftovers(out) == []
    for rec in report.documents:
        assert rec["status"] in ("kept", "dropped", "failed")
        assert (rec["status"] == "kept") == (rec["reason"] is None), rec
        assert (rec["output"] is not None) == (rec["status"] == "kept"), rec


def test_read_errors_become_failed_records(make_tree, tmp_path, monkeypatch):
    root = make_tree({"a.txt": article("First article"), "b.txt": article("Second article"), "c.txt": article("Third")})
    real = corpus.read_input

    def flaky(path: Path, limit: int) -> bytes:
        if path.name == "b.txt":
            raise PermissionError(13, "Permission denied", str(path))
        if path.name == "c.txt":
            raise OSError(5, "Input/output error", str(path))
        return real(path, limit)

    monkeypatch.setattr(corpus, "read_input", flaky)
    report = run(root, tmp_path / "out")
    recs = records(report)
    assert recs["b.txt"]["status"] == "failed" and "permission denied" in recs["b.txt"]["reason"]
    assert recs["c.txt"]["status"] == "failed" and "Input/output error" in recs["c.txt"]["reason"]
    assert recs["a.txt"]["status"] == "kept"
    assert (tmp_path / "out" / "a.txt").is_file()


def test_a_corrupt_gz_is_a_failed_record(make_tree, tmp_path):
    root = make_tree({"broken.txt.gz": gzip.compress(article("Gzipped").encode())[:-12], "ok.txt": article("Fine")})
    recs = records(run(root, tmp_path / "out"))
    assert recs["broken.txt.gz"]["status"] == "failed"
    assert recs["broken.txt.gz"]["reason"].startswith("cannot read")
    assert recs["ok.txt"]["status"] == "kept"


# --- inputs --------------------------------------------------------------------------------------


def test_gz_inputs_are_read_transparently(make_tree, tmp_path):
    text = article("Gzipped article about the bridge")
    page = article_html()
    root = make_tree({"a.txt.gz": gzip.compress(text.encode()), "sub/b.html.gz": gzip.compress(page.encode())})
    out = tmp_path / "out"
    report = run(root, out, format="both")
    recs = records(report)
    assert recs["a.txt.gz"]["status"] == "kept" and recs["a.txt.gz"]["input_format"] == "text"
    assert recs["sub/b.html.gz"]["status"] == "kept" and recs["sub/b.html.gz"]["input_format"] == "html"
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("Gzipped article about the bridge")
    assert ARTICLE_PARAGRAPHS[0] in (out / "sub" / "b.txt").read_text(encoding="utf-8")


def test_gz_bytes_in_is_the_decompressed_size(make_tree, tmp_path):
    text = article("Gzipped article about the bridge")
    root = make_tree({"a.txt.gz": gzip.compress(text.encode())})
    recs = records(run(root, tmp_path / "out"))
    assert recs["a.txt.gz"]["bytes_in"] == len(text.encode())  # decompressed size, as before the rewrite


def test_hidden_files_and_folders_are_skipped_and_counted(make_tree, tmp_path):
    root = make_tree(
        {
            "a.txt": article("Visible article"),
            ".hidden.txt": article("Hidden article"),
            ".git/notes.txt": article("Hidden folder"),
            "sub/.draft.html": article_html(),
            "picture.jpg": b"\xff\xd8\xff\xe0",
        }
    )
    out = tmp_path / "out"
    report = run(root, out)
    assert [r["id"] for r in report.documents] == ["a.txt"]
    assert report.skipped["hidden"] == 3
    assert sum(report.skipped.values()) == 4  # and the .jpg as an unsupported type
    assert not (out / ".hidden.txt").exists() and not (out / ".git").exists()


def test_extensionless_files_are_sniffed(make_tree, tmp_path):
    root = make_tree({"page": article_html(), "notes": article("Plain notes about the bridge")})
    out = tmp_path / "out"
    recs = records(run(root, out))
    assert recs["page"]["input_format"] == "html" and recs["page"]["status"] == "kept"
    assert recs["notes"]["input_format"] == "text" and recs["notes"]["status"] == "kept"
    assert "<p>" not in (out / "page.txt").read_text(encoding="utf-8")


# --- outputs -------------------------------------------------------------------------------------


def test_output_txt_mirrors_the_input_tree(make_tree, tmp_path):
    root = make_tree(
        {
            "top.txt": article("Top article"),
            "a/b/deep.html": article_html(),
            "a/notes.md": article("Markdown notes"),
        }
    )
    out = tmp_path / "out"
    report = run(root, out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == [
        "a/b/deep.txt",
        "a/notes.txt",
        "top.txt",
    ]
    assert (out / "top.txt").read_text(encoding="utf-8") == article("Top article")
    assert records(report)["a/b/deep.html"]["output"] == "a/b/deep.txt"


def test_txt_output_is_the_document_text(make_tree, tmp_path):
    root = make_tree({"a.txt": article("Bridge approved") + "\nBack to top\n\nShare this article\n"})
    out = tmp_path / "out"
    run(root, out, format="both")
    written = (out / "a.txt").read_text(encoding="utf-8")
    assert written == jsonl(out)["a.txt"]["text"] + "\n"
    assert "Back to top" not in written and "Share this article" not in written
    assert written.split("\n\n")[1] == ARTICLE_PARAGRAPHS[0]


def test_name_collisions_are_both_written(make_tree, tmp_path):
    root = make_tree({"a.html": article_html(), "a.txt": article("The text version")})
    out = tmp_path / "out"
    report = run(root, out)
    outputs = {r["id"]: r["output"] for r in report.documents}
    assert outputs["a.html"] != outputs["a.txt"]
    assert ARTICLE_PARAGRAPHS[0] in (out / outputs["a.html"]).read_text(encoding="utf-8")
    assert (out / outputs["a.txt"]).read_text(encoding="utf-8").startswith("The text version")


def test_renamed_collision_does_not_overwrite_another_output(make_tree, tmp_path):
    root = make_tree(
        {"a.html": article_html(), "a.txt": article("The text version"), "a.html.txt": article("A third article")}
    )
    out = tmp_path / "out"
    report = run(root, out)
    outputs = [r["output"] for r in report.documents if r["status"] == "kept"]
    assert len(outputs) == 3
    assert len(set(outputs)) == 3, f"two inputs write the same file: {outputs}"


def test_documents_jsonl_fields(make_tree, tmp_path):
    head = (
        '<link rel="canonical" href="https://courier.example.com/bridge">'
        '<meta property="article:published_time" content="2024-03-05T09:30:00Z">'
    )
    root = make_tree(
        {
            "news/bridge.html": article_html(head=head),
            "plain.txt": "date 2022-01-12 " + article("Bridge").split("\n\n", 1)[1] + "\nBack to top\n",
            "empty.txt": b"",
        }
    )
    out = tmp_path / "out"
    run(root, out, format="jsonl")
    docs = jsonl(out)
    assert sorted(docs) == ["news/bridge.html", "plain.txt"]  # kept documents only, POSIX ids
    for doc in docs.values():
        assert set(doc) >= {
            "id",
            "text",
            "title",
            "url",
            "date",
            "language",
            "language_score",
            "encoding",
            "kept_lines",
            "removed_lines",
        }
        assert doc["language"] == "en" and 0 < doc["language_score"] <= 1
        assert doc["encoding"] == "utf-8"
        assert doc["kept_lines"] == len(doc["text"].split("\n\n"))
    page = docs["news/bridge.html"]
    assert (page["url"], page["date"]) == ("https://courier.example.com/bridge", "2024-03-05")
    assert page["title"] == "Council approves new footbridge over the river"
    plain = docs["plain.txt"]
    assert plain["date"] == "2022-01-12" and plain["url"] is None
    assert plain["removed_lines"] >= 2  # the date prefix and the back-to-top line
    assert plain["text"].startswith(ARTICLE_PARAGRAPHS[0])
    assert not list(out.rglob("*.txt"))  # --format jsonl writes no .txt tree


def test_format_txt_writes_no_jsonl(make_tree, tmp_path):
    out = tmp_path / "out"
    run(make_tree({"a.txt": article("Bridge")}), out, format="txt")
    assert (out / "a.txt").is_file()
    assert not (out / JSONL_NAME).exists()


def test_no_leftover_temp_files(messy_tree, tmp_path):
    out = tmp_path / "out"
    run(messy_tree, out, format="both")  # the run writes its reports itself
    assert (out / "report.json").is_file() and (out / "report.html").is_file()
    assert tmp_leftovers(out) == []
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_output_folder_inside_the_input_is_not_read_back(make_tree):
    root = make_tree({"a.txt": article("Bridge")})
    out = root / "clean"
    run(root, out)
    report = run(root, out)  # second run: the first run's outputs are inside INPUT
    assert [r["id"] for r in report.documents] == ["a.txt"]


def test_results_identical_for_one_and_two_workers(messy_tree, tmp_path):
    out = tmp_path / "out"
    snapshots, reports = [], []
    for workers in (1, 2):
        result = run(messy_tree, out, format="both", workers=workers)
        snapshots.append(output_files(out))
        # report.json too, but for the run history (timestamps, durations) and the workers setting itself
        report = {k: v for k, v in result.report.items() if k != "history"}
        report["settings"] = {k: v for k, v in report["settings"].items() if k != "workers"}
        reports.append(report)
        shutil.rmtree(out)
    assert sorted(snapshots[0]) == sorted(snapshots[1])
    for name in snapshots[0]:
        assert snapshots[0][name] == snapshots[1][name], name
    assert reports[0] == reports[1]


def test_too_large_file_is_not_read(make_tree, tmp_path, monkeypatch):
    root = make_tree({"big.txt": b"x" * 5000, "small.txt": article("Small")})

    def never(path, limit):
        if path.name == "big.txt":
            raise AssertionError("a file over --max-bytes must not be read")
        return path.read_bytes()

    monkeypatch.setattr(corpus, "read_input", never)
    recs = records(run(root, tmp_path / "out", max_bytes=1000))
    assert recs["big.txt"]["status"] == "failed" and "too large" in recs["big.txt"]["reason"]
    assert recs["big.txt"]["bytes_in"] == 5000


def test_gz_over_max_bytes_is_not_decompressed_whole(make_tree, tmp_path):
    root = make_tree({"bomb.txt.gz": gzip.compress(bytes(40 * MIB), compresslevel=1)})
    settings = Settings(input_dir=root, output_dir=tmp_path / "out", workers=1, max_bytes=MIB)
    tracemalloc.start()
    try:
        doc = corpus.clean_file(Input(root / "bomb.txt.gz", "bomb.txt.gz"), settings, shipped_rules())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc.status.value == "failed" and "too large" in doc.reason
    assert peak < 8 * MIB, f"peak memory {peak / MIB:.0f} MiB for a 1 MiB limit"
