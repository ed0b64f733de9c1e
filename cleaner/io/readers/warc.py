"""WARC containers: each HTML `response` record with a 2xx status is a page (read by
warc_records.py, with warcio).

A page's `part`, and its `key`, is the 1-based number of its record among ALL records of the
WARC (requests, metadata... count too). Any WARC may be gzipped (`.warc.gz`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cleaner.io.readers.base import JsonlFields, Page


class WarcReader:
    """Pages of WARC files: their HTML response records."""

    name = "WARC"
    suffixes = (".warc", ".warc.gz")

    def read(self, path: Path, fields: JsonlFields, limit: int | None) -> Iterator[Page]:
        """The pages of a WARC file (`fields` is JSONL's; a WARC record has its own names)."""
        # warcio (and the fsspec and asyncio it imports) loaded only when a WARC is read: a run
        # with nothing to clean, or none of them, starts 0.1 s sooner
        from cleaner.io.readers.warc_records import read_warc

        return read_warc(path, limit)
