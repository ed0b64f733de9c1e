"""The dolma / datatrove document shape: OUTPUT/dolma/documents/shard-*.jsonl.gz."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import IO

from cleaner.io.writers.base import OutputRecord, WriterOptions
from cleaner.io.writers.sharded import ShardedWriter

#: The `source` of every document: the dolma name of the process that made the collection.
SOURCE = "cleaner"


class DolmaWriter(ShardedWriter):
    """Gzipped JSONL that dolma's taggers and mixer, and datatrove's JsonlReader, read as they are."""

    name = "dolma"
    folder = "dolma/documents"
    suffix = ".jsonl.gz"

    def render(self, f: IO[bytes], records: Iterator[OutputRecord], options: WriterOptions) -> None:
        """One document per line, gzipped without a time stamp or name (the same bytes every run)."""
        with gzip.GzipFile(fileobj=f, mode="wb", filename="", mtime=0) as z:
            for record in records:
                z.write(json.dumps(document(record), ensure_ascii=False).encode("utf-8") + b"\n")


def document(record: OutputRecord) -> dict[str, object]:
    """A record as a dolma document: id, text, source, added, created, and the rest as metadata."""
    metadata = record.as_dict()
    for key in ("id", "text", "added"):
        del metadata[key]
    return {
        "id": record.id,
        "text": record.text,
        "source": SOURCE,
        "added": record.added,
        "created": record.date,
        "metadata": metadata,
    }
