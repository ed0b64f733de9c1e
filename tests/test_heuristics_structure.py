"""heuristics.structure: the HTML passes that read the page's structure (link tails, cut-off headings)."""

from __future__ import annotations

from heuristic_blocks import classed, context

from cleaner.core.decide.heuristics.apply import apply_marks
from cleaner.core.decide.heuristics.base import LINK_TAIL, TRAILING_HEADING, Mark
from cleaner.core.decide.heuristics.structure import link_tail, trailing_headings
from cleaner.document import BlockKind, LineHint


def test_link_lines_after_the_last_paragraph_are_marked():
    found, classes = classed("short", "good", "good", "short", "short")
    hints = {1: LineHint("p", 1.0), 4: LineHint("p", 1.0), 5: LineHint("p", 0.61)}
    assert link_tail(found, context(classes, hints)) == [Mark(3, LINK_TAIL), Mark(4, LINK_TAIL)]


def test_list_entries_partly_linked_lines_and_lines_without_hints_are_left():
    found, classes = classed("good", "short", "short", "short", "short")
    hints = {2: LineHint("item", 1.0), 3: LineHint("cell", 1.0), 4: LineHint("p", 0.4)}
    assert link_tail(found, context(classes, hints)) == []
    assert link_tail(found, context(classes, hints, link_dense_share=0.3)) == [Mark(3, LINK_TAIL)]


def test_no_paragraph_no_link_tail():
    found, classes = classed("short", "near", "bad")
    assert link_tail(found, context(classes, {1: LineHint("p", 1.0), 2: LineHint("p", 1.0)})) == []


def headed(*specs: str):
    """Blocks where "head" specs are headings with a head hint, the rest good paragraphs."""
    found, classes = classed(*("good" if s != "head" else "short" for s in specs))
    hints = {}
    for block, spec in zip(found, specs, strict=True):
        if spec == "head":
            block.kind = BlockKind.HEADING
            hints[block.line] = LineHint("head", 0.0)
        else:
            hints[block.line] = LineHint("p", 0.0)
    return found, classes, hints


def test_headings_that_end_the_text_are_marked_each_after_the_one_below():
    found, classes, hints = headed("good", "head", "good", "head", "head")
    assert trailing_headings(found, context(classes, hints)) == [
        Mark(4, TRAILING_HEADING),
        Mark(3, TRAILING_HEADING, after=4),
    ]


def test_a_heading_the_text_goes_on_under_is_left():
    found, classes, hints = headed("head", "good", "good")
    assert trailing_headings(found, context(classes, hints)) == []
    found[2].kind = BlockKind.HEADING  # a heading by its shape, but a paragraph of the page
    assert trailing_headings(found, context(classes, hints)) == []


def test_a_protected_heading_keeps_the_ones_above_it():
    found, classes, hints = headed("good", "head", "head", "head")
    marks = trailing_headings(found, context(classes, hints))
    assert apply_marks(found, marks, protected={2}) == [3]  # line 2 has line 3 under it, line 1 has line 2
    assert [b.kept for b in found] == [True, True, True, False]
