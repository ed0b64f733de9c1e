"""Nightly runs keep every format consistent: a deleted input's row goes from all of them, a changed
input's row is replaced, shards keep their names, and nothing that did not change is written again.
Adding or dropping a format cleans nothing again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_batch
from test_writers import ALL, texts_by_format

from cleaner.io.writers import base

pytest.importorskip("pyarrow", reason="pyarrow is in the test extras")

SHARDED = ("parquet", "pyserini", "es-bulk", "dolma")


@pytest.fixture
def dumps(shared: Path, tmp_path: Path) -> Path:
    """Twelve real plain-text dumps of different pages (traf-dev), one folder each (so no two share a site)."""
    inp = tmp_path / "in"
    for n, path in enumerate(sorted((shared / "bench" / "traf-dev" / "text").glob("*.txt"))[:13]):
        target = inp / f"s{n:02d}" / path.name
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
    return inp


def shard_files(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every shard file of the sharded formats: (mtime_ns, bytes) by path relative to out."""
    paths = [p for p in sorted(out.rglob("shard-*")) if p.relative_to(out).parts[0] in SHARDED]
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in paths}


def shard_ids(out: Path) -> dict[str, list[str]]:
    """The ids of each shard, by shard name (every sharded format holds the same shards)."""
    import pyarrow.parquet as pq

    return {p.name.split(".")[0]: pq.read_table(p).column("id").to_pylist() for p in out.glob("parquet/*.parquet")}


def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards of a few documents, so that twelve make several (the real limits are 100,000 / 256 MB)."""
    monkeypatch.setattr(base, "CUT_EVERY", 3)
    monkeypatch.setattr(base, "MAX_DOCS", 4)


def test_a_deletion_and_a_change_show_in_every_format(dumps, tmp_path, monkeypatch):
    small_shards(monkeypatch)
    out = tmp_path / "out"
    first = run_batch(dumps, out, format=ALL)
    before = texts_by_format(out)
    kept = sorted(before["jsonl"])
    assert len(kept) >= 10 and len(shard_files(out)) >= 3 * len(SHARDED)
    files, shard_ids_before = shard_files(out), shard_ids(out)
    txt_mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")}
    gone, changed = kept[0], kept[-1]
    (dumps / gone).unlink()
    new_text = "The harbour committee approved the new ferry timetable after a long public debate on Friday.\n"
    (dumps / changed).write_text(new_text, encoding="utf-8")
    second = run_batch(dumps, out, format=ALL)
    assert second.counts["removed"] == 1 and second.counts["changed"] == 1 and second.outcome.cleaned == 1
    after = texts_by_format(out)
    for name, by_id in after.items():
        assert sorted(by_id) == sorted(set(kept) - {gone}), name
        assert by_id[changed] == new_text.strip(), name
        assert {i: t for i, t in by_id.items() if i != changed} == {
            i: t for i, t in before[name].items() if i not in (gone, changed)
        }, name
    # A shard whose documents are the same as before was not written again, in any format; the
    # .txt files of the documents that did not change were not written again either.
    ids_before, ids_after, now = shard_ids_before, shard_ids(out), shard_files(out)
    same = [n for n, ids in ids_after.items() if ids_before.get(n) == ids and changed not in ids]
    holder = next(n for n, ids in ids_after.items() if changed in ids)
    assert same and len(ids_after) >= 3
    assert all(now[p][1] != files.get(p, (0, b""))[1] for p in now if Path(p).name.startswith(holder))
    for name in same:
        for path in (p for p in now if Path(p).name.startswith(name)):
            assert now[path] == files[path], path
    assert len(now) == len(SHARDED) * len(ids_after)
    untouched = {p: m for p, m in txt_mtimes.items() if p not in (out / gone, out / changed)}
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched
    assert first.outcome.cleaned == len(first.documents)


def test_shard_names_are_stable_and_a_run_with_nothing_new_writes_nothing(dumps, tmp_path, monkeypatch):
    small_shards(monkeypatch)
    out = tmp_path / "out"
    run_batch(dumps, out, format=ALL)
    files, jsonl = shard_files(out), (out / "documents.jsonl").stat().st_mtime_ns
    again = run_batch(dumps, out, format=ALL)
    assert again.outcome.cleaned == 0 and shard_files(out) == files
    assert (out / "documents.jsonl").stat().st_mtime_ns == jsonl  # not written again either
    shutil.rmtree(out)
    run_batch(dumps, out, format=ALL)  # from scratch: the same names and bytes
    assert {p: b for p, (_, b) in shard_files(out).items()} == {p: b for p, (_, b) in files.items()}


def test_shards_cut_at_ids_and_at_the_limits(dumps, tmp_path, monkeypatch):
    small_shards(monkeypatch)
    out = tmp_path / "out"
    run_batch(dumps, out, format="parquet")
    ids = [line["id"] for line in map(json.loads, _stored_lines(out))]
    shards = sorted(out.glob("parquet/*.parquet"))
    import pyarrow.parquet as pq

    groups = [pq.read_table(p).column("id").to_pylist() for p in shards]
    assert sorted(i for g in groups for i in g) == ids
    assert all(len(g) <= 4 for g in groups) and len(groups) >= 3
    for group in groups:  # each shard is a run of consecutive ids that starts at a cut or after a full shard
        start = ids.index(group[0])
        assert ids[start : start + len(group)] == group


def _stored_lines(out: Path) -> list[str]:
    """The documents.jsonl lines the state holds (rendered by the jsonl writer when asked for)."""
    from cleaner.batch.state import State

    with State(out) as state:
        return [row[1] for row in state.output_rows()]


def test_adding_or_dropping_a_format_cleans_nothing_again(dumps, tmp_path):
    out = tmp_path / "out"
    first = run_batch(dumps, out, format="txt")
    assert first.outcome.cleaned > 0 and not (out / "parquet").exists()
    added = run_batch(dumps, out, format="txt,parquet,dolma")
    assert added.outcome.cleaned == 0
    assert sorted(texts_by_format_partial(out)) == sorted(d["id"] for d in first.documents if d["status"] == "kept")
    dropped = run_batch(dumps, out, format="both")
    assert dropped.outcome.cleaned == 0
    assert not (out / "parquet").exists() and not (out / "dolma").exists() and (out / "documents.jsonl").is_file()
    only = run_batch(dumps, out, format="pyserini")
    assert only.outcome.cleaned == 0 and not list(out.rglob("*.txt")) and not (out / "documents.jsonl").exists()


def texts_by_format_partial(out: Path) -> list[str]:
    """The ids in the parquet shards."""
    import pyarrow.parquet as pq

    return pq.read_table(out / "parquet").column("id").to_pylist()
