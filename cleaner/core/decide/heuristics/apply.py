"""The ordered registry of heuristic passes, and the one applier that makes their removals.

A pass reads the blocks and a Context and returns Marks; it never removes anything itself, nor
asks what is protected. The applier makes each mark in order, unless a keep rule or the title
protects the block (a lede is kept by the settle pass's own verdict). Adding a pass is one function
and one line in PASSES.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from cleaner.core.decide.heuristics import lines, settle, structure
from cleaner.core.decide.heuristics.base import Context, HeuristicPass, Mark
from cleaner.core.decide.heuristics.quality import off_indent, other_languages, quality, short_article
from cleaner.core.thresholds import DEFAULT_THRESHOLDS, Thresholds
from cleaner.document import Block, Document


class Stage(enum.IntEnum):
    """When a pass runs: what the Context holds by then."""

    LINE = 1  # each line on its own, before the title is known (a credit line is no headline)
    TITLE = 2  # the title is known, and its line protected
    PAGE = 3  # the page's qualities are read (after the title passes: a short text is read on what is left)


HTML, TEXT = "html", "text"


@dataclass(frozen=True, slots=True)
class Pass:
    """A heuristic pass in the registry: its name, when it runs and for which input formats."""

    name: str
    run: HeuristicPass
    stage: Stage
    formats: frozenset[str] = frozenset({HTML, TEXT})


#: The passes in the order they run. Extracted HTML has trafilatura's choice of the main content
#: behind it, so only the precise structural passes follow; text dumps get jusText's context pass.
PASSES: tuple[Pass, ...] = (
    Pass("image-credit", lines.image_credits, Stage.LINE),
    Pass("duplicate-title", lines.duplicate_titles, Stage.TITLE),
    Pass("link-tail", structure.link_tail, Stage.PAGE, frozenset({HTML})),
    Pass("trailing-heading", structure.trailing_headings, Stage.PAGE, frozenset({HTML})),
    Pass("settle", settle.settle, Stage.PAGE, frozenset({TEXT})),
    Pass("detached-tail", settle.detached_tail, Stage.PAGE, frozenset({TEXT})),
    Pass("author-bio", lines.author_bio, Stage.PAGE),
)


def classify(
    doc: Document,
    stopwords: frozenset[str],
    known_language: bool,
    protected: set[int],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> None:
    """Run every pass for the document's format over its kept blocks, stage by stage.

    The title line joins `protected` (so later stages, such as the text model, keep it too).
    """
    blocks, fmt = doc.blocks, doc.input_format
    context = Context(thresholds, stopwords, known_language, doc.line_hints)
    run_stage(blocks, context, Stage.LINE, fmt, protected)
    doc.title = lines.find_title(blocks, doc.title, thresholds)
    title = lines.title_line(blocks, doc.title)
    if title is not None:
        protected.add(title)
    context = replace(context, title=doc.title)
    run_stage(blocks, context, Stage.TITLE, fmt, protected)
    context = read_page(blocks, context, fmt)
    run_stage(blocks, context, Stage.PAGE, fmt, protected)


def read_page(blocks: Sequence[Block], context: Context, fmt: str | None) -> Context:
    """The context with every block's class: for a text dump, weighed against the whole page."""
    t = context.thresholds
    qualities = [quality(b, context.stopwords, context.known_language, t) for b in blocks]
    if fmt == HTML:
        return replace(context, qualities=qualities, base=qualities)
    if context.known_language:
        qualities = other_languages(blocks, qualities, t)
    base = short_article(blocks, qualities)
    return replace(context, qualities=off_indent(blocks, base), base=base)


def run_stage(blocks: list[Block], context: Context, stage: Stage, fmt: str | None, protected: set[int]) -> None:
    """Run the registry's passes of one stage for the format, each applied before the next runs."""
    for step in PASSES:
        if step.stage is stage and fmt in step.formats:
            apply_marks(blocks, step.run(blocks, context), protected)


def apply_marks(blocks: list[Block], marks: Iterable[Mark], protected: Collection[int]) -> list[int]:
    """Make the marks in order, except on protected or already removed blocks; return those made.

    A mark that follows from another (`after`) is made only if that one was.
    """
    made: list[int] = []
    for mark in marks:
        if (
            mark.index in protected
            or not blocks[mark.index].kept
            or (mark.after is not None and mark.after not in made)
        ):
            continue
        blocks[mark.index].removed = mark.reason
        made.append(mark.index)
    return made
