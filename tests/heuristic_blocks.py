"""Hand-built blocks and contexts for the heuristic passes' tests (jusText's test style)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from cleaner.core.decide.heuristics.base import Context
from cleaner.core.decide.heuristics.quality import Quality
from cleaner.core.thresholds import Thresholds
from cleaner.document import Block, BlockKind, LineHint

#: A few English stopwords: enough to tell prose from chrome, small enough to count by hand.
STOP = frozenset({"the", "of", "a", "to", "and", "in", "is", "on", "by", "it", "at", "she", "where"})
#: 104 characters, 11 of 22 words stopwords: near-good on its own, good twice over.
PROSE = "The council voted on the plan to extend the opening hours of the library in the town by two hours a day."
ARTICLE = f"{PROSE} {PROSE}"

CLASSES = {"good": Quality.GOOD, "near": Quality.NEAR_GOOD, "short": Quality.SHORT, "bad": Quality.BAD}


def blocks(*texts: str, kind: BlockKind = BlockKind.PARAGRAPH, indent: int = 0) -> list[Block]:
    """One block per text, numbered from line 1."""
    return [Block(text, line, kind, indent) for line, text in enumerate(texts, start=1)]


def classed(*specs: str) -> tuple[list[Block], list[Quality]]:
    """Blocks and their classes from specs like "good", "short", "bad@4" (at indentation 4), "item:bad"."""
    found, classes = [], []
    for line, spec in enumerate(specs, start=1):
        kind = BlockKind.LIST_ITEM if spec.startswith("item:") else BlockKind.PARAGRAPH
        name, _, indent = spec.removeprefix("item:").partition("@")
        found.append(Block(f"{name} line {line}", line, kind, int(indent or 0)))
        classes.append(CLASSES[name])
    return found, classes


def context(
    qualities: Sequence[Quality] = (),
    hints: Mapping[int, LineHint] | None = None,
    title: str | None = None,
    **thresholds: float,
) -> Context:
    """A context with the test stoplist, the given readings, and the default thresholds (or others)."""
    return Context(
        replace(Thresholds(), **thresholds),
        STOP,
        True,
        hints or {},
        title,
        qualities=list(qualities),
        base=list(qualities),
    )
