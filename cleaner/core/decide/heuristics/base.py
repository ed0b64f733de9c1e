"""What a heuristic pass reads (its Context) and returns (Marks), and the reasons it gives."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cleaner.core.decide.heuristics.quality import Quality
from cleaner.core.thresholds import DEFAULT_THRESHOLDS, Thresholds
from cleaner.document import Block, LineHint, Origin, Reason


def heuristic(name: str) -> Reason:
    """The reason for a removal decided by the named built-in heuristic."""
    return Reason(Origin.HEURISTIC, name)


IMAGE_CREDIT = heuristic("image-credit")
CAPTION = heuristic("caption")
DUPLICATE_TITLE = Reason(Origin.TITLE, "duplicate-title")
BOILERPLATE = heuristic("boilerplate")
NAVIGATION = heuristic("navigation")
LINK_TAIL = heuristic("link-tail")
TRAILING_HEADING = heuristic("trailing-heading")
AUTHOR_BIO = heuristic("author-bio")
DETACHED_TAIL = heuristic("detached-tail")


@dataclass(frozen=True, slots=True)
class Mark:
    """One removal a pass asks for; the applier makes it unless the block is protected."""

    index: int
    reason: Reason
    #: The index of an earlier mark of the same pass this one follows from (a caption from its
    #: credit, a heading from the one below it): made only if that one was.
    after: int | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What the passes read besides the blocks: the thresholds, the language, the page's readings."""

    thresholds: Thresholds = DEFAULT_THRESHOLDS
    stopwords: frozenset[str] = frozenset()
    known_language: bool = False  # the stopwords are the language's own, not the union of all lists
    hints: Mapping[int, LineHint] = field(default_factory=dict)  # HTML: by line number
    title: str | None = None  # found after the line passes
    #: Each block's class as the page weighs it (read after the title passes), and before the
    #: article body's indentation weighs in (`base`); the same for HTML, which has no indentation.
    qualities: Sequence[Quality] = ()
    base: Sequence[Quality] = ()


#: A heuristic pass: the removals it asks for, in the order they are to be made.
HeuristicPass = Callable[[Sequence[Block], Context], list[Mark]]


def next_kept(blocks: Sequence[Block], i: int, skip: frozenset[int] | set[int] = frozenset()) -> int | None:
    """The index of the next kept block after index i (not one in `skip`)."""
    for j in range(i + 1, len(blocks)):
        if blocks[j].kept and j not in skip:
            return j
    return None
