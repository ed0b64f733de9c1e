"""Helpers for the state's tests: documents stored as pass one stores them."""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.batch.state import Saved, Seen, State, encode
from cleaner.corpus import templates
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import Block, Document


def document(doc_id: str, *lines: str) -> Document:
    """A kept document whose blocks are these lines."""
    return Document(doc_id, blocks=[Block(text, n) for n, text in enumerate(lines, 1)])


def saved(
    doc: Document,
    seen: Seen | None = None,
    site: str = "site",
    fingerprint: Fingerprint | None = None,
    keys: Iterable[int] | None = None,
    **more,
) -> Saved:
    """What pass one stores of a document (its line keys by default from its blocks)."""
    seen = seen or Seen(1, 1, "h", "fp", None)
    keys = list(keys) if keys is not None else templates.line_keys(doc)[0]
    return Saved(doc.id, seen, site, encode(doc, fingerprint), keys, **more)


def save_whole(state: State, source: str, documents: list[Saved]) -> None:
    """Store an input file cleaned in one part, as pass one does."""
    state.documents.save_pages(source, documents)
    stale = [d for d, _ in state.planner.stale(source, {d.id for d in documents})]
    state.documents.complete_source(source, stale, documents[0].seen.fingerprint)
