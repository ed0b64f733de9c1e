"""Passes over extracted HTML that read the page's structure (line hints): link tails, cut-off headings.

trafilatura already chose the main content of a page; only these precise passes follow it.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.core.decide.heuristics.base import LINK_TAIL, TRAILING_HEADING, Context, Mark
from cleaner.core.decide.heuristics.quality import Quality, is_good_paragraph
from cleaner.document import Block, BlockKind

#: Elements whose lines are parts of a list or table; a linked item is an entry of the article's
#: own list (sources, products, steps) as often as a teaser, so the link rule leaves them alone.
LISTING_ELEMENTS = frozenset({"item", "cell"})


def last_prose(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The index of the last kept good paragraph: where the article's body ends."""
    return next((i for i in range(len(blocks) - 1, -1, -1) if is_good_paragraph(blocks[i], qualities[i])), None)


def link_tail(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """Lines that are links (not list entries) after the article's last paragraph."""
    end = last_prose(blocks, context.qualities)
    if end is None:
        return []
    marks = []
    for i in range(end + 1, len(blocks)):
        hint = context.hints.get(blocks[i].line)
        if (
            blocks[i].kept
            and hint is not None
            and hint.linked >= context.thresholds.link_dense_share
            and hint.element not in LISTING_ELEMENTS
        ):
            marks.append(Mark(i, LINK_TAIL))
    return marks


def trailing_headings(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """Headings that end the text: a heading with nothing under it heads a box that was cut.

    Each one is dropped only if the one below it was: a kept heading has something under it.
    """
    marks: list[Mark] = []
    below = None
    for i in range(len(blocks) - 1, -1, -1):
        if not blocks[i].kept:
            continue
        hint = context.hints.get(blocks[i].line)
        if hint is None or hint.element != "head" or blocks[i].kind is not BlockKind.HEADING:
            break  # a "heading" that ends like a sentence is a highlighted line of the text
        marks.append(Mark(i, TRAILING_HEADING, after=below))
        below = i
    return marks
