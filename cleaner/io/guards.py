"""Time and memory limits for one document that hold in any thread: a pool worker's main thread,
a Dask worker's task thread, the command line's own.

One watchdog thread per process checks every guarded block a few times a second. A block over its
time limit, or whose process grew by more than its memory limit since the block began, gets an
exception raised in its thread: through SIGALRM in the main thread (a kernel timer for the time
limit: a signal also interrupts a blocking call or a long regex match), through the interpreter's
asynchronous exceptions in any other thread (delivered at the next Python instruction: a long
call into C ends first).
The exception is raised again at every check until the block ends: one raised while a __del__ runs,
or swallowed by a bare `except:` in a library, is lost.

The cost is a check of /proc/self/statm every POLL_SECONDS while a document is being cleaned, and
nothing while none is (measured: no difference within noise on the traf-dev pages, see README).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

#: How often the watchdog looks at the guarded blocks. Memory grows between two looks: at the
#: 100-200 MB/s a runaway page allocates at (the 200,000-link page), 50 ms overshoots the limit by
#: 10 MB or less; the time limits are seconds, so 50 ms is well within them.
POLL_SECONDS = 0.05

#: Bytes per page of /proc/self/statm's counts.
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
STATM = "/proc/self/statm"


#: The time a whole file may take, as its parent enforces it by killing the worker: a document
#: stuck in C code (a regex, a parser) is stopped by nothing else. Past the guard's own limit,
#: so that the guard, which keeps the worker, normally acts first.
BACKSTOP_FACTOR = 1.5
BACKSTOP_EXTRA_SECONDS = 5.0


def backstop(seconds: float) -> float:
    """The parent's time limit for a file whose documents have `seconds` each."""
    return seconds * BACKSTOP_FACTOR + BACKSTOP_EXTRA_SECONDS


class GuardTripped(BaseException):
    """A guarded block went over a limit (a BaseException: the pipeline's own guard, which turns
    every Exception into a failed document, must not catch it)."""


class TimedOut(GuardTripped):
    """The block ran longer than its time limit."""


class OverMemory(GuardTripped):
    """The process grew by more than the block's memory limit while it ran."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of one guarded block: seconds of wall time, megabytes of growth (None: no limit)."""

    seconds: float | None = None
    memory_mb: int | None = None

    def reason(self, tripped: GuardTripped) -> str:
        """The failure reason of a document that went over one of these limits."""
        if isinstance(tripped, OverMemory):
            return f"over the memory limit of {self.memory_mb} MB (see --max-memory)"
        return f"timed out after {self.seconds:g} s (see --timeout)"


@dataclass(slots=True)
class _Watch:
    """One guarded block: its thread, when it must end, the memory it may reach."""

    thread_id: int
    main: bool  # the main thread: the exception comes through SIGALRM
    deadline: float | None  # time.monotonic()
    rss_limit: int | None  # bytes of resident memory
    tripped: type[GuardTripped] | None = None


class _Watchdog:
    """The one thread per process that checks every guarded block."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.watches: dict[int, _Watch] = {}
        self.thread: threading.Thread | None = None

    def add(self, watch: _Watch) -> None:
        """Start checking a block (the thread starts with the first one)."""
        with self.lock:
            self.watches[id(watch)] = watch
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="cleaner-guard", daemon=True)
                self.thread.start()
            self.lock.notify()

    def remove(self, watch: _Watch) -> None:
        """Stop checking a block, and cancel an exception sent to its thread but not yet raised
        (idempotent: the exception may land in here, and the caller tries again)."""
        with self.lock:
            self.watches.pop(id(watch), None)
            if watch.tripped is not None and not watch.main:
                _send(watch.thread_id, None)

    def _run(self) -> None:
        """Check the blocks every POLL_SECONDS while there are any; sleep while there are none."""
        while True:
            with self.lock:
                while not self.watches:
                    self.lock.wait()
                self._check(time.monotonic(), resident_bytes())
            time.sleep(POLL_SECONDS)

    def _check(self, now: float, rss: int | None) -> None:
        """Send each block over a limit its exception (again, if it is still running)."""
        for watch in self.watches.values():
            if watch.tripped is None:
                if watch.deadline is not None and now >= watch.deadline:
                    watch.tripped = TimedOut
                elif watch.rss_limit is not None and rss is not None and rss > watch.rss_limit:
                    watch.tripped = OverMemory
            if watch.tripped is not None:
                if watch.main:
                    signal.pthread_kill(watch.thread_id, signal.SIGALRM)
                else:
                    _send(watch.thread_id, watch.tripped)


def _send(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise exc in another thread at its next Python instruction (None cancels a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


_WATCHDOG = _Watchdog()
#: The main thread's guarded block, if one runs (blocks do not nest in the main thread).
_MAIN: _Watch | None = None
#: After the time limit, how often the main thread's timer fires again until the block ends.
ALARM_REPEAT_SECONDS = 0.1


def _reset_after_fork() -> None:
    """A forked child has no watchdog thread (only the forking thread survives): start afresh."""
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


os.register_at_fork(after_in_child=_reset_after_fork)


def resident_bytes() -> int | None:
    """This process's resident memory, None where /proc does not tell it."""
    try:
        with open(STATM, "rb") as f:
            return int(f.read().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return None


@contextlib.contextmanager
def guarded(limits: Limits) -> Iterator[None]:
    """Raise TimedOut or OverMemory in this thread when the block goes over a limit."""
    if limits.seconds is None and limits.memory_mb is None:
        yield
        return
    main = threading.current_thread() is threading.main_thread()
    rss = resident_bytes() if limits.memory_mb is not None else None
    watch = _Watch(
        threading.get_ident(),
        main,
        time.monotonic() + limits.seconds if limits.seconds is not None else None,
        rss + limits.memory_mb * 1024 * 1024 if rss is not None and limits.memory_mb is not None else None,
    )
    global _MAIN
    if main:
        # In the main thread the time limit is a kernel timer, not the watchdog: a regex match
        # holds the interpreter and starves every other thread, but it does look at signals.
        # The handler stays installed: a signal that comes just after the block finds it, not
        # the default handler, which ends the process.
        signal.signal(signal.SIGALRM, _on_alarm)
        _MAIN = watch
        if limits.seconds is not None:
            signal.setitimer(signal.ITIMER_REAL, limits.seconds, ALARM_REPEAT_SECONDS)
    _WATCHDOG.add(watch)
    try:
        yield
    except OverMemory:
        _stop_watching(watch)  # first: the exception it sends again would land in the collection
        _give_back_memory()
        raise
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _MAIN = None
        _stop_watching(watch)


def _stop_watching(watch: _Watch) -> None:
    """Remove a block's watch, however often its exception lands meanwhile."""
    while True:
        try:
            _WATCHDOG.remove(watch)
            return
        except GuardTripped:
            continue


def _on_alarm(_signum: int, _frame: object) -> None:
    """SIGALRM in the main thread: raise what its block went over (nothing once the block ended)."""
    watch = _MAIN
    if watch is None:
        return
    if watch.tripped is None and watch.deadline is not None and time.monotonic() >= watch.deadline:
        watch.tripped = TimedOut
    if watch.tripped is not None:
        raise watch.tripped


def _give_back_memory() -> None:
    """After a block went over its memory limit: free what it left and hand it back to the system,
    so that the next document starts from the worker's usual size (glibc keeps freed memory)."""
    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(libc_name).malloc_trim(0)
