"""documents.jsonl: one file, one line per kept document, the fields of corpus.jsonl_record."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cleaner import identity
from cleaner.document import Document
from cleaner.io.atomic import atomic_writer
from cleaner.io.writers.base import Context

#: Where the state remembers the digest of the rows documents.jsonl was last written from.
META_KEY = "written:jsonl"


class JsonlWriter:
    """OUTPUT/documents.jsonl, written whole from the stored lines (a contract with external scorers)."""

    name = "jsonl"
    extra: str | None = None
    module: str | None = None

    def write(self, out: Path, context: Context) -> None:
        """Write every kept, non-duplicate document's stored line in id order, unless none changed."""
        path = out / JSONL_NAME
        digest = json.dumps([identity.code_digest(), *(s.digest for s in context.shards)])
        digest = hashlib.sha256(digest.encode("utf-8")).hexdigest()[:32]
        if context.store.meta(META_KEY) == digest and path.is_file():
            return
        with atomic_writer(path) as f:
            for row in context.store.output_rows():
                f.write(row[1].encode("utf-8") + b"\n")
        context.store.set_meta(META_KEY, digest)

    def remove(self, out: Path) -> None:
        """Remove documents.jsonl."""
        (out / JSONL_NAME).unlink(missing_ok=True)


JSONL_NAME = "documents.jsonl"


def jsonl_record(doc: Document) -> dict:
    """The documents.jsonl object for one kept document (a contract with external scorers)."""
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "url": doc.url,
        "date": doc.date,
        "language": doc.language,
        "language_score": doc.language_score,
        "encoding": doc.decoding.encoding if doc.decoding else None,
        "kept_lines": doc.kept_lines,
        "removed_lines": len(doc.removals),
    }
