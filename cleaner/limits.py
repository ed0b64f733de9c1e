"""Time limits inside a process: a page of a container (corpus), a rule's example (rules)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

#: After the time limit, how often the alarm repeats until the page gives up.
ALARM_REPEAT_SECONDS = 0.1


class PageTimeout(BaseException):
    """A page took longer than --timeout (a BaseException: the pipeline's own guard must not catch it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise PageTimeout in this thread after `seconds` (only the main thread can take signals;
    elsewhere, as on a Dask worker thread, the block runs unlimited)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    # Fire again and again after the limit: an exception raised while a __del__ runs is lost.
    signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
