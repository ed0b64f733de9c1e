"""Runs the stages on one Document. Bad input becomes a recorded failure, never an exception."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.core import language, segment
from cleaner.core.decide import heuristics, linefeatures, linerules, repeats
from cleaner.core.decide import model as blockmodel
from cleaner.core.decide.heuristics.base import BOILERPLATE, DETACHED_TAIL, NAVIGATION
from cleaner.core.decode import DecodeError, decode, repair
from cleaner.core.html import extract as html
from cleaner.core.options import Options
from cleaner.core.thresholds import DEFAULT_THRESHOLDS, Thresholds
from cleaner.document import Document, Origin, Reason
from cleaner.io.filetypes import HTML_EXTENSIONS, TEXT_EXTENSIONS
from cleaner.rules.ruleset import Rules, RuleSet

#: Content sniffing for files whose extension says nothing: markup near the start means HTML.
HTML_SNIFF_RE = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
HTML_SNIFF_WINDOW = 1024

#: A text dump shorter than this goes to the heuristics even where the text model would take it:
#: the model's page features (position, the page's length, its lines' share) were learned on dumps
#: of several thousand characters, and on a ten-line dump it kept a menu's "Sport" above the lede
#: (tests/cases/en.yaml). 8 of the portfolio's 1,508 dumps are shorter.
MODEL_MIN_DUMP_CHARS = 1000


def process(doc: Document, options: Options, ruleset: RuleSet) -> Document:
    """Clean one document in place and return it; failures are recorded on the document."""
    return _guarded(_process, doc, options, ruleset)


def judged(doc: Document, options: Options, ruleset: RuleSet) -> Document:
    """The document as the text model reads a dump: through the rules and the heuristics (a page:
    through extraction, the block model's scores if it decides, and the rules), before the text
    model and the passes after it. Training computes its line features from this, so that they
    are what inference computes."""
    return _guarded(_judged, doc, options, ruleset)


Stages = Callable[[Document, Options, RuleSet], Document]


def _guarded(stages: Stages, doc: Document, options: Options, ruleset: RuleSet) -> Document:
    """Run the stages; an exception becomes the document's recorded failure."""
    try:
        return stages(doc, options, ruleset)
    except (DecodeError, html.HtmlError, blockmodel.ModelError) as exc:
        return doc.fail(str(exc))
    except RecursionError:
        return doc.fail("input too deeply nested to process")
    except MemoryError:
        return doc.fail("out of memory while processing")
    except Exception as exc:  # a bug or an unforeseen input: record it, let the batch go on
        return doc.fail(f"internal error: {type(exc).__name__}: {exc}")


@dataclass(frozen=True, slots=True)
class _Judged:
    """What the first stages hand the rest: the model that decides, the document's rules, and the
    blocks the rules protect."""

    model: blockmodel.Model | None
    rules: Rules
    protected: set[int]


def _process(doc: Document, options: Options, ruleset: RuleSet) -> Document:
    """The stages in order: check, decode, extract (HTML), segment, rules, heuristics, language."""
    first = _judge(doc, options, ruleset)
    if first is None:
        return doc
    if doc.input_format != "html" and first.model is not None:
        decide_lines(doc, first.model, first.protected)
        # A closing marker ("12 Comments") cuts again below the lines the model kept: before it,
        # a dump's menus could leave the marker above half the page's text (measured: dragnet-dev
        # dumps, trained without them, 0.829 -> 0.835; traf-dev's 0.882 -> 0.884); and now a
        # comments marker with a thread's stamps below it cuts wherever it stands (articles only:
        # CleanEval's page convention counts the thread as running text; README, "Main content").
        cuts = first.rules.of("cut_after")
        linerules.cut_after(doc.blocks, cuts, first.protected, threads=options.scope == "article")
    if options.scope == "article":
        repeats.drop_repeats(doc.blocks, first.protected)
    return filter_language(doc, options.languages)


def _judged(doc: Document, options: Options, ruleset: RuleSet) -> Document:
    """The first stages only (see judged)."""
    _judge(doc, options, ruleset)
    return doc


def _judge(doc: Document, options: Options, ruleset: RuleSet) -> _Judged | None:
    """Check, decode, extract (HTML), segment, rules and heuristics; None if the document ended here."""
    if len(doc.raw) > options.max_bytes:
        doc.fail(too_large(len(doc.raw), options.max_bytes))
        return None
    if not doc.raw.strip():
        doc.drop("empty file")
        return None
    if doc.source is None:  # a container's page comes with its format
        doc.input_format = input_format(doc.id, doc.raw, options.input_format)
    is_html = doc.input_format == "html"
    keep_comments = options.comments == "keep"
    text, doc.decoding = decode(doc.raw, is_html=is_html, transport=doc.charset)
    model = (
        blockmodel.for_settings(doc.input_format, options.scope, options.comments, options.model)
        if options.uses_model(doc.input_format) and (is_html or len(text) >= MODEL_MIN_DUMP_CHARS)
        else None
    )
    if is_html:
        if model is not None:
            found = html.extract_blocks(text, ruleset, model.verdicts, keep_comments, doc.url)
        else:
            found = html.extract(text, ruleset, doc.url, options.thresholds)
        text = repair(found.apply(doc), doc.decoding)
        doc.title = repair(doc.title, doc.decoding) if doc.title else doc.title
    doc.source_text = text
    rules = ruleset.for_document(doc.url, text, keep_comments)
    return _Judged(model, rules, clean_text(doc, rules, options.thresholds))


def clean_text(doc: Document, rules: Rules, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> set[int]:
    """The line-level stages shared by plain text and extracted HTML: rules, then heuristics.

    Returns the indexes of the blocks keep rules protect, and of the title's line.
    """
    doc.blocks = segment.segment(doc.source_text)
    protected = linerules.protect(doc.blocks, rules)
    if doc.scores:  # the block model decided each line; keep rules overrule it, drop rules follow
        apply_scores(doc, protected)
    linerules.apply_rules(doc, rules, protected)
    if doc.scores:
        return protected
    guess = None
    if doc.input_format == "text":  # only the plain-text passes weigh stopwords
        guess, _ = language.detect("\n".join(b.text for b in doc.blocks if b.kept), language.GUESS_MAX_CHARS)
    known = language.STOPLIST_NAMES.get((guess or "").split("-")[0]) is not None
    heuristics.classify(doc, language.stopwords(guess), known, protected, thresholds)
    return protected


#: What the text model may overrule: the heuristics' judgement of a line by its qualities and its
#: neighbours' (jusText's kind, which the model makes from more evidence). What a precise pass
#: found (an image credit and its caption, a repeated title, an author's bio), like a rule's
#: removal and a keep rule's protection, stands: the model would keep a caption that reads as prose.
OVERRULED = frozenset({BOILERPLATE, NAVIGATION, DETACHED_TAIL})


def decide_lines(doc: Document, model: blockmodel.Model, protected: set[int]) -> None:
    """Let the text model decide each line of a dump, from its features and the heuristics' verdict."""
    heuristic = [float(b.kept) for b in doc.blocks]
    rows = linefeatures.compute(doc.blocks, heuristic, language.stopwords(None))
    for i, (block, verdict) in enumerate(zip(doc.blocks, model.verdicts(rows), strict=True)):
        doc.scores[block.line] = verdict
        if i in protected or (block.removed is not None and block.removed not in OVERRULED):
            continue
        block.removed = None if verdict.keep else Reason(Origin.MODEL, f"{verdict.score:.2f}")


def apply_scores(doc: Document, protected: set[int]) -> None:
    """Remove the lines the block model rejected, unless a keep rule protects them."""
    for i, block in enumerate(doc.blocks):
        verdict = doc.scores.get(block.line)
        if i not in protected and verdict is not None and not verdict.keep:
            block.removed = Reason(Origin.MODEL, f"{verdict.score:.2f}")


def filter_language(doc: Document, keep: tuple[str, ...]) -> Document:
    """Detect the clean text's language; drop the document if it is not one of `keep`."""
    text = doc.text
    if not text.strip():
        return doc.drop("no text left after cleaning")
    doc.language, doc.language_score = language.detect(text)
    detected = doc.language or ""
    if keep and detected not in keep and detected.split("-")[0] not in keep:
        reason = Reason(Origin.LANGUAGE, f"not-{'-'.join(keep)}")
        return doc.drop(f"{reason}: detected {doc.language or 'unknown'}")
    return doc


def too_large(size: int, limit: int) -> str:
    """The failure reason for an input over the size limit."""
    return f"file too large: {size:,} bytes (limit {limit:,}; see --max-bytes)"


def input_format(doc_id: str, raw: bytes, forced: str) -> str:
    """'html' or 'text': forced by the settings, else by extension, else by sniffing the content."""
    if forced != "auto":
        return forced
    name = doc_id.lower().removesuffix(".gz")
    if name.endswith(HTML_EXTENSIONS):
        return "html"
    if name.endswith(TEXT_EXTENSIONS):
        return "text"
    return "html" if HTML_SNIFF_RE.match(raw[:HTML_SNIFF_WINDOW].lstrip(b"\xef\xbb\xbf")) else "text"
