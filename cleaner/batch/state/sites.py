"""The site templates: each site's template lines, derived in SQL from the line keys pass one
stored (templates.Thresholds decide the cut), with an example of each line for the report; and
within each site, the groups of look-alike pages with lines of their own in common."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from cleaner.batch.state.records import RecordError
from cleaner.batch.state.store import Store
from cleaner.corpus import templates
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import Document
from cleaner.report.write import SiteTemplate

#: The lines of a site, and of a group of its pages (SQL FROM and WHERE, for the site's or the group's name).
_SITE_LINES = "lines l WHERE l.site = ?"
_GROUP_LINES = "groups g JOIN lines l ON l.doc = g.doc WHERE g.name = ?"

#: Reads a stored document by id (Documents.load; RecordError if its record cannot be read).
Load = Callable[[str], tuple[Document, Fingerprint | None, str | None, str]]


class TemplateStore:
    """The lines, dirty_sites and sites tables: which lines recur across a site's pages."""

    def __init__(self, store: Store, load: Load) -> None:
        self.store = store
        self.db = store.db
        self.load = load

    def update(self, thresholds: templates.Thresholds | None) -> None:
        """Derive the template set of every dirty site (of every site if the thresholds changed)."""
        now = [thresholds.min_docs, thresholds.min_share] if thresholds else None
        query = "SELECT site FROM dirty_sites"
        if self.store.meta("templates") != now:
            query = "SELECT DISTINCT site FROM documents UNION SELECT site FROM dirty_sites"
        for (site,) in self.db.execute(query + " ORDER BY site").fetchall():
            self._derive(site, thresholds)
        self.db.execute("DELETE FROM dirty_sites")
        self.store.set_meta("templates", now)
        self.store.commit()

    def _derive(self, site: str, thresholds: templates.Thresholds | None) -> None:
        """Store one site's template set, and its groups', with an example of each line for the report."""
        self._forget_groups(site)
        documents = self._pages(_SITE_LINES, site)
        cut = thresholds.cut(documents) if thresholds else None
        rows = self._counts(_SITE_LINES, site, cut) if cut is not None else []
        self._store(site, documents, rows)
        if thresholds is not None and cut is not None:  # a site too small for a template has no group big enough
            self._derive_groups(site, thresholds, frozenset(key for key, _, _ in rows))

    def _derive_groups(self, site: str, thresholds: templates.Thresholds, site_keys: frozenset[int]) -> None:
        """Group a site's pages by their chrome; a group with template lines the site has not gets its own set."""
        chrome = self.db.execute("SELECT doc, key FROM lines WHERE site = ? AND chrome = 1 ORDER BY doc, key", (site,))
        members: dict[str, list[str]] = {}
        for doc, first in templates.group_pages(templates.keys_by_page(chrome)).items():
            members.setdefault(first, []).append(doc)
        for first, docs in members.items():
            if len(docs) < thresholds.min_docs:
                continue
            name = templates.group_name(site, first)
            self.db.executemany("INSERT INTO groups VALUES (?, ?, ?)", [(doc, site, name) for doc in docs])
            pages = self._pages(_GROUP_LINES, name)
            cut = thresholds.cut(pages)
            rows = self._counts(_GROUP_LINES, name, cut) if cut is not None else []
            if {key for key, _, _ in rows} <= site_keys:  # nothing of its own: its pages keep the site's set
                self.db.execute("DELETE FROM groups WHERE name = ?", (name,))
            else:
                self._store(name, pages, rows, site_keys)

    def _pages(self, lines: str, name: str) -> int:
        """How many pages (copies counted once) the lines of a site or group are on."""
        return self.db.execute(f"SELECT COUNT(DISTINCT l.page) FROM {lines}", (name,)).fetchone()[0]

    def _counts(self, lines: str, name: str, cut: int) -> list[tuple[int, int, str]]:
        """(key, pages, first document) of each line on at least `cut` pages of a site or group."""
        query = f"SELECT l.key, COUNT(DISTINCT l.page), MIN(l.doc) FROM {lines} GROUP BY l.key"
        query += " HAVING COUNT(DISTINCT l.page) >= ?"
        return self.db.execute(query, (name, cut)).fetchall()

    def _forget_groups(self, site: str) -> None:
        """Drop a site's groups and their template sets (before they are derived again)."""
        self.db.execute("DELETE FROM sites WHERE site IN (SELECT DISTINCT name FROM groups WHERE site = ?)", (site,))
        self.db.execute("DELETE FROM groups WHERE site = ?", (site,))

    def _store(
        self, name: str, documents: int, rows: list[tuple[int, int, str]], also: frozenset[int] = frozenset()
    ) -> None:
        """Store a template set (of a site or a group) from its (key, pages, first document) rows;
        a group's removes its site's lines (`also`) too, and lists its own."""
        keys = frozenset(key for key, _, _ in rows) | also
        texts = self._examples(rows)
        lines = sorted(((n, texts[key]) for key, n, _ in rows), key=lambda nl: (-nl[0], nl[1]))
        self.db.execute(
            "INSERT OR REPLACE INTO sites VALUES (?, ?, ?, ?, ?)",
            (name, documents, templates.set_hash(keys), _pack_keys(keys), json.dumps(lines, ensure_ascii=False)),
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

    def pages_with_line(self, site: str, key: int, limit: int) -> list[str]:
        """The first `limit` documents (by id) of a site (or a group) that carry the line with this key."""
        is_group = self.db.execute("SELECT 1 FROM groups WHERE name = ? LIMIT 1", (site,)).fetchone()
        lines = _GROUP_LINES if is_group else _SITE_LINES
        query = f"SELECT DISTINCT l.doc FROM {lines} AND l.key = ? ORDER BY l.doc LIMIT ?"
        return [doc for (doc,) in self.db.execute(query, (site, key, limit))]


def _pack_keys(keys: Iterable[int]) -> bytes:
    """A set of line keys as bytes, sorted."""
    return b"".join(key.to_bytes(8, "big") for key in sorted(keys))


def _unpack_keys(data: bytes) -> frozenset[int]:
    """What _pack_keys stored."""
    return frozenset(int.from_bytes(data[i : i + 8], "big") for i in range(0, len(data), 8))
