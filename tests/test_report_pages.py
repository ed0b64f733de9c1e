"""report_pages: a document's page shows every line (kept, removed, cut) with its reason, escaped."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path

from conftest import article_html

from cleaner import clean
from cleaner.document import Block, BlockScore, Decoding, Document, Origin, Reason, Removal
from cleaner.report.html.layout import doc_page, list_page, reason_anchor
from cleaner.report.html.pages import render_document, sweep_document_pages, write_document_page
from cleaner.report.totals import Record

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_document() -> Document:
    """A document whose every field is markup trying to get out."""
    doc = Document(
        id=f"evil/{HOSTILE}.html", input_format="html", title=HOSTILE, author=HOSTILE, url=f"javascript:{HOSTILE}"
    )
    doc.decoding = Decoding("utf-8", "declared", [HOSTILE], [])
    doc.language, doc.language_score = "en", 0.5
    doc.blocks = [
        Block(f"Kept {HOSTILE}", 1),
        Block(f"Gone {HOSTILE}", 2, removed=Reason(Origin.RULE, f"site/{HOSTILE}")),
        Block("Kept after a cut", 3),
    ]
    doc.stripped = [Removal(3, f"Cut {HOSTILE}", Reason(Origin.METADATA, "date"))]
    doc.removed_elements = [Removal(0, f"Element {HOSTILE}", Reason(Origin.RULE, "default/share-bar"), 500)]
    doc.scores = {1: BlockScore(0.91, True)}
    return doc


def rendered(doc: Document) -> str:
    record = asdict(Record.of(doc, 1, None, "evil"))
    return render_document(doc, record, doc_page(doc.id), "../../../../in/x.html")


def test_no_document_text_gets_out_as_markup():
    page = rendered(hostile_document())
    assert "<script>alert" not in page and "<img" not in page and 'href="javascript' not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 6  # title, id, lines, element, reason
    assert len(re.findall(r"<script", page)) == 0  # a document page needs no script at all


def test_kept_removed_and_cut_lines_show_in_place_with_their_reasons():
    page = rendered(hostile_document())
    lines = re.findall(r'<p class="(kept|removed)" id="l(\d+)">(.*?)</p>', page)
    assert [(kind, int(n)) for kind, n, _ in lines] == [("kept", 1), ("removed", 2), ("kept", 3)]
    assert "model 0.91" in lines[0][2]
    assert "<del>Gone " in lines[1][2] and ">rule:site/" in lines[1][2]
    cut, kept = lines[2][2].split('<span class="t">')
    assert "<del>Cut " in cut and ">metadata:date</a>" in cut and kept.startswith("Kept after a cut")


def test_each_reason_links_to_the_list_of_where_it_fired():
    page = rendered(hostile_document())
    here = doc_page(hostile_document().id)
    links = dict(
        (text, href) for href, text in re.findall(r'<a class="why"(?: id="[^"]+")? href="([^"]+)">([^<]+)</a>', page)
    )
    target = list_page("reason", "metadata:date")
    assert links["metadata:date"] == "../" * here.count("/") + target
    anchors = re.findall(r'<a class="why" id="([^"]+)"', page)  # the first of each reason: lists land there
    reasons = ("rule:default/share-bar", f"rule:site/{HOSTILE}", "metadata:date")  # element list, then lines
    assert anchors == [reason_anchor(r) for r in reasons]


def test_removed_elements_are_a_collapsible_list_with_their_whole_size():
    page = rendered(hostile_document())
    details = page.split("<details>", 1)[1].split("</details>", 1)[0]
    assert details.startswith("<summary>1 HTML elements removed</summary>")
    assert "rule:default/share-bar" in details and "500 characters" in details


def test_an_html_page_that_lost_elements_counts_them_as_removed_lines_in_characters():
    page = article_html(extra_body='<div class="share"><a href="#">Share on Facebook</a></div>')
    doc = clean(page, doc_id="p.html")
    record = asdict(Record.of(doc, 1, "p.txt"))
    assert record["removed_lines"] >= 1 and record["removed_elements"] == 1
    assert record["chars_in"] == record["chars_out"] + sum(len(r.text) for r in doc.removals) + len("Share on Facebook")


def test_the_page_links_the_raw_input_relative_to_the_output(tmp_path):
    doc = clean("A line of text that stays in the corpus as it is.\n", doc_id="sub/a.txt")
    out, inp = tmp_path / "out", tmp_path / "in"
    write_document_page(out, inp, doc, asdict(Record.of(doc, 1, "sub/a.txt")))
    page = out / doc_page("sub/a.txt")
    href = re.search(r'<a href="([^"]+)">raw input</a>', page.read_text(encoding="utf-8")).group(1)
    assert not href.startswith("/") and (page.parent / href).resolve() == inp / "sub" / "a.txt"


def test_pages_of_documents_no_longer_there_are_swept(tmp_path):
    docs = [clean(f"Line number {n} of a short text that is kept.\n", doc_id=f"{n}.txt") for n in range(3)]
    for doc in docs:
        write_document_page(tmp_path, tmp_path, doc, asdict(Record.of(doc, 1, None)))
    keep = {doc_page("0.txt"), doc_page("2.txt")}
    assert sweep_document_pages(tmp_path, keep) == 1
    assert {p.relative_to(tmp_path).as_posix() for p in Path(tmp_path).rglob("*.html")} == keep


def test_an_input_folder_named_like_the_pages_folder_is_not_mixed_with_them(make_tree, tmp_path):
    from conftest import run_batch

    from cleaner.io.discover import OUTPUT_NAMES
    from cleaner.report.html.layout import PAGES_DIR

    assert PAGES_DIR in OUTPUT_NAMES
    inp = make_tree(
        {f"{PAGES_DIR}/doc/a.txt": "A line of prose that would be kept in the corpus.\n", "b.txt": "Kept.\n"}
    )
    result = run_batch(inp, tmp_path / "out")
    assert [d["id"] for d in result.documents] == ["b.txt"] and sum(result.skipped.values()) == 1


def test_a_duplicate_s_page_says_it_was_dropped_and_for_which_document(make_tree, tmp_path):
    from conftest import run_batch

    text = "A line of prose that the corpus holds twice, word for word, in two files.\n"
    inp, out = make_tree({"a.txt": text, "b.txt": text, "c.txt": "Another text, kept on its own.\n"}), tmp_path / "out"

    def status_of(doc_id: str) -> str:
        page = (out / doc_page(doc_id)).read_text(encoding="utf-8")
        return re.search(r"Status</td><td>([^<]*)</td>", page).group(1)

    run_batch(inp, out, dedup="exact")
    assert status_of("a.txt") == "kept" and status_of("b.txt") == "dropped: duplicate-of:a.txt"
    run_batch(inp, out, dedup="off")  # no longer a duplicate: the page is written again, as kept
    assert status_of("b.txt") == "kept"
    run_batch(inp, out, dedup="exact")  # nothing cleaned again, the page follows the clusters
    assert status_of("b.txt") == "dropped: duplicate-of:a.txt"
