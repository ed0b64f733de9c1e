"""Passes over plain-text dumps that weigh each line against the page (jusText's context pass), and
the detached tail after the article's body."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence

from cleaner.core.decide.heuristics.base import BOILERPLATE, DETACHED_TAIL, NAVIGATION, Context, Mark
from cleaner.core.decide.heuristics.quality import Quality, article_indent, is_good_paragraph
from cleaner.core.text import FULL_STOPS, SENTENCE_END
from cleaner.core.thresholds import Thresholds
from cleaner.document import Block, BlockKind


def settle(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """The context pass (jusText's): settle short and near-good blocks by their neighbours."""
    ledes = find_lede(blocks, context.base, context.qualities, context.thresholds)
    kept = [i for i, b in enumerate(blocks) if b.kept]
    final = verdicts(blocks, kept, context.qualities, ledes)
    return [
        Mark(i, NAVIGATION if blocks[i].kind is BlockKind.LIST_ITEM else BOILERPLATE)
        for i, verdict in zip(kept, final, strict=True)
        if verdict is Quality.BAD
    ]


def verdicts(
    blocks: Sequence[Block], kept: Sequence[int], qualities: Sequence[Quality], ledes: Collection[int]
) -> list[Quality]:
    """Good or bad for each kept block: by its neighbours, then rescued in the body or as the lede."""
    classes = [qualities[i] for i in kept]
    final = [settled(pos, classes) for pos in range(len(classes))]
    for pos in body_rescued(blocks, kept, classes):
        final[pos] = Quality.GOOD
    for pos, i in enumerate(kept):
        if i in ledes or adjoins_body(blocks, qualities, i):
            final[pos] = Quality.GOOD
    return final


def find_lede(
    blocks: Sequence[Block], base: Sequence[Quality], qualities: Sequence[Quality], t: Thresholds
) -> set[int]:
    """The index of the lede: the last prose line just above the article's first paragraph, if any."""
    # News pages set the lede (standfirst) in its own box above the body, often at another
    # indentation, where off_indent demotes it and the chrome around it (dates, bylines, credits)
    # outvotes it. Only a full sentence or two, the nearest prose above the body, is taken.
    first = body_start(blocks, qualities)
    if first is None:
        return set()
    above = [i for i in range(first - 1, -1, -1) if blocks[i].kept][: t.lede_max_gap]
    for i in above:
        if base[i] is Quality.GOOD:
            return set()
        if base[i] is Quality.NEAR_GOOD:
            return {i} if is_lede(blocks[i], t) else set()
    return set()


def is_lede(block: Block, t: Thresholds) -> bool:
    """A paragraph long enough to be a sentence or two, ending like one."""
    return (
        block.kind is BlockKind.PARAGRAPH and len(block.text) >= t.lede_min_chars and block.text.endswith(SENTENCE_END)
    )


def adjoins_body(blocks: Sequence[Block], qualities: Sequence[Quality], i: int) -> bool:
    """A short sentence right next to a good paragraph at its own indentation (same text box)."""
    # An opening question or a sign-off ("Bis morgen.", "Thanks for reading!") is too short to
    # count as prose, and at the edge of its text it has no good line on its far side to save it.
    # Lines already bad (off the body's indentation, or word lists) stay bad.
    block = blocks[i]
    if qualities[i] is Quality.BAD or block.kind is not BlockKind.PARAGRAPH or not block.text.endswith(FULL_STOPS):
        return False
    return any(
        0 <= j < len(blocks) and blocks[j].indent == block.indent and is_good_paragraph(blocks[j], qualities[j])
        for j in (i - 1, i + 1)
    )


def body_start(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The index of the first kept good paragraph at the article body's indentation."""
    body = article_indent(blocks, qualities)
    return next(
        (i for i, b in enumerate(blocks) if b.indent == body and is_good_paragraph(b, qualities[i])),
        None,
    )


def body_end(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The index of the last kept good paragraph at the article body's indentation."""
    body = article_indent(blocks, qualities)
    return next(
        (
            i
            for i in range(len(blocks) - 1, -1, -1)
            if blocks[i].indent == body and is_good_paragraph(blocks[i], qualities[i])
        ),
        None,
    )


def body_rescued(blocks: Sequence[Block], kept: Sequence[int], classes: Sequence[Quality]) -> list[int]:
    """Positions of body lines, and of list items nested under the body, sandwiched in good prose."""
    # Text dumps interleave the article with widgets at other depths (share counts, "Pin" links,
    # image boxes); a subheading between two paragraphs must not be judged by the widget next to
    # it, so the body's lines are judged among the body's lines alone. A list nested deeper than
    # the body (steps, ingredients, points) between two good paragraphs is the article's own list.
    body = article_indent([blocks[i] for i in kept], classes)
    if body is None:
        return []
    on_body = [pos for pos, i in enumerate(kept) if blocks[i].indent == body]
    sub = [classes[pos] for pos in on_body]
    rescued = [pos for n, pos in enumerate(on_body) if sandwiched(n, sub)]
    nested = [pos for pos, i in enumerate(kept) if blocks[i].indent > body and blocks[i].kind is BlockKind.LIST_ITEM]
    return rescued + [pos for pos in nested if nested_sandwiched(pos, on_body, sub)]


def nested_sandwiched(pos: int, on_body: Sequence[int], sub: Sequence[Quality]) -> bool:
    """True if the body lines around kept position `pos` are good on both sides."""
    n = bisect.bisect(on_body, pos)
    return sandwiched(n, [*sub[:n], Quality.SHORT, *sub[n:]])


def sandwiched(pos: int, classes: Sequence[Quality]) -> bool:
    """True if the nearest good-or-bad blocks on both sides of `pos` are good."""
    before = neighbour(classes, pos, -1, skip_near_good=True)
    after = neighbour(classes, pos, +1, skip_near_good=True)
    return before is after is Quality.GOOD


def settled(pos: int, classes: Sequence[Quality]) -> Quality:
    """Good or bad for the block at `pos`, from its own class and its neighbours'."""
    own = classes[pos]
    if own in (Quality.GOOD, Quality.BAD):
        return own
    before = neighbour(classes, pos, -1, skip_near_good=True)
    after = neighbour(classes, pos, +1, skip_near_good=True)
    if own is Quality.NEAR_GOOD:
        return Quality.BAD if before is after is Quality.BAD else Quality.GOOD
    if before is after:
        return before
    # One good and one bad side: a near-good block next to the bad side tips it to good.
    near_before = neighbour(classes, pos, -1, skip_near_good=False)
    near_after = neighbour(classes, pos, +1, skip_near_good=False)
    if (before is Quality.BAD and near_before is Quality.NEAR_GOOD) or (
        after is Quality.BAD and near_after is Quality.NEAR_GOOD
    ):
        return Quality.GOOD
    return Quality.BAD


def neighbour(classes: Sequence[Quality], pos: int, step: int, skip_near_good: bool) -> Quality:
    """The class of the nearest block in one direction that is not short (the page edge is bad)."""
    skip = (Quality.SHORT, Quality.NEAR_GOOD) if skip_near_good else (Quality.SHORT,)
    pos += step
    while 0 <= pos < len(classes):
        if classes[pos] not in skip:
            return classes[pos]
        pos += step
    return Quality.BAD


def detached_tail(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """Kept lines off the body's indentation that sit well after the article's last paragraph."""
    t = context.thresholds
    end = body_end(blocks, context.qualities)
    if end is None:
        return []
    body = blocks[end].indent
    tail, gap = [], 0
    for i in range(end + 1, len(blocks)):
        if not blocks[i].kept:
            gap += 1
        elif gap >= t.detached_gap_min and blocks[i].indent != body:
            tail.append(i)
    article = sum(len(b.text) for b in blocks[: end + 1] if b.kept)
    if sum(len(blocks[i].text) for i in tail) >= t.detached_max_share * article:
        return []  # more text than the article itself: a second part of it, not a footer
    return [Mark(i, DETACHED_TAIL) for i in tail]
