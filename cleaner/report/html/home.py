"""report.html, the report's front page: totals, charts, the documents (filtered, paged), the top
reasons, the files that lost the most, failures, duplicates, site templates and the run history.

Charts are inline SVG and every number is also in a table, so it works offline and without
JavaScript; the only script filters and searches the documents (report_index.SCRIPT).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from cleaner.document import Status
from cleaner.report.html.charts import SHARE_BINS, bar_chart, column_chart, share_bin, share_histogram
from cleaner.report.html.index import ROWS_PER_PAGE, SCRIPT, Lists, documents_section, filters_html, page_names
from cleaner.report.html.layout import doc_page, esc, href, list_page, page, share, site_page, table
from cleaner.report.html.paging import ALL, Paging
from cleaner.report.totals import Totals

#: How many rows the HTML report shows in its "top" tables and charts.
TOP_N = 15
#: How many failed or dropped files the HTML report lists (all are in report.json).
MAX_LISTED = 200
#: How many template lines per site the front page shows (all are on the site's page).
TEMPLATE_EXAMPLES = 5
#: How many times more of the files that lost the most, and of the failed and dropped ones, a
#: Summary keeps than report.html shows: a run that changes a few records works the lists out from
#: them (Summary.updated) while enough of them are left unchanged.
RESERVE = 2
#: How many past runs the HTML report shows.
HISTORY_ROWS = 30
HERE = "report.html"


@dataclass(frozen=True, slots=True)
class Front:
    """What the front page shows of the document lists: its first page of them (with the filters)
    and each reason's number of documents. Kept with the Summary for runs whose records are the
    same (report.write.Reuse): the lists are not gathered again for them."""

    documents: str  # the documents section's HTML
    reason_documents: dict[str, int]

    @classmethod
    def of(cls, rows: list[str], paging: Paging) -> Front:
        """The front page's part of the lists: `rows`, the stored rows of the first page of every document."""
        total = paging.lists[ALL][0]
        section = documents_section(rows, filters_html(paging.counts, HERE), HERE, page_names(*ALL, total), 0, total)
        reasons = {value: n for (kind, value), (n, _) in paging.lists.items() if kind == "reason"}
        return cls(section, reasons)

    @classmethod
    def of_lists(cls, lists: Lists, paging: Paging | None = None) -> Front:
        """The front page's part of gathered lists (and their paging, if already worked out)."""
        return cls.of(lists.rows[:ROWS_PER_PAGE], paging or Paging.of(lists))

    def as_dict(self) -> dict:
        """A JSON-ready dict (of_dict reads it back)."""
        return asdict(self)

    @classmethod
    def of_dict(cls, data: dict) -> Front:
        """What as_dict gave (a KeyError or TypeError if it is not that)."""
        return cls(str(data["documents"]), {str(k): int(v) for k, v in data["reason_documents"].items()})


def render_html(head: dict, summary: Summary, front: Front | None = None) -> str:
    """The human-readable report's front page."""
    front = front or Front.of_lists(Lists())
    t = head["totals"]
    top_reasons = list(t["removed_by_reason"].items())[:TOP_N]
    parts = [
        "<h1>cleaner report</h1>",
        '<p class="meta">The same data, for programs: <a href="report.json">report.json</a>.</p>',
        _charts(head, summary, top_reasons),
        "<h2>Documents</h2>",
        front.documents,
        "<h2>Top removal reasons</h2>",
        _reasons(top_reasons, front),
        "<h2>Languages and kept shares</h2>",
        _glance_tables(head, summary),
        "<h2>Files that lost the most</h2>",
        _most_lost(summary),
        "<h2>Failed and dropped files</h2>",
        _not_kept(summary, t["statuses"]),
        "<h2>Duplicate clusters</h2>",
        _duplicates(head["duplicates"]),
        "<h2>Site templates</h2>",
        _templates(head["templates"]),
        "<h2>Run history</h2>",
        _history_table(head["history"][-HISTORY_ROWS:]),
        "<h2>Encodings</h2>",
        table(["Encoding", "Files"], list(t["encodings"].items())),
        "<h2>Skipped inputs</h2>",
        table(["Why", "Files"], list(head["skipped"].items())) if head["skipped"] else "<p>None.</p>",
        "<h2>Skipped site-config lines</h2>",
        _site_skips(head["site_configs_skipped"]),
    ]
    return page("cleaner report", "\n".join(parts), HERE, SCRIPT)


def _site_skips(skips: dict) -> str:
    """The Full-Text RSS site files and lines the run could not use, each with its reason."""
    if not skips["skipped"]:
        return "<p>None.</p>"
    rows = [(s["path"], s["line"] or "", s["directive"], s["why"]) for s in skips["skipped"]]
    counts = (
        f"<p>{skips['files']} files and {skips['lines']} lines skipped: a skipped file is not applied, "
        "a skipped line leaves the rest of its file applied.</p>"
    )
    return counts + table(["File", "Line", "Directive", "Why"], rows)


def _totals(head: dict) -> str:
    """The run's totals, sizes in characters (bytes too, for the disk)."""
    t, run = head["totals"], head["run"]
    statuses = t["statuses"]
    rows = [
        ("Files", t["files"]),
        ("Kept", statuses.get("kept", 0)),
        ("Dropped", statuses.get("dropped", 0)),
        ("Failed", statuses.get("failed", 0)),
        ("Skipped", sum(head["skipped"].values())),
        (
            "This run: new / changed / unchanged / removed",
            f"{run['new']} / {run['changed']} / {run['unchanged']} / {run['removed']}",
        ),
        ("Characters judged", f"{t['chars_in']:,}"),
        ("Characters kept", f"{t['chars_out']:,}"),
        ("Kept share (characters)", share(t["chars_out"], t["chars_in"])),
        ("Lines kept", f"{t['kept_lines']:,}"),
        ("Lines removed (HTML elements included)", f"{t['removed_lines']:,}"),
        ("Bytes in / out", f"{t['bytes_in']:,} / {t['bytes_out']:,}"),
    ]
    return table(["", ""], rows, header=False)


def _charts(head: dict, summary: Summary, top_reasons: list[tuple[str, int]]) -> str:
    """The charts a person reads at a glance (each one's numbers are in a table further down)."""
    history = head["history"][-HISTORY_ROWS:]
    when = [h["started"][:16].replace("T", " ") for h in history]
    runs = [
        ("Documents", [h["new"] + h["changed"] + h["unchanged"] for h in history], False),
        ("Kept share", [h["chars_out"] / h["chars_in"] if h.get("chars_in") else 0.0 for h in history], True),
        ("Failures", [h["failed"] for h in history], False),
        ("Seconds per run", [float(h["seconds"]) for h in history], False),
    ]
    figures = [
        ("Totals", _totals(head)),
        ("Kept share per document", share_histogram(summary.kept_shares)),
        ("Removals by reason", bar_chart(top_reasons, "Removed lines by reason", width=520)),
        ("Languages", bar_chart(list(head["totals"]["languages"].items())[:TOP_N], "Kept documents by language", 420)),
    ]
    over_time = [
        (f"Runs: {name.lower()}", column_chart(values, when, f"{name} per run", percent, width=230, plot_h=70))
        for name, values, percent in runs
    ]
    return _figures(figures, "") + _figures(over_time, "history-charts")


def _figures(figures: list[tuple[str, str]], name: str) -> str:
    """Charts side by side, each with its caption."""
    cells = "".join(f"<figure><figcaption>{esc(c)}</figcaption>{svg}</figure>" for c, svg in figures)
    name_attr = f' id="{name}"' if name else ""
    return f'<div class="charts"{name_attr}>{cells}</div>'


def _link(target: str, text: str) -> str:
    """A link from the front page, its text escaped."""
    return f'<a href="{href(target, HERE)}">{esc(text)}</a>'


def _linked_table(headers: list[str], rows: Sequence[Sequence[str]]) -> str:
    """A table whose cells are already HTML (links built with _link, numbers)."""
    head = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def _reasons(top: list[tuple[str, int]], front: Front) -> str:
    """The most frequent removal reasons, each linking to the documents where it fired."""
    rows = [(_link(list_page("reason", r), r), f"{n:,}", f"{front.reason_documents.get(r, 0):,}") for r, n in top]
    return _linked_table(["Reason", "Lines removed", "Documents"], rows)


def _glance_tables(head: dict, summary: Summary) -> str:
    """The numbers of the language and kept-share charts, for readers who cannot see them."""
    languages = [
        (_link(list_page("language", lang), lang), f"{n:,}") for lang, n in list(head["totals"]["languages"].items())
    ]
    shares = [(f"{10 * n}–{10 * n + 10}%", f"{count:,}") for n, count in enumerate(summary.kept_shares)]
    return (
        '<div class="charts">'
        + _linked_table(["Language", "Kept documents"], languages)
        + _linked_table(["Share of text kept", "Kept documents"], shares)
        + "</div>"
    )


def _most_lost(summary: Summary) -> str:
    """The kept files that kept the smallest share of their text."""
    if not summary.most_lost:
        return "<p>None.</p>"
    rows = [
        (
            _link(doc_page(d["id"]), d["id"]),
            f"{d['chars_in']:,}",
            f"{d['chars_out']:,}",
            share(d["chars_out"], d["chars_in"]),
            f"{d['removed_lines']:,}",
        )
        for d in summary.most_lost[:TOP_N]
    ]
    return _linked_table(["File", "Characters judged", "Characters kept", "Kept", "Lines removed"], rows)


def _not_kept(summary: Summary, statuses: dict) -> str:
    """The failed and dropped files (the first MAX_LISTED)."""
    if not summary.not_kept:
        return "<p>None.</p>"
    shown = summary.not_kept[:MAX_LISTED]
    more = statuses.get("failed", 0) + statuses.get("dropped", 0) - len(shown)
    rows = [(_link(doc_page(d["id"]), d["id"]), esc(d["status"]), esc(d["reason"])) for d in shown]
    return _linked_table(["File", "Status", "Reason"], rows) + (
        f"<p>… and {more:,} more in report.json.</p>" if more > 0 else ""
    )


def _duplicates(duplicates: dict[str, list[str]]) -> str:
    """Each kept document and the duplicates dropped in its favour."""
    if not duplicates:
        return "<p>None (or --dedup off).</p>"
    rows = [
        (_link(doc_page(keeper), keeper), ", ".join(_link(doc_page(d), d) for d in dups))
        for keeper, dups in list(duplicates.items())[:MAX_LISTED]
    ]
    return _linked_table(["Kept document", "Duplicates dropped"], rows)


def _templates(templates: dict) -> str:
    """Each site with template lines: its page count, lines and a link to its page."""
    if not templates:
        return "<p>None (no site has lines on enough of its pages, or --templates off).</p>"
    rows = [
        (
            _link(site_page(site), site),
            f"{t['documents']:,}",
            f"{len(t['lines']):,}",
            esc(" · ".join(f"{x['text'][:60]} ({x['documents']})" for x in t["lines"][:TEMPLATE_EXAMPLES])),
        )
        for site, t in list(templates.items())[:MAX_LISTED]
    ]
    return _linked_table(["Site", "Pages", "Template lines", "Most frequent (pages carrying it)"], rows)


def _history_table(history: list[dict]) -> str:
    """The past runs, newest first."""
    headers = ["Started (UTC)", "Seconds", "New", "Changed", "Unchanged", "Removed", "Failed", "Kept share"]
    rows = [
        (
            h["started"],
            h["seconds"],
            h["new"],
            h["changed"],
            h["unchanged"],
            h["removed"],
            h["failed"],
            share(h.get("chars_out", 0), h.get("chars_in", 0)),
        )
        + (("interrupted",) if h["interrupted"] else ("",))
        for h in reversed(history)
    ]
    return table([*headers, "Interrupted"], rows)


@dataclass(slots=True)
class Summary:
    """What the reports show of all records, gathered in one streaming pass."""

    totals: Totals = field(default_factory=Totals)
    most_lost: list[dict] = field(default_factory=list)  # kept files with the smallest out/in ratio (RESERVE * TOP_N)
    not_kept: list[dict] = field(default_factory=list)  # failed and dropped files, the first RESERVE * MAX_LISTED
    kept_shares: list[int] = field(default_factory=lambda: [0] * SHARE_BINS)  # kept documents per tenth kept

    @classmethod
    def of(cls, records: Iterable[dict]) -> Summary:
        """Totals and top lists over records, holding only RESERVE times TOP_N and MAX_LISTED of them."""
        summary = cls()
        lost: list[dict] = []
        for record in records:
            summary.totals.add(record)
            if record["status"] != Status.KEPT.value:
                if len(summary.not_kept) < RESERVE * MAX_LISTED:
                    summary.not_kept.append(record)
            elif record.get("chars_in"):
                summary.kept_shares[share_bin(record["chars_out"], record["chars_in"])] += 1
                lost.append(record)
                if len(lost) > 4 * RESERVE * TOP_N:  # trim now and then: memory stays bounded
                    lost = sorted(lost, key=_loss)[: RESERVE * TOP_N]
        summary.most_lost = sorted(lost, key=_loss)[: RESERVE * TOP_N]
        return summary

    def updated(self, changes: Iterable[tuple[dict | None, dict | None]]) -> Summary | None:
        """This summary after some records changed (each change: the record before and after, None
        where there is none), as Summary.of would give it over the records now; None if that cannot
        be told from this summary: a list of it was cut, and too many of its records changed."""
        totals, shares = Totals.of_raw(self.totals.as_raw()), list(self.kept_shares)
        lost_whole = len(self.most_lost) == sum(self.kept_shares)  # every kept file with text is listed
        not_kept_whole = len(self.not_kept) == self.totals.files - self.totals.statuses[Status.KEPT.value]
        now: dict[str, dict | None] = {}  # each changed document's record after all changes
        for before, after in changes:
            for record, sign in ((before, -1), (after, 1)):
                if record is None:
                    continue
                now[record["id"]] = after
                (totals.add if sign > 0 else totals.remove)(record)
                if record["status"] == Status.KEPT.value and record.get("chars_in"):
                    shares[share_bin(record["chars_out"], record["chars_in"])] += sign
        records = [record for record in now.values() if record is not None]
        not_kept = [record for record in records if record["status"] != Status.KEPT.value]
        lost = [record for record in records if record["status"] == Status.KEPT.value and record.get("chars_in")]
        touched = set(now)
        most_lost = _merged(self.most_lost, touched, lost, _loss, lost_whole, TOP_N)
        first_not_kept = _merged(self.not_kept, touched, not_kept, _by_id, not_kept_whole, MAX_LISTED)
        if most_lost is None or first_not_kept is None:
            return None
        return Summary(totals, most_lost, first_not_kept, shares)

    def as_dict(self) -> dict:
        """A JSON-ready dict (of_dict reads it back)."""
        return {
            "totals": self.totals.as_raw(),
            "most_lost": self.most_lost,
            "not_kept": self.not_kept,
            "kept_shares": self.kept_shares,
        }

    @classmethod
    def of_dict(cls, data: dict) -> Summary:
        """What as_dict gave (a KeyError, TypeError or ValueError if it is not that)."""
        shares = [int(n) for n in data["kept_shares"]]
        if len(shares) != SHARE_BINS:
            raise ValueError(f"{len(shares)} kept-share bins, not {SHARE_BINS}")
        return cls(Totals.of_raw(data["totals"]), list(data["most_lost"]), list(data["not_kept"]), shares)


def _merged(
    listed: list[dict], touched: set[str], added: list[dict], key: Callable[[dict], Any], whole: bool, shown: int
) -> list[dict] | None:
    """A summary's list after changes: its unchanged entries and the changed records that belong in
    it, in order. Whole, it had every record that belongs: the changed ones added, it is whole
    again (up to its RESERVE). Cut, every record it lacked comes after its last: as many as it has
    unchanged entries are certain; None if that is fewer than report.html shows."""
    kept = [record for record in listed if record["id"] not in touched]
    merged = sorted(kept + added, key=key)
    if whole:
        return merged[: RESERVE * shown]
    return merged[: len(kept)] if len(kept) >= shown else None


def _by_id(record: dict) -> str:
    """Sort key: the id (the order of the records)."""
    return record["id"]


def _loss(record: dict) -> tuple[float, str]:
    """Sort key: the share of the text that survived (in characters), smallest first; then the id."""
    return record["chars_out"] / record["chars_in"], record["id"]
