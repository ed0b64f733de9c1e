"""What every engine shares: a task's result, the stop request, the failures of the run itself, and
the Engine protocol a new engine implements (one module in this package plus a line in ENGINES;
the task it runs is task.py's)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from cleaner.batch.settings import Settings
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import Document
from cleaner.io.discover import Input
from cleaner.rules.ruleset import RuleSet

#: Tasks queued per worker: enough to keep every worker busy, few enough that results (and
#: memory) stay bounded however large the corpus is.
TASKS_PER_WORKER = 4

#: How the reasons of failures caused by the run, not by the file, begin (see the engines' results
#: and batch.clean._clean_page): their files are cleaned again by the next run.
TIMED_OUT = "timed out after"
WORKER_DIED = "worker process died"
DASK_FAILED = "dask worker error"  # a worker lost or killed (the pipeline turns its own errors into failures)
OVER_MEMORY = "over the memory limit"  # guards: the worker's memory, as with the OOM killer
RUN_FAILURES = (TIMED_OUT, WORKER_DIED, DASK_FAILED, OVER_MEMORY)


@dataclass(slots=True)
class Cleaned:
    """One document as a worker returns it: cleaned, its text fingerprinted, its lines keyed."""

    doc: Document
    fingerprint: Fingerprint | None  # for dedup; None unless kept
    keys: list[int]  # templates.line_keys: what the site's line counts are made of
    chrome: list[int] = field(default_factory=list)  # templates.line_keys: what groups its pages


class Stop:
    """Set by SIGINT/SIGTERM: the run stops taking new files, writes what it cleaned and ends."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self.count = 0

    def __call__(self, signum: int, _frame: object) -> None:
        self.signal, self.count = signum, self.count + 1

    @property
    def requested(self) -> bool:
        """True once a stop signal has arrived."""
        return self.signal is not None


class Engine(Protocol):
    """Maps the cleaning over the inputs: yields each input with its documents as it finishes.

    Every engine runs clean_and_fingerprint on each input; the batch writes the outputs and the
    state in this process, so engines differ in where the work runs, never in what it gives.
    `lock_fd` is the run's lock, which forked workers must close (None when there is none).
    """

    def __call__(
        self, todo: list[Input], settings: Settings, ruleset: RuleSet, stop: Stop, lock_fd: int | None
    ) -> Iterator[tuple[Input, list[Cleaned]]]: ...
