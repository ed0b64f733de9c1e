"""Elasticsearch / OpenSearch _bulk NDJSON: OUTPUT/es-bulk/shard-*.ndjson, an action line then the source."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import IO

from cleaner.io.writers.base import OutputRecord, WriterOptions
from cleaner.io.writers.sharded import ShardedWriter

#: Elasticsearch refuses an _id over 512 bytes; a longer id becomes its SHA-256 (the source keeps it whole).
MAX_ID_BYTES = 512


class EsBulkWriter(ShardedWriter):
    """What `curl -H 'Content-Type: application/x-ndjson' --data-binary @FILE HOST/_bulk` loads."""

    name = "es-bulk"
    folder = "es-bulk"
    suffix = ".ndjson"

    def options_key(self, options: WriterOptions) -> object:
        """The index name is in every action line."""
        return options.index_name

    def render(self, f: IO[bytes], records: Iterator[OutputRecord], options: WriterOptions) -> None:
        """Two lines per document, each ending in a newline (as _bulk requires of the last one too)."""
        for record in records:
            action = {"index": {"_index": options.index_name, "_id": bulk_id(record.id)}}
            f.write(json.dumps(action, ensure_ascii=False).encode("utf-8") + b"\n")
            f.write(json.dumps(record.as_dict(), ensure_ascii=False).encode("utf-8") + b"\n")


def bulk_id(doc_id: str) -> str:
    """The document's _id: its id, or the id's SHA-256 when the id is longer than MAX_ID_BYTES."""
    encoded = doc_id.encode("utf-8")
    return doc_id if len(encoded) <= MAX_ID_BYTES else hashlib.sha256(encoded).hexdigest()
