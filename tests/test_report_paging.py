"""report_paging: each list's page breaks, so that a page is rendered again alone, byte for byte."""

from __future__ import annotations

import pytest
from test_report_index import records

from cleaner.report.html import home, paging
from cleaner.report.html import index as report_index
from cleaner.report.html.home import Front
from cleaner.report.html.index import SEARCH_INDEX, Entry, Lists, write_lists
from cleaner.report.html.paging import (
    ALL,
    Paging,
    filed_alike,
    page_rows,
    patch_search_index,
    rewrite_pages,
    touched_pages,
)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    for module in (report_index, paging, home):
        monkeypatch.setattr(module, "ROWS_PER_PAGE", 2)


def in_order(n: int) -> list[Entry]:
    """The entries of records(n) in id order, as the state gives them."""
    return sorted((Entry.of(r) for r in records(n)), key=lambda e: e.record["id"])


def between(entries: list[Entry]):
    """The state's Documents.entries over a list of entries in id order."""
    return lambda first, after: [
        e for e in entries if e.record["id"] >= first and (after is None or e.record["id"] < after)
    ]


def test_paging_knows_each_lists_size_and_page_breaks():
    found = Paging.of(Lists.of_entries(in_order(5)))
    ids = [e.record["id"] for e in in_order(5)]
    assert found.lists[ALL] == (5, ids[::2])
    assert found.lists[("language", "de")] == (3, ["s0/000.txt", "s0/004.txt"])
    assert found.counts("language") == [("de", 3), ("en", 2)]
    assert found.page_of(ALL, ids[2]) == 1 and found.page_of(ALL, ids[3]) == 1 and found.page_of(ALL, ids[4]) == 2
    assert found.bounds(ALL, 1) == (ids[2], ids[4]) and found.bounds(ALL, 2) == (ids[4], None)
    assert Paging.of_json(found.as_json()) == found


def test_every_page_rendered_alone_is_the_page_the_whole_lists_write(tmp_path):
    entries = in_order(7)
    lists = Lists.of_entries(entries)
    write_lists(tmp_path / "whole", lists)
    found = Paging.of(lists)
    pages = {(key, n) for key, (total, starts) in found.lists.items() for n in range(len(starts))}
    rewrite_pages(tmp_path / "alone", found, pages, between(entries))
    written = sorted(p.relative_to(tmp_path / "alone") for p in (tmp_path / "alone").rglob("*.html"))
    assert len(written) == len(pages) > 7
    for rel in written:
        assert (tmp_path / "alone" / rel).read_bytes() == (tmp_path / "whole" / rel).read_bytes(), rel
    assert Front.of(page_rows(found, ALL, 0, between(entries)), found) == Front.of_lists(lists)


def test_a_changed_row_touches_the_pages_it_is_on_in_each_of_its_lists():
    entries = in_order(7)
    found = Paging.of(Lists.of_entries(entries))
    changed = next(e for e in entries if e.record["id"] == "s1/003.txt")  # en, s1, a reason, 4th of 7
    assert touched_pages(found, [changed]) == {
        (ALL, 2),  # s0/000 s0/002 | s0/004 s0/006 | s1/001 s1/003 | s1/005
        (("status", "kept"), 2),
        (("language", "en"), 0),
        (("site", "s1"), 0),
        (("reason", "rule:default/share"), 1),  # s0/000 s0/006 | s1/003
    }


def test_a_new_title_is_replaced_in_the_search_index_and_a_lost_entry_rebuilds_it(tmp_path):
    entries = in_order(5)
    write_lists(tmp_path, Lists.of_entries(entries))
    then = entries[1]
    now = Entry.of({**then.record, "title": 'A "new" <title>'})
    entries[1] = now
    expected = tmp_path / "expected"
    write_lists(expected, Lists.of_entries(entries))
    patch_search_index(tmp_path, [(then, now)], between(entries))
    assert (tmp_path / SEARCH_INDEX).read_bytes() == (expected / SEARCH_INDEX).read_bytes()
    (tmp_path / SEARCH_INDEX).write_text("window.cleanerIndex=[];\n")  # the entry is not there: written whole
    patch_search_index(tmp_path, [(then, now)], between(entries))
    assert (tmp_path / SEARCH_INDEX).read_bytes() == (expected / SEARCH_INDEX).read_bytes()
    assert filed_alike(then, now) and not filed_alike(then, Entry.of({**then.record, "language": "fr"}))
