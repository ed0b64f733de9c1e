"""batch: worker pool, per-file timeout, dead workers, lock, graceful stop, SIGKILL and resume, status,
run history. Crash tests run `python -m cleaner` as a subprocess on a copy of the bench corpus."""

from __future__ import annotations

import functools
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import (
    ARTICLE_PARAGRAPHS,
    GERMAN_PARAGRAPHS,
    SHARED_DIR,
    article_html,
    output_files,
    report_pages,
    run_batch,
    tmp_leftovers,
)

from cleaner.batch import reporting
from cleaner.batch.state import DB_NAME, STATE_DIR, LockedError, State
from cleaner.batch.state import outputs as state_outputs
from cleaner.cli import progress
from cleaner.cli.main import main
from cleaner.core import pipeline
from cleaner.io import discover
from cleaner.io.writers.jsonl import JSONL_NAME
from cleaner.report import write
from cleaner.report.html import home
from cleaner.report.html import index as report_index
from cleaner.report.html import paging as report_paging

#: How many bench files the crash tests clean: enough for a run of a few seconds with two workers.
BENCH_FILES = 100
BENCH_TEXT = SHARED_DIR / "bench" / "traf-dev" / "text"


def article(title: str, *paragraphs: str) -> str:
    return "\n\n".join((title, *(paragraphs or ARTICLE_PARAGRAPHS))) + "\n"


@pytest.fixture
def tree(make_tree) -> Path:
    """A small corpus with a bit of everything: text, HTML, a name collision, a dropped and a failed file."""
    files: dict[str, bytes | str] = {
        f"news/{n:02}.txt": article(f"Article number {n} about the bridge") for n in range(8)
    }
    files.update(
        {
            "a.html": article_html(),
            "a.txt": article("The text version"),
            "sub/page.html": article_html(extra_body='<div class="share"><a href="#">Share on Facebook</a></div>'),
            "de.txt": article("Neue Brücke über den Fluss", *GERMAN_PARAGRAPHS),
            "empty.txt": b"",
            "broken.html": b"\x89PNG\r\n\x1a\n" + bytes(64),
        }
    )
    return make_tree(files)


# --- the pool: determinism, timeouts, dead workers ----------------------------------------------


def shuffled_walk(seed: int) -> Callable[..., Iterator[object]]:
    real = discover._walk

    def walk(*args: object) -> Iterator[object]:
        files = list(real(*args))
        random.Random(seed).shuffle(files)
        yield from files

    return walk


def test_outputs_do_not_depend_on_workers_or_file_order(tree, tmp_path, monkeypatch):
    snapshots, documents, pages = {}, {}, {}
    for name, workers, seed in (("one", 1, None), ("two", 2, None), ("shuffled", 2, 1), ("shuffled-one", 1, 2)):
        if seed is not None:
            monkeypatch.setattr(discover, "_walk", shuffled_walk(seed))
        out = tmp_path / name
        result = run_batch(tree, out, format="both", workers=workers)
        snapshots[name] = output_files(out)
        documents[name] = result.documents
        pages[name] = report_pages(out)
        monkeypatch.undo()
    assert len(snapshots["one"]) == 13  # 12 kept .txt files and documents.jsonl
    for name in ("two", "shuffled", "shuffled-one"):
        assert snapshots[name] == snapshots["one"], name
        assert documents[name] == documents["one"], name
        assert pages[name] == pages["one"] and len(pages["one"]) > 14, name  # the report's pages too


def test_outputs_do_not_depend_on_the_order_files_finish_in(tree, tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    run_batch(tree, reference, format="both", workers=1)
    real = pipeline.process

    def jittery(doc, settings, ruleset):
        time.sleep(random.Random(doc.id).random() * 0.2)  # later files often finish first
        return real(doc, settings, ruleset)

    monkeypatch.setattr(pipeline, "process", jittery)
    monkeypatch.setattr(discover, "_walk", shuffled_walk(3))
    out = tmp_path / "out"
    run_batch(tree, out, format="both", workers=2)
    assert output_files(out) == output_files(reference)


def test_a_slow_file_times_out_and_the_batch_goes_on(tree, tmp_path, monkeypatch):
    real = pipeline.process

    def stuck_on_one(doc, settings, ruleset):
        if doc.id == "news/03.txt":
            time.sleep(60)
        return real(doc, settings, ruleset)

    monkeypatch.setattr(pipeline, "process", stuck_on_one)
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_batch(tree, out, workers=1, timeout=1)
    assert time.monotonic() - started < 30
    slow = result.records["news/03.txt"]
    assert slow["status"] == "failed" and "timed out" in slow["reason"]
    assert slow["output"] is None and not (out / "news" / "03.txt").exists()
    assert [r.id for r in result.outcome.failed] == ["broken.html", "news/03.txt"]
    # the files queued behind the slow one, on the same single worker, were cleaned
    for n in (0, 1, 2, 4, 5, 6, 7):
        assert result.records[f"news/{n:02}.txt"]["status"] == "kept"
        assert (out / "news" / f"{n:02}.txt").is_file()


def test_a_worker_that_dies_is_replaced_and_its_file_failed(tree, tmp_path, monkeypatch):
    real = pipeline.process

    def dies_on_one(doc, settings, ruleset):
        if doc.id == "news/05.txt":
            os._exit(1)
        return real(doc, settings, ruleset)

    monkeypatch.setattr(pipeline, "process", dies_on_one)
    out = tmp_path / "out"
    result = run_batch(tree, out, workers=1, format="both")
    dead = result.records["news/05.txt"]
    assert dead["status"] == "failed" and "worker process died" in dead["reason"]
    assert len(result.documents) == 14
    kept = [r["id"] for r in result.documents if r["status"] == "kept"]
    assert len(kept) == 11 and "news/06.txt" in kept and "news/07.txt" in kept
    jsonl_ids = [json.loads(line)["id"] for line in (out / "documents.jsonl").read_text().splitlines()]
    assert jsonl_ids == sorted(kept)


# --- the lock ------------------------------------------------------------------------------------


def test_a_second_run_on_a_locked_folder_is_refused_and_writes_nothing(tree, tmp_path, capsys):
    out = tmp_path / "out"
    with State(out):  # a run in progress
        code = main(["run", str(tree), str(out), "--workers", "1", "--format", "both"])
        err = capsys.readouterr().err
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "another cleaner run" in lines[0] and str(os.getpid()) in lines[0]
    assert output_files(out) == {} and not (out / "report.json").exists() and not (out / "report.html").exists()
    with State(out, read_only=True) as state:
        assert state.planner.seen() == {} and state.history() == []


def test_the_lock_is_released_after_a_run(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    State(out).close()
    assert run_batch(tree, out).outcome.cleaned == 0


# --- status and the run history ------------------------------------------------------------------


def test_status_reports_the_last_run_and_what_a_run_would_do(tree, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(tree), str(out), "--workers", "1", "--quiet"]) == 1  # broken.html failed
    capsys.readouterr()
    assert main(["status", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 run(s)" in printed
    last = next(line for line in printed.splitlines() if line.startswith("last run"))
    assert "14 new" in last and "1 failed" in last
    assert "0 new, 0 changed, 14 unchanged, 0 removed" in printed

    (tree / "news" / "new.txt").write_text(article("Added after the run"), encoding="utf-8")
    (tree / "a.txt").write_text(article("The text version, edited"), encoding="utf-8")
    (tree / "de.txt").unlink()
    assert main(["status", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 new, 1 changed, 12 unchanged, 1 removed" in printed
    assert not (out / "news" / "new.txt").exists()  # status only looks


def test_status_works_while_a_run_holds_the_lock(tree, tmp_path, capsys):
    out = tmp_path / "out"
    run_batch(tree, out)
    with State(out):
        assert main(["status", str(out)]) == 0
    assert "0 new, 0 changed" in capsys.readouterr().out


def test_status_of_a_folder_without_state_is_a_usage_error(tmp_path, capsys):
    assert main(["status", str(tmp_path)]) == 2
    assert "no cleaner run" in capsys.readouterr().err


def test_report_html_has_one_history_row_per_run(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    (tree / "news" / "new.txt").write_text(article("Added after the first run"), encoding="utf-8")
    run_batch(tree, out)
    (tree / "de.txt").unlink()
    result = run_batch(tree, out)
    assert [(h["new"], h["removed"]) for h in result.report["history"]] == [(14, 0), (1, 0), (0, 1)]

    page = (out / "report.html").read_text(encoding="utf-8")
    charts = page.split('id="history-charts">', 1)[1].split("</div>", 1)[0]
    assert charts.count("<svg") == 4  # documents, kept share, failures, seconds: one column per run
    section = page.split("<h2>Run history</h2>", 1)[1].split("<h2>", 1)[0]
    table = section[section.index("<table>") : section.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    header, body = rows[0], rows[1:]
    assert "Started" in header and "New" in header and "Removed" in header
    assert len(body) == 3
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in body]
    started = [h["started"] for h in reversed(result.report["history"])]
    assert [c[0] for c in cells] == started  # newest first


def page_times(out: Path) -> dict[str, int]:
    """The report's document pages, each with its modification time."""
    return {p.name: p.stat().st_mtime_ns for p in (out / "report-pages" / "doc").rglob("*.html")}


def test_an_incremental_run_writes_pages_only_for_the_documents_it_changed(tree, tmp_path):
    out = tmp_path / "out"
    first = run_batch(tree, out)
    before = page_times(out)
    assert len(before) == len(first.documents) == 14
    run_batch(tree, out)
    assert page_times(out) == before  # nothing cleaned: no page written
    (tree / "news" / "03.txt").write_text(article("Article three, corrected"), encoding="utf-8")
    (tree / "de.txt").unlink()
    run_batch(tree, out)
    after = page_times(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert [name.startswith("news_03.txt-") for name in changed] == [True]
    assert set(before) - set(after) == {n for n in before if n.startswith("de.txt-")} != set()


def test_a_page_deleted_by_hand_is_written_again_and_no_other(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    pages = sorted((out / "report-pages" / "doc").rglob("*.html"))
    before = page_times(out)
    gone = pages[3]
    text = gone.read_bytes()
    gone.unlink()
    run_batch(tree, out)
    assert gone.read_bytes() == text
    after = page_times(out)
    assert {name for name in after if after[name] != before[name]} == {gone.name}


def test_a_no_op_lists_only_output_itself_and_a_file_deleted_later_is_found(tree, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch(tree, out)
    run_batch(tree, out)
    real, listed = state_outputs._files, []
    monkeypatch.setattr(state_outputs, "_files", lambda folder: listed.append(folder) or real(folder))
    run_batch(tree, out)  # nothing changed: the folders found whole last time are not listed again
    assert [Path(folder) for folder in listed] == [out]  # where the reports are written, each run
    output, page = out / "news" / "02.txt", sorted((out / "report-pages" / "doc").rglob("*.html"))[5]
    texts = output.read_bytes(), page.read_bytes()
    output.unlink()
    page.unlink()
    run_batch(tree, out)
    assert (output.read_bytes(), page.read_bytes()) == texts
    assert len(set(listed)) > 2  # the folders the files were deleted from were listed


def reports_but_runs(out: Path) -> dict[str, bytes]:
    """Every report file, without what carries the runs (the history, this run's counts, the
    times) or names OUTPUT (the settings): what a run must leave the same as a run from scratch
    on the same inputs."""
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ("history", "run", "settings"):
        data.pop(key)
    html = (out / "report.html").read_text(encoding="utf-8")
    html = re.sub(r'<div class="charts" id="history-charts">.*?</div>', "", html, flags=re.S)
    html = re.sub(r"<tr><td>This run:.*?</tr>", "", html)
    html = re.sub(r"<h2>Run history</h2>.*?<h2>", "<h2>", html, flags=re.S)
    return {**report_pages(out), "report.json": json.dumps(data).encode(), "report.html": html.encode()}


def from_scratch(inp: Path, out: Path) -> dict[str, bytes]:
    """reports_but_runs of a first run on inp, written where `out` is (the same settings), out left as it was."""
    kept = out.with_name(out.name + "-kept")
    out.rename(kept)
    try:
        run_batch(inp, out)
        return reports_but_runs(out)
    finally:
        shutil.rmtree(out)
        kept.rename(out)


def test_reports_after_any_sequence_of_runs_equal_a_first_runs(tree, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch(tree, out)
    lists = {p.name: p.stat().st_mtime_ns for p in (out / "report-pages").rglob("*") if p.is_file()}
    with monkeypatch.context() as m:  # nothing changed: the lists are not gathered, nor written again
        m.setattr(reporting, "_gathered", lambda *args: pytest.fail("the lists were gathered again"))
        second = run_batch(tree, out)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "report-pages").rglob("*") if p.is_file()} == lists
    assert len(second.report["history"]) == 2 and second.report["run"]["unchanged"] == 14
    assert reports_but_runs(out) == from_scratch(tree, out)
    (tree / "news" / "03.txt").write_text(article("Article three, corrected"), encoding="utf-8")
    (tree / "de.txt").unlink()
    (tree / "news" / "new.txt").write_text(article("A new article about the bridge"), encoding="utf-8")
    with monkeypatch.context() as m:  # three records changed: the summary is worked out from them
        m.setattr(reporting, "gather", lambda entries: pytest.fail("every record was read"))
        third = run_batch(tree, out)
    assert "de.txt" not in {d["id"] for d in third.documents} and "news/new.txt" in {d["id"] for d in third.documents}
    assert b"de.txt" not in (out / "report-pages" / "search.js").read_bytes()
    assert reports_but_runs(out) == from_scratch(tree, out)
    run_batch(tree, out)  # and a run with no change after that one
    assert reports_but_runs(out) == from_scratch(tree, out)


def test_a_record_changed_in_place_patches_only_the_report_pages_it_is_on(tree, tmp_path, monkeypatch):
    for module in (report_index, report_paging, home):
        monkeypatch.setattr(module, "ROWS_PER_PAGE", 3)  # several pages to every list
    out = tmp_path / "out"
    run_batch(tree, out)
    lists = {p: p.stat().st_mtime_ns for p in (out / "report-pages" / "list").iterdir()}
    # the same title, language, site and reasons: every list keeps its members and page breaks
    more = "The council will publish the final plans for the footbridge in the spring, after a last hearing."
    (tree / "news" / "05.txt").write_text(article("Article number 5 about the bridge", *ARTICLE_PARAGRAPHS, more))
    (tree / "news" / "06.txt").write_text(article("Article number 6 about the bridge, retitled"))  # a new title
    with monkeypatch.context() as m:
        m.setattr(reporting, "_gathered", lambda *args: pytest.fail("the lists were gathered again"))
        m.setattr(write, "gather", lambda entries: pytest.fail("every record was read"))
        changed = run_batch(tree, out)
    assert changed.report["run"]["changed"] == 2
    assert more in (out / "news" / "05.txt").read_text(encoding="utf-8")
    assert b"retitled" in (out / "report-pages" / "search.js").read_bytes()
    rewritten = {p for p, mtime in lists.items() if p.stat().st_mtime_ns != mtime}
    assert rewritten and all(re.search("news/0[56].txt", p.read_text(encoding="utf-8")) for p in rewritten)
    assert len(rewritten) < len(lists) / 2
    assert reports_but_runs(out) == from_scratch(tree, out)
    run_batch(tree, out)  # and a run with no change after that one
    assert reports_but_runs(out) == from_scratch(tree, out)


def test_a_record_not_found_in_report_json_writes_the_reports_whole(tree, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch(tree, out)
    report, st = out / "report.json", (out / "report.json").stat()
    data = report.read_bytes()
    at = data.index(b'"id": "news/05.txt"')
    with open(report, "r+b") as f:  # edited in place, its size and time kept: the reuse still holds
        f.seek(at + len(b'"id": "news/0'))
        f.write(b"9")
    os.utime(report, ns=(st.st_atime_ns, st.st_mtime_ns))
    more = "The council will publish the final plans for the footbridge in the spring, after a last hearing."
    (tree / "news" / "05.txt").write_text(article("Article number 5 about the bridge", *ARTICLE_PARAGRAPHS, more))
    wrote = []
    monkeypatch.setattr(write, "gather", lambda entries, real=write.gather: wrote.append(1) or real(entries))
    run_batch(tree, out)
    assert wrote  # written whole
    assert reports_but_runs(out) == from_scratch(tree, out)


def test_reports_are_written_whole_again_when_a_file_they_reuse_was_touched(tree, tmp_path):
    out = tmp_path / "out"
    run_batch(tree, out)
    expected = reports_but_runs(out)
    (out / "report-pages" / "search.js").unlink()
    run_batch(tree, out)
    assert reports_but_runs(out) == expected
    report = out / "report.json"
    report.write_bytes(report.read_bytes().replace(b'"documents": [', b'"documents": [ '))  # edited by hand
    run_batch(tree, out)
    assert reports_but_runs(out) == expected


def test_progress_is_plain_log_lines_when_not_a_terminal(tree, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY_SECONDS", 0.0)
    main(["run", str(tree), str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err
    assert "\r" not in err  # no bar
    assert re.search(r"^cleaner: \d+/14 files", err, re.M), err


# --- crashes and signals: a real `cleaner run` in a subprocess ----------------------------------


@pytest.fixture(scope="session")
def bench_in(tmp_path_factory) -> Path:
    """A copy of BENCH_FILES bench text files (writable, so tests may change them)."""
    if not BENCH_TEXT.is_dir():
        pytest.skip(f"bench corpus {BENCH_TEXT} not present")
    files = sorted(BENCH_TEXT.iterdir())[:BENCH_FILES]
    if len(files) < BENCH_FILES:
        pytest.skip(f"bench corpus {BENCH_TEXT} has fewer than {BENCH_FILES} files")
    folder = tmp_path_factory.mktemp("bench") / "in"
    folder.mkdir()
    for path in files:
        shutil.copyfile(path, folder / path.name)
    return folder


def run_args(inp: Path, out: Path) -> list[str]:
    return ["run", str(inp), str(out), "--workers", "2", "--quiet", "--format", "both"]


@pytest.fixture(scope="session")
def bench_reference(bench_in, tmp_path_factory) -> dict[str, bytes]:
    """The outputs of an uninterrupted run over bench_in."""
    out = tmp_path_factory.mktemp("reference") / "out"
    assert main(run_args(bench_in, out)) == 0
    files = output_files(out)
    assert len(files) == BENCH_FILES + 1  # every file kept, and documents.jsonl
    return files


def start(inp: Path, out: Path, cwd: Path) -> subprocess.Popen:
    """`python -m cleaner run` as a separate process (cwd outside the project: no config file)."""
    return subprocess.Popen([sys.executable, "-m", "cleaner", *run_args(inp, out)], cwd=cwd, stderr=subprocess.PIPE)


def txt_outputs(out: Path) -> int:
    return sum(1 for p in out.glob("*.txt"))


def wait_until(proc: subprocess.Popen, ready: Callable[[], bool], limit: float = 60) -> bool:
    """Poll until ready() or the process ends; True if ready() while the process still ran."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(0.002)
    raise AssertionError("the run neither got there nor ended")


def wait_for_lock(out: Path, limit: float = 10) -> None:
    """Wait until the folder's lock is free (the workers of a killed run exit after their file)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            State(out).close()
            return
        except LockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def integrity(out: Path) -> str:
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def without_tmp(files: dict[str, bytes]) -> dict[str, bytes]:
    """Outputs but for temporary files (see test_a_temp_file_left_by_sigkill_is_removed_by_the_next_run)."""
    return {k: v for k, v in files.items() if not re.fullmatch(r"\..*\.tmp", Path(k).name)}


def check_after_crash(out: Path, reference: dict[str, bytes]) -> None:
    """What a killed run may leave: complete outputs only, and a sound state database."""
    if (out / STATE_DIR / DB_NAME).exists():
        assert integrity(out) == "ok"
    for name, data in without_tmp(output_files(out)).items():
        if name != JSONL_NAME:  # an older documents.jsonl is complete, not current
            assert data == reference[name], f"{name} is not a complete output"
    if (out / JSONL_NAME).exists():
        for line in (out / JSONL_NAME).read_bytes().splitlines():
            json.loads(line)


def stored(out: Path) -> int:
    """How many cleaned documents a running batch has committed to its state (pass one)."""
    try:
        db = sqlite3.connect(f"file:{out / STATE_DIR / DB_NAME}?mode=ro", uri=True, timeout=0.1)
        try:
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def reached(out: Path, point: str) -> bool:
    """True once a run got to a point: 'db' (its state exists), 'stored:N' (pass one committed N
    cleaned documents) or 'written:N' (pass two wrote N .txt outputs)."""
    if point == "db":
        return (out / STATE_DIR / DB_NAME).exists()
    kind, count = point.split(":")
    return (stored(out) if kind == "stored" else txt_outputs(out)) >= int(count)


#: Where to kill, in pass one (cleaning) and pass two (writing); a pair kills the resumed run too.
KILL_POINTS = [("db",), ("stored:50",), ("written:15",), ("written:80",), ("stored:50", "written:60")]


@pytest.mark.parametrize("points", KILL_POINTS, ids=lambda p: "-".join(p).replace(":", ""))
def test_sigkill_then_resume_gives_identical_outputs(points, bench_in, bench_reference, tmp_path):
    out = tmp_path / "out"
    for point in points:
        proc = start(bench_in, out, tmp_path)
        killed = wait_until(proc, functools.partial(reached, out, point))
        proc.kill()
        err = proc.communicate()[1].decode(errors="replace")
        assert proc.returncode == (-signal.SIGKILL if killed else 0), err
        check_after_crash(out, bench_reference)
        wait_for_lock(out)
    assert main(run_args(bench_in, out)) == 0
    assert without_tmp(output_files(out)) == bench_reference
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["documents"]) == BENCH_FILES and report["totals"]["statuses"]["kept"] == BENCH_FILES
    assert report["run"]["removed"] == 0
    assert integrity(out) == "ok"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_sigint_stop_gracefully(signum, code, bench_in, bench_reference, tmp_path):
    out = tmp_path / "out"
    proc = start(bench_in, out, tmp_path)
    assert wait_until(proc, lambda: stored(out) >= 50), "the run ended before it could be stopped"
    proc.send_signal(signum)
    try:
        err = proc.communicate(timeout=30)[1].decode(errors="replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == code, err
    assert tmp_leftovers(out) == []
    assert integrity(out) == "ok"
    check_after_crash(out, bench_reference)
    # what was cleaned was written: the report and the history say so, and the jsonl matches it
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["history"][-1]["interrupted"] is True
    done = len(report["documents"])
    assert 50 <= done < BENCH_FILES
    assert txt_outputs(out) == done
    assert len((out / JSONL_NAME).read_bytes().splitlines()) == done

    assert main(run_args(bench_in, out)) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"] == {"new": BENCH_FILES - done, "changed": 0, "unchanged": done, "removed": 0}
    assert output_files(out) == bench_reference


SLOWED = """\
import sys, time
from cleaner.core import pipeline
from cleaner.cli.main import main
real = pipeline.process

def slowed(doc, options, ruleset):
    time.sleep(3)  # long enough that a loaded machine starts the second run while this one holds the lock
    return real(doc, options, ruleset)

pipeline.process = slowed
sys.exit(main(sys.argv[1:]))
"""


def test_a_concurrent_run_is_refused_at_once(tree, tmp_path):
    out = tmp_path / "out"
    args = ["run", str(tree), str(out), "--workers", "1", "--quiet"]
    proc = subprocess.Popen([sys.executable, "-c", SLOWED, *args], cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        assert wait_until(proc, functools.partial(reached, out, "db")), "the run ended too soon"
        second = subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=tmp_path, capture_output=True, text=True)
        # refused at once: it ended while the first run still held the lock, not after waiting for it
        assert proc.poll() is None, "the first run ended before the second was refused"
        assert second.returncode == 3, second.stderr
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "another cleaner run" in lines[0] and str(proc.pid) in lines[0]
        status = subprocess.run(
            [sys.executable, "-m", "cleaner", "status", str(out)], cwd=tmp_path, capture_output=True, text=True
        )
        assert status.returncode == 0, status.stderr  # status only reads: no lock needed
        assert "a run now" in status.stdout
    finally:
        proc.terminate()  # a graceful stop, abandoning the slow file in hand
        err = proc.communicate(timeout=30)[1].decode(errors="replace")
    assert proc.returncode == 143, err
    assert tmp_leftovers(out) == []


KILL_IN_WRITE = """\
import os, signal, sys
from cleaner.cli.main import main
calls = 0
real_fsync = os.fsync

def fsync(fd):
    # the third output is written but not yet renamed into place: die here
    global calls
    calls += 1
    if calls == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)

os.fsync = fsync
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def killed_in_write(tree, tmp_path) -> Path:
    """An output folder whose run was SIGKILLed in the middle of writing an output file."""
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", KILL_IN_WRITE, "run", str(tree), str(out), "--workers", "1", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert len(tmp_leftovers(out)) == 1  # the file in hand, never renamed into place
    assert txt_outputs(out) + len(list(out.glob("*/*.txt"))) == 2
    return out


def test_sigkill_in_the_middle_of_a_write_leaves_only_complete_outputs(killed_in_write, tree, tmp_path):
    reference = tmp_path / "reference"
    run_batch(tree, reference)
    out = killed_in_write
    assert integrity(out) == "ok"
    for name, data in without_tmp(output_files(out)).items():
        assert data == (reference / name).read_bytes()
    wait_for_lock(out)
    run_batch(tree, out)
    assert without_tmp(output_files(out)) == output_files(reference)


def test_a_temp_file_left_by_sigkill_is_removed_by_the_next_run(killed_in_write, tree):
    wait_for_lock(killed_in_write)
    run_batch(tree, killed_in_write)
    assert tmp_leftovers(killed_in_write) == []


SLOW_WORKERS = """\
import sys, time
from cleaner.core import pipeline
from cleaner.cli.main import main

def stuck(doc, settings, ruleset):
    time.sleep(30)  # a pathological file: the parent's --timeout would end it
    return doc

pipeline.process = stuck
sys.exit(main(sys.argv[1:]))
"""


def pids_of(marker: str) -> list[int]:
    """Processes whose command line mentions marker (a test's own tmp folder: processes we started)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_sigkill_of_the_parent_does_not_leave_the_folder_locked(tree, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKERS, "run", str(tree), str(out), "--workers", "1", "--quiet"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_until(proc, lambda: (out / STATE_DIR / DB_NAME).exists())
        time.sleep(1.0)  # the pool is up and its worker busy with the first file
        proc.kill()
        proc.wait()
        time.sleep(1.0)
        State(out).close()  # the next run can take the folder
    finally:
        for pid in pids_of(str(out)):  # the orphaned worker, if any
            os.kill(pid, signal.SIGKILL)
