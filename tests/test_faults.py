"""Fault injection: SIGKILL at random points of both passes, SIGTERM to the whole process group, a
read-only OUTPUT, a truncated state. After each fault, the next run's outputs must equal an
uninterrupted run's. (A full disk, write errors and a state of junk: test_hostile.py.)

The runs are forked from the test process, which has the cleaner imported and its language
profiles loaded, so that a run starts in milliseconds and 20 random kills fit in a few seconds.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ARTICLE_PARAGRAPHS, output_files, tmpfs
from test_batch import check_after_crash, integrity, reports_but_runs, stored, wait_for_lock, without_tmp

from cleaner.batch.state import DB_NAME, STATE_DIR
from cleaner.cli.main import EXIT_OUTPUT, EXIT_STATE, main
from cleaner.core import language

#: Kills per test run: each at its own random moment of a run (seeded, so a failure replays).
SEEDS = range(20)
FILES = 8


def run_args(inp: Path, out: Path, *flags: str) -> list[str]:
    return ["run", str(inp), str(out), "--workers", "2", "--quiet", "--format", "both", *flags]


def fork_run(args: list[str]) -> int:
    """Start `cleaner ARGS` in a forked child, leader of its own process group; its pid."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 70
        try:
            os.setpgid(0, 0)
            code = main(args)
        finally:
            os._exit(code)
    # The parent sets the group too (as shells do): a kill right after the fork, before the child
    # has run, must find the group (it raised ProcessLookupError once, with a sleep near 0).
    os.setpgid(pid, pid)
    return pid


def wait_exit(pid: int, limit: float = 60) -> int:
    """The exit code of a forked run (-N for a signal), waiting at most `limit` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.killpg(pid, signal.SIGKILL)
    raise AssertionError("the run did not end")


def run_to_end(args: list[str]) -> int:
    """A forked run, uninterrupted; its exit code."""
    return wait_exit(fork_run(args))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A small corpus: text articles and HTML pages, one file that fails, one that is dropped."""
    language.detect("warm up the profiles here, so that every forked run starts warm")
    root = tmp_path_factory.mktemp("faults") / "in"
    for n in range(FILES):
        folder = root / f"site{n % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join((f"Article number {n} on the bridge", *ARTICLE_PARAGRAPHS[n % 2 :])) + "\n"
        if n % 4 == 0:
            body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            (folder / f"{n:02}.html").write_text(f"<html><body><article>{body}</article></body></html>")
        else:
            (folder / f"{n:02}.txt").write_text(text, encoding="utf-8")
    (root / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[dict[str, bytes], float]:
    """An uninterrupted run's outputs, and how long it took."""
    out = tmp_path_factory.mktemp("reference") / "out"
    started = time.monotonic()
    assert run_to_end(run_args(corpus, out)) == 1  # broken.html fails
    return output_files(out), time.monotonic() - started


@pytest.fixture(scope="module")
def reference_reports(corpus, tmp_path_factory) -> tuple[dict[str, bytes], Path]:
    """An uninterrupted run's reports (but for what carries the runs), and its OUTPUT."""
    out = tmp_path_factory.mktemp("reference-reports") / "out"
    assert run_to_end(run_args(corpus, out)) == 1
    return reports_but_runs(out), out


def test_sigkill_at_random_points_of_both_passes_then_resume(corpus, reference, reference_reports, tmp_path):
    expected, seconds = reference
    deadline = time.monotonic() + 120  # the loop is bounded: a hang fails the test, never CI
    kills = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        out = tmp_path / f"out-{seed}"
        for _ in range(rng.choice((1, 1, 2))):  # sometimes the resumed run is killed too
            pid = fork_run(run_args(corpus, out))
            time.sleep(rng.uniform(0, seconds))  # planning, cleaning, storing, writing, reporting
            os.killpg(pid, signal.SIGKILL)  # the run and its workers, as a crash or the OOM killer would
            code = wait_exit(pid)
            kills += code == -signal.SIGKILL
            check_after_crash(out, expected)
            wait_for_lock(out)
        assert run_to_end(run_args(corpus, out)) in (0, 1), f"seed {seed}"  # 0: nothing was left to clean
        assert without_tmp(output_files(out)) == expected, f"seed {seed}"
        assert reports_but_runs(out) == reference_reports[0], f"seed {seed}"  # the reports healed too
        assert integrity(out) == "ok"
        assert time.monotonic() < deadline, f"20 kills took too long (at seed {seed})"
    assert kills >= len(SEEDS) // 2  # most kills landed while a run was going on


def test_sigkill_at_random_points_of_runs_with_nothing_to_clean_leaves_the_reports_whole(
    corpus, reference_reports, tmp_path
):
    expected, done = reference_reports
    out = tmp_path / "out"
    shutil.copytree(done, out)  # cleaned: each run now only plans and writes what carries the run
    started = time.monotonic()
    assert run_to_end(run_args(corpus, out)) == 0  # nothing to clean, so nothing failed in this run
    seconds = time.monotonic() - started
    deadline = time.monotonic() + 120
    for seed in SEEDS:
        pid = fork_run(run_args(corpus, out))
        time.sleep(random.Random(seed).uniform(0, seconds))  # planning, report.json, report.html, the state
        os.killpg(pid, signal.SIGKILL)
        wait_exit(pid)
        json.loads((out / "report.json").read_text(encoding="utf-8"))  # whole, never half-written
        wait_for_lock(out)
        assert run_to_end(run_args(corpus, out)) == 0, f"seed {seed}"
        assert reports_but_runs(out) == expected, f"seed {seed}"
        assert time.monotonic() < deadline, f"20 kills took too long (at seed {seed})"


def test_sigterm_to_the_process_group_stops_the_run_and_the_next_run_completes(corpus, reference, tmp_path):
    expected, _ = reference
    out = tmp_path / "out"
    pid = fork_run(run_args(corpus, out))
    deadline = time.monotonic() + 60
    while stored(out) < 2 and time.monotonic() < deadline:  # cleaning has begun
        time.sleep(0.002)
    os.killpg(pid, signal.SIGTERM)  # what `timeout`, systemd or a shell's Ctrl-\ send: every process
    code = wait_exit(pid)
    assert code in (143, 1), code  # stopped (or it had just finished)
    check_after_crash(out, expected)
    wait_for_lock(out)
    assert run_to_end(run_args(corpus, out)) in (0, 1)
    assert output_files(out) == expected  # the files in flight (their workers got SIGTERM too) healed


@pytest.fixture
def mounted(tmp_path):
    """A tmpfs mounted in tmp_path, and a function that remounts it read-only or writable
    (skipped where the machine does not allow mounting)."""

    def remount(mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(point)], check=True)

    with tmpfs(tmp_path / "disk", "16m") as point:
        yield point, remount


def test_a_read_only_output_exits_with_its_own_code_and_the_next_run_completes(corpus, reference, mounted, capsys):
    expected, _ = reference
    point, remount = mounted
    out = point / "out"
    remount("ro")  # OUTPUT cannot even be made
    assert main(run_args(corpus, out)) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "read-only" in err and str(point) in err, err
    remount("rw")
    assert run_to_end(run_args(corpus, out)) == 1
    remount("ro")  # the next night, the file system has turned read-only
    assert main(run_args(corpus, out, "--full")) == EXIT_OUTPUT
    assert "read-only" in capsys.readouterr().err
    remount("rw")
    assert main(run_args(corpus, out)) in (0, 1)
    assert output_files(out) == expected


def test_a_truncated_state_exits_with_its_own_code_and_rebuild_state_completes(corpus, reference, tmp_path, capsys):
    expected, _ = reference
    out = tmp_path / "out"
    assert run_to_end(run_args(corpus, out)) == 1
    db = out / STATE_DIR / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])  # a copy cut short, a disk that lost the end of the file
    capsys.readouterr()
    code = main(run_args(corpus, out))
    err = capsys.readouterr().err
    assert code == EXIT_STATE and str(db) in err and "--rebuild-state" in err, err
    assert main(run_args(corpus, out, "--rebuild-state")) == 1
    assert output_files(out) == expected
    assert main(run_args(corpus, out)) == 0 and output_files(out) == expected  # nothing left to do
