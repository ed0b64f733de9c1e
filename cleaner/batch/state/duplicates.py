"""Duplicates across the corpus as the state keeps them: each kept document's dedup fingerprint
(stored by pass two) and which documents duplicate which."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.batch.state.store import Store
from cleaner.corpus.dedup import Fingerprint


class Duplicates:
    """The fingerprint columns and `duplicate_of` of the documents table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def fingerprints(self) -> Iterator[tuple[str, Fingerprint]]:
        """The dedup fingerprint of every kept document."""
        rows = self.db.execute("SELECT id, text_length, text_hash, minhash FROM documents WHERE text_hash IS NOT NULL")
        for doc_id, length, text_hash, signature in rows:
            yield doc_id, Fingerprint(length, text_hash, signature)

    def replace(self, duplicates: dict[str, str]) -> None:
        """Store which documents duplicate which (replacing what was stored). Only the rows that
        change are written: each is a change of a report record (schema.py's records_changed)."""
        before = dict(self.db.execute("SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL"))
        self.db.executemany(
            "UPDATE documents SET duplicate_of = NULL WHERE id = ?", [(d,) for d in before if d not in duplicates]
        )
        self.db.executemany(
            "UPDATE documents SET duplicate_of = ? WHERE id = ?",
            [(k, d) for d, k in duplicates.items() if before.get(d) != k],
        )
        self.store.commit()

    def clusters(self) -> dict[str, list[str]]:
        """Kept document -> the duplicates dropped in its favour."""
        clusters: dict[str, list[str]] = {}
        for doc_id, keeper in self.db.execute(
            "SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL ORDER BY duplicate_of, id"
        ):
            clusters.setdefault(keeper, []).append(doc_id)
        return clusters
