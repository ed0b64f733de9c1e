"""Pyserini's JsonCollection: OUTPUT/pyserini/shard-*.jsonl, {"id", "contents"} and the other fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from cleaner.io.writers.base import OutputRecord, WriterOptions
from cleaner.io.writers.sharded import ShardedWriter


class PyseriniWriter(ShardedWriter):
    """What `python -m pyserini.index.lucene --collection JsonCollection --input OUTPUT/pyserini` indexes."""

    name = "pyserini"
    folder = "pyserini"
    suffix = ".jsonl"

    def render(self, f: IO[bytes], records: Iterator[OutputRecord], options: WriterOptions) -> None:
        """One JSON object per line."""
        for record in records:
            fields = record.as_dict()
            line = {"id": fields.pop("id"), "contents": contents(record), **fields}
            del line["text"]  # contents holds it
            f.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")


def contents(record: OutputRecord) -> str:
    """The title, a blank line, then the text; the text alone when it already opens with its title
    (the cleaner keeps a headline as the first line: it is not indexed twice)."""
    if not record.title or record.text.split("\n", 1)[0].strip() == record.title.strip():
        return record.text
    return f"{record.title}\n\n{record.text}"
