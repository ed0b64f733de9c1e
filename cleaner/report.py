"""Per-file records, mergeable totals, and the two reports: report.json and report.html."""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .config import Settings
from .document import Document, Status

#: How many rows the HTML report shows in its "top" tables and charts.
TOP_N = 15


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

    @classmethod
    def of(cls, doc: Document, bytes_out: int, output: str | None) -> Record:
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
            bytes_in=doc.size,
            bytes_out=bytes_out,
            kept_lines=doc.kept_lines if doc.status is Status.KEPT else 0,
            removed_lines=len(doc.removals),
            removed_elements=len(doc.removed_elements),
            removed_by_reason=dict(
                sorted(Counter(str(r.reason) for r in doc.removals + doc.removed_elements).items())
            ),
            output=output,
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
    def of(cls, record: Record) -> Totals:
        """The totals of a single record."""
        return cls(
            files=1,
            statuses=Counter([record.status]),
            bytes_in=record.bytes_in,
            bytes_out=record.bytes_out,
            kept_lines=record.kept_lines,
            removed_lines=record.removed_lines,
            removed_by_reason=Counter(record.removed_by_reason),
            languages=Counter([record.language]) if record.status == Status.KEPT.value and record.language else Counter(),
            encodings=Counter([record.encoding]) if record.encoding else Counter(),
        )

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
class Report:
    """All records of a run, their totals, and what was skipped."""

    settings: Settings
    skipped: Counter[str] = field(default_factory=Counter)
    records: list[Record] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)

    def add(self, record: Record) -> None:
        """Add one file's record."""
        self.records.append(record)
        self.totals = self.totals + Totals.of(record)

    @property
    def failed(self) -> list[Record]:
        """The records of files that could not be processed."""
        return [r for r in self.records if r.status == Status.FAILED.value]

    def as_dict(self) -> dict:
        """The whole report as JSON-ready data, in a deterministic order."""
        s = self.settings
        return {
            "cleaner_version": __version__,
            "settings": {
                "input": str(s.input_dir),
                "output": str(s.output_dir),
                "rules": [str(p) for p in s.rules_dirs],
                "format": s.format,
                "languages": list(s.languages),
                "input_format": s.input_format,
                "max_bytes": s.max_bytes,
            },
            "totals": self.totals.as_dict(),
            "skipped": dict(sorted(self.skipped.items())),
            "documents": [asdict(r) for r in sorted(self.records, key=lambda r: r.id)],
        }

    def write(self, folder: Path) -> None:
        """Write report.json and report.html into the folder, atomically."""
        from .corpus import write_atomic

        data = self.as_dict()
        write_atomic(folder / "report.json", (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
        write_atomic(folder / "report.html", render_html(data).encode("utf-8"))


# --- report.html: a self-contained page; charts are inline SVG, so it works offline and without JS


def render_html(data: dict) -> str:
    """The human-readable report as one HTML page."""
    t = data["totals"]
    docs = data["documents"]
    statuses = t["statuses"]
    lost = sorted(
        (d for d in docs if d["status"] == "kept" and d["bytes_in"]),
        key=lambda d: (d["bytes_out"] / d["bytes_in"], d["id"]),
    )[:TOP_N]
    failures = [d for d in docs if d["status"] != "kept"]
    summary = [
        ("Files", t["files"]),
        ("Kept", statuses.get("kept", 0)),
        ("Dropped", statuses.get("dropped", 0)),
        ("Failed", statuses.get("failed", 0)),
        ("Skipped", sum(data["skipped"].values())),
        ("Bytes in", f"{t['bytes_in']:,}"),
        ("Bytes out", f"{t['bytes_out']:,}"),
        ("Lines kept", f"{t['kept_lines']:,}"),
        ("Lines removed", f"{t['removed_lines']:,}"),
    ]
    top_reasons = list(t["removed_by_reason"].items())[:TOP_N]
    parts = [
        _HEAD,
        "<h2>Totals</h2>",
        _table(["", ""], summary, header=False),
        "<h2>Languages</h2>",
        _bar_chart(list(t["languages"].items())[:TOP_N], "Kept documents by language"),
        "<h2>Top removal reasons</h2>",
        _bar_chart(top_reasons, "Removed lines by reason"),
        _table(["Reason", "Lines removed"], top_reasons),
        "<h2>Files that lost the most</h2>",
        _table(
            ["File", "Bytes in", "Bytes out", "Kept", "Lines removed"],
            [(d["id"], d["bytes_in"], d["bytes_out"], f"{d['bytes_out'] / d['bytes_in']:.0%}", d["removed_lines"]) for d in lost],
        ),
        "<h2>Failed and dropped files</h2>",
        _table(["File", "Status", "Reason"], [(d["id"], d["status"], d["reason"]) for d in failures])
        if failures
        else "<p>None.</p>",
        "<h2>Encodings</h2>",
        _table(["Encoding", "Files"], list(t["encodings"].items())),
        "<h2>Skipped inputs</h2>",
        _table(["Why", "Files"], list(data["skipped"].items())) if data["skipped"] else "<p>None.</p>",
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
