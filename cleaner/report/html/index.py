"""The documents lists of the HTML report: every document in pages of ROWS_PER_PAGE rows, the same
per status, language, site and removal reason, a search index, and the sites' template pages.

Each list is a static table (readable with JavaScript off); a small inline script filters the rows
of the page in view and searches ids and titles across the corpus (search index loaded on demand).
One pass over the records: the size and the time grow with the documents, and a 100,000-document
corpus gives pages a browser opens at once (benchmarks/bench_report.py measures both).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.io.atomic import write_if_changed
from cleaner.report.html.layout import (
    CSS,
    LIST_DIR,
    PAGES_DIR,
    SCRIPT_FILE,
    SITE_DIR,
    STYLE_FILE,
    doc_page,
    esc,
    href,
    list_page,
    page,
    reason_anchor,
    share,
    site_page,
)

#: Rows per list page: a page a browser lays out at once even on a slow machine.
ROWS_PER_PAGE = 500
#: Values listed per filter (the most frequent first; each one's full list is a page of its own).
MAX_OPTIONS = 300
#: Documents linked from each template line on a site's page (the reason page lists them all).
PAGES_PER_LINE = 50
#: The search index beside the lists, loaded by the script the first time someone searches.
SEARCH_INDEX = f"{PAGES_DIR}/search.js"
#: The filters, in the order they show: (kind, label).
FACETS = (("status", "Status"), ("language", "Language"), ("site", "Site"), ("reason", "Reason"))
HEADERS = ("Document", "Title", "Status", "Language", "Site", "Kept", "Characters", "Lines removed", "Reasons")


@dataclass(frozen=True, slots=True)
class Listing:
    """What the lists show of a document, rendered once from its record (the state keeps it): its
    row, its page, and its id, title and filter values as JSON."""

    row: str
    page: str
    listed: str

    @classmethod
    def of(cls, record: dict) -> Listing:
        """A record's listing."""
        listed = json.dumps([record["id"], record.get("title") or "", _values(record)], ensure_ascii=False)
        return cls(row_html(record), doc_page(record["id"]), listed)


@dataclass(slots=True)
class Entry:
    """One document as the reports take it: its record's JSON as report.json holds it, and its
    listing when the state already rendered it (None: rendered here from the record)."""

    text: str
    listing: Listing | None = None
    parsed: dict | None = field(default=None, repr=False)  # the record, once read

    @classmethod
    def of(cls, record: dict, listing: Listing | None = None) -> Entry:
        """The entry of a record given as a dict."""
        return cls(json.dumps(record, ensure_ascii=False), listing, record)

    @property
    def record(self) -> dict:
        """The record, read from its JSON the first time it is asked for."""
        if self.parsed is None:
            self.parsed = json.loads(self.text)
        return self.parsed

    @property
    def rendered(self) -> Listing:
        """Its listing: the state's, else rendered from the record."""
        return self.listing or Listing.of(self.record)


@dataclass(slots=True)
class Lists:
    """Every document's row, and which rows each filter value selects (row numbers, id order)."""

    rows: list[str] = field(default_factory=list)  # a row's cells without the closing </tr>
    search: list[tuple[str, str, str]] = field(default_factory=list)  # id, title, page
    members: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    filters: dict[int, str] = field(default_factory=dict)  # the filters' HTML, by the page's depth

    @classmethod
    def of(cls, records: Iterable[dict]) -> Lists:
        """Gather the rows of all records, in the records' (id) order."""
        lists = cls()
        for record in records:
            lists.add(Entry.of(record))
        return lists

    @classmethod
    def of_entries(cls, entries: Iterable[Entry]) -> Lists:
        """Gather the rows of all entries, in their (id) order."""
        lists = cls()
        for entry in entries:
            lists.add(entry)
        return lists

    def add(self, entry: Entry) -> None:
        """One document's row, filed under each of its filter values (from its listing: the record
        is read only if it has none)."""
        listing = entry.rendered
        doc_id, title, values = json.loads(listing.listed)
        n = len(self.rows)
        self.rows.append(listing.row)
        self.search.append((doc_id, title, listing.page))
        for kind, value in values:
            self.members.setdefault((kind, value), []).append(n)

    def counts(self, kind: str) -> list[tuple[str, int]]:
        """A filter's values and how many documents each selects, most first."""
        found = Counter({value: len(rows) for (k, value), rows in self.members.items() if k == kind})
        return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))


def _values(record: dict) -> list[tuple[str, str]]:
    """The filter values a record falls under."""
    values = [("status", record["status"]), ("language", record.get("language") or "none")]
    values.append(("site", record.get("site") or "none"))
    values += [("reason", reason) for reason in record["removed_by_reason"]]
    return values


def row_html(record: dict) -> str:
    """A document's table row (its filter values in data attributes for the script), without its
    closing </tr> (documents_section adds it, with the link made relative to the page)."""
    doc_id, title = record["id"], record.get("title") or ""
    status = record["status"] + (f": {record['reason']}" if record.get("reason") else "")
    reasons = record["removed_by_reason"]
    attrs = (
        f' data-s="{esc(record["status"])}" data-l="{esc(record.get("language") or "none")}"'
        f' data-t="{esc(record.get("site") or "none")}" data-r="{esc(json.dumps(list(reasons)))}"'
        f' data-q="{esc((doc_id + " " + title).lower())}"'
    )
    link = f'<a href="@{esc(doc_page(doc_id))}">{esc(doc_id)}</a>'  # @: the page's way up to OUTPUT
    cells = [
        status,
        record.get("language") or "",
        record.get("site") or "",
        share(record["chars_out"], record["chars_in"]),
        f"{record['chars_in']:,}",
        f"{record['removed_lines']:,}",
        ", ".join(f"{r} ({n})" for r, n in reasons.items()),
    ]
    return f"<tr{attrs}><td>{link}</td><td>{esc(title)}</td>" + "".join(f"<td>{esc(c)}</td>" for c in cells)


def write_lists(out: Path, lists: Lists) -> int:
    """Write every list page and the search index; remove list pages no value has any more. The
    number of list pages."""
    written = {"all": _write_list(out, lists, "all", "", list(range(len(lists.rows))))}
    for (kind, value), rows in sorted(lists.members.items()):
        written[f"{kind}:{value}"] = _write_list(out, lists, kind, value, rows)
    write_search_index(out, lists.search)
    write_if_changed(out / STYLE_FILE, CSS.encode())
    write_if_changed(out / SCRIPT_FILE, SCRIPT.encode())
    names = {Path(p).name for pages in written.values() for p in pages}
    _sweep(out / PAGES_DIR / LIST_DIR, names)
    return len(names)


def write_search_index(out: Path, search: list[tuple[str, str, str]]) -> None:
    """Write the search index of every document's id, title and page."""
    write_if_changed(out / SEARCH_INDEX, f"window.cleanerIndex={search_json(search)};\n".encode())


def search_json(value: object) -> str:
    """The search index's JSON of a value (the index, or one of its entries: a part of the index's JSON).
    ASCII, and no "<" at all: the index stays data even if someone pastes it into a page."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")


def _write_list(out: Path, lists: Lists, kind: str, value: str, rows: list[int]) -> list[str]:
    """One filter value's list, in pages; the pages written."""
    names = page_names(kind, value, len(rows))
    filters = _filters(lists, names[0])
    for n, here in enumerate(names):
        chunk = [lists.rows[r] for r in rows[n * ROWS_PER_PAGE : (n + 1) * ROWS_PER_PAGE]]
        write_if_changed(out / here, list_page_html(kind, value, n, names, chunk, filters, len(rows)))
    return names


def page_names(kind: str, value: str, total: int) -> list[str]:
    """The pages of a filter value's list of `total` documents (one, if it has none)."""
    return [list_page(kind, value, n + 1) for n in range(max(1, -(-total // ROWS_PER_PAGE)))]


def list_page_html(
    kind: str, value: str, number: int, names: list[str], rows: list[str], filters: str, total: int
) -> bytes:
    """Page `number` (from 0) of a filter value's list: its stored rows, the filters' HTML for its depth."""
    title = "All documents" if kind == "all" else f"Documents with {kind} {value}"
    anchor = reason_anchor(value) if kind == "reason" else ""
    here = names[number]
    body = f"<h1>{esc(title)}</h1>\n" + documents_section(rows, filters, here, names, number, total, anchor)
    return page(f"{title} · cleaner report", body, here, SCRIPT).encode("utf-8")


def documents_section(
    rows: list[str], filters: str, here: str, pages: list[str], number: int, total: int, anchor: str = ""
) -> str:
    """The filters, a page of stored rows and the way to the other pages (for report.html and list
    pages); `anchor`: where on each document's page its link lands (a reason's first line)."""
    up = href("", here)
    cells = "".join(_linked_row(row, up, anchor) for row in rows)
    head = "<tr>" + "".join(f"<th>{h}</th>" for h in HEADERS) + "</tr>"
    pager = [f"Page {number + 1:,} of {len(pages):,} ({total:,} documents)."]
    if number > 0:
        pager.append(f'<a href="{href(pages[number - 1], here)}">← previous</a>')
    if number + 1 < len(pages):
        pager.append(f'<a href="{href(pages[number + 1], here)}">next →</a>')
    return (
        filters
        + f'<p class="meta" id="f-note">{" ".join(pager)}</p><div id="f-links" class="facets"></div>'
        + f'<ul id="f-found"></ul><table id="docs"><thead>{head}</thead><tbody>{cells}</tbody></table>'
        + f'<p class="meta">{" ".join(pager)}</p>'
    )


def _linked_row(row: str, up: str, anchor: str) -> str:
    """A stored row with its document link made relative to the page, and landing on `anchor`."""
    before, after = row.split('href="@', 1)
    if anchor:  # the link's path ends at its first quote (a path's own quotes are escaped)
        after = after.replace('"', f'#{anchor}"', 1)
    return f'{before}href="{up}{after}</tr>'


def _filters(lists: Lists, here: str) -> str:
    """The filters for a page at this depth: worked out once, not once per page (there are many)."""
    depth = here.count("/")
    if depth not in lists.filters:
        lists.filters[depth] = filters_html(lists.counts, here)
    return lists.filters[depth]


#: A filter's values and how many documents each selects, most first (Lists.counts, Paging.counts).
Counts = Callable[[str], list[tuple[str, int]]]


def filters_html(counts: Counts, here: str) -> str:
    """The filter controls (used by the script) and, for any browser, links to every filter's lists."""
    controls, browse = [], []
    for kind, label in FACETS:
        values = counts(kind)
        options = "".join(
            f'<option value="{esc(v)}" data-href="{href(list_page(kind, v), here)}">{esc(v)} ({n:,})</option>'
            for v, n in values[:MAX_OPTIONS]
        )
        controls.append(f'<label>{label}<select id="f-{kind}"><option value="">all</option>{options}</select></label>')
        links = " ".join(f'<a href="{href(list_page(kind, v), here)}">{esc(v)} ({n:,})</a>' for v, n in values[:50])
        more = f" … {len(values) - 50:,} more in the list above" if len(values) > 50 else ""
        browse.append(f"<p><b>{label}:</b> {links or 'none'}{more}</p>")
    search = (
        f'<label>Id or title<input id="f-search" type="search" placeholder="search" '
        f'data-index="{href(SEARCH_INDEX, here)}" data-root="{href("", here)}"></label>'
    )
    return (
        f'<div class="filters">{"".join(controls)}{search}</div>'
        f'<details class="facets"><summary>Browse by filter (no script needed)</summary>{"".join(browse)}</details>'
    )


def write_site_pages(out: Path, sites: Iterable[tuple[str, int, list[tuple[int, str]]]], pages_of: PagesOf) -> int:
    """A page per site with template lines: each line, how many pages carry it, links to them. The
    number of site pages."""
    written = set()
    for site, documents, lines in sites:
        write_if_changed(out / site_page(site), site_page_html(site, documents, lines, pages_of))
        written.add(Path(site_page(site)).name)
    _sweep(out / PAGES_DIR / SITE_DIR, written)
    return len(written)


def site_page_html(site: str, documents: int, lines: list[tuple[int, str]], pages_of: PagesOf) -> bytes:
    """A site's template lines page."""
    here = site_page(site)
    rows = []
    for count, text in lines:
        carriers = pages_of(site, text, PAGES_PER_LINE)
        links = " ".join(f'<a href="{href(doc_page(d), here)}">{esc(d)}</a>' for d in carriers)
        more = f" … and {count - len(carriers):,} more" if count > len(carriers) else ""
        rows.append(f"<tr><td>{esc(text)}</td><td>{count:,}</td><td>{links}{more}</td></tr>")
    body = (
        f"<h1>Template lines of {esc(site)}</h1><p class='meta'>{documents:,} pages on this site; a line on "
        f"enough of them is removed from every page as <code>template</code>.</p>"
        f"<table><tr><th>Line</th><th>Pages</th><th>Pages carrying it</th></tr>{''.join(rows)}</table>"
    )
    return page(f"{site} templates · cleaner report", body, here).encode("utf-8")


#: (site, template line, limit) -> the first documents that carry it (State.pages_with_line by key).
PagesOf = Callable[[str, str, int], list[str]]


def _sweep(folder: Path, keep: set[str]) -> None:
    """Remove the report's pages in `folder` that this run did not write."""
    if folder.is_dir():
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".html") and entry.name not in keep:
                    os.unlink(entry.path)


#: Filters the rows of the page in view; searches ids and titles across the corpus. Builds nodes
#: with textContent only (never innerHTML): the data is hostile input.
SCRIPT = """(() => {
const $ = (s) => document.getElementById(s);
const table = $("docs"); if (!table) return;
const rows = Array.from(table.tBodies[0].rows), note = $("f-note"), pager = note.textContent;
const kinds = {status: "s", language: "l", site: "t"}, search = $("f-search");
function links() {
  const box = $("f-links"); box.replaceChildren();
  for (const kind of ["status", "language", "site", "reason"]) {
    const opt = $("f-" + kind).selectedOptions[0];
    if (!opt || !opt.value) continue;
    const a = document.createElement("a"); a.href = opt.dataset.href;
    a.textContent = "every document with " + kind + " " + opt.textContent + " →"; box.append(a);
  }
}
function apply() {
  const want = {}, reason = $("f-reason").value, text = search.value.trim().toLowerCase();
  for (const k in kinds) want[kinds[k]] = $("f-" + k).value;
  let shown = 0;
  for (const tr of rows) {
    const d = tr.dataset;
    const ok = Object.keys(want).every((k) => !want[k] || d[k] === want[k])
      && (!reason || JSON.parse(d.r).includes(reason)) && (!text || d.q.includes(text));
    tr.hidden = !ok; if (ok) shown++;
  }
  const on = reason || text || Object.values(want).some(Boolean);
  note.textContent = on ? shown + " of the " + rows.length + " documents on this page match." : pager;
  links(); found(text);
}
function found(text) {
  const list = $("f-found"); list.replaceChildren();
  if (text.length < 2) return;
  if (!window.cleanerIndex) {
    if (!document.getElementById("f-index")) {
      const s = document.createElement("script"); s.id = "f-index"; s.src = search.dataset.index;
      s.onload = () => found(search.value.trim().toLowerCase()); document.head.append(s);
    }
    return;
  }
  let n = 0;
  for (const [id, title, page] of window.cleanerIndex) {
    if (!(id + " " + title).toLowerCase().includes(text)) continue;
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = search.dataset.root + page; a.textContent = id + (title ? " · " + title : "");
    li.append(a); list.append(li);
    if (++n === 50) break;
  }
  const head = document.createElement("li"); head.className = "meta";
  head.textContent = n ? "In the whole corpus (first 50):" : "No id or title in the corpus matches.";
  list.prepend(head);
}
for (const k of ["status", "language", "site", "reason"]) $("f-" + k).addEventListener("change", apply);
let timer = 0;
search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(apply, 150); });
})();"""
