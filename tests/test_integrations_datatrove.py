"""cleaner.integrations.datatrove.CleanStep in a real datatrove pipeline gives `cleaner run`'s texts."""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from pathlib import Path

import pytest
from conftest import run_batch
from test_stream import traf_pages

pytest.importorskip("datatrove", reason="datatrove is in the test extras")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.integrations.datatrove import CleanStep

#: A page the cleaner drops: nothing but a teaser link.
CHROME_ONLY = '<html><body><div><a href="/a">Most viewed</a></div></body></html>'


def read_jsonl_folder(folder: Path) -> dict[str, dict]:
    """What a datatrove JsonlWriter wrote (gzipped by default), by id."""
    rows = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            rows += [json.loads(line) for line in f]
    return {r["id"]: r for r in rows}


def test_a_pipeline_of_jsonl_reader_clean_step_and_writer_equals_cleaner_run(shared, tmp_path):
    pages = [{"id": p["id"], "url": p["url"], "text": p["html"]} for p in traf_pages(shared, 10)]
    pages.append({"id": "chrome", "url": "https://chrome.example/", "text": CHROME_ONLY})
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "pages.jsonl").write_text("\n".join(json.dumps(p) for p in pages) + "\n", encoding="utf-8")
    LocalPipelineExecutor(
        [
            JsonlReader(str(inp)),
            CleanStep(input_format="html", exclusion_writer=JsonlWriter(str(tmp_path / "excluded"))),
            JsonlWriter(str(tmp_path / "clean")),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    # `cleaner run` on the same file, its `text` field read as the HTML of the page
    run_batch(inp, tmp_path / "out", format="jsonl", jsonl_html="text")
    lines = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    expected = {r["id"].removeprefix("pages.jsonl#"): r for r in map(json.loads, lines)}
    clean = read_jsonl_folder(tmp_path / "clean")
    assert {i: r["text"] for i, r in clean.items()} == {i: r["text"] for i, r in expected.items()}
    assert len(clean) == 10 and "chrome" not in clean
    for doc_id, row in clean.items():
        meta, want = row["metadata"], expected[doc_id]
        assert [meta[k] for k in ("title", "url", "date", "language", "language_score")] == [
            want[k] for k in ("title", "url", "date", "language", "language_score")
        ]
        assert meta["removed_lines"] == want["removed_lines"] == sum(meta["removed_by_reason"].values())
    excluded = read_jsonl_folder(tmp_path / "excluded")
    assert (
        list(excluded) == ["chrome"]
        and excluded["chrome"]["metadata"]["filter_reason"] == "no text left after cleaning"
    )
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(s for s in stats if "cleaner" in s["name"])["stats"]
    assert step["total"] == 11 and step["forwarded"] == 10 and step["dropped_no text left after cleaning"] == 1


def test_a_bad_input_format_is_refused():
    from cleaner.batch.settings import ConfigError

    with pytest.raises(ConfigError, match="input_format must be one of auto, html, text"):
        CleanStep(input_format="pdf")


def test_without_datatrove_the_import_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "datatrove", None)  # as if it were not installed
    for name in [m for m in sys.modules if m.startswith("datatrove.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "cleaner.integrations.datatrove")
    with pytest.raises(ImportError) as exc:
        importlib.import_module("cleaner.integrations.datatrove")
    assert str(exc.value) == "cleaner.integrations.datatrove needs the optional extra: pip install 'cleaner[datatrove]'"
