"""state.sites: each site's template lines, derived in SQL from the line keys pass one stored."""

from __future__ import annotations

from state_helpers import document, saved

from cleaner.batch.state import State
from cleaner.corpus import templates
from cleaner.corpus.templates import Thresholds
from cleaner.document import Block, Origin, Reason

MENU, FOOTER = "Home | News | Sport", "© 2026 The Daily Example"
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]


def store_site(state: State, site: str, pages: int, menu_on: int, footer_on: int) -> None:
    """Pages of one site, each with its own article line; the menu and footer on the first few."""
    for n in range(pages):
        lines = [f"Article {WORDS[n]} of {site}"]  # digits would be one line: keys read them as 0
        lines += [MENU] if n < menu_on else []
        lines += [FOOTER] if n < footer_on else []
        doc = document(f"{site}/{n:02}.html", *lines)
        state.documents.save_pages(doc.id, [saved(doc, site=site)])


def test_a_line_on_enough_of_a_sites_pages_is_template(tmp_path):
    with State(tmp_path) as state:
        store_site(state, "big.example", 10, menu_on=10, footer_on=5)
        store_site(state, "small.example", 4, menu_on=4, footer_on=4)  # fewer pages than min_docs
        state.templates.update(Thresholds(min_docs=5, min_share=0.5))
        big = state.templates.site_template("big.example")
        assert big.documents == 10
        assert big.keys == {templates.line_key(MENU), templates.line_key(FOOTER)}
        assert big.lines == [(10, MENU), (5, FOOTER)]  # most pages first, each with an example
        assert big.hash == templates.set_hash(big.keys)
        small = state.templates.site_template("small.example")
        assert small.documents == 4 and small.keys == frozenset() and small.lines == []
        assert [t.site for t in state.templates.site_templates()] == ["big.example"]  # only sites with lines
        state.templates.update(Thresholds(min_docs=5, min_share=0.6))  # thresholds changed: derived again
        assert state.templates.site_template("big.example").lines == [(10, MENU)]
        state.templates.update(None)  # templates off
        assert list(state.templates.site_templates()) == []


def test_copies_of_one_page_count_once(tmp_path):
    with State(tmp_path) as state:
        store_site(state, "site", 4, menu_on=4, footer_on=0)
        article = document("site/copy-a.html", "The one article crawled twice", MENU)
        copy = document("site/copy-b.html", "The one article crawled twice", MENU)
        state.documents.save_pages("a", [saved(article), saved(copy)])
        state.templates.update(Thresholds(min_docs=5, min_share=0.5))
        template = state.templates.site_template("site")
        assert template.documents == 5  # six documents, five distinct pages
        assert template.lines == [(5, MENU)]  # the copied article is not a template line


def test_only_sites_whose_documents_changed_are_derived_again(tmp_path):
    thresholds = Thresholds(min_docs=5, min_share=0.5)
    with State(tmp_path) as state:
        store_site(state, "a.example", 6, menu_on=6, footer_on=0)
        store_site(state, "b.example", 6, menu_on=6, footer_on=0)
        state.templates.update(thresholds)
        state.db.execute("UPDATE sites SET documents = -1")  # a marker: a derived site loses it
        state.documents.forget_source("a.example/00.html")
        state.templates.update(thresholds)
        assert state.templates.site_template("a.example").documents == 5
        assert state.templates.site_template("b.example").documents == -1  # untouched


def test_a_site_never_derived_has_an_empty_template(tmp_path):
    with State(tmp_path) as state:
        template = state.templates.site_template("nowhere.example")
    assert (template.documents, template.keys, template.lines) == (0, frozenset(), [])
    assert template.hash == templates.set_hash(())


def test_an_unreadable_record_leaves_its_line_without_an_example_and_is_cleaned_again(tmp_path):
    with State(tmp_path) as state:
        store_site(state, "site", 6, menu_on=6, footer_on=0)
        state.db.execute("UPDATE documents SET cleaned = x'00' WHERE id = 'site/00.html'")  # the first with MENU
        state.templates.update(Thresholds(min_docs=5, min_share=0.5))
        assert state.templates.site_template("site").lines == [(6, "")]
        assert state.planner.seen()["site/00.html"].fingerprint == "incomplete"


def test_the_pages_that_carry_a_line_are_found_by_its_key(tmp_path):
    with State(tmp_path) as state:
        for n, keys in enumerate([[1, 2], [2], [2, 3]]):
            state.documents.save_pages(f"{n}.txt", [saved(document(f"{n}.txt"), keys=keys)])
        assert state.templates.pages_with_line("site", 2, 10) == ["0.txt", "1.txt", "2.txt"]
        assert state.templates.pages_with_line("site", 2, 2) == ["0.txt", "1.txt"]
        assert state.templates.pages_with_line("site", 3, 10) == ["2.txt"]
        assert state.templates.pages_with_line("other", 2, 10) == []


def store_mixed(state: State, layouts: dict[str, int], notice_on: int) -> None:
    """Pages of several layouts in one folder site: each layout's menu removed on every page (its
    chrome), its notice kept on the first `notice_on` pages, and an article line of each page's own."""
    for layout, pages in layouts.items():
        for n in range(pages):
            menu = [f"{layout} home", f"{layout} sport", f"{layout} weather"]
            doc = document(f"{layout}-{WORDS[n]}.txt", f"Article {WORDS[n]} of {layout}", *menu)
            doc.blocks += [Block(f"Write to the {layout} newsroom", 9)] if n < notice_on else []
            for block in doc.blocks[1:4]:
                block.removed = Reason(Origin.HEURISTIC, "navigation")
            state.documents.save_pages(doc.id, [saved(doc, site=".", chrome=frozenset(templates.line_keys(doc)[1]))])


def test_look_alike_pages_of_a_folder_site_get_their_own_template_set(tmp_path):
    with State(tmp_path) as state:
        store_mixed(state, {"north": 6, "south": 5, "east": 4}, notice_on=6)  # none on half of the 15
        state.templates.update(Thresholds(min_docs=5, min_share=0.5))
        assert state.templates.site_template(".").keys == frozenset()
        names = [t.site for t in state.templates.site_templates()]
        assert names == [". (pages like north-alpha.txt)", ". (pages like south-alpha.txt)"]  # east: four pages
        south = state.templates.site_template(". (pages like south-alpha.txt)")
        assert south.documents == 5 and (5, "Write to the south newsroom") in south.lines
        assert "south home" in {text for _, text in south.lines}
        assert state.documents.load("south-bravo.txt")[3] == ". (pages like south-alpha.txt)"
        assert state.documents.load("east-bravo.txt")[3] == "."
        carriers = state.templates.pages_with_line(south.site, templates.line_key("south home"), 2)
        assert carriers == ["south-alpha.txt", "south-bravo.txt"]
        state.documents.forget_source("south-alpha.txt")  # four pages left: the group goes
        state.templates.update(Thresholds(min_docs=5, min_share=0.5))
        assert [t.site for t in state.templates.site_templates()] == [". (pages like north-alpha.txt)"]
        assert state.documents.load("south-bravo.txt")[3] == "."


def test_a_group_with_no_line_of_its_own_keeps_its_sites_set(tmp_path):
    with State(tmp_path) as state:
        store_mixed(state, {"north": 6}, notice_on=0)  # one layout: the site's set is the group's
        state.templates.update(Thresholds(min_docs=5, min_share=0.5))
        assert [t.site for t in state.templates.site_templates()] == ["."]
        assert state.db.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 0
