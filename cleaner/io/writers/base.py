"""What every output writer shares: the record it renders, where records come from, its interface.

Writers render from the records the state stores (pass two), never from a cleaning: adding or
dropping a format cleans nothing again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

#: One stored row of a kept document: id, its documents.jsonl line, site, input file, file mtime (ns).
Row = tuple[str, str, str, str, int]


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """One kept document as every format renders it: documents.jsonl's fields and a few beside."""

    id: str
    text: str
    title: str | None
    url: str | None
    date: str | None
    author: str | None
    language: str | None
    language_score: float | None
    encoding: str | None
    site: str
    kept_lines: int
    removed_lines: int
    source: str | None  # the JSONL or WARC file a page came from; None for a file of its own
    added: str  # the input file's mtime (UTC, ISO 8601): stable from run to run, unlike the run's time

    @classmethod
    def of(cls, row: Row) -> OutputRecord:
        """The record of a stored row."""
        doc_id, line, site, source, mtime_ns = row
        return cls.of_fields(doc_id, json.loads(line), site, source, mtime_ns)

    @classmethod
    def of_fields(cls, doc_id: str, data: dict[str, Any], site: str, source: str, mtime_ns: int) -> OutputRecord:
        """The record of a document's documents.jsonl fields, its site, input file and the file's mtime."""
        added = datetime.fromtimestamp(mtime_ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        score = data["language_score"]
        return cls(
            id=doc_id,
            text=data["text"],
            title=data["title"],
            url=data["url"],
            date=data["date"],
            author=data["author"],
            language=data["language"],
            language_score=float(score) if score is not None else None,
            encoding=data["encoding"],
            site=site,
            kept_lines=data["kept_lines"],
            removed_lines=data["removed_lines"],
            source=source if source != doc_id else None,
            added=added,
        )

    def as_dict(self) -> dict[str, Any]:
        """Every field by name, in declaration order (the other formats' columns and metadata)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """The run options that shape an output but not the clean text (so not in the fingerprint)."""

    index_name: str = "cleaner"  # es-bulk: the _index of every action line


class RecordStore(Protocol):
    """Where writers read stored records (state.State) and remember what they wrote."""

    def output_rows(self, first: str = "", last: str | None = None) -> Iterator[Row]:
        """Kept, non-duplicate documents' rows with first <= id <= last, in id order, streamed."""
        ...

    def meta(self, key: str) -> object:
        """A remembered value, or None."""
        ...

    def set_meta(self, key: str, value: object) -> None:
        """Remember a value (JSON)."""
        ...


class Format(Protocol):
    """What every output format says of itself: its name and the optional extra it needs."""

    @property
    def name(self) -> str:
        """The format's name, as --format gives it."""
        ...

    @property
    def extra(self) -> str | None:
        """The optional extra it needs (pip install 'cleaner[EXTRA]'), None if none."""
        ...

    @property
    def module(self) -> str | None:
        """The module that extra brings (looked for before a run starts)."""
        ...


class Writer(Format, Protocol):
    """One output format over the whole corpus: brings its files in OUTPUT up to date with the stored records."""

    def write(self, out: Path, context: Context) -> None:
        """Write (or bring up to date) this format's files in out from the stored records."""
        ...

    def remove(self, out: Path) -> None:
        """Remove this format's files from out (the format is no longer asked for)."""
        ...


class DocumentWriter(Format, Protocol):
    """A format of one file per kept document, at the document's own output path (the .txt tree).

    Pass two writes a document's file from its stored record (its site's template lines removed)
    as it finishes the document, before the document's state is committed: a run killed at any
    moment never leaves the state claiming a file that is not there. So only the documents pass
    two writes (new, changed, or whose site's template set changed) are written again; a file of
    a document dropped, deduplicated or deleted since is removed, and switching the format on or
    off has pass two write every document again from the stored records.
    """

    def write_document(self, out: Path, target: str, record: OutputRecord) -> None:
        """Write one kept document's file at its output path `target` (relative to out)."""
        ...

    def remove_document(self, out: Path, target: str) -> None:
        """Remove the file of the document whose output path is `target`, if it is there."""
        ...


#: A shard holds at most this many documents, or this many bytes of documents.jsonl lines
#: (the issue's "about 100,000 documents or 256 MB per shard, whichever comes first").
MAX_DOCS = 100_000
MAX_BYTES = 256 * 1024 * 1024
#: A document whose id hashes to 0 modulo CUT_EVERY begins a new shard. The boundaries so follow the
#: ids themselves, not positions: a document added or removed changes its own shard only, and every
#: other shard keeps its name and its bytes. Half of MAX_DOCS: shards average ~43,000 documents, and
#: one in seven reaches MAX_DOCS (exp(-2)) and is cut there.
CUT_EVERY = 50_000


@dataclass(frozen=True, slots=True)
class Shard:
    """A run of consecutive stored documents (by id) rendered into one file of each sharded format."""

    name: str  # 'shard-' and a hash of its first id: stable while that document is there
    first: str
    last: str
    digest: str  # of its rows: a shard whose rows are unchanged is not written again


def plan_shards(store: RecordStore) -> list[Shard]:
    """Cut the stored documents (in id order) into shards, and digest each shard's rows."""
    shards: list[Shard] = []
    first = last = ""
    count = size = 0
    digest = hashlib.sha256()
    for row in store.output_rows():
        doc_id, line = row[0], row[1]
        length = len(line.encode("utf-8"))
        if count and (_cuts(doc_id) or count >= MAX_DOCS or size + length > MAX_BYTES):
            shards.append(_shard(first, last, digest))
            count = size = 0
            digest = hashlib.sha256()
        if not count:
            first = doc_id
        last, count, size = doc_id, count + 1, size + length
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
    if count:
        shards.append(_shard(first, last, digest))
    return shards


def _cuts(doc_id: str) -> bool:
    """True if a document begins a shard by its id alone (see CUT_EVERY)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") % CUT_EVERY == 0


def _shard(first: str, last: str, digest: Any) -> Shard:
    """A finished shard."""
    name = "shard-" + hashlib.sha256(first.encode("utf-8")).hexdigest()[:12]
    return Shard(name, first, last, digest.hexdigest())


class Context:
    """What a run gives its writers: the stored records, the options, and the shards (planned once)."""

    def __init__(self, store: RecordStore, options: WriterOptions) -> None:
        self.store, self.options = store, options

    @functools.cached_property
    def shards(self) -> list[Shard]:
        """The shards of this run, shared by every sharded format (so their files hold the same documents)."""
        return plan_shards(self.store)

    def records(self, first: str = "", last: str | None = None) -> Iterator[OutputRecord]:
        """The stored records with first <= id <= last, in id order, streamed."""
        return (OutputRecord.of(row) for row in self.store.output_rows(first, last))
