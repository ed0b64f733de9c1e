"""Parquet (pyarrow, zstd): OUTPUT/parquet/shard-*.parquet, one row per document, typed columns."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import IO, Any

from cleaner.io.writers.base import OutputRecord, WriterOptions
from cleaner.io.writers.sharded import ShardedWriter

#: Rows per row group: a reader holds one group at a time; 5,000 pages of text are ~25 MB.
ROW_GROUP = 5_000

#: The columns, in order, and their Arrow types by name (pyarrow is imported only when writing).
COLUMNS = (
    ("id", "string"),
    ("text", "string"),
    ("title", "string"),
    ("url", "string"),
    ("date", "string"),
    ("author", "string"),
    ("language", "string"),
    ("language_score", "float64"),
    ("encoding", "string"),
    ("site", "string"),
    ("kept_lines", "int64"),
    ("removed_lines", "int64"),
    ("source", "string"),
)


class ParquetWriter(ShardedWriter):
    """Parquet shards a dataframe, datasets.load_dataset("parquet", ...) or DuckDB read directly."""

    name = "parquet"
    folder = "parquet"
    suffix = ".parquet"
    extra = "parquet"
    module = "pyarrow"

    def render(self, f: IO[bytes], records: Iterator[OutputRecord], options: WriterOptions) -> None:
        """Write the records in row groups of ROW_GROUP, zstd-compressed."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS])
        with pq.ParquetWriter(f, schema, compression="zstd") as writer:
            while group := list(islice(records, ROW_GROUP)):
                writer.write_table(pa.Table.from_pylist([_row(r) for r in group], schema=schema))


def _row(record: OutputRecord) -> dict[str, Any]:
    """A record's values by column."""
    return {name: getattr(record, name) for name, _ in COLUMNS}
