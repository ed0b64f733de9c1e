"""report_index: every document in paged lists, per status, language, site and reason; a search index."""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict

import pytest
from test_report import record

from cleaner.report.html import index as report_index
from cleaner.report.html.index import Lists, write_lists, write_site_pages
from cleaner.report.html.layout import PAGES_DIR, doc_page, list_page, reason_anchor, site_page


def records(n: int) -> list[dict]:
    """n stored records over two sites, two languages, one reason on every third."""
    return [
        asdict(
            record(
                id=f"s{i % 2}/{i:03d}.txt",
                title=f"Title {i}",
                language="en" if i % 2 else "de",
                site=f"s{i % 2}",
                removed_by_reason={"rule:default/share": 1} if i % 3 == 0 else {},
                chars_in=100,
                chars_out=80,
            )
        )
        for i in range(n)
    ]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(report_index, "ROWS_PER_PAGE", 2)


def test_every_filter_value_gets_its_list_in_pages(tmp_path, small_pages):
    lists = Lists.of(records(5))
    write_lists(tmp_path, lists)
    assert [(tmp_path / list_page("all", "", n)).is_file() for n in (1, 2, 3, 4)] == [True, True, True, False]
    assert lists.counts("reason") == [("rule:default/share", 2)]  # 0 and 3
    assert lists.counts("language") == [("de", 3), ("en", 2)]
    reason = (tmp_path / list_page("reason", "rule:default/share")).read_text(encoding="utf-8")
    assert "s0/000.txt" in reason and "s1/003.txt" in reason and "s0/002.txt" not in reason
    anchor = reason_anchor("rule:default/share")
    assert f'href="../../{doc_page("s1/003.txt")}#{anchor}"' in reason  # lands on the reason's first line
    everything = (tmp_path / list_page("all", "", 1)).read_text(encoding="utf-8")
    assert f'href="../../{doc_page("s0/000.txt")}"' in everything


def test_a_list_page_links_to_its_neighbours(tmp_path, small_pages):
    write_lists(tmp_path, Lists.of(records(5)))
    second = (tmp_path / list_page("all", "", 2)).read_text(encoding="utf-8")
    assert "Page 2 of 3 (5 documents)." in second
    assert 'href="../../report-pages/list/all-0001.html">← previous' in second
    assert 'href="../../report-pages/list/all-0003.html">next →' in second


def test_lists_of_values_gone_are_removed(tmp_path, small_pages):
    write_lists(tmp_path, Lists.of(records(5)))
    write_lists(tmp_path, Lists.of(records(2)))
    assert not (tmp_path / list_page("all", "", 2)).exists()
    names = {p.name for p in (tmp_path / PAGES_DIR / "list").iterdir()}
    left = [("all", ""), ("status", "kept"), ("language", "de"), ("language", "en"), ("site", "s0"), ("site", "s1")]
    assert names == {list_page(k, v).split("/")[-1] for k, v in [*left, ("reason", "rule:default/share")]}


def test_the_search_index_holds_every_id_and_title_as_data(tmp_path):
    hostile = asdict(record(id="x/</script><script>alert(1)</script>.txt", title="\u2028 «quoted»", site="x"))
    write_lists(tmp_path, Lists.of([*records(2), hostile]))
    text = (tmp_path / PAGES_DIR / "search.js").read_text(encoding="ascii")  # all escaped: plain ASCII
    prefix = "window.cleanerIndex="
    assert text.startswith(prefix) and "</script>" not in text
    index = json.loads(text[len(prefix) :].rstrip().rstrip(";"))
    assert index[-1] == [hostile["id"], hostile["title"], doc_page(hostile["id"])]


def test_hostile_filter_values_make_safe_file_names(tmp_path):
    evil = asdict(
        record(id="e.txt", site="../../../etc", removed_by_reason={"rule:/../../x": 1}, language="<u onclick=x>")
    )
    lists = Lists.of([evil])
    write_lists(tmp_path, lists)
    written = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")]
    assert all(p.startswith(f"{PAGES_DIR}/list/") and p.count("/") == 2 for p in written)
    assert "<u onclick" not in (tmp_path / list_page("all", "")).read_text(encoding="utf-8")


def test_a_site_page_lists_each_template_line_and_the_pages_that_carry_it(tmp_path):
    asked = []

    def pages_of(site: str, line: str, limit: int) -> list[str]:
        asked.append((site, line, limit))
        return ["news/1.html", "news/2.html"]

    write_site_pages(tmp_path, [("news.example", 7, [(6, "Subscribe <now>")])], pages_of)
    page = (tmp_path / site_page("news.example")).read_text(encoding="utf-8")
    assert asked == [("news.example", "Subscribe <now>", report_index.PAGES_PER_LINE)]
    assert "<td>Subscribe &lt;now&gt;</td><td>6</td>" in page and "… and 4 more" in page
    assert f'href="../../{doc_page("news/2.html")}"' in page


def test_a_run_writes_a_page_per_site_with_its_template_lines_and_the_pages_carrying_them(make_tree, tmp_path):
    from conftest import run_batch
    from test_templates import notice, text_page

    inp = make_tree({f"alpha/{n:02}.txt": text_page("Alpha Gazette", 0, n) for n in range(6)})
    out = tmp_path / "out"
    result = run_batch(inp, out, templates="on")
    [site] = result.report["templates"]
    page = (out / site_page(site)).read_text(encoding="utf-8")
    rows = {
        text: (count, links)
        for text, count, links in re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td><td>(.*?)</td>", page)
    }
    count, links = rows[html.escape(notice("Alpha Gazette"))]
    assert count == "6" and re.findall(r">(alpha/\d+\.txt)</a>", links) == [f"alpha/{n:02}.txt" for n in range(6)]
    assert f'href="{site_page(site)}"' in (out / "report.html").read_text(encoding="utf-8")
    document = (out / doc_page("alpha/02.txt")).read_text(encoding="utf-8")
    assert f"<del>{html.escape(notice('Alpha Gazette'))}</del>" in document and ">template</a>" in document
