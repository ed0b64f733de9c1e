"""A paragraph an article repeats: its later copies go, whoever kept them.

A page's layout often holds the same text twice (a teaser above a paywall and the article's own
first paragraphs, a print version, a mobile block); the article states each paragraph once. Only
for `--scope article`: CleanEval's page convention annotates every copy (measured: its pages lost
0.003 F1 with the copies removed).
"""

from __future__ import annotations

from cleaner.core.decide.heuristics.base import heuristic
from cleaner.core.text import fold
from cleaner.document import Block

REPEATED = heuristic("repeated-paragraph")

#: A repeat shorter than this is a label ("Share", "Advertisement", a byline), which other passes
#: judge; from 40 characters, a sentence (measured on dragnet-dev, the block model trained without
#: it: 0.9200 -> 0.9212; traf-dev's snippet scores count no copy, and stay 0.9449).
REPEAT_MIN_CHARS = 40


def drop_repeats(blocks: list[Block], protected: set[int]) -> None:
    """Remove every kept block of REPEAT_MIN_CHARS or more whose text an earlier kept block has."""
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        if not block.kept or len(block.text) < REPEAT_MIN_CHARS:
            continue
        key = fold(block.text)
        if key in seen and i not in protected:
            block.removed = REPEATED
        seen.add(key)
