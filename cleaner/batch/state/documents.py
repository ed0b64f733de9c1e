"""The stored documents: pass one stores each cleaned document's record and line keys, pass two
records its outputs and report record; the report and the writers read them back, streamed.

A document's row is committed only after its outputs are in place, so after a crash the database
never claims an output that is not there; at worst a file is cleaned again, with the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.batch.state.outputs import Presence
from cleaner.batch.state.plan import Seen
from cleaner.batch.state.records import VERSION as RECORD_VERSION
from cleaner.batch.state.records import RecordError, decode
from cleaner.batch.state.schema import INCOMPLETE
from cleaner.batch.state.store import Store
from cleaner.corpus import templates
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import Document
from cleaner.report.html.index import Entry, Listing
from cleaner.report.html.layout import DOC_DIR, PAGES_DIR, doc_page

#: A path's folder (SQL of it: 'a/b/' of 'a/b/c.txt', '' at the top) is not among those a Presence
#: trusts (the query's first parameter, its trusted_json), or its document was touched since the last reports.
_UNTRUSTED = "({0} NOT IN (SELECT value FROM json_each(?)) OR id IN (SELECT id FROM touched))"
#: An output path's folder: all but its last name (rtrim drops every character but '/' from the right).
_FOLDER = "rtrim({0}, replace({0}, '/', ''))"
#: A report page's folder, one below report-pages/doc/ (layout.doc_page); rtrim's cost grows with the
#: square of a path's length (0.9 s for 100,000 pages against 0.15 s so). A page elsewhere gets a
#: folder no check trusts: it is looked for.
_DOC_PREFIX = len(f"{PAGES_DIR}/{DOC_DIR}/")
_PAGE_FOLDER = f"substr(page, 1, {_DOC_PREFIX} + instr(substr(page, {_DOC_PREFIX + 1}), '/'))"

#: SQL of the name a document's template set is stored under in `sites` (of documents `d`): its
#: group's, if its pages' look-alikes have lines of their own in common, else its site's.
_TEMPLATE_NAME = "COALESCE((SELECT name FROM groups WHERE doc = d.id), d.site)"

#: The meta key of the folders the last check of the outputs found whole (Presence.whole_folders).
WHOLE_FOLDERS = "whole_folders"


@dataclass(frozen=True, slots=True)
class Saved:
    """One cleaned document as pass one stores it."""

    id: str
    seen: Seen  # its source as it was read; `output` is the document's own .txt path
    site: str
    cleaned: bytes  # records.encode()d document and fingerprint
    keys: list[int]  # its distinct line keys (templates.line_keys)
    retry: str | None = None  # when a failure is worth cleaning again (see schema.RETRY_ALWAYS)
    rule_host: str | None = None  # the host site configs were looked up for, and what it gave
    rule_key: str = ""
    chrome: frozenset[int] = frozenset()  # the keys of the lines its own stages removed (templates.line_keys)


class Documents:
    """The documents table and the line keys of each document."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

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
                "INSERT INTO lines VALUES (?, ?, ?, ?, ?)",
                [(saved.site, key, saved.id, page, int(key in saved.chrome)) for key in saved.keys],
            )
            self._mark_dirty(saved.site)
        self.store.tick()

    def complete_source(self, source: str, stale: list[str], fingerprint: str) -> None:
        """Every part of an input file is stored: forget its `stale` documents, the pages it no
        longer has (their outputs must already be removed), and mark the rest cleaned with `fingerprint`."""
        for doc_id in stale:
            self._forget_rows("id = ?", doc_id)
        self.db.execute("UPDATE documents SET fingerprint = ? WHERE source = ?", (fingerprint, source))
        self.store.tick()

    def forget_source(self, source: str) -> None:
        """Drop an input file that is gone, with its documents (their outputs must already be removed)."""
        self._forget_rows("source = ?", source)
        self.store.tick()

    def _forget_rows(self, where: str, value: str) -> None:
        """Delete documents (and their line keys), noting their sites as touched."""
        rows = self.db.execute(f"SELECT id, site FROM documents WHERE {where}", (value,)).fetchall()
        for doc_id, site in rows:
            self._mark_dirty(site)
            self.db.execute("DELETE FROM lines WHERE doc = ?", (doc_id,))
            self.db.execute("DELETE FROM groups WHERE doc = ?", (doc_id,))
        self.db.execute(f"DELETE FROM documents WHERE {where}", (value,))

    def _mark_dirty(self, site: str) -> None:
        """Note that a site's documents changed: its template set must be derived again."""
        self.db.execute("INSERT OR IGNORE INTO dirty_sites VALUES (?)", (site,))

    def load(self, doc_id: str) -> tuple[Document, Fingerprint | None, str | None, str]:
        """A stored cleaned document: it, its fingerprint, its output path and its site (the name
        of its group of look-alike pages, if it is in one: what its template set is stored under).

        A record that cannot be read (RecordError: damaged, or planted by hand) marks its input
        file to be cleaned again by the next run, and the error is raised for the caller.
        """
        cleaned, output, site, source = self.db.execute(
            f"SELECT cleaned, output, {_TEMPLATE_NAME}, source FROM documents d WHERE id = ?", (doc_id,)
        ).fetchone()
        try:
            return (*decode(cleaned), output, site)
        except RecordError:
            self.db.execute("UPDATE documents SET fingerprint = ? WHERE source = ?", (INCOMPLETE, source))
            raise

    def finish(
        self,
        doc_id: str,
        applied: str,
        record: dict,
        jsonl: str | None,
        fingerprint: Fingerprint | None,
        listing: Listing | None = None,
    ) -> None:
        """Pass two: record a document's outputs, written with template set `applied` (already in
        place); `listing`: what the report's lists show of it, rendered from `record`."""
        fp = fingerprint
        row, page, listed = (listing.row, listing.page, listing.listed) if listing is not None else (None, None, None)
        self.db.execute(
            "UPDATE documents SET applied = ?, record = ?, jsonl = ?, text_length = ?, text_hash = ?, minhash = ?,"
            " row = ?, page = ?, listed = ? WHERE id = ?",
            (
                applied,
                json.dumps(record, ensure_ascii=False, sort_keys=True),
                jsonl,
                fp.length if fp else None,
                fp.text_hash if fp else None,
                fp.signature if fp else None,
                row,
                page,
                listed,
                doc_id,
            ),
        )
        self.store.tick()

    def rewrite_all(self) -> None:
        """Mark every document's outputs for writing again (the output format changed)."""
        self.db.execute("UPDATE documents SET applied = NULL")
        self.store.commit()

    def unfinished(self) -> Iterator[str]:
        """Documents whose outputs are not written, or were written with another template set."""
        query = (
            f"SELECT d.id FROM documents d LEFT JOIN sites s ON s.site = {_TEMPLATE_NAME}"
            " WHERE (d.applied IS NULL OR d.applied IS NOT s.hash) AND d.id > ? ORDER BY d.id LIMIT ?"
        )
        for (doc_id,) in self.store.paged(query):
            yield doc_id

    def missing_outputs(self, presence: Presence) -> Iterator[str]:
        """Kept, non-duplicate documents whose text output `presence` does not find (to be written again)."""
        query = (  # the output read by SQLite and checked as a string: a Path and a JSON parse per
            # document were most of this on a no-op run; no row of a folder `presence` trusts
            f"SELECT id, o FROM (SELECT id, json_extract(record, '$.output') AS o FROM documents"
            " WHERE duplicate_of IS NULL AND record IS NOT NULL)"
            f" WHERE o IS NOT NULL AND {_UNTRUSTED.format(_FOLDER.format('o'))}"
            " AND id > ? ORDER BY id LIMIT ?"
        )
        for doc_id, output in self.store.paged(query, (presence.trusted_json(),)):
            if presence.missing(doc_id, output):
                yield doc_id

    def missing_pages(self, presence: Presence) -> list[str]:
        """Finished documents whose report page `presence` does not find (to be written again)."""
        query = (  # a page stored without its record's listing (an older version) is looked for in any case
            "SELECT id, page FROM documents WHERE record IS NOT NULL"
            f" AND (page IS NULL OR {_UNTRUSTED.format(_PAGE_FOLDER)})"
            " AND id > ? ORDER BY id LIMIT ?"
        )
        rows = self.store.paged(query, (presence.trusted_json(),))
        return [doc_id for doc_id, page in rows if presence.missing(doc_id, page or doc_page(doc_id))]

    def presence(self, out: Path) -> Presence:
        """A check of which outputs are in OUTPUT, trusting the folders the last one found whole
        (Presence) unless a document in them was touched since the last reports."""
        touched = frozenset(doc_id for (doc_id,) in self.db.execute("SELECT id FROM touched"))
        return Presence.of(out, self.store.meta(WHOLE_FOLDERS), touched)

    def keep_presence(self, presence: Presence) -> None:
        """Remember the folders a check found whole, for the next one."""
        self.store.set_meta(WHOLE_FOLDERS, presence.whole_folders())

    def records(self) -> Iterator[dict]:
        """Every finished document's report record, in id order, streamed (a duplicate shows as dropped)."""
        return (entry.record for entry in self.entries())

    def entries(self, first: str = "", after: str | None = None) -> Iterator[Entry]:
        """Every finished document as the reports take it (those with first <= id < after, if
        given), in id order, streamed: its record's JSON (parsed only if asked for) and its listing
        as rendered when it was written (a duplicate's is rendered by the reports: it shows as dropped)."""
        for record, duplicate_of, row, page, listed in self.db.execute(
            "SELECT record, duplicate_of, row, page, listed FROM documents WHERE record IS NOT NULL"
            " AND id >= ? AND (? IS NULL OR id < ?) ORDER BY id",
            (first, after, after),
        ):
            if duplicate_of is None and row is not None and page is not None and listed is not None:
                yield Entry(record, Listing(row, page, listed))
            else:
                yield _entry(record, duplicate_of)

    def changes(self, limit: int) -> list[tuple[Entry | None, Entry | None]] | None:
        """How the report records changed since the last reports were written: each changed
        document's entry then and now (None where it had no record), as the reports take it (its
        record's JSON as report.json holds it); None if more than `limit` changed."""
        rows = self.db.execute(
            "SELECT t.record, t.duplicate_of, d.record, d.duplicate_of FROM touched t"
            " LEFT JOIN documents d ON d.id = t.id ORDER BY t.id LIMIT ?",
            (limit + 1,),
        ).fetchall()
        if len(rows) > limit:
            return None
        return [(_entry_or_none(then, then_dup), _entry_or_none(now, now_dup)) for then, then_dup, now, now_dup in rows]

    def fill_listings(self) -> None:
        """Render the listing of every record stored without one (by a version before `listed`)."""
        for doc_id, record in self.db.execute(
            "SELECT id, record FROM documents WHERE record IS NOT NULL AND listed IS NULL"
        ).fetchall():
            listing = Listing.of(json.loads(record))
            self.db.execute(
                "UPDATE documents SET row = ?, page = ?, listed = ? WHERE id = ?",
                (listing.row, listing.page, listing.listed, doc_id),
            )

    def reports_reuse(self) -> tuple[str, str] | None:
        """What the last reports written left for reuse: its key and its JSON (report.write.Reuse)."""
        row = self.db.execute("SELECT key, reuse FROM reports").fetchone()
        return (row[0], row[1]) if row else None

    def keep_reports_reuse(self, key: str, reuse: str) -> None:
        """Remember what the reports just written leave for reuse, and commit (they are in place):
        the records changed before them are in them."""
        self.db.execute("DELETE FROM reports")
        self.db.execute("INSERT INTO reports VALUES (?, ?)", (key, reuse))
        self.db.execute("DELETE FROM touched")
        self.store.commit()

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

    def rule_hosts(self) -> list[str]:
        """The URL hosts site configs were looked up for, over every stored document, sorted."""
        rows = self.db.execute(
            "SELECT DISTINCT rule_host FROM documents WHERE rule_host IS NOT NULL ORDER BY rule_host"
        )
        return [host for (host,) in rows]


def _entry_or_none(record: str | None, duplicate_of: str | None) -> Entry | None:
    """_entry of a record that may be missing (None)."""
    return _entry(record, duplicate_of) if record is not None else None


def _entry(record: str, duplicate_of: str | None) -> Entry:
    """A stored report record as the reports take it, without its listing (a duplicate's is
    rendered from its record as shown: dropped)."""
    return Entry(record) if duplicate_of is None else Entry.of(_shown(record, duplicate_of))


def _shown(record: str, duplicate_of: str | None) -> dict:
    """A stored report record as the reports take it (a duplicate shows as dropped)."""
    data = json.loads(record)
    if duplicate_of is not None:
        data.update(status="dropped", reason=f"duplicate-of:{duplicate_of}", output=None, bytes_out=0)
    return data
