"""The state database's connection: the folder's lock, the schema, remembered values, the run
history, and batched commits; the planner, documents and template store work through it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Self

from cleaner.batch.state.schema import migrate
from cleaner.report.write import RunStats

STATE_DIR = ".cleaner"
DB_NAME = "state.sqlite"
#: The database and the files SQLite keeps beside it in WAL mode (all removed by --rebuild-state).
DB_FILES = ("", "-wal", "-shm")
LOCK_NAME = "lock"

#: Changed files are committed in batches: one transaction per file is slow on big corpora, and
#: a crash costs at most this many files cleaned again.
COMMIT_EVERY = 50

#: Rows read at a time where a run walks every document and updates some of them on the way.
PAGE_ROWS = 1000

#: The columns of the runs table, in RunStats's order.
RUN_FIELDS = tuple(f.name for f in fields(RunStats))


class LockedError(RuntimeError):
    """Another run holds the output folder."""


class Store:
    """The state database of one output folder, held under an exclusive lock while open."""

    def __init__(self, output_dir: Path, read_only: bool = False, rebuild: bool = False) -> None:
        """Open (and lock, unless read_only) the state of output_dir; with rebuild, start it afresh.

        A database that cannot be used raises sqlite3.DatabaseError (the command line names it).
        """
        self.dir = output_dir / STATE_DIR
        self.read_only = read_only
        self.lock_fd: int | None = None  # forked workers must close it (see engines.local)
        self._pending = 0
        if not read_only:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock()
        try:
            if rebuild and not read_only:
                for suffix in DB_FILES:
                    (self.dir / (DB_NAME + suffix)).unlink(missing_ok=True)
            self.db = self._open()
        except BaseException:
            self._unlock()
            raise

    def _open(self) -> sqlite3.Connection:
        """Connect to the database, creating or upgrading its tables when writing."""
        uri = f"file:{self.dir / DB_NAME}" + ("?mode=ro" if self.read_only else "")
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            if self.read_only:
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # a corrupt file says so here
                return db
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
            db.execute("BEGIN")
            return db
        except BaseException:
            db.close()
            raise

    @staticmethod
    def exists(output_dir: Path) -> bool:
        """True if a run has left state in this output folder."""
        return (output_dir / STATE_DIR / DB_NAME).is_file()

    def _lock(self) -> None:
        """Take the folder's lock at once, or raise LockedError naming the holder."""
        fd = os.open(self.dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockedError(
                f"another cleaner run (pid {holder}) is writing to {self.dir.parent}; try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.lock_fd = fd

    def close(self) -> None:
        """Commit what is pending, close the database and release the lock."""
        try:
            if not self.read_only and self.db.in_transaction:
                self.db.execute("COMMIT")
        finally:
            self.db.close()
            self._unlock()

    def _unlock(self) -> None:
        """Release the folder's lock, if held."""
        if self.lock_fd is not None:
            os.close(self.lock_fd)  # closing the descriptor releases the lock
            self.lock_fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
            return
        # Leaving on an error (a full disk, a corrupt database): keep what can be kept, and let
        # the error that stopped the run be the one reported, not a second one from here.
        with contextlib.suppress(sqlite3.Error):
            self.close()
        self._unlock()

    def tick(self) -> None:
        """Count a change; commit every COMMIT_EVERY changes."""
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        """Make everything recorded so far durable."""
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        self._pending = 0

    def paged(self, query: str, params: tuple = ()) -> Iterator[tuple]:
        """The rows of a query on documents `... AND id > ? ORDER BY id LIMIT ?` (after `params`), a
        page at a time: memory stays bounded, and the caller may update the rows it was given."""
        last = ""
        while rows := self.db.execute(query, (*params, last, PAGE_ROWS)).fetchall():
            yield from rows
            last = rows[-1][0]

    def set_meta(self, key: str, value: object) -> None:
        """Remember a value (e.g. the last run's settings) as JSON."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))

    def meta(self, key: str) -> object:
        """A remembered value, or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def add_run(self, stats: RunStats) -> None:
        """Append a run to the history."""
        self.db.execute(  # a bool is stored as the integer it is
            f"INSERT INTO runs ({', '.join(RUN_FIELDS)}) VALUES ({', '.join('?' * len(RUN_FIELDS))})",
            [getattr(stats, name) for name in RUN_FIELDS],
        )
        self.commit()

    def history(self) -> list[RunStats]:
        """All runs, oldest first."""
        history = []
        for row in self.db.execute(f"SELECT {', '.join(RUN_FIELDS)} FROM runs ORDER BY id"):
            values = dict(zip(RUN_FIELDS, row, strict=True))
            history.append(RunStats(**{**values, "interrupted": bool(values["interrupted"])}))
        return history
