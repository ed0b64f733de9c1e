"""heuristics.settle: jusText's context pass over text dumps, the lede, and the detached tail.

In the style of jusText's tests/test_paragraph_revision.py: blocks with hand-set classes, and what
the pass marks. A kept block is one the pass leaves."""

from __future__ import annotations

from dataclasses import replace

import pytest
from heuristic_blocks import ARTICLE, PROSE, classed, context

from cleaner.core.decide.heuristics.base import BOILERPLATE, DETACHED_TAIL, IMAGE_CREDIT, NAVIGATION, Mark
from cleaner.core.decide.heuristics.quality import Quality
from cleaner.core.decide.heuristics.settle import detached_tail, find_lede, settle
from cleaner.core.thresholds import Thresholds
from cleaner.document import Block, BlockKind


def marked(*specs: str) -> list[int]:
    """The indexes settle marks among blocks of the given classes."""
    found, classes = classed(*specs)
    return [m.index for m in settle(found, context(classes))]


def test_no_blocks_no_marks():
    assert settle([], context()) == []


@pytest.mark.parametrize("cls", ["short", "near", "bad"])
def test_a_single_block_that_is_not_good_is_marked(cls):
    assert marked(cls) == [0]


def test_a_single_good_block_is_left():
    assert marked("good") == []


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (("good", "short", "good"), []),  # between good blocks
        (("bad", "short", "bad"), [0, 1, 2]),  # between bad ones
        (("good", "short", "bad"), [2, 1]),  # one of each: bad...
        (("good", "short", "near", "bad"), [3]),  # ...unless a near-good block stands on the bad side
        (("good", "short", "short", "good"), []),  # short blocks are skipped as neighbours
        (("bad", "near", "bad"), [0, 1, 2]),  # near-good between bad ones
        (("bad", "near", "good"), [0]),  # near-good next to good prose
    ],
)
def test_short_and_near_good_blocks_are_settled_by_their_neighbours(specs, expected):
    assert sorted(marked(*specs)) == sorted(expected)


def test_a_bad_line_between_good_paragraphs_of_the_body_is_rescued():
    assert marked("good", "bad", "good") == []
    assert marked("good", "bad@4", "good") == [1]  # a widget at another depth is not


def test_a_list_nested_under_the_body_between_good_paragraphs_is_the_article_s():
    assert marked("good", "item:bad@4", "item:bad@4", "good") == []
    assert marked("good", "item:bad@4", "item:bad@4") == [1, 2]


def test_list_items_are_navigation_and_other_lines_boilerplate():
    found, classes = classed("item:bad", "bad")
    assert settle(found, context(classes)) == [Mark(0, NAVIGATION), Mark(1, BOILERPLATE)]


def test_removed_blocks_are_no_neighbours():
    found, classes = classed("good", "short", "good")
    found[0].removed = IMAGE_CREDIT
    assert settle(found, context(classes)) == [Mark(1, BOILERPLATE)]


def test_a_short_sentence_next_to_a_good_paragraph_is_left():
    found, classes = classed("short", "good")
    found[0].text = "Thanks for reading!"
    assert settle(found, context(classes)) == []
    found[0].text = "Read more:"  # leads on, does not end a sentence
    assert settle(found, context(classes)) == [Mark(0, BOILERPLATE)]


# --- the lede ---------------------------------------------------------------------------------


def lede_page(lede: str) -> tuple[list[Block], list[Quality], list[Quality]]:
    """A byline, a lede at another indentation, then the body: the classes before and after off_indent."""
    found = [
        Block("By Jane Doe", 1, BlockKind.PARAGRAPH, 0),
        Block(lede, 2, BlockKind.PARAGRAPH, 2),
        Block(ARTICLE, 3, BlockKind.PARAGRAPH, 0),
        Block(ARTICLE, 4, BlockKind.PARAGRAPH, 0),
    ]
    base = [Quality.SHORT, Quality.NEAR_GOOD, Quality.GOOD, Quality.GOOD]
    return found, base, [Quality.SHORT, Quality.SHORT, Quality.GOOD, Quality.GOOD]


def test_the_lede_above_the_body_is_found_and_kept():
    found, base, qualities = lede_page(PROSE)
    assert find_lede(found, base, qualities, Thresholds()) == {1}
    assert [m.index for m in settle(found, replace(context(qualities), base=base))] == [
        0
    ]  # the byline goes, the lede stays


def test_no_lede_from_a_fragment_a_short_line_or_too_far_up():
    found, base, qualities = lede_page(PROSE.removesuffix("."))
    assert find_lede(found, base, qualities, Thresholds()) == set()
    found, base, qualities = lede_page(PROSE)
    assert find_lede(found, base, qualities, Thresholds(lede_min_chars=200)) == set()
    assert find_lede(found, base, qualities, Thresholds(lede_max_gap=0)) == set()


# --- the detached tail ------------------------------------------------------------------------


def tail_page(*tail: str, gap: int = 5) -> tuple[list[Block], list[Quality]]:
    """Two good paragraphs at indentation 0, `gap` removed lines, then the tail's specs."""
    found, classes = classed("good", "good", *["bad"] * gap, *tail)
    for block in found[2 : 2 + gap]:
        block.removed = BOILERPLATE
    for block in found[:2]:
        block.text = ARTICLE
    return found, classes


def test_kept_lines_at_another_indentation_well_after_the_body_are_marked():
    found, classes = tail_page("short@4", "near@4")
    assert detached_tail(found, context(classes)) == [Mark(7, DETACHED_TAIL), Mark(8, DETACHED_TAIL)]


def test_lines_at_the_body_s_indentation_or_after_a_short_gap_are_left():
    found, classes = tail_page("short", "near@4")
    assert detached_tail(found, context(classes)) == [Mark(8, DETACHED_TAIL)]
    found, classes = tail_page("short@4", gap=4)
    assert detached_tail(found, context(classes)) == []
    assert detached_tail(found, context(classes, detached_gap_min=4)) == [Mark(6, DETACHED_TAIL)]


def test_a_tail_with_half_the_article_s_text_is_the_article_going_on():
    found, classes = tail_page("near@4")
    found[7].text = ARTICLE  # as long as one of the two paragraphs above
    assert detached_tail(found, context(classes)) == []
    assert detached_tail(found, context(classes, detached_max_share=0.6)) == [Mark(7, DETACHED_TAIL)]
