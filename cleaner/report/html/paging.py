"""Where each document list's pages begin, so that a run whose changed rows keep their filter
values (and so every list's members, counts and page breaks) renders again only the pages those
rows are on: a change of one document out of 100,000 touches a handful of list pages, not all.

A list is ('all', '') or a filter value (kind, value); its rows are in id order, ROWS_PER_PAGE to
a page, so the first id of each page tells which page an id falls on, and which ids a page holds.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cleaner.io.atomic import write_if_changed
from cleaner.report.html.index import (
    ROWS_PER_PAGE,
    SEARCH_INDEX,
    Entry,
    Lists,
    filters_html,
    list_page_html,
    page_names,
    search_json,
    write_search_index,
)
from cleaner.report.html.layout import doc_page

#: The list of every document.
ALL = ("all", "")

#: (first id, the first id after the range or None) -> the entries of the documents in between, in id order.
Between = Callable[[str, str | None], Iterable[Entry]]


@dataclass(frozen=True, slots=True)
class Paging:
    """Each list's number of documents and the first id on each of its pages."""

    lists: dict[tuple[str, str], tuple[int, list[str]]]

    @classmethod
    def of(cls, lists: Lists) -> Paging:
        """The paging of gathered lists."""
        ids = [doc_id for doc_id, _, _ in lists.search]
        paged = {ALL: (len(ids), ids[::ROWS_PER_PAGE])}
        for key, rows in sorted(lists.members.items()):
            paged[key] = (len(rows), [ids[n] for n in rows[::ROWS_PER_PAGE]])
        return cls(paged)

    def counts(self, kind: str) -> list[tuple[str, int]]:
        """A filter's values and how many documents each selects, most first (as Lists.counts)."""
        found = [(value, total) for (k, value), (total, _) in self.lists.items() if k == kind]
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))

    def page_of(self, key: tuple[str, str], doc_id: str) -> int:
        """The page (from 0) of list `key` that a member id falls on."""
        return max(0, bisect.bisect_right(self.lists[key][1], doc_id) - 1)

    def bounds(self, key: tuple[str, str], number: int) -> tuple[str, str | None]:
        """The first id of a page of list `key` and the first of the next page (None: the last page)."""
        starts = self.lists[key][1]
        return starts[number], starts[number + 1] if number + 1 < len(starts) else None

    def as_json(self) -> list:
        """JSON-ready (of_json reads it back)."""
        return [[kind, value, total, starts] for (kind, value), (total, starts) in self.lists.items()]

    @classmethod
    def of_json(cls, data: list) -> Paging:
        """What as_json gave (a ValueError or TypeError if it is not that)."""
        return cls({(str(k), str(v)): (int(n), [str(s) for s in starts]) for k, v, n, starts in data})


def values(entry: Entry) -> list[tuple[str, str]]:
    """The filter values an entry's row is listed under."""
    return [(kind, value) for kind, value in _listed(entry)[2]]


def filed_alike(then: Entry, now: Entry) -> bool:
    """True if two entries of a document are filed under the same filter values (the lists keep
    their members, counts and page breaks; the title may differ)."""
    before, after = _listed(then), _listed(now)
    return before[0] == after[0] and before[2] == after[2]


def _listed(entry: Entry) -> list:
    """An entry's id, title and filter values (as its listing holds them)."""
    return json.loads(entry.rendered.listed)


def touched_pages(paging: Paging, changed: Iterable[Entry]) -> set[tuple[tuple[str, str], int]]:
    """The pages (list, number) the rows of these changed documents are on."""
    pages = set()
    for entry in changed:
        doc_id = entry.record["id"]
        for key in (ALL, *values(entry)):
            pages.add((key, paging.page_of(key, doc_id)))
    return pages


def page_rows(paging: Paging, key: tuple[str, str], number: int, between: Between) -> list[str]:
    """The stored rows of one page of a list, read from the state over the page's id range."""
    first, after = paging.bounds(key, number)
    rows = []
    for entry in between(first, after):
        if key == ALL or key in values(entry):
            rows.append(entry.rendered.row)
    return rows


def rewrite_pages(out: Path, paging: Paging, pages: Iterable[tuple[tuple[str, str], int]], between: Between) -> None:
    """Render these list pages again from the state (each written only if its bytes changed)."""
    filters: dict[int, str] = {}
    for (kind, value), number in sorted(pages):
        names = page_names(kind, value, paging.lists[(kind, value)][0])
        depth = names[0].count("/")
        if depth not in filters:
            filters[depth] = filters_html(paging.counts, names[0])
        rows = page_rows(paging, (kind, value), number, between)
        html = list_page_html(kind, value, number, names, rows, filters[depth], paging.lists[(kind, value)][0])
        write_if_changed(out / names[number], html)


def patch_search_index(out: Path, changes: Iterable[tuple[Entry, Entry]], between: Between) -> None:
    """Replace the search index's entries of the documents whose title changed; the whole index is
    written again from the state if one of them is not found in it."""
    path, data = out / SEARCH_INDEX, b""
    for then, now in changes:
        old, new = _searched(then), _searched(now)
        if old == new:
            continue
        data = data or path.read_bytes()
        at = data.find(old)
        if at < 0 or data[at - 1 : at] not in (b"[", b","):  # an entry of the index, not part of a title
            write_search_index(out, [_search_entry(entry) for entry in between("", None)])
            return
        data = data[:at] + new + data[at + len(old) :]
    if data:
        write_if_changed(path, data)


def _searched(entry: Entry) -> bytes:
    """An entry's part of the search index's JSON."""
    return search_json(list(_search_entry(entry))).encode()


def _search_entry(entry: Entry) -> tuple[str, str, str]:
    """An entry's id, title and page, as the search index holds them."""
    doc_id, title, _ = _listed(entry)
    return doc_id, title, doc_page(doc_id)
