"""Run state in OUTPUT/.cleaner/state.sqlite: what each input was when it was last cleaned, its
outputs and record, and one row per run. It makes re-runs incremental and interrupted runs resumable.

A document's row is committed only after its outputs are in place, so after a crash the database
never claims an output that is not there; at worst a file is cleaned again, with the same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from cleaner.corpus import templates
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import RECORD_VERSION, Document, RecordError
from cleaner.io.atomic import file_hash
from cleaner.report.write import Plan, RunStats, SiteTemplate

STATE_DIR = ".cleaner"
DB_NAME = "state.sqlite"
#: The database and the files SQLite keeps beside it in WAL mode (all removed by --rebuild-state).
DB_FILES = ("", "-wal", "-shm")
LOCK_NAME = "lock"

#: Changed files are committed in batches: one transaction per file is slow on big corpora, and
#: a crash costs at most this many files cleaned again.
COMMIT_EVERY = 50

#: The fingerprint of documents stored while the rest of their input file is still being cleaned.
INCOMPLETE = "incomplete"

#: Rows read at a time where a run walks every document and updates some of them on the way.
PAGE_ROWS = 1000

#: Bumped when the tables change: an older database is rebuilt (its documents cleaned again).
SCHEMA_VERSION = 5

#: Columns added to the runs table after it first shipped (its rows are kept across upgrades).
RUN_COLUMNS_ADDED = ("chars_in", "chars_out")

#: `retry` of a failure caused by the run, not the file (a worker killed, a timeout): the next run
#: cleans its file again. Any other non-NULL `retry` names the limit the failure depended on
#: ('max_bytes=N'): the file is cleaned again when the run's limits differ.
RETRY_ALWAYS = "always"

#: One row per document. `source` is the input file (the id itself, unless the document is a page
#: of a JSONL or WARC file); size, mtime, sha256 and fingerprint are the source's, the same on
#: every row of one source. `cleaned` is the cleaned document before template removal, so that
#: its outputs can be written again without cleaning it again (pack(): JSON, never a pickle), and
#: `version` its document.RECORD_VERSION (a source with a row of another version is cleaned
#: again, so a record is only ever read by the code that wrote its shape); `applied` names the template set
#: its outputs were written with (NULL: not written yet). `lines` holds, per site, the keys of the
#: distinct lines of each document and the hash of its whole set of keys (`page`): the counts that
#: decide a site's template lines count pages, so copies of one page (crawled under several URLs)
#: count once and do not make their own article a template. A site whose
#: documents changed is marked dirty in the same transaction, until its template set is derived again.
#: `rule_host` and `rule_key` are the URL host an HTML page's site configs were looked up for and
#: what that gave (RuleSet.site_key: the covering file and its digest, '' for none): a run cleans a
#: source again when the lookup gives another key now, so a changed site file re-cleans that site's
#: pages only.
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    output TEXT,
    site TEXT NOT NULL,
    cleaned BLOB NOT NULL,
    version INTEGER NOT NULL,
    retry TEXT,
    applied TEXT,
    record TEXT,
    jsonl TEXT,
    text_length INTEGER,
    text_hash TEXT,
    minhash BLOB,
    duplicate_of TEXT,
    rule_host TEXT,
    rule_key TEXT
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_site ON documents (site);
CREATE TABLE IF NOT EXISTS lines (site TEXT NOT NULL, key INTEGER NOT NULL, doc TEXT NOT NULL, page TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lines_site_key ON lines (site, key);
CREATE INDEX IF NOT EXISTS lines_doc ON lines (doc);
CREATE TABLE IF NOT EXISTS dirty_sites (site TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS sites (
    site TEXT PRIMARY KEY,
    documents INTEGER NOT NULL,
    hash TEXT NOT NULL,
    keys BLOB NOT NULL,
    lines TEXT NOT NULL
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
    interrupted INTEGER NOT NULL,
    chars_in INTEGER NOT NULL DEFAULT 0,
    chars_out INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


#: A file's (size, mtime_ns).
Stat = tuple[int, int]


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


@dataclass(frozen=True, slots=True)
class Saved:
    """One cleaned document as pass one stores it."""

    id: str
    seen: Seen  # its source as it was read; `output` is the document's own .txt path
    site: str
    cleaned: bytes  # pack()ed document and fingerprint
    keys: list[int]  # its distinct line keys (templates.document_keys)
    retry: str | None = None  # when a failure is worth cleaning again (see RETRY_ALWAYS)
    rule_host: str | None = None  # the host site configs were looked up for, and what it gave
    rule_key: str = ""


def pack(doc: Document, fingerprint: Fingerprint | None) -> bytes:
    """A cleaned document (without what only the cleaning needed) and its fingerprint, as
    compressed JSON: data that is read back, never code that is run (as a pickle would be)."""
    doc.source_text, doc.line_hints = "", {}
    record = {"document": doc.to_record(), "fingerprint": fingerprint.to_record() if fingerprint else None}
    return zlib.compress(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def unpack(data: bytes) -> tuple[Document, Fingerprint | None]:
    """What pack() stored; RecordError if it is of another record version or damaged."""
    try:
        record = json.loads(zlib.decompress(data))
        doc = Document.from_record(record["document"])
        fingerprint = record["fingerprint"]
        return doc, Fingerprint.from_record(fingerprint) if fingerprint is not None else None
    except RecordError:
        raise
    except (zlib.error, ValueError, KeyError, TypeError) as exc:  # JSON and UTF-8 errors are ValueErrors
        raise RecordError(f"damaged stored document: {type(exc).__name__}: {exc}") from None


class State:
    """The state database of one output folder, held under an exclusive lock while open."""

    def __init__(self, output_dir: Path, read_only: bool = False, rebuild: bool = False) -> None:
        """Open (and lock, unless read_only) the state of output_dir; with rebuild, start it afresh.

        A database that cannot be used raises sqlite3.DatabaseError (the command line names it).
        """
        self.dir = output_dir / STATE_DIR
        self.read_only = read_only
        self.lock_fd: int | None = None  # forked workers must close it (see batch._init_worker)
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
            self.db = db
            self._upgrade()
            db.executescript(SCHEMA)
            db.execute("BEGIN")
            return db
        except BaseException:
            db.close()
            raise

    def _upgrade(self) -> None:
        """Rebuild the document tables of an older schema (the run history stays)."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            self.db.executescript(
                "DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS lines; DROP TABLE IF EXISTS sites;"
            )
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(runs)")}
        for name in RUN_COLUMNS_ADDED if columns else ():  # an older history gains them, with 0
            if name not in columns:
                self.db.execute(f"ALTER TABLE runs ADD COLUMN {name} INTEGER NOT NULL DEFAULT 0")

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

    def __enter__(self) -> State:
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

    # --- what changed -----------------------------------------------------------------------

    def seen(self, limits: str = "") -> dict[str, Seen]:
        """Every input file the state knows, by its id (a container's output is None). A file counts
        as incomplete (it is cleaned again) if a document of it is stored in another record version,
        failed by the run (RETRY_ALWAYS), or failed by a limit other than the run's `limits`."""
        rows = self.db.execute(  # rows of one file agree, unless a run stopped half-way through it
            "SELECT source, MAX(size), MAX(mtime_ns), MAX(sha256),"
            " CASE WHEN MIN(fingerprint) = MAX(fingerprint) AND MIN(version) = ? AND MAX(version) = ?"
            " AND NOT MAX(COALESCE(retry = ? OR retry != ?, 0)) THEN MAX(fingerprint) ELSE ? END,"
            " MAX(CASE WHEN id = source THEN output END) FROM documents GROUP BY source",
            (RECORD_VERSION, RECORD_VERSION, RETRY_ALWAYS, limits, INCOMPLETE),
        )
        return {r[0]: Seen(*r[1:]) for r in rows}

    def plan(
        self,
        inputs: Iterable[tuple[str, Path, str | None, Stat | None]],
        fingerprint: str,
        full: bool,
        limits: str = "",
        outdated: frozenset[str] = frozenset(),
    ) -> Plan:
        """Sort input files (id, path, planned output, (size, mtime_ns) if already read, else None)
        into new, changed and unchanged; find removed ones. `outdated` sources count as changed
        (their site configs changed)."""
        known = self.seen(limits)
        plan = Plan()
        current = set()
        for doc_id, path, output, stat in inputs:
            current.add(doc_id)
            before = known.get(doc_id)
            if before is None:
                plan.new.append(doc_id)
            elif (
                full
                or doc_id in outdated
                or before.fingerprint != fingerprint
                or before.output != output
                or _content_changed(path, before, stat)
            ):
                plan.changed.append(doc_id)
            else:
                plan.unchanged.append(doc_id)
        plan.removed = sorted(set(known) - current)
        return plan

    def rule_keys(self) -> Iterator[tuple[str, str, str]]:
        """(source, host, key) of every HTML page with a URL host, once per source and host."""
        yield from self.db.execute(
            "SELECT DISTINCT source, rule_host, COALESCE(rule_key, '') FROM documents"
            " WHERE rule_host IS NOT NULL ORDER BY source"
        )

    def output_of(self, doc_id: str) -> str | None:
        """The output path recorded for a document, if any."""
        row = self.db.execute("SELECT output FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def outputs_of_source(self, source: str) -> list[str]:
        """The output paths of an input file's documents."""
        return [output for _, output in self.stale(source, set()) if output]

    # --- recording ---------------------------------------------------------------------------

    def save_pages(self, source: str, documents: list[Saved]) -> None:
        """Pass one: store documents just cleaned from an input file (outputs not written yet).

        Their fingerprint is INCOMPLETE until complete_source(): a run that stops before the
        last part of a file is cleaned leaves the file planned as changed, never half-known.
        """
        for saved in documents:
            seen = saved.seen
            self._forget_rows("id = ?", saved.id)
            self.db.execute(
                "INSERT INTO documents (id, source, size, mtime_ns, sha256, fingerprint, output, site, cleaned,"
                " version, retry, rule_host, rule_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    saved.id,
                    source,
                    seen.size,
                    seen.mtime_ns,
                    seen.sha256,
                    INCOMPLETE,
                    seen.output,
                    saved.site,
                    saved.cleaned,
                    RECORD_VERSION,
                    saved.retry,
                    saved.rule_host,
                    saved.rule_key,
                ),
            )
            page = templates.set_hash(saved.keys)
            self.db.executemany(
                "INSERT INTO lines VALUES (?, ?, ?, ?)", [(saved.site, key, saved.id, page) for key in saved.keys]
            )
            self._mark_dirty(saved.site)
        self._tick()

    def complete_source(self, source: str, stale: list[str], fingerprint: str) -> None:
        """Every part of an input file is stored: forget its `stale` documents, the pages it no
        longer has (their outputs must already be removed), and mark the rest cleaned with `fingerprint`."""
        for doc_id in stale:
            self._forget_rows("id = ?", doc_id)
        self.db.execute("UPDATE documents SET fingerprint = ? WHERE source = ?", (fingerprint, source))
        self._tick()

    def stale(self, source: str, ids: set[str]) -> list[tuple[str, str | None]]:
        """The documents (id, output) stored for an input file that are not among `ids`."""
        rows = self.db.execute("SELECT id, output FROM documents WHERE source = ? ORDER BY id", (source,))
        return [(doc_id, output) for doc_id, output in rows.fetchall() if doc_id not in ids]

    def forget_source(self, source: str) -> None:
        """Drop an input file that is gone, with its documents (their outputs must already be removed)."""
        self._forget_rows("source = ?", source)
        self._tick()

    def _forget_rows(self, where: str, value: str) -> None:
        """Delete documents (and their line keys), noting their sites as touched."""
        rows = self.db.execute(f"SELECT id, site FROM documents WHERE {where}", (value,)).fetchall()
        for doc_id, site in rows:
            self._mark_dirty(site)
            self.db.execute("DELETE FROM lines WHERE doc = ?", (doc_id,))
        self.db.execute(f"DELETE FROM documents WHERE {where}", (value,))

    def _mark_dirty(self, site: str) -> None:
        """Note that a site's documents changed: its template set must be derived again."""
        self.db.execute("INSERT OR IGNORE INTO dirty_sites VALUES (?)", (site,))

    def finish(
        self, doc_id: str, applied: str, record: dict, jsonl: str | None, fingerprint: Fingerprint | None
    ) -> None:
        """Pass two: record a document's outputs, written with template set `applied` (already in place)."""
        fp = fingerprint
        self.db.execute(
            "UPDATE documents SET applied = ?, record = ?, jsonl = ?, text_length = ?, text_hash = ?, minhash = ?"
            " WHERE id = ?",
            (
                applied,
                json.dumps(record, ensure_ascii=False, sort_keys=True),
                jsonl,
                fp.length if fp else None,
                fp.text_hash if fp else None,
                fp.signature if fp else None,
                doc_id,
            ),
        )
        self._tick()

    def load(self, doc_id: str) -> tuple[Document, Fingerprint | None, str | None, str]:
        """A stored cleaned document: it, its fingerprint, its output path and its site.

        A record that cannot be read (RecordError: damaged, or planted by hand) marks its input
        file to be cleaned again by the next run, and the error is raised for the caller.
        """
        cleaned, output, site, source = self.db.execute(
            "SELECT cleaned, output, site, source FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        try:
            return (*unpack(cleaned), output, site)
        except RecordError:
            self.db.execute("UPDATE documents SET fingerprint = ? WHERE source = ?", (INCOMPLETE, source))
            raise

    # --- site templates --------------------------------------------------------------------------

    def update_templates(self, thresholds: templates.Thresholds | None) -> None:
        """Derive the template set of every dirty site (of every site if the thresholds changed)."""
        now = [thresholds.min_docs, thresholds.min_share] if thresholds else None
        query = "SELECT site FROM dirty_sites"
        if self.meta("templates") != now:
            query = "SELECT DISTINCT site FROM documents UNION SELECT site FROM dirty_sites"
        for (site,) in self.db.execute(query + " ORDER BY site").fetchall():
            self._derive(site, thresholds)
        self.db.execute("DELETE FROM dirty_sites")
        self.set_meta("templates", now)
        self.commit()

    def _derive(self, site: str, thresholds: templates.Thresholds | None) -> None:
        """Store one site's template set, with an example of each line for the report."""
        (documents,) = self.db.execute("SELECT COUNT(DISTINCT page) FROM lines WHERE site = ?", (site,)).fetchone()
        cut = thresholds.cut(documents) if thresholds else None
        rows: list[tuple[int, int, str]] = []
        if cut is not None:
            rows = self.db.execute(
                "SELECT key, COUNT(DISTINCT page), MIN(doc) FROM lines WHERE site = ? GROUP BY key"
                " HAVING COUNT(DISTINCT page) >= ?",
                (site, cut),
            ).fetchall()
        keys = frozenset(key for key, _, _ in rows)
        texts = self._examples(rows)
        lines = sorted(((n, texts[key]) for key, n, _ in rows), key=lambda nl: (-nl[0], nl[1]))
        self.db.execute(
            "INSERT OR REPLACE INTO sites VALUES (?, ?, ?, ?, ?)",
            (site, documents, templates.set_hash(keys), _pack_keys(keys), json.dumps(lines, ensure_ascii=False)),
        )

    def _examples(self, rows: list[tuple[int, int, str]]) -> dict[int, str]:
        """Each template key's line as the first document (by id) that has it says it."""
        texts: dict[int, str] = {}
        for doc_id in sorted({first for _, _, first in rows}):
            try:
                blocks = self.load(doc_id)[0].blocks
            except RecordError:
                continue  # cleaned again by the next run; the line shows without its example here
            for block in blocks:
                texts.setdefault(templates.line_key(block.text), block.text)
        return {key: texts.get(key, "") for key, _, _ in rows}

    def site_template(self, site: str) -> SiteTemplate:
        """A site's current template set (empty for a site never derived)."""
        row = self.db.execute("SELECT documents, hash, keys, lines FROM sites WHERE site = ?", (site,)).fetchone()
        if row is None:
            return SiteTemplate(site, 0, templates.set_hash(()), frozenset(), [])
        documents, set_hash, keys, lines = row
        return SiteTemplate(site, documents, set_hash, _unpack_keys(keys), [tuple(x) for x in json.loads(lines)])

    def site_templates(self) -> Iterator[SiteTemplate]:
        """Every site that has template lines, by name."""
        for (site,) in self.db.execute("SELECT site FROM sites WHERE lines != '[]' ORDER BY site").fetchall():
            yield self.site_template(site)

    def rewrite_all(self) -> None:
        """Mark every document's outputs for writing again (the output format changed)."""
        self.db.execute("UPDATE documents SET applied = NULL")
        self.commit()

    def unfinished(self) -> Iterator[str]:
        """Documents whose outputs are not written, or were written with another template set."""
        query = (
            "SELECT d.id FROM documents d LEFT JOIN sites s ON s.site = d.site"
            " WHERE (d.applied IS NULL OR d.applied IS NOT s.hash) AND d.id > ? ORDER BY d.id LIMIT ?"
        )
        for (doc_id,) in self._paged(query):
            yield doc_id

    def _paged(self, query: str) -> Iterator[tuple]:
        """The rows of a query on documents `... AND id > ? ORDER BY id LIMIT ?`, a page at a time:
        memory stays bounded, and the caller may update the rows it was given."""
        last = ""
        while rows := self.db.execute(query, (last, PAGE_ROWS)).fetchall():
            yield from rows
            last = rows[-1][0]

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
            " interrupted, chars_in, chars_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                stats.chars_in,
                stats.chars_out,
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
        """Every finished document's report record, in id order, streamed (a duplicate shows as dropped)."""
        for record, duplicate_of in self.db.execute(
            "SELECT record, duplicate_of FROM documents WHERE record IS NOT NULL ORDER BY id"
        ):
            data = json.loads(record)
            if duplicate_of is not None:
                data.update(status="dropped", reason=f"duplicate-of:{duplicate_of}", output=None, bytes_out=0)
            yield data

    def record_ids(self) -> Iterator[str]:
        """The id of every finished document, in id order, streamed."""
        for (doc_id,) in self.db.execute("SELECT id FROM documents WHERE record IS NOT NULL ORDER BY id"):
            yield doc_id

    def output_rows(self, first: str = "", last: str | None = None) -> Iterator[tuple[str, str, str, str, int]]:
        """Every kept, non-duplicate document with first <= id <= last, in id order, streamed: id, its
        documents.jsonl line, site, input file and the file's mtime (what writers.base.Row holds)."""
        yield from self.db.execute(
            "SELECT id, jsonl, site, source, mtime_ns FROM documents WHERE jsonl IS NOT NULL AND duplicate_of IS NULL"
            " AND id >= ? AND (? IS NULL OR id <= ?) ORDER BY id",
            (first, last, last),
        )

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
        query = (  # the output read by SQLite and checked as a string: a Path and a JSON parse per
            # document were most of this on a no-op run
            "SELECT id, json_extract(record, '$.output') FROM documents WHERE duplicate_of IS NULL"
            " AND record IS NOT NULL AND id > ? ORDER BY id LIMIT ?"
        )
        folder = os.path.join(out, "")
        for doc_id, output in self._paged(query):
            if output and not os.path.isfile(folder + output):
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
            "SELECT started, seconds, new, changed, unchanged, removed, failed, bytes_in, bytes_out, interrupted,"
            " chars_in, chars_out FROM runs ORDER BY id"
        )
        names = [f.name for f in fields(RunStats)]
        return [RunStats(**{**dict(zip(names, row, strict=True)), "interrupted": bool(row[9])}) for row in rows]

    def pages_with_line(self, site: str, key: int, limit: int) -> list[str]:
        """The first `limit` documents (by id) of a site that carry the line with this key."""
        rows = self.db.execute(
            "SELECT DISTINCT doc FROM lines WHERE site = ? AND key = ? ORDER BY doc LIMIT ?", (site, key, limit)
        )
        return [doc for (doc,) in rows]


def _pack_keys(keys: Iterable[int]) -> bytes:
    """A set of line keys as bytes, sorted."""
    return b"".join(key.to_bytes(8, "big") for key in sorted(keys))


def _unpack_keys(data: bytes) -> frozenset[int]:
    """What _pack_keys stored."""
    return frozenset(int.from_bytes(data[i : i + 8], "big") for i in range(0, len(data), 8))


def _stat(path: Path) -> Stat:
    """A file's (size, mtime_ns)."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _content_changed(path: Path, before: Seen, stat: Stat | None) -> bool:
    """Size and mtime first (cheap; from discovery's stat when given); when they differ, the hash
    decides (a touch is no change)."""
    try:
        size, mtime_ns = stat if stat is not None else _stat(path)
        if size == before.size and mtime_ns == before.mtime_ns:
            return False
        return size != before.size or not before.sha256 or file_hash(path) != before.sha256
    except OSError:
        return True  # unreadable now (a broken link, permissions): clean it again to record why
