"""What changed since the last run: which inputs are new, changed, unchanged or gone."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cleaner.batch.state.records import VERSION
from cleaner.batch.state.schema import INCOMPLETE, RETRY_ALWAYS
from cleaner.batch.state.store import Store
from cleaner.io.atomic import file_hash
from cleaner.report.write import Plan

#: A file's (size, mtime_ns).
Stat = tuple[int, int]

#: What the state knows of an input file, as a plain tuple: Seen's fields in Seen's order.
Known = tuple[int, int, str, str, str | None]

#: Where an input file is: a string from discovery (a Path per file cost more than its stat).
Where = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Seen:
    """What the state knows of one input from the run that last cleaned it."""

    size: int
    mtime_ns: int
    sha256: str
    fingerprint: str
    output: str | None


class Planner:
    """Compares the inputs of a run with what the state knows of them."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def seen(self, limits: str = "") -> dict[str, Seen]:
        """Every input file the state knows, by its id (a container's output is None). A file counts
        as incomplete (it is cleaned again) if a document of it is stored in another record version,
        failed by the run (RETRY_ALWAYS), or failed by a limit other than the run's `limits`."""
        return {source: Seen(*row) for source, row in self._known(limits).items()}

    def _known(self, limits: str) -> dict[str, Known]:
        """seen()'s (size, mtime_ns, sha256, fingerprint, output) rows as plain tuples, in one query
        (a Seen per file cost more than the query at 100,000 files)."""
        rows = self.db.execute(  # rows of one file agree, unless a run stopped half-way through it
            "SELECT source, MAX(size), MAX(mtime_ns), MAX(sha256),"
            " CASE WHEN MIN(fingerprint) = MAX(fingerprint) AND MIN(version) = ? AND MAX(version) = ?"
            " AND NOT MAX(COALESCE(retry = ? OR retry != ?, 0)) THEN MAX(fingerprint) ELSE ? END,"
            " MAX(CASE WHEN id = source THEN output END) FROM documents GROUP BY source",
            (VERSION, VERSION, RETRY_ALWAYS, limits, INCOMPLETE),
        )
        return {row[0]: row[1:] for row in rows}

    def plan(
        self,
        inputs: Iterable[tuple[str, Where, str | None, Stat | None]],
        fingerprint: str,
        full: bool,
        limits: str = "",
        outdated: frozenset[str] = frozenset(),
    ) -> Plan:
        """Sort input files (id, path, planned output, (size, mtime_ns) if already read, else None)
        into new, changed and unchanged; find removed ones. `outdated` sources count as changed
        (their site configs changed, see outdated())."""
        known = self._known(limits)
        plan = Plan()
        current = set()
        for doc_id, path, output, stat in inputs:
            current.add(doc_id)
            before = known.get(doc_id)
            if before is None:
                plan.new.append(doc_id)
            elif (
                full
                or before[3] != fingerprint
                or before[4] != output
                or doc_id in outdated
                or _content_changed(path, before, stat)
            ):
                plan.changed.append(doc_id)
            else:
                plan.unchanged.append(doc_id)
        plan.removed = sorted(set(known) - current)
        return plan

    def outdated(self, site_key: Callable[[str], str]) -> frozenset[str]:
        """The inputs with a page whose site configs now give another key (site_key of its URL
        host) than when it was cleaned: its site file changed, appeared or went. Each host is
        looked up once (a hash, not a parse)."""
        now: dict[str, str] = {}
        outdated = set()
        for source, host, key in self.db.execute(
            "SELECT DISTINCT source, rule_host, COALESCE(rule_key, '') FROM documents"
            " WHERE rule_host IS NOT NULL ORDER BY source"
        ):
            if host not in now:
                now[host] = site_key(host)
            if now[host] != key:
                outdated.add(source)
        return frozenset(outdated)

    def output_of(self, doc_id: str) -> str | None:
        """The output path recorded for a document, if any."""
        row = self.db.execute("SELECT output FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def outputs_of_source(self, source: str) -> list[str]:
        """The output paths of an input file's documents."""
        return [output for _, output in self.stale(source, set()) if output]

    def stale(self, source: str, ids: set[str]) -> list[tuple[str, str | None]]:
        """The documents (id, output) stored for an input file that are not among `ids`."""
        rows = self.db.execute("SELECT id, output FROM documents WHERE source = ? ORDER BY id", (source,))
        return [(doc_id, output) for doc_id, output in rows.fetchall() if doc_id not in ids]


def _stat(path: Where) -> Stat:
    """A file's (size, mtime_ns)."""
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


def _content_changed(path: Where, before: Known, stat: Stat | None) -> bool:
    """Size and mtime first (cheap; from discovery's stat when given); when they differ, the hash
    decides (a touch is no change). `before`: the state's (size, mtime_ns, sha256, ...) of it."""
    try:
        size, mtime_ns = stat if stat is not None else _stat(path)
        if size == before[0] and mtime_ns == before[1]:
            return False
        return size != before[0] or not before[2] or file_hash(path) != before[2]
    except OSError:
        return True  # unreadable now (a broken link, permissions): clean it again to record why
