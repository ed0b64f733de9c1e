"""report: per-file records, totals that merge with +, report.json and a self-contained report.html."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
from conftest import ARTICLE_PARAGRAPHS, article_html, run_batch
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean
from cleaner.batch.state import Plan, RunStats
from cleaner.report.html.home import MAX_LISTED, TOP_N, Summary
from cleaner.report.html.index import Entry
from cleaner.report.totals import Record, Totals
from cleaner.report.write import Reuse, write_reports

TEXT = (
    "Council approves new footbridge\n\n" + "\n\n".join(ARTICLE_PARAGRAPHS) + "\n\nBack to top\n\nShare this article\n"
)


def record(**fields) -> Record:
    base = dict(
        id="a.txt",
        status="kept",
        reason=None,
        input_format="text",
        encoding="utf-8",
        encoding_method="utf-8",
        repairs=(),
        warnings=(),
        language="en",
        language_score=1.0,
        title=None,
        url=None,
        date=None,
        bytes_in=100,
        bytes_out=80,
        kept_lines=3,
        removed_lines=2,
        removed_elements=0,
        removed_by_reason={"rule:default/share": 2},
        output="a.txt",
        site=".",
    )
    base.update(fields)
    return Record(**base)


def stored(**fields) -> dict:
    """A record as the state stores it and Totals.of takes it: a dict of Record's fields."""
    return asdict(record(**fields))


# --- records and totals --------------------------------------------------------------------------


def test_record_of_a_cleaned_document():
    doc = clean(TEXT, doc_id="a.txt")
    rec = Record.of(doc, bytes_out=123, output="a.txt")
    assert (rec.id, rec.status, rec.reason, rec.output, rec.bytes_out) == ("a.txt", "kept", None, "a.txt", 123)
    assert rec.bytes_in == len(TEXT.encode())
    assert rec.kept_lines == doc.kept_lines == 1 + len(ARTICLE_PARAGRAPHS)
    assert rec.removed_by_reason == {"rule:default/back-to-top": 1, "rule:default/share": 1}
    assert rec.removed_lines == sum(rec.removed_by_reason.values())
    assert (rec.encoding, rec.encoding_method, rec.language) == ("utf-8", "utf-8", "en")


def test_record_counts_removed_html_elements():
    page = article_html(extra_body='<div class="share"><a href="#">Share on Facebook</a></div>')
    rec = Record.of(clean(page, doc_id="p.html"), bytes_out=1, output="p.txt")
    assert rec.removed_by_reason.get("rule:default/share-bar") == 1


def test_a_shift_jis_page_is_measured_in_characters_not_bytes():
    raw = (Path(__file__).parents[1] / "corpus_raw" / "encodings" / "shift-jis-japanese.txt").read_bytes()
    doc = clean(raw, doc_id="ja.txt")
    rec = Record.of(doc, bytes_out=len(doc.text.encode()) + 1, output="ja.txt")
    assert rec.bytes_out > rec.bytes_in  # UTF-8 takes 3 bytes where Shift-JIS took 2: the old "149% kept"
    assert (
        0
        < rec.chars_out
        <= rec.chars_in
        == sum(len(b.text) for b in doc.blocks) + sum(len(r.text) for r in doc.stripped)
    )
    summary = Summary.of([asdict(rec)])
    assert summary.totals.chars_out == rec.chars_out and sum(summary.kept_shares) == 1
    assert summary.kept_shares[min(9, int(10 * rec.chars_out / rec.chars_in))] == 1


def test_record_of_a_failed_document():
    doc = clean(b"%PDF-1.4", doc_id="x.html")
    rec = Record.of(doc, bytes_out=0, output=None)
    assert rec.status == "failed" and "PDF" in rec.reason
    assert rec.kept_lines == 0 and rec.output is None


def test_totals_merge_with_plus():
    a = Totals.of(
        stored(
            id="a",
            bytes_in=100,
            bytes_out=60,
            kept_lines=3,
            removed_lines=2,
            removed_by_reason={"rule:default/share": 2},
            language="en",
        )
    )
    b = Totals.of(
        stored(
            id="b",
            bytes_in=50,
            bytes_out=40,
            kept_lines=5,
            removed_lines=1,
            removed_by_reason={"rule:default/share": 1},
            language="de",
            encoding="cp1252",
        )
    )
    c = Totals.of(
        stored(
            id="c",
            status="failed",
            reason="binary",
            encoding=None,
            language=None,
            bytes_out=0,
            kept_lines=0,
            removed_lines=0,
            removed_by_reason={},
            output=None,
        )
    )
    total = a + b + c
    assert total.files == 3
    assert total.bytes_in == 100 + 50 + 100 and total.bytes_out == 100
    assert total.kept_lines == 8 and total.removed_lines == 3
    assert total.removed_by_reason == Counter({"rule:default/share": 3})
    assert total.statuses == Counter({"kept": 2, "failed": 1})
    assert total.languages == Counter({"en": 1, "de": 1})
    assert total.encodings == Counter({"utf-8": 1, "cp1252": 1})
    # merging is order-free, and the empty Totals is neutral
    assert (c + b + a).as_dict() == total.as_dict()
    assert (Totals() + total).as_dict() == total.as_dict()


def test_dropped_documents_do_not_count_as_languages():
    t = Totals.of(stored(status="dropped", reason="language:not-en: detected de", language="de"))
    assert t.languages == Counter()
    assert t.statuses == Counter({"dropped": 1})


def test_report_totals_equal_the_sum_of_records():
    recs = [record(id=f"{i}.txt", bytes_in=10 * i, kept_lines=i) for i in range(1, 6)]
    totals = Summary.of(asdict(r) for r in recs).totals  # records as the state stores them
    assert totals.files == 5
    assert totals.bytes_in == sum(r.bytes_in for r in recs)
    assert totals.kept_lines == sum(r.kept_lines for r in recs)


counts = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts, st.sampled_from(["kept", "dropped", "failed"])), max_size=8))
def test_totals_of_a_split_run_equal_the_whole(rows):
    recs = [stored(id=str(i), bytes_in=a, bytes_out=b, kept_lines=k, status=s) for i, (a, b, k, s) in enumerate(rows)]
    whole = sum((Totals.of(r) for r in recs), Totals())
    half = len(recs) // 2
    left = sum((Totals.of(r) for r in recs[:half]), Totals())
    right = sum((Totals.of(r) for r in recs[half:]), Totals())
    assert (left + right).as_dict() == whole.as_dict()
    assert whole.files == len(recs)
    assert sum(whole.statuses.values()) == len(recs)


def test_totals_as_dict_lists_every_status():
    d = Totals().as_dict()
    assert d["statuses"] == {"kept": 0, "dropped": 0, "failed": 0}
    json.dumps(d)  # JSON-ready


# --- report.json and report.html from a real run --------------------------------------------------


@pytest.fixture
def report_tree(make_tree):
    return make_tree(
        {
            "a.txt": TEXT,
            "b.html": article_html(extra_body='<div class="share"><a href="#">Share on Facebook</a></div>'),
            "broken.html": b"\x89PNG\r\n\x1a\n" + bytes(64),
            "empty.txt": b"",
            "script <x>.txt": TEXT,
        }
    )


def write_report(inp: Path, out: Path) -> dict:
    """A batch run writes report.json and report.html itself; return report.json."""
    return run_batch(inp, out, format="both").report


def without_history(page: str) -> str:
    """report.html without its run history section (timestamps and durations differ between runs)."""
    head, rest = page.split("<h2>Run history</h2>", 1)
    head = re.sub(r'<div class="charts" id=.history-charts.>.*?</div>', "", head)  # the runs' charts
    return head + "<h2>Encodings</h2>" + rest.split("<h2>Encodings</h2>", 1)[1]


def test_report_json_has_one_record_per_input_and_totals(report_tree, tmp_path):
    out = tmp_path / "out"
    write_report(report_tree, out)
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    ids = [d["id"] for d in data["documents"]]
    assert ids == sorted(["a.txt", "b.html", "broken.html", "empty.txt", "script <x>.txt"])
    by_id = {d["id"]: d for d in data["documents"]}
    assert by_id["broken.html"]["status"] == "failed" and "PNG" in by_id["broken.html"]["reason"]
    assert by_id["empty.txt"]["status"] == "dropped"
    assert by_id["a.txt"]["removed_by_reason"] == {"rule:default/back-to-top": 1, "rule:default/share": 1}
    totals = data["totals"]
    assert totals["files"] == 5
    assert totals["statuses"] == {"kept": 3, "dropped": 1, "failed": 1}
    assert totals["bytes_in"] == sum(d["bytes_in"] for d in data["documents"])
    assert totals["removed_by_reason"]["rule:default/share"] == 2
    assert data["cleaner_version"]


def test_report_json_is_deterministic(report_tree, tmp_path):
    # Two fresh runs into the same folder: everything but the run history (when, how long) is identical.
    out = tmp_path / "out"
    write_report(report_tree, out)
    first_json, first_html = (out / "report.json").read_bytes(), (out / "report.html").read_text(encoding="utf-8")
    shutil.rmtree(out)
    write_report(report_tree, out)
    second_json, second_html = (out / "report.json").read_bytes(), (out / "report.html").read_text(encoding="utf-8")

    def blank_history(data: bytes) -> bytes:
        return re.sub(rb'("started": )"[^"]*"|("seconds": )[0-9.e-]+', rb"\1\2X", data)

    assert blank_history(second_json) == blank_history(first_json)
    assert json.loads(second_json)["documents"] == json.loads(first_json)["documents"]
    assert without_history(second_html) == without_history(first_html)


def test_report_html_is_self_contained_with_chart_and_failures(report_tree, tmp_path):
    out = tmp_path / "out"
    write_report(report_tree, out)
    page = (out / "report.html").read_text(encoding="utf-8")
    # nothing fetched from the network: no remote scripts, stylesheets, images or fonts
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*stylesheet", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page, re.I)
    assert "<svg" in page and "</svg>" in page
    # the failures table lists the failed and dropped files with their reasons
    failures = page.split("Failed and dropped files", 1)[1]
    table = failures.split("</table>", 1)[0]
    assert "broken.html" in table and "PNG" in table and "empty.txt" in table and "empty file" in table
    # ids are escaped, never injected as markup
    assert "script <x>.txt" not in page and "script &lt;x&gt;.txt" in page


def test_render_html_without_failures_says_none(tmp_path):
    write_reports(tmp_path, {}, lambda: iter(()), Plan(), {}, [])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Failed and dropped files</h2>\n<p>None.</p>" in page
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["documents"] == [] and data["totals"]["files"] == 0


def test_report_json_keys(report_tree, tmp_path):
    data = write_report(report_tree, tmp_path / "out")
    assert list(data) == [
        "cleaner_version",
        "settings",
        "run",
        "totals",
        "skipped",
        "site_configs_skipped",
        "history",
        "duplicates",
        "templates",
        "documents",
    ]
    assert data["run"] == {"new": 5, "changed": 0, "unchanged": 0, "removed": 0}
    assert len(data["history"]) == 1 and data["history"][0]["new"] == 5
    assert data["settings"]["input"] == str(report_tree) and data["settings"]["format"] == "both"


def reused_files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every report file with its bytes and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_reports_for_the_same_key_reuse_the_records_part_and_write_only_the_head(tmp_path):
    recs = [  # as the state gives them: JSON, read back
        json.loads(
            json.dumps(asdict(record(id=f"d{n}.txt", chars_in=100, chars_out=10 * n, removed_by_reason={"rule:x": n})))
        )
        for n in range(7)
    ]
    entries = lambda: (Entry.of(r) for r in recs)  # noqa: E731
    first = write_reports(tmp_path, {}, entries, Plan(), {}, [], key="k")
    before = reused_files(tmp_path)
    again = write_reports(
        tmp_path, {}, lambda: pytest.fail("the records were read"), Plan(), {}, [], key="k", reuse=first
    )
    after = reused_files(tmp_path)
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}  # the same bytes
    assert {k for k in after if after[k][1] != before[k][1]} == {"report.json", "report.html"}  # only they written
    assert again.summary == first.summary and again.front == first.front
    back = Reuse.of_json("k", again.as_json())
    assert back == again and back.holds(tmp_path, "k") and not back.holds(tmp_path, "another key")
    history = [RunStats("2026-12-01T00:00:00", 1.0, 0, 0, 7, 0, 0, 1, 1, False)]
    write_reports(tmp_path, {}, lambda: pytest.fail("the records were read"), Plan(), {}, history, key="k", reuse=back)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["documents"] == recs and len(data["history"]) == 1  # the head is new, the records as they were
    assert not back.holds(tmp_path, "k")  # report.json was written again since: its reuse is the new one's


def test_a_reuse_that_cannot_be_read_or_whose_files_changed_is_not_used(tmp_path):
    assert Reuse.of_json("k", "not json") is None and Reuse.of_json("k", '{"summary": {}}') is None
    reuse = write_reports(tmp_path, {}, lambda: iter([Entry.of(asdict(record()))]), Plan(), {}, [], key="k")
    assert reuse.holds(tmp_path, "k")
    next((tmp_path / "report-pages" / "list").iterdir()).unlink()
    assert not reuse.holds(tmp_path, "k")
    rebuilt = write_reports(
        tmp_path, {}, lambda: iter([Entry.of(asdict(record()))]), Plan(), {}, [], key="k", reuse=reuse
    )
    assert rebuilt.holds(tmp_path, "k") and rebuilt.pages == reuse.pages  # written whole again


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(["kept", "dropped", "failed"]), st.integers(0, 9)), max_size=60
    ),
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["kept", "dropped", "failed", None]), st.integers(0, 9))),
)
def test_a_summary_updated_by_changes_is_the_summary_of_the_records_after_them(rows, edits):
    def make(n: int, status: str, kept: int) -> dict:
        rec = record(id=f"{n:03}.txt", status=status, chars_in=10, chars_out=kept if status == "kept" else 0)
        return json.loads(json.dumps(asdict(rec) | {"removed_by_reason": {f"r{kept % 3}": 1 + kept % 2}}))

    before = {f"{n:03}.txt": make(n, s, k) for n, s, k in rows}
    after = dict(before)
    changes = []
    for n, status, kept in edits:
        doc_id = f"{n:03}.txt"
        now = make(n, status, kept) if status is not None else None  # None: the document is gone
        changes.append((after.get(doc_id), now))
        if now is None:
            after.pop(doc_id, None)
        else:
            after[doc_id] = now
    old = Summary.of(before[k] for k in sorted(before))
    new, expected = old.updated(changes), Summary.of(after[k] for k in sorted(after))
    if new is None:  # too many listed records changed: only possible when a list was cut
        assert len(old.most_lost) < sum(old.kept_shares) or len(old.not_kept) < old.totals.files
        return
    assert new.totals.as_dict() == expected.totals.as_dict() and new.kept_shares == expected.kept_shares
    assert new.most_lost[:TOP_N] == expected.most_lost[:TOP_N]
    assert new.not_kept[:MAX_LISTED] == expected.not_kept[:MAX_LISTED]
