"""Run state in OUTPUT/.cleaner/state.sqlite: what each input was when it was last cleaned, its
outputs and record, and one row per run. It makes re-runs incremental and interrupted runs resumable.

A document's row is committed only after its outputs are in place, so after a crash the database
never claims an output that is not there; at worst a file is cleaned again, with the same bytes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from .dedup import Fingerprint

STATE_DIR = ".cleaner"
DB_NAME = "state.sqlite"
LOCK_NAME = "lock"

#: Changed files are committed in batches: one transaction per file is slow on big corpora, and
#: a crash costs at most this many files cleaned again.
COMMIT_EVERY = 50

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    output TEXT,
    record TEXT NOT NULL,
    jsonl TEXT,
    text_length INTEGER,
    text_hash TEXT,
    minhash BLOB,
    duplicate_of TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    seconds REAL NOT NULL,
    new INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    bytes_in INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    interrupted INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class LockedError(RuntimeError):
    """Another run holds the output folder."""


@dataclass(frozen=True, slots=True)
class Seen:
    """What the state knows of one input from the run that last cleaned it."""

    size: int
    mtime_ns: int
    sha256: str
    fingerprint: str
    output: str | None


@dataclass(slots=True)
class Plan:
    """What a run has to do: ids to clean (new or changed), to keep, and to forget."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def todo(self) -> set[str]:
        """The ids that must be cleaned in this run."""
        return set(self.new) | set(self.changed)


@dataclass(frozen=True, slots=True)
class RunStats:
    """One row of the run history."""

    started: str
    seconds: float
    new: int
    changed: int
    unchanged: int
    removed: int
    failed: int
    bytes_in: int
    bytes_out: int
    interrupted: bool


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class State:
    """The state database of one output folder, held under an exclusive lock while open."""

    def __init__(self, output_dir: Path, read_only: bool = False) -> None:
        self.dir = output_dir / STATE_DIR
        self.read_only = read_only
        self.lock_fd: int | None = None  # forked workers must close it (see batch._init_worker)
        self._pending = 0
        if not read_only:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock()
        uri = f"file:{self.dir / DB_NAME}" + ("?mode=ro" if read_only else "")
        self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
        if not read_only:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            self.db.execute("BEGIN")

    @classmethod
    def exists(cls, output_dir: Path) -> bool:
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
        if not self.read_only and self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()
        if self.lock_fd is not None:
            os.close(self.lock_fd)  # closing the descriptor releases the lock
            self.lock_fd = None

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what changed -----------------------------------------------------------------------

    def seen(self) -> dict[str, Seen]:
        """Everything the state knows, by id."""
        rows = self.db.execute("SELECT id, size, mtime_ns, sha256, fingerprint, output FROM documents")
        return {r[0]: Seen(*r[1:]) for r in rows}

    def plan(self, inputs: Iterable[tuple[str, Path, str | None]], fingerprint: str, full: bool) -> Plan:
        """Sort inputs (id, path, planned output) into new, changed and unchanged; find removed ids."""
        known = self.seen()
        plan = Plan()
        current = set()
        for doc_id, path, output in inputs:
            current.add(doc_id)
            before = known.get(doc_id)
            if before is None:
                plan.new.append(doc_id)
            elif full or before.fingerprint != fingerprint or before.output != output or _content_changed(path, before):
                plan.changed.append(doc_id)
            else:
                plan.unchanged.append(doc_id)
        plan.removed = sorted(set(known) - current)
        return plan

    def output_of(self, doc_id: str) -> str | None:
        """The output path recorded for a document, if any."""
        row = self.db.execute("SELECT output FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    # --- recording ---------------------------------------------------------------------------

    def save(
        self, seen: Seen, doc_id: str, record: dict, jsonl: str | None, fingerprint: Fingerprint | None = None
    ) -> None:
        """Record a cleaned document as its input was read (its outputs must already be in place)."""
        fp = fingerprint
        self.db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                doc_id,
                seen.size,
                seen.mtime_ns,
                seen.sha256,
                seen.fingerprint,
                seen.output,
                json.dumps(record, ensure_ascii=False, sort_keys=True),
                jsonl,
                fp.length if fp else None,
                fp.text_hash if fp else None,
                fp.signature if fp else None,
            ),
        )
        self._tick()

    def forget(self, doc_id: str) -> None:
        """Drop a document whose input is gone (its outputs must already be removed)."""
        self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self._tick()

    def _tick(self) -> None:
        """Count a change; commit every COMMIT_EVERY changes."""
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        """Make everything recorded so far durable."""
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        self._pending = 0

    def add_run(self, stats: RunStats) -> None:
        """Append a run to the history."""
        self.db.execute(
            "INSERT INTO runs (started, seconds, new, changed, unchanged, removed, failed, bytes_in, bytes_out,"
            " interrupted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                stats.started,
                stats.seconds,
                stats.new,
                stats.changed,
                stats.unchanged,
                stats.removed,
                stats.failed,
                stats.bytes_in,
                stats.bytes_out,
                int(stats.interrupted),
            ),
        )
        self.commit()

    def set_meta(self, key: str, value: object) -> None:
        """Remember a value (e.g. the last run's settings) as JSON."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))

    def meta(self, key: str) -> object:
        """A remembered value, or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    # --- reading back ------------------------------------------------------------------------

    def records(self) -> Iterator[dict]:
        """Every document's report record, in id order, streamed (a duplicate shows as dropped)."""
        for record, duplicate_of in self.db.execute("SELECT record, duplicate_of FROM documents ORDER BY id"):
            data = json.loads(record)
            if duplicate_of is not None:
                data.update(status="dropped", reason=f"duplicate-of:{duplicate_of}", output=None, bytes_out=0)
            yield data

    def jsonl_lines(self) -> Iterator[str]:
        """Every kept document's documents.jsonl line, in id order, streamed (no duplicates)."""
        rows = self.db.execute(
            "SELECT jsonl FROM documents WHERE jsonl IS NOT NULL AND duplicate_of IS NULL ORDER BY id"
        )
        for (line,) in rows:
            yield line

    # --- duplicates ---------------------------------------------------------------------------

    def fingerprints(self) -> Iterator[tuple[str, Fingerprint]]:
        """The dedup fingerprint of every kept document."""
        rows = self.db.execute("SELECT id, text_length, text_hash, minhash FROM documents WHERE text_hash IS NOT NULL")
        for doc_id, length, text_hash, signature in rows:
            yield doc_id, Fingerprint(length, text_hash, signature)

    def set_duplicates(self, duplicates: dict[str, str]) -> None:
        """Store which documents duplicate which (replacing what was stored)."""
        self.db.execute("UPDATE documents SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
        self.db.executemany(
            "UPDATE documents SET duplicate_of = ? WHERE id = ?", [(k, d) for d, k in duplicates.items()]
        )
        self.commit()

    def missing_outputs(self, out: Path) -> Iterator[str]:
        """Kept, non-duplicate documents whose text output is not in `out` (to be written again)."""
        for doc_id, record in self.db.execute("SELECT id, record FROM documents WHERE duplicate_of IS NULL"):
            output = json.loads(record).get("output")
            if output and not (out / output).is_file():
                yield doc_id

    def duplicate_clusters(self) -> dict[str, list[str]]:
        """Kept document -> the duplicates dropped in its favour."""
        clusters: dict[str, list[str]] = {}
        for doc_id, keeper in self.db.execute(
            "SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL ORDER BY duplicate_of, id"
        ):
            clusters.setdefault(keeper, []).append(doc_id)
        return clusters

    def history(self) -> list[RunStats]:
        """All runs, oldest first."""
        rows = self.db.execute(
            "SELECT started, seconds, new, changed, unchanged, removed, failed, bytes_in, bytes_out, interrupted"
            " FROM runs ORDER BY id"
        )
        names = [f.name for f in fields(RunStats)]
        return [RunStats(**{**dict(zip(names, row, strict=True)), "interrupted": bool(row[-1])}) for row in rows]


def _content_changed(path: Path, before: Seen) -> bool:
    """Size and mtime first (cheap); when they differ, the hash decides (a touch is no change)."""
    try:
        stat = path.stat()
        if stat.st_size == before.size and stat.st_mtime_ns == before.mtime_ns:
            return False
        return stat.st_size != before.size or not before.sha256 or file_hash(path) != before.sha256
    except OSError:
        return True  # unreadable now (a broken link, permissions): clean it again to record why
