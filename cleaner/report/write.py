"""Writing the reports: report.json (every record, streamed), report.html and its lists and pages.

Also the run types the batch hands them: its plan, its history rows and the site templates."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cleaner.identity import __version__
from cleaner.io.atomic import atomic_writer, write_atomic
from cleaner.report.html.home import Summary, render_html
from cleaner.report.html.index import Lists, PagesOf, write_lists, write_site_pages
from cleaner.report.html.pages import sweep_document_pages
from cleaner.rules.formats.ftr import Skips


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """A site's template set: its documents, the set's hash, its keys and (count, example) lines."""

    site: str
    documents: int
    hash: str
    keys: frozenset[int]
    lines: list[tuple[int, str]]


@dataclass(slots=True)
class Plan:
    """What a run has to do: input files to clean (new or changed), to keep, and to forget."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def todo(self) -> set[str]:
        """The ids that must be cleaned in this run."""
        return set(self.new) | set(self.changed)


@dataclass(frozen=True, slots=True)
class RunStats:
    """One row of the run history."""

    started: str
    seconds: float
    new: int
    changed: int
    unchanged: int
    removed: int
    failed: int
    bytes_in: int
    bytes_out: int
    interrupted: bool
    chars_in: int = 0  # characters, what the kept share is measured in (0: a run before they were counted)
    chars_out: int = 0


def write_reports(
    folder: Path,
    settings: dict,
    records: Callable[[], Iterable[dict]],
    plan: Plan,
    skipped: dict[str, int],
    history: list[RunStats],
    duplicates: dict[str, list[str]] | None = None,
    site_templates: list[SiteTemplate] | None = None,
    summary: Summary | None = None,
    pages_of: PagesOf | None = None,
    site_skips: Skips | None = None,
) -> Summary:
    """Write report.json, report.html and its lists and site pages, atomically, streaming the
    records from the state; remove the pages of documents that are gone (document pages
    themselves are written in pass two, report_pages.write_document_page).

    Pass the records' Summary when the caller already has it, to spare a pass over them;
    pages_of gives the documents that carry a template line (State.pages_with_line); site_skips,
    what the Full-Text RSS site files of the corpus's hosts could not use.
    """
    summary = summary or Summary.of(records())
    head = {
        "cleaner_version": __version__,
        "settings": settings,
        "run": {
            "new": len(plan.new),
            "changed": len(plan.changed),
            "unchanged": len(plan.unchanged),
            "removed": len(plan.removed),
        },
        "totals": summary.totals.as_dict(),
        "skipped": skipped,
        "site_configs_skipped": _site_skips(site_skips or Skips()),
        "history": [asdict(h) for h in history],
        "duplicates": duplicates or {},
        "templates": {
            t.site: {"documents": t.documents, "lines": [{"text": text, "documents": n} for n, text in t.lines]}
            for t in site_templates or []
        },
    }
    with atomic_writer(folder / "report.json") as f:
        f.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2].encode() + b',\n "documents": [')
        for n, record in enumerate(records()):
            f.write((",\n  " if n else "\n  ").encode() + json.dumps(record, ensure_ascii=False).encode())
        f.write(b"\n ]\n}\n")
    lists = Lists.of(records())
    write_lists(folder, lists)
    write_site_pages(folder, [(t.site, t.documents, t.lines) for t in site_templates or []], pages_of or _no_pages)
    sweep_document_pages(folder, {page for _, _, page in lists.search})
    write_atomic(folder / "report.html", render_html(head, summary, lists).encode("utf-8"))
    return summary


def _site_skips(skips: Skips) -> dict:
    """The site files and lines skipped, counted and listed with the file, line, directive and why."""
    return {
        "files": len(skips.files),
        "lines": len(skips.lines),
        "skipped": [asdict(s) for s in (*skips.files, *skips.lines)],
    }


def _no_pages(site: str, line: str, limit: int) -> list[str]:
    """No documents known to carry a template line (a report written without the state)."""
    return []
