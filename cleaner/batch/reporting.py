"""The reports of a run, from the state: written whole, worked out from the few records that
changed since the last ones, or, when none did, only what carries the run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from cleaner import identity
from cleaner.batch.config import as_record
from cleaner.batch.settings import Settings
from cleaner.batch.state import Plan, RunStats, SiteTemplate, State
from cleaner.corpus import templates
from cleaner.report.html.home import Summary
from cleaner.report.html.index import Entry, Lists
from cleaner.report.totals import Totals
from cleaner.report.write import Gathered, Patch, Reuse, gather, write_reports
from cleaner.rules.formats.ftr import Skips

#: Changed report records up to which the reports' summary is worked out from them and the last
#: one (each costs two reads of a record; gathering it from every record costs one per document).
MAX_CHANGES = 10_000


def report_run(
    state: State,
    settings: Settings,
    plan: Plan,
    skipped: dict[str, int],
    run_row: Callable[[Totals], RunStats],
    site_skips: Skips | None = None,
) -> Totals:
    """Add this run to the history (its row: run_row of the totals over every current document)
    and write the reports (site_skips: what the corpus's Full-Text RSS site files could not use);
    the totals."""
    out = settings.output_dir
    site_templates = list(state.templates.site_templates())
    key = _key(site_templates)
    kept = state.documents.reports_reuse()
    reuse = Reuse.of_json(*kept) if kept is not None else None
    changes = state.documents.changes(MAX_CHANGES) if reuse is not None and reuse.holds(out, key) else None
    gathered = patch = None
    if reuse is not None and changes == []:
        summary = reuse.summary  # no record changed: only what carries the run is written
    elif reuse is not None and changes and (patch := Patch.of(reuse.summary, changes, state.documents.entries)):
        summary = patch.summary  # changed in place: those records and the list pages they are on
    else:
        gathered = _gathered(state, reuse.summary if reuse is not None else None, changes)
        summary, reuse = gathered.summary, None
    state.add_run(run_row(summary.totals))
    state.set_meta("settings", as_record(settings))
    reuse = write_reports(
        out,
        as_record(settings),
        state.documents.entries,
        plan,
        skipped,
        state.history(),
        state.duplicates.clusters(),
        site_templates,
        gathered=gathered,
        pages_of=lambda site, line, limit: state.templates.pages_with_line(site, templates.line_key(line), limit),
        key=key,
        reuse=reuse,
        site_skips=site_skips,
        patch=patch,
    )
    state.documents.keep_reports_reuse(key, reuse.as_json())
    return summary.totals


def _gathered(state: State, last: Summary | None, changes: list[tuple[Entry | None, Entry | None]] | None) -> Gathered:
    """The summary and the lists: the summary worked out from the last one and the changes when it
    can be, else gathered from every record; the lists from the listings the state keeps."""
    summary = None
    if last is not None and changes is not None:
        summary = last.updated([(_record(then), _record(now)) for then, now in changes])
    if summary is None:
        state.documents.fill_listings()
        return gather(state.documents.entries())
    return Gathered(summary, Lists.of_entries(state.documents.entries()))  # no record read


def _record(entry: Entry | None) -> dict | None:
    """An entry's record (None for none)."""
    return entry.record if entry is not None else None


def _key(site_templates: list[SiteTemplate]) -> str:
    """What the reports depend on besides the records (whose changes the state's `touched` holds)."""
    sites = [(t.site, t.documents, t.hash, t.lines) for t in site_templates]
    data = json.dumps([identity.code_digest(), sites], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
