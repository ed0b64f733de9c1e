"""The site templates: each site's template lines, derived in SQL from the line keys pass one
stored (templates.Thresholds decide the cut), with an example of each line for the report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from cleaner.batch.state.records import RecordError
from cleaner.batch.state.store import Store
from cleaner.corpus import templates
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import Document
from cleaner.report.write import SiteTemplate

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
