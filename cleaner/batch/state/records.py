"""The stored record of a cleaned document: a small, explicit, versioned encoding (compressed
JSON), never a pickle. A stored record is data that is read back, never code that is run.

It holds what pass two and the report pages need of a document (its fields, blocks with the
reasons of their removal, model scores, removals) and its dedup fingerprint; not what only the
cleaning needed (the raw bytes, the source text, the line hints), nor what the state keeps in
columns beside it (the site-config host). Decoding checks the version first: a record of any
other version raises RecordError naming it, and its input is cleaned again.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from cleaner.corpus.dedup import Fingerprint
from cleaner.document import (
    Block,
    BlockKind,
    BlockScore,
    Decoding,
    Document,
    Origin,
    Reason,
    Removal,
    Status,
)

#: The shape of a stored record; bumped whenever it changes. It continues the numbering of the
#: document records stored before (1 and 2), so no older row can pass for this shape.
#: 3: the state's own encoding (records.py), without the fields only the cleaning needs.
#: 4: the document's author (a Full-Text RSS site config's `author` directive).
VERSION = 4

#: Document fields stored as the JSON values they are (str, int, float or None).
PLAIN_FIELDS = (
    "id",
    "source",
    "part",
    "charset",
    "size",
    "content_size",
    "mtime_ns",
    "sha256",
    "input_format",
    "title",
    "url",
    "date",
    "author",
    "language",
    "language_score",
    "reason",
)

#: Document fields not stored: only the cleaning needs them (emptied before a document leaves its
#: worker), or the state keeps them in a column of its own (rule_host).
NOT_STORED = ("raw", "source_text", "line_hints", "rule_host")


class RecordError(ValueError):
    """A stored record this version cannot read: another record version, or damaged data."""


def encode(doc: Document, fingerprint: Fingerprint | None) -> bytes:
    """A cleaned document and its dedup fingerprint as a compressed, versioned JSON record."""
    record = {"version": VERSION, "document": _document(doc), "fingerprint": _fingerprint(fingerprint)}
    return zlib.compress(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def decode(data: bytes) -> tuple[Document, Fingerprint | None]:
    """What encode() stored; RecordError if it is of another version or damaged."""
    try:
        record = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError) as exc:  # JSON and UTF-8 errors are ValueErrors
        raise RecordError(f"damaged stored record: {type(exc).__name__}: {exc}") from None
    version = record.get("version") if isinstance(record, dict) else None
    if type(version) is not int or version != VERSION:  # 3.0 == 3: the type is checked too
        raise RecordError(f"stored record of version {version!r}; this cleaner reads version {VERSION}")
    try:
        return _read_document(record["document"]), _read_fingerprint(record["fingerprint"])
    except (KeyError, TypeError, ValueError) as exc:  # binascii.Error (base64) is a ValueError
        raise RecordError(f"damaged stored record: {type(exc).__name__}: {exc}") from None


def _document(doc: Document) -> dict[str, Any]:
    """A document's stored fields as JSON data."""
    decoding = doc.decoding
    return {
        **{name: getattr(doc, name) for name in PLAIN_FIELDS},
        "status": doc.status.value,
        "decoding": [decoding.encoding, decoding.method, decoding.repairs, decoding.warnings] if decoding else None,
        "blocks": [[b.text, b.line, b.kind.value, b.indent, _reason(b.removed)] for b in doc.blocks],
        # a score's strongest features are for `explain`, which cleans again: not stored
        "scores": [[line, s.score, s.keep] for line, s in sorted(doc.scores.items())],
        "stripped": [_removal(r) for r in doc.stripped],
        "removed_elements": [_removal(r) for r in doc.removed_elements],
    }


def _read_document(data: dict[str, Any]) -> Document:
    """What _document() gave."""
    decoding = data["decoding"]
    return Document(
        **{name: data[name] for name in PLAIN_FIELDS},
        status=Status(data["status"]),
        decoding=Decoding(decoding[0], decoding[1], list(decoding[2]), list(decoding[3])) if decoding else None,
        blocks=[
            Block(text, line, BlockKind(kind), indent, _read_reason(removed))
            for text, line, kind, indent, removed in data["blocks"]
        ],
        scores={line: BlockScore(score, keep) for line, score, keep in data["scores"]},
        stripped=[_read_removal(r) for r in data["stripped"]],
        removed_elements=[_read_removal(r) for r in data["removed_elements"]],
    )


def _reason(reason: Reason | None) -> list[str] | None:
    """A reason as [origin, name]."""
    return [reason.origin.value, reason.name] if reason is not None else None


def _read_reason(data: list[str] | None) -> Reason | None:
    """What _reason() gave."""
    if data is None:
        return None
    origin, name = data
    return Reason(Origin(origin), name)


def _removal(removal: Removal) -> list[Any]:
    """A removal as [line, text, reason, chars]."""
    return [removal.line, removal.text, _reason(removal.reason), removal.chars]


def _read_removal(data: list[Any]) -> Removal:
    """What _removal() gave."""
    line, text, reason, chars = data
    read = _read_reason(reason)
    if read is None:
        raise ValueError("a removal without a reason")
    return Removal(line, text, read, int(chars))


def _fingerprint(fingerprint: Fingerprint | None) -> list[Any] | None:
    """A fingerprint as [length, text hash, signature]: the MinHash signature's bytes (its
    uint32 array as datasketch holds it) in base64, compact and exact."""
    if fingerprint is None:
        return None
    signature = fingerprint.signature
    return [
        fingerprint.length,
        fingerprint.text_hash,
        base64.b64encode(signature).decode() if signature is not None else None,
    ]


def _read_fingerprint(data: list[Any] | None) -> Fingerprint | None:
    """What _fingerprint() gave."""
    if data is None:
        return None
    length, text_hash, signature = data
    return Fingerprint(length, text_hash, base64.b64decode(signature, validate=True) if signature is not None else None)
