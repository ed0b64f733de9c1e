"""io.guards: per-document time and memory limits that hold in any thread, and the batch that
records a document over them as failed and goes on."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import ARTICLE_PARAGRAPHS, many_links_page, nested_tables_page, output_files, run_batch

from cleaner.io.guards import POLL_SECONDS, Limits, OverMemory, TimedOut, guarded


def busy(seconds: float) -> None:
    """Pure Python work for `seconds` (what a pathological page does in the pipeline)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(100))


def in_thread(work) -> BaseException | None:
    """Run work() in a new thread (as a Dask worker runs a task); what it raised, if anything."""
    raised: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # the guard's exceptions are BaseExceptions
            raised.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the guard did not stop the thread"
    return raised[0] if raised else None


def test_a_block_over_its_time_limit_is_stopped_off_the_main_thread():
    started = time.monotonic()

    def work() -> None:
        with guarded(Limits(seconds=0.3)):
            busy(30)

    assert isinstance(in_thread(work), TimedOut)
    assert time.monotonic() - started < 5


def test_a_block_over_its_time_limit_is_stopped_in_the_main_thread_even_while_sleeping():
    started = time.monotonic()
    with pytest.raises(TimedOut), guarded(Limits(seconds=0.3)):
        time.sleep(30)  # a blocking call: the signal interrupts it
    assert time.monotonic() - started < 5


def test_a_block_over_its_memory_limit_is_stopped_off_the_main_thread():
    hoard: list[bytes] = []

    def work() -> None:
        with guarded(Limits(memory_mb=64)):
            for _ in range(4000):  # up to 4 GB, a MB at a time, unless stopped
                hoard.append(b"x" * (1024 * 1024))
                time.sleep(0.0005)

    assert isinstance(in_thread(work), OverMemory)
    assert 64 <= len(hoard) < 1000  # stopped soon after the limit
    hoard.clear()


def test_nothing_is_raised_after_a_block_ends_in_time():
    def work() -> None:
        for _ in range(20):
            with guarded(Limits(seconds=0.2, memory_mb=512)):
                busy(0.01)
        busy(4 * POLL_SECONDS + 0.3)  # past every deadline, outside the blocks

    assert in_thread(work) is None
    with guarded(Limits(seconds=0.2)):
        pass
    time.sleep(0.5)  # an alarm now would end the test process


def test_a_stopped_block_leaves_no_exception_behind():
    def work() -> None:
        with pytest.raises(TimedOut), guarded(Limits(seconds=0.1)):
            busy(10)
        busy(10 * POLL_SECONDS)  # the watchdog sent it again and again; none may land here

    assert in_thread(work) is None


def test_the_reasons_name_the_limit():
    limits = Limits(seconds=2.5, memory_mb=300)
    assert limits.reason(TimedOut()) == "timed out after 2.5 s (see --timeout)"
    assert limits.reason(OverMemory()) == "over the memory limit of 300 MB (see --max-memory)"


# --- in a batch ---------------------------------------------------------------------------------


def article(title: str) -> str:
    return "\n\n".join((title, *ARTICLE_PARAGRAPHS)) + "\n"


def heavy_tree(make_tree, name: str, data: bytes):
    """Ordinary articles, and one page over the limits the test gives."""
    files: dict[str, bytes | str] = {f"{n}.txt": article(f"Article number {n}") for n in range(3)}
    return make_tree({**files, name: data})


# Smaller pages than the issue's, which test_hostile cleans with the default limits: these trip
# the tests' own limits sooner.


def test_a_page_over_the_time_limit_fails_with_the_reason_and_the_batch_goes_on(make_tree, tmp_path):
    root = heavy_tree(make_tree, "tables.html", nested_tables_page(1_000_000))  # 36 s unguarded
    out = tmp_path / "out"
    started = time.monotonic()
    records = run_batch(root, out, workers=2, timeout=1.5).records
    assert time.monotonic() - started < 20
    assert records["tables.html"]["status"] == "failed"
    assert records["tables.html"]["reason"] == "timed out after 1.5 s (see --timeout)"
    assert all(records[f"{n}.txt"]["status"] == "kept" for n in range(3))
    assert sorted(output_files(out)) == [f"{n}.txt" for n in range(3)]


def test_a_page_over_the_memory_limit_fails_with_the_reason_and_is_tried_again(make_tree, tmp_path):
    root = heavy_tree(make_tree, "links.html", many_links_page(50_000))
    out = tmp_path / "out"
    records = run_batch(root, out, workers=2, max_memory=30).records
    assert records["links.html"]["status"] == "failed"
    assert records["links.html"]["reason"] == "over the memory limit of 30 MB (see --max-memory)"
    assert all(records[f"{n}.txt"]["status"] == "kept" for n in range(3))
    assert sorted(output_files(out)) == [f"{n}.txt" for n in range(3)]
    again = run_batch(root, out, workers=2, max_memory=30)
    assert again.counts == {"new": 0, "changed": 1, "unchanged": 3, "removed": 0}  # as a killed worker's
