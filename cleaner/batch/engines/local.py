"""The local engine: a process pool on this machine (pebble), with per-task timeouts and
replacement of dead workers."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait

from pebble import ProcessExpired, ProcessPool

from cleaner.batch.engines.base import (
    TASKS_PER_WORKER,
    TIMED_OUT,
    WORKER_DIED,
    Cleaned,
    Stop,
)
from cleaner.batch.engines.task import clean_and_fingerprint, failed_input
from cleaner.batch.settings import Settings
from cleaner.core import language
from cleaner.corpus import dedup
from cleaner.io import guards
from cleaner.io.discover import Input
from cleaner.io.readers import is_container
from cleaner.rules.ruleset import RuleSet

#: How often the run looks for a stop request (SIGINT/SIGTERM) while files are in flight.
STOP_CHECK_SECONDS = 0.5


def clean_all(
    todo: list[Input], settings: Settings, ruleset: RuleSet, stop: Stop, lock_fd: int | None
) -> Iterator[tuple[Input, list[Cleaned]]]:
    """Clean input files in worker processes, a bounded number in flight; yield them as they finish."""
    queue = iter(todo)
    workers = min(settings.workers, len(todo))  # a night with one changed file starts one worker
    with ProcessPool(max_workers=workers, initializer=_init_worker, initargs=(settings, ruleset, lock_fd)) as pool:
        running: dict = {}

        def submit_next() -> None:
            """Queue the next input, if any is left."""
            item = next(queue, None)
            if item is not None:
                # Each document has its limits inside the worker (corpus.process_guarded); this
                # one is for a file stuck in C code, which only killing the worker stops.
                timeout = None if is_container(item.id) else guards.backstop(settings.timeout)
                running[pool.schedule(_clean_in_worker, (item,), timeout=timeout)] = item

        for _ in range(workers * TASKS_PER_WORKER):
            submit_next()
        while running and not stop.requested:
            # Wake up now and then even while every task is slow, to notice a stop request.
            done, _ = wait(list(running), timeout=STOP_CHECK_SECONDS, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f].id):
                item = running.pop(future)
                yield item, _result(future, item, settings.timeout)
                if not stop.requested:
                    submit_next()
        if stop.requested:
            pool.stop()  # abandon the files in hand: the next run cleans them again


_WORKER: tuple[Settings, RuleSet] | None = None


def _init_worker(settings: Settings, ruleset: RuleSet, lock_fd: int | None) -> None:
    """Give each worker the settings and rules once; leave Ctrl-C and the run's lock to the parent.

    A forked worker shares the parent's flock on OUTPUT: closing its copy means a worker that
    outlives a killed parent cannot keep the folder locked.
    """
    global _WORKER
    _WORKER = (settings, ruleset)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    # Load the language profiles and stoplists now, so that --timeout measures a file's own
    # cleaning and not the worker's one-off start-up (about a second).
    language.detect("warm up the language profiles")
    language.stopwords(None)
    dedup.fingerprint("warm up", signature=settings.dedup == "near")


def _clean_in_worker(item: Input) -> list[Cleaned]:
    """The task run in a pool worker, with the settings and rules it was given at start."""
    assert _WORKER is not None, "worker not initialised"
    return clean_and_fingerprint(item, *_WORKER)


def _result(future: Future, item: Input, timeout: float) -> list[Cleaned]:
    """A finished task's documents; a timeout or a dead worker becomes a failed document."""
    try:
        return future.result()
    except TimeoutError:
        reason = f"{TIMED_OUT} {timeout:g} s (see --timeout)"
    except ProcessExpired as exc:
        reason = f"{WORKER_DIED} (exit code {exc.exitcode})"
    except Exception as exc:  # an error outside the pipeline's own guard (e.g. unpicklable result)
        reason = f"internal error: {type(exc).__name__}: {exc}"
    return failed_input(item, reason)
