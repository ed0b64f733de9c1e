"""The Dask engine gives the local engine's outputs, byte for byte (issue: scale-out on Dask)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import output_files, run_batch

distributed = pytest.importorskip("distributed", reason="dask[distributed] is in the test extras")

SAMPLE = Path(__file__).resolve().parents[1] / "corpus_raw"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def test_dask_cluster_output_is_byte_identical_to_the_local_engine(cluster, tmp_path):
    local, on_dask = tmp_path / "local", tmp_path / "dask"
    run_batch(SAMPLE, local, format="both", dedup="exact", workers=2)
    result = run_batch(
        SAMPLE, on_dask, format="both", dedup="exact", engine="dask", scheduler=cluster.scheduler_address
    )
    assert result.outcome.cleaned == len(result.documents) > 10
    assert output_files(on_dask) == output_files(local)


def test_dask_runs_are_incremental_too(cluster, tmp_path):
    out = tmp_path / "out"
    run_batch(SAMPLE, out, engine="dask", scheduler=cluster.scheduler_address)
    again = run_batch(SAMPLE, out, engine="dask", scheduler=cluster.scheduler_address)
    assert again.outcome.cleaned == 0


def test_dask_without_a_scheduler_starts_its_own_local_cluster(tmp_path):
    out = tmp_path / "out"
    result = run_batch(SAMPLE / "seeds", out, engine="dask", workers=2)
    assert sorted(p.name for p in out.glob("*.txt")) == sorted(p.stem + ".txt" for p in (SAMPLE / "seeds").iterdir())
    assert all(r["status"] == "kept" for r in result.documents)


def test_both_passes_on_dask_match_the_local_engine_with_containers_and_templates(cluster, make_tree, tmp_path):
    from test_inputs import HTML_PAGES, jsonl_line
    from test_templates import notice, text_page

    files: dict[str, bytes | str] = {f"site/{n}.txt": text_page("Golf Journal", 6, n) for n in range(6)}
    files["dump/pages.jsonl"] = "".join(jsonl_line(p) + "\n" for p in HTML_PAGES)
    root = make_tree(files)
    local, on_dask = tmp_path / "local", tmp_path / "dask"
    run_batch(root, local, format="both", templates="on", workers=2)
    result = run_batch(root, on_dask, format="both", templates="on", engine="dask", scheduler=cluster.scheduler_address)
    assert output_files(on_dask) == output_files(local)
    assert notice("Golf Journal") not in (on_dask / "site" / "0.txt").read_text(encoding="utf-8")
    assert "dump/pages.jsonl#1" in result.records and "site" in result.report["templates"]


def test_the_time_and_memory_limits_hold_on_dask_and_the_batch_goes_on(cluster, make_tree, tmp_path):
    from conftest import ARTICLE_PARAGRAPHS, many_links_page, nested_tables_page

    articles = {f"{n}.txt": "\n\n".join((f"Article number {n}", *ARTICLE_PARAGRAPHS)) + "\n" for n in range(3)}
    root = make_tree({**articles, "tables.html": nested_tables_page(1_000_000), "slow/links.html": b""})
    (root / "slow" / "links.html").write_bytes(many_links_page(50_000))
    out = tmp_path / "out"
    dask = {"engine": "dask", "scheduler": cluster.scheduler_address}
    timed = run_batch(root, out, timeout=1.5, **dask).records  # (a 36 s page without the guard)
    assert timed["tables.html"]["reason"] == "timed out after 1.5 s (see --timeout)"
    assert all(timed[name]["status"] == "kept" for name in articles)
    grown = run_batch(root, out, max_memory=30, **dask).records  # a timed-out file is tried again
    assert grown["slow/links.html"]["reason"] == "over the memory limit of 30 MB (see --max-memory)"
    written = set(output_files(out))  # tables.html, tried again under the default --timeout, may finish
    assert set(articles) <= written and "slow/links.txt" not in written


def test_every_engine_name_has_a_module_with_clean_all():
    """--engine's choices are the registry's names, and each name loads an engine."""
    from cleaner.batch import engines, settings

    assert tuple(engines.ENGINES) == settings.ENGINES
    assert callable(engines.engine("local"))
