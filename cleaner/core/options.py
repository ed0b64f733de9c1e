"""What the per-document pipeline reads of a run's settings: how to read and extract one page.

The batch's Settings (workers, engine, outputs ...) hand the core this much and no more, so the
core can be called, tested and trained against without a run around it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cleaner.core.thresholds import DEFAULT_THRESHOLDS, Thresholds

INPUT_FORMATS = ("auto", "html", "text")
EXTRACTORS = ("auto", "trafilatura", "model")
SCOPES = ("article", "page")
COMMENTS = ("drop", "keep")
#: Files larger than this are recorded as too large instead of cleaned: a page is rarely over
#: 2 MB, and a multi-megabyte "page" is a dump or an attack that would stall a worker for minutes.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Options:
    """How one document is cleaned: its input format, the extractor and what counts as content."""

    input_format: str = "auto"  # "html" | "text" | "auto": by extension, else by content
    extractor: str = "auto"  # "model", or "trafilatura" (+ line heuristics; a dump: the heuristics); auto: the model
    scope: str = "article"  # "article": the main content; "page": all running text of the page
    comments: str = "drop"  # "keep": readers' comments are content too
    model: Path | None = None  # a block model file instead of the shipped one for the scope
    languages: tuple[str, ...] = ()  # empty: keep every language
    max_bytes: int = DEFAULT_MAX_BYTES
    #: What the line heuristics and the lede finder decide by; no command-line option sets them (a
    #: caller or a training run does), so the batch fingerprint's code digest covers the defaults.
    thresholds: Thresholds = DEFAULT_THRESHOLDS

    def uses_model(self, input_format: str) -> bool:
        """True if documents of this format ('html' or 'text') go to the block model: asked for,
        or what wins for the format and scope.

        `auto` takes the decider that measured best on the collections it was not trained or
        tuned on (README, "Main content"): today the model, for every format, scope and comments
        choice, so the format does not change the answer. It stays a parameter because the choice
        is made per format (the batch fingerprint records one answer per format), and a later
        measurement may split it again.
        """
        return self.extractor in ("auto", "model")
