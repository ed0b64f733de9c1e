"""Run state in OUTPUT/.cleaner/state.sqlite: what each input was when it was last cleaned, its
documents, their outputs and records, the site templates, and one row per run. It makes re-runs
incremental and interrupted runs resumable.

State is the database of one output folder: a Store (the connection, lock, schema, remembered
values and run history) with one part per concern:

- `planner` (plan.py): what changed since the last run;
- `documents` (documents.py): the stored records (records.py), outputs and report records;
- `templates` (sites.py): the site templates, derived in SQL;
- `duplicates` (duplicates.py): dedup fingerprints and clusters.

It is also the writers' RecordStore (output_rows, meta, set_meta).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cleaner.batch.state.documents import Documents, Saved
from cleaner.batch.state.duplicates import Duplicates
from cleaner.batch.state.plan import Planner, Seen, Stat
from cleaner.batch.state.records import RecordError, decode, encode
from cleaner.batch.state.schema import INCOMPLETE, RETRY_ALWAYS, SCHEMA_VERSION
from cleaner.batch.state.sites import TemplateStore
from cleaner.batch.state.store import DB_NAME, STATE_DIR, LockedError, Store
from cleaner.report.write import Plan, RunStats, SiteTemplate

__all__ = [
    "DB_NAME",
    "INCOMPLETE",
    "RETRY_ALWAYS",
    "SCHEMA_VERSION",
    "STATE_DIR",
    "LockedError",
    "Plan",
    "RecordError",
    "RunStats",
    "Saved",
    "Seen",
    "SiteTemplate",
    "Stat",
    "State",
    "decode",
    "encode",
]


class State(Store):
    """The state database of one output folder (locked while open), with its parts."""

    def __init__(self, output_dir: Path, read_only: bool = False, rebuild: bool = False) -> None:
        """Open (and lock, unless read_only) the state of output_dir; see Store."""
        super().__init__(output_dir, read_only, rebuild)
        self.planner = Planner(self)
        self.documents = Documents(self)
        self.templates = TemplateStore(self, self.documents.load)
        self.duplicates = Duplicates(self)

    def output_rows(self, first: str = "", last: str | None = None) -> Iterator[tuple[str, str, str, str, int]]:
        """The writers' rows (Documents.output_rows)."""
        return self.documents.output_rows(first, last)
