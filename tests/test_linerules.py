"""linerules: keep, strip, drop lines, drop sections and cut after a marker, on hand-made blocks."""

from __future__ import annotations

import re

from cleaner.core.decide.linerules import apply_rules, cut_after, drop_sections, protect, strip_parts
from cleaner.document import Block, BlockKind, Document, Origin, Reason
from cleaner.rules.ruleset import Rule, Rules

PROSE = "The council voted on Tuesday to extend the opening hours of the public library by two hours a day."
LONG = PROSE + " " + PROSE  # two paragraphs of this length in a row are running prose


def rule(kind: str, pattern: str, capture_as: str | None = None, removes: str | None = None) -> Rule:
    """A rule of one kind, its reason named after the kind."""
    reason = Reason(Origin.RULE, f"test/{kind}")
    return Rule(kind, kind, reason, re.compile(pattern), capture_as=capture_as, removes=removes)


def blocks(*specs: str | tuple[str, BlockKind, int]) -> list[Block]:
    """Blocks from texts (paragraphs at indentation 0) or (text, kind, indent)."""
    found = []
    for line, spec in enumerate(specs, start=1):
        text, kind, indent = (spec, BlockKind.PARAGRAPH, 0) if isinstance(spec, str) else spec
        found.append(Block(text, line, kind, indent))
    return found


def doc_of(*specs: str | tuple[str, BlockKind, int]) -> Document:
    """A document holding the blocks."""
    doc = Document("a.txt")
    doc.blocks = blocks(*specs)
    return doc


def kept(found: list[Block]) -> list[bool]:
    """Which blocks are still kept."""
    return [b.kept for b in found]


def test_keep_rules_protect_their_lines_from_every_other_rule():
    doc = doc_of(PROSE, "Share this: Facebook", "Share this story")
    rules = Rules((rule("keep", "story$"), rule("drop_lines", "^Share this")))
    protected = protect(doc.blocks, rules)
    assert protected == {2}
    apply_rules(doc, rules, protected)
    assert kept(doc.blocks) == [True, False, True]
    assert doc.blocks[1].removed == Reason(Origin.RULE, "test/drop_lines")


def test_strip_cuts_the_match_records_it_and_fills_the_metadata_field():
    doc = doc_of(f"date 2022-01-12 {PROSE}", PROSE)
    strip_parts(doc, (rule("strip", r"^date (\d{4}-\d\d-\d\d) ", capture_as="date"),), set())
    assert doc.blocks[0].text == PROSE
    assert doc.date == "2022-01-12"
    assert [(r.line, r.text) for r in doc.stripped] == [(1, "date 2022-01-12")]


def test_a_line_stripped_to_nothing_is_removed_unless_protected():
    doc = doc_of("Advertisement", "Advertisement")
    strip_parts(doc, (rule("strip", "^Advertisement$"),), {1})
    assert kept(doc.blocks) == [False, True]
    assert doc.blocks[1].text == ""


def test_cut_after_removes_the_marker_and_everything_below():
    found = blocks(PROSE, PROSE, "Related articles", "Teaser one", "Teaser two")
    cut_after(found, (rule("cut_after", "^Related articles$"),), {4}, threads=True)
    assert kept(found) == [True, True, False, False, True]


def test_cut_after_needs_half_the_text_before_the_marker():
    # early on the page the marker is a menu entry: the article is below it
    found = blocks("Related articles", PROSE, PROSE)
    cut_after(found, (rule("cut_after", "^Related articles$"),), set(), threads=True)
    assert all(kept(found))


def test_a_menu_of_short_entries_does_not_count_toward_the_share_before_a_marker():
    # a dump's menu puts many short lines above a "Comments" tab at the article's top
    menu = [f"Section {n}" for n in range(40)]
    found = blocks(*menu, "Comments", PROSE, PROSE)
    cut_after(found, (rule("cut_after", "^Comments$"),), set(), threads=True)
    assert all(kept(found))
    below_the_article = blocks(*menu, PROSE, PROSE, "Comments", "First!")
    cut_after(below_the_article, (rule("cut_after", "^Comments$"),), set(), threads=True)
    assert kept(below_the_article)[-2:] == [False, False]


def test_a_marker_another_stage_removed_still_cuts_what_follows():
    # the block model may drop a "12 Comments" heading and keep the comments under it
    found = blocks(PROSE, PROSE, "12 Comments", "First!", "I walk across that river every day.")
    found[2].removed = Reason(Origin.MODEL, "0.10")
    cut_after(found, (rule("cut_after", "^12 Comments$"),), set(), threads=True)
    assert kept(found) == [True, True, False, False, False]
    assert found[2].removed == Reason(Origin.MODEL, "0.10")  # the marker keeps its own reason
    assert found[3].removed == Reason(Origin.RULE, "test/cut_after")


THREAD = ("Jane says:", "A bridge is long overdue.", "Reply", "Tom on Aug 9, 2012 1:10 PM", LONG, LONG, LONG)


def test_a_comments_marker_with_stamps_below_it_cuts_wherever_it_stands():
    # the thread outweighs the article: the marker has under half the text before it
    found = blocks(PROSE, "7 Responses", *THREAD)
    cut_after(found, (rule("cut_after", "^7 Responses$", removes="comments"),), set(), threads=True)
    assert kept(found) == [True] + [False] * (len(THREAD) + 1)
    for_pages = blocks(PROSE, "7 Responses", *THREAD)  # CleanEval's page convention keeps the thread
    cut_after(for_pages, (rule("cut_after", "^7 Responses$", removes="comments"),), set(), threads=False)
    assert all(kept(for_pages))


def test_stamps_below_open_a_thread_only_for_a_comments_marker_and_only_two_of_them():
    found = blocks(PROSE, "Related articles", *THREAD)
    cut_after(found, (rule("cut_after", "^Related articles$"),), set(), threads=True)
    assert all(kept(found))
    one_stamp = blocks(PROSE, "Comments", "Posted at 12:45 pm", LONG, LONG, LONG)
    cut_after(one_stamp, (rule("cut_after", "^Comments$", removes="comments"),), set(), threads=True)
    assert all(kept(one_stamp))  # a byline's time below a menu's "Comments" is no thread


def test_a_dropped_section_takes_its_items_and_deeper_lines_and_ends_at_prose():
    found = blocks(
        ("Most read", BlockKind.HEADING, 0),
        ("Teaser one", BlockKind.LIST_ITEM, 0),
        ("A teaser blurb that runs a little longer than a title.", BlockKind.PARAGRAPH, 2),
        ("More", BlockKind.HEADING, 0),
        (PROSE, BlockKind.PARAGRAPH, 0),  # prose at the heading's level: the section has ended
        ("Teaser two", BlockKind.LIST_ITEM, 0),
    )
    drop_sections(found, (rule("drop_sections", "^Most read$"),), set())
    assert kept(found) == [False, False, False, False, True, True]


def test_two_long_paragraphs_end_a_section_even_indented_deeper():
    found = blocks(
        ("Most read", BlockKind.HEADING, 0),
        ("Teaser one", BlockKind.LIST_ITEM, 2),
        (LONG, BlockKind.PARAGRAPH, 2),
        (LONG, BlockKind.PARAGRAPH, 2),
    )
    drop_sections(found, (rule("drop_sections", "^Most read$"),), set())
    assert kept(found) == [False, False, True, True]


def test_an_entry_of_a_menu_list_opens_no_section():
    # "Popular" among a menu's entries names a page of the site; the article below stays
    menu = [(name, BlockKind.LIST_ITEM, 4) for name in ("Stories", "Recent", "Popular")]
    found = blocks(*menu, ("Headline of the story", BlockKind.PARAGRAPH, 4), (PROSE, BlockKind.PARAGRAPH, 6))
    drop_sections(found, (rule("drop_sections", "^Popular$"),), set())
    assert all(kept(found))
    alone = blocks(("Popular", BlockKind.LIST_ITEM, 0), ("Teaser one", BlockKind.PARAGRAPH, 2), PROSE)
    drop_sections(alone, (rule("drop_sections", "^Popular$"),), set())
    assert kept(alone) == [False, False, True]  # a lone item is a heading dressed as a list


def test_drop_lines_leave_lines_already_removed_with_their_first_reason():
    doc = doc_of("Subscribe now", "Subscribe now")
    first = Reason(Origin.MODEL, "0.10")
    doc.blocks[0].removed = first
    apply_rules(doc, Rules((rule("drop_lines", "^Subscribe"),)), set())
    assert [b.removed for b in doc.blocks] == [first, Reason(Origin.RULE, "test/drop_lines")]
