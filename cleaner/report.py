"""Per-file records, mergeable totals, and the two reports: report.json and report.html."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .document import Document, Status
from .report_charts import SHARE_BINS, share_bin
from .report_home import MAX_LISTED, TOP_N, render_html
from .report_index import Lists, PagesOf, write_lists, write_site_pages
from .report_pages import sweep_document_pages
from .state import Plan, RunStats, SiteTemplate

#: report.html's page is rendered in report_home (its parts beside it: report_charts,
#: report_index, report_pages, report_layout); render_html stays importable from here.
__all__ = ["MAX_LISTED", "TOP_N", "Record", "Summary", "Totals", "render_html", "write_reports"]


@dataclass(frozen=True, slots=True)
class Record:
    """What happened to one input file: the report's unit, one per file."""

    id: str
    status: str
    reason: str | None
    input_format: str
    encoding: str | None
    encoding_method: str | None
    repairs: tuple[str, ...]
    warnings: tuple[str, ...]
    language: str | None
    language_score: float | None
    title: str | None
    url: str | None
    date: str | None
    bytes_in: int
    bytes_out: int
    kept_lines: int
    removed_lines: int
    removed_elements: int  # HTML elements cut by selector rules before extraction
    removed_by_reason: dict[str, int]
    output: str | None
    site: str | None  # what its template lines are counted against (templates.site_of)
    chars_in: int = 0  # characters of all the text judged (Document.seen_chars): sizes are in characters
    chars_out: int = 0  # characters of the kept lines

    @classmethod
    def of(cls, doc: Document, bytes_out: int, output: str | None, site: str | None = None) -> Record:
        """The record of a processed document."""
        decoding = doc.decoding
        return cls(
            id=doc.id,
            status=doc.status.value,
            reason=doc.reason,
            input_format=doc.input_format,
            encoding=decoding.encoding if decoding else None,
            encoding_method=decoding.method if decoding else None,
            repairs=tuple(decoding.repairs) if decoding else (),
            warnings=tuple(decoding.warnings) if decoding else (),
            language=doc.language,
            language_score=doc.language_score,
            title=doc.title,
            url=doc.url,
            date=doc.date,
            bytes_in=doc.content_size or doc.size,
            bytes_out=bytes_out,
            kept_lines=doc.kept_lines if doc.status is Status.KEPT else 0,
            removed_lines=len(doc.removals) + len(doc.removed_elements),  # an element is a removed line too
            removed_elements=len(doc.removed_elements),
            removed_by_reason=dict(sorted(Counter(str(r.reason) for r in doc.removals + doc.removed_elements).items())),
            output=output,
            site=site,
            chars_in=doc.seen_chars,
            chars_out=doc.kept_chars if doc.status is Status.KEPT else 0,
        )


@dataclass(slots=True)
class Totals:
    """Run totals that merge: `a + b` adds counts, so partial runs combine."""

    files: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    bytes_out: int = 0
    chars_in: int = 0
    chars_out: int = 0
    kept_lines: int = 0
    removed_lines: int = 0
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, record: dict) -> Totals:
        """The totals of a single record (as stored: a dict of Record's fields)."""
        totals = cls()
        totals.add(record)
        return totals

    def add(self, record: dict) -> None:
        """Count one record in, in place (a new Totals per record was most of a no-op run's report)."""
        self.files += 1
        self.statuses[record["status"]] += 1
        self.bytes_in += record["bytes_in"]
        self.bytes_out += record["bytes_out"]
        self.chars_in += record.get("chars_in", 0)
        self.chars_out += record.get("chars_out", 0)
        self.kept_lines += record["kept_lines"]
        self.removed_lines += record["removed_lines"]
        self.removed_by_reason.update(record["removed_by_reason"])
        if record["status"] == Status.KEPT.value and record["language"]:
            self.languages[record["language"]] += 1
        if record["encoding"]:
            self.encodings[record["encoding"]] += 1

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            files=self.files + other.files,
            statuses=self.statuses + other.statuses,
            bytes_in=self.bytes_in + other.bytes_in,
            bytes_out=self.bytes_out + other.bytes_out,
            chars_in=self.chars_in + other.chars_in,
            chars_out=self.chars_out + other.chars_out,
            kept_lines=self.kept_lines + other.kept_lines,
            removed_lines=self.removed_lines + other.removed_lines,
            removed_by_reason=self.removed_by_reason + other.removed_by_reason,
            languages=self.languages + other.languages,
            encodings=self.encodings + other.encodings,
        )

    def as_dict(self) -> dict:
        """A JSON-ready dict, counters sorted for byte-identical reports."""
        out: dict = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, Counter):
                value = dict(sorted(value.items(), key=lambda kv: (-kv[1], kv[0])))
            out[name] = value
        for status in Status:
            out["statuses"].setdefault(status.value, 0)
        return out


@dataclass(slots=True)
class Summary:
    """What the reports show of all records, gathered in one streaming pass."""

    totals: Totals = field(default_factory=Totals)
    most_lost: list[dict] = field(default_factory=list)  # kept files with the smallest out/in ratio
    not_kept: list[dict] = field(default_factory=list)  # failed and dropped files, the first MAX_LISTED
    kept_shares: list[int] = field(default_factory=lambda: [0] * SHARE_BINS)  # kept documents per tenth kept

    @classmethod
    def of(cls, records: Iterable[dict]) -> Summary:
        """Totals and top lists over records, holding only TOP_N and MAX_LISTED of them."""
        summary = cls()
        lost: list[dict] = []
        for record in records:
            summary.totals.add(record)
            if record["status"] != Status.KEPT.value:
                if len(summary.not_kept) < MAX_LISTED:
                    summary.not_kept.append(record)
            elif record.get("chars_in"):
                summary.kept_shares[share_bin(record["chars_out"], record["chars_in"])] += 1
                lost.append(record)
                if len(lost) > 4 * TOP_N:  # trim now and then: memory stays bounded
                    lost = sorted(lost, key=_loss)[:TOP_N]
        summary.most_lost = sorted(lost, key=_loss)[:TOP_N]
        return summary


def _loss(record: dict) -> tuple[float, str]:
    """Sort key: the share of the text that survived (in characters), smallest first; then the id."""
    return record["chars_out"] / record["chars_in"], record["id"]


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
) -> Summary:
    """Write report.json, report.html and its lists and site pages, atomically, streaming the
    records from the state; remove the pages of documents that are gone (document pages
    themselves are written in pass two, report_pages.write_document_page).

    Pass the records' Summary when the caller already has it, to spare a pass over them;
    pages_of gives the documents that carry a template line (State.pages_with_line).
    """
    from .corpus import atomic_writer, write_atomic

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


def _no_pages(site: str, line: str, limit: int) -> list[str]:
    """No documents known to carry a template line (a report written without the state)."""
    return []
