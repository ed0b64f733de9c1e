"""Per-file records, mergeable totals, and the two reports: report.json and report.html."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .document import Document, Status
from .state import Plan, RunStats, SiteTemplate

#: How many rows the HTML report shows in its "top" tables and charts.
TOP_N = 15
#: How many failed or dropped files the HTML report lists (all are in report.json).
MAX_LISTED = 200
#: How many template lines per site the HTML report shows (all are in report.json).
TEMPLATE_EXAMPLES = 5
#: How many past runs the HTML report shows.
HISTORY_ROWS = 30


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
            removed_lines=len(doc.removals),
            removed_elements=len(doc.removed_elements),
            removed_by_reason=dict(sorted(Counter(str(r.reason) for r in doc.removals + doc.removed_elements).items())),
            output=output,
            site=site,
        )


@dataclass(slots=True)
class Totals:
    """Run totals that merge: `a + b` adds counts, so partial runs combine."""

    files: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    bytes_out: int = 0
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
            elif record["bytes_in"]:
                lost.append(record)
                if len(lost) > 4 * TOP_N:  # trim now and then: memory stays bounded
                    lost = sorted(lost, key=_loss)[:TOP_N]
        summary.most_lost = sorted(lost, key=_loss)[:TOP_N]
        return summary


def _loss(record: dict) -> tuple[float, str]:
    """Sort key: the share of the input that survived, smallest first; then the id."""
    return record["bytes_out"] / record["bytes_in"], record["id"]


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
) -> Summary:
    """Write report.json and report.html, atomically, streaming the records from the state.

    Pass the records' Summary when the caller already has it, to spare a pass over them.
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
    write_atomic(folder / "report.html", render_html(head, summary).encode("utf-8"))
    return summary


# --- report.html: a self-contained page; charts are inline SVG, so it works offline and without JS


def render_html(head: dict, summary: Summary) -> str:
    """The human-readable report as one HTML page."""
    t = head["totals"]
    statuses = t["statuses"]
    run = head["run"]
    totals = [
        ("Files", t["files"]),
        ("Kept", statuses.get("kept", 0)),
        ("Dropped", statuses.get("dropped", 0)),
        ("Failed", statuses.get("failed", 0)),
        ("Skipped", sum(head["skipped"].values())),
        (
            "This run: new / changed / unchanged / removed",
            f"{run['new']} / {run['changed']} / {run['unchanged']} / {run['removed']}",
        ),
        ("Bytes in", f"{t['bytes_in']:,}"),
        ("Bytes out", f"{t['bytes_out']:,}"),
        ("Lines kept", f"{t['kept_lines']:,}"),
        ("Lines removed", f"{t['removed_lines']:,}"),
    ]
    top_reasons = list(t["removed_by_reason"].items())[:TOP_N]
    not_kept = summary.not_kept
    more = statuses.get("failed", 0) + statuses.get("dropped", 0) - len(not_kept)
    history = head["history"][-HISTORY_ROWS:]
    parts = [
        _HEAD,
        "<h2>Totals</h2>",
        _table(["", ""], totals, header=False),
        "<h2>Languages</h2>",
        _bar_chart(list(t["languages"].items())[:TOP_N], "Kept documents by language"),
        "<h2>Top removal reasons</h2>",
        _bar_chart(top_reasons, "Removed lines by reason"),
        _table(["Reason", "Lines removed"], top_reasons),
        "<h2>Files that lost the most</h2>",
        _table(
            ["File", "Bytes in", "Bytes out", "Kept", "Lines removed"],
            [
                (d["id"], d["bytes_in"], d["bytes_out"], f"{d['bytes_out'] / d['bytes_in']:.0%}", d["removed_lines"])
                for d in summary.most_lost
            ],
        ),
        "<h2>Failed and dropped files</h2>",
        _table(["File", "Status", "Reason"], [(d["id"], d["status"], d["reason"]) for d in not_kept])
        + (f"<p>… and {more:,} more in report.json.</p>" if more > 0 else "")
        if not_kept
        else "<p>None.</p>",
        "<h2>Duplicate clusters</h2>",
        _table(
            ["Kept document", "Duplicates dropped"],
            [(keeper, ", ".join(dups)) for keeper, dups in list(head["duplicates"].items())[:MAX_LISTED]],
        )
        if head["duplicates"]
        else "<p>None (or --dedup off).</p>",
        "<h2>Site templates</h2>",
        _table(
            ["Site", "Pages", "Template lines", "Most frequent (pages carrying it)"],
            [
                (
                    site,
                    t["documents"],
                    len(t["lines"]),
                    " · ".join(f"{x['text'][:60]} ({x['documents']})" for x in t["lines"][:TEMPLATE_EXAMPLES]),
                )
                for site, t in list(head["templates"].items())[:MAX_LISTED]
            ],
        )
        if head["templates"]
        else "<p>None (no site has lines on enough of its pages, or --templates off).</p>",
        "<h2>Run history</h2>",
        _bar_chart([(h["started"], h["new"] + h["changed"]) for h in history], "Files cleaned per run"),
        _table(
            [
                "Started (UTC)",
                "Seconds",
                "New",
                "Changed",
                "Unchanged",
                "Removed",
                "Failed",
                "Bytes in",
                "Bytes out",
                "Interrupted",
            ],
            [
                (
                    h["started"],
                    h["seconds"],
                    h["new"],
                    h["changed"],
                    h["unchanged"],
                    h["removed"],
                    h["failed"],
                    f"{h['bytes_in']:,}",
                    f"{h['bytes_out']:,}",
                    "yes" if h["interrupted"] else "",
                )
                for h in reversed(history)
            ],
        ),
        "<h2>Encodings</h2>",
        _table(["Encoding", "Files"], list(t["encodings"].items())),
        "<h2>Skipped inputs</h2>",
        _table(["Why", "Files"], list(head["skipped"].items())) if head["skipped"] else "<p>None.</p>",
        "</main></body></html>\n",
    ]
    return "\n".join(parts)


def _table(headers: list[str], rows: list, header: bool = True) -> str:
    """An HTML table with escaped cells."""
    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def _bar_chart(items: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart as inline SVG (no script, no network)."""
    if not items:
        return "<p>No data.</p>"
    bar_h, gap, label_w, width = 18, 6, 260, 720
    top = max(v for _, v in items) or 1
    rows = []
    for n, (label, value) in enumerate(items):
        y = n * (bar_h + gap)
        w = max(1, int((width - label_w - 60) * value / top))
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{html.escape(str(label))[:40]}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="2"/>'
            f'<text x="{label_w + w + 6}" y="{y + 13}">{value:,}</text>'
        )
    height = len(items) * (bar_h + gap)
    return (
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{html.escape(title)}</title>{"".join(rows)}</svg>'
    )


_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cleaner report</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0; background: #fff; }
td, th { border: 1px solid #dde1e8; padding: 4px 10px; text-align: left; vertical-align: top; }
td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #1d2330; }
svg.chart rect { fill: #3f7cc2; }
.meta { color: #5b6475; }
</style></head>
<body><main>
<h1>cleaner report</h1>
<p class="meta">The same data, for programs: <a href="report.json">report.json</a>.</p>"""
