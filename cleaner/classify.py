"""Built-in heuristics: a context-free pass, then a context pass over blocks (after jusText).

The context-free pass gives every block a class from its own features (length, stopword density,
shape). The context pass settles the uncertain classes from their neighbours and finds the main
run of prose. Every removal carries a named heuristic as its reason.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from .document import Block, BlockKind, Document, Origin, Reason

# --- thresholds (character counts are of the normalised line) --------------------------------

#: A block this long with enough stopwords is article prose on its own (jusText: length_high=200;
#: news paragraphs are often shorter, and scraped ledes are one-sentence paragraphs).
GOOD_MIN_CHARS = 150
#: Below this length a block is never good on its own (jusText: length_low=70).
SHORT_MAX_CHARS = 70
#: Share of stopwords among words above which text reads as running prose (jusText: 0.32, 0.30).
STOPWORDS_HIGH = 0.30
STOPWORDS_LOW = 0.20
#: The same for the union of all stoplists, used when the language has no list of its own.
STOPWORDS_HIGH_ANY = 0.35
STOPWORDS_LOW_ANY = 0.25
#: Share of number tokens above which a line is a list of dates, prices or counts, not prose:
#: archive lists ("April 2022 (501) March 2022 (805)") pass the stopword test on month names.
NUMBERS_MAX = 0.25
#: Prose this long has a comma or a full stop somewhere; a long line with neither is a run of
#: link texts or tags ("Aberglaube Abgeltungssteuer Abstimmung …").
UNPUNCTUATED_MAX_CHARS = 150
PROSE_PUNCTUATION_RE = re.compile(r"[.,;:!?。，、؛،]")

#: A title is short: headlines run up to about 25 words.
TITLE_MAX_CHARS = 160
#: A caption under an image credit is at most a few sentences.
CAPTION_MAX_CHARS = 400

#: Lines that credit or label an image: "Image: …", "Photo: AFP", "Foto: dpa", "Content image - X".
IMAGE_CREDIT_RE = re.compile(
    r"(?i)^(?:(?:content |featured |header |cover )?(?:image|photo|picture|foto|bild|imagen|"
    r"immagine|photographie)(?: credit| source| courtesy)?s?\s*[:\-–|©]|"
    r"(?:photo|image|bild|foto)(?:s)? ?(?:by|von|de|credit|©)\b|©\s*(?:photo|foto|bild)|"
    r"(?:crédit|credit)s? (?:photo|image)s?\s*:)"
)


class Quality(str, enum.Enum):
    """The context-free class of a block (jusText's good / near-good / short / bad)."""

    GOOD = "good"
    NEAR_GOOD = "near-good"
    SHORT = "short"
    BAD = "bad"


def heuristic(name: str) -> Reason:
    """The reason for a removal decided by the named built-in heuristic."""
    return Reason(Origin.HEURISTIC, name)


IMAGE_CREDIT = heuristic("image-credit")
CAPTION = heuristic("caption")
DUPLICATE_TITLE = Reason(Origin.TITLE, "duplicate-title")
BOILERPLATE = heuristic("boilerplate")
NAVIGATION = heuristic("navigation")
OUTSIDE_MAIN_TEXT = heuristic("outside-main-text")

#: The main-span pass (Finn et al.'s body text extraction): every kept block scores its length
#: when settled good, and at least this much against when settled bad, so a run of short chrome
#: lines (menus, bylines, "Reply" links) weighs against the prose around it.
import os
SPAN_BAD_MIN_COST = int(os.environ.get("SPAN_COST", 50))
SPAN_MODE = os.environ.get("SPAN_MODE", "soft")


def classify(
    doc: Document, stopwords: frozenset[str], known_language: bool, protected: set[int]
) -> None:
    """Run all heuristic passes over the document's kept blocks."""
    drop_image_credits(doc.blocks, protected)
    find_title(doc, protected)
    if doc.input_format == "html":
        return  # trafilatura already chose the main content; only precise passes apply
    qualities = [quality(b, stopwords, known_language) for b in doc.blocks]
    qualities = off_indent(doc.blocks, qualities)
    settle(doc.blocks, qualities, protected)
    if SPAN_MODE != "none":
        keep_main_span(doc.blocks, qualities, protected)


def drop_image_credits(blocks: list[Block], protected: set[int]) -> None:
    """Drop image credit lines and the caption block right under each."""
    for i, block in enumerate(blocks):
        if not block.kept or i in protected or not IMAGE_CREDIT_RE.match(block.text):
            continue
        block.removed = IMAGE_CREDIT
        nxt = _next_kept(blocks, i)
        if nxt is not None and nxt not in protected and len(blocks[nxt].text) <= CAPTION_MAX_CHARS:
            blocks[nxt].removed = CAPTION


def find_title(doc: Document, protected: set[int]) -> None:
    """Take an opening headline as the title (unless metadata gave one); drop its repeats."""
    first = _next_kept(doc.blocks, -1)
    if doc.title is None and first is not None and _is_headline(doc.blocks, first):
        doc.title = doc.blocks[first].text
    if doc.title is None:
        return
    key = _norm(doc.title)
    seen = False
    for i, block in enumerate(doc.blocks):
        if block.kept and _norm(block.text) == key:
            if not seen:
                protected.add(i)  # the title line itself is kept once, whatever its shape
            elif i not in protected:
                block.removed = DUPLICATE_TITLE
            seen = True


def _is_headline(blocks: list[Block], i: int) -> bool:
    """A short line without end punctuation, followed by prose, opens the text as its headline."""
    text = blocks[i].text
    if len(text) > TITLE_MAX_CHARS or text.endswith((".", "!", "?", ":", ";", ",")):
        return False
    j = _next_kept(blocks, i)
    while j is not None and _norm(blocks[j].text) == _norm(text):
        j = _next_kept(blocks, j)
    return j is not None and len(blocks[j].text) > len(text) and blocks[j].kind is BlockKind.PARAGRAPH


def quality(block: Block, stopwords: frozenset[str], known_language: bool) -> Quality:
    """The context-free class of one block, from its length and stopword density."""
    text = block.text
    high, low = (STOPWORDS_HIGH, STOPWORDS_LOW) if known_language else (STOPWORDS_HIGH_ANY, STOPWORDS_LOW_ANY)
    density = stopword_density(text, stopwords)
    if len(text) < SHORT_MAX_CHARS:
        return Quality.SHORT if density > 0 or block.kind is BlockKind.HEADING else Quality.BAD
    if is_word_list(text):
        return Quality.BAD
    if density >= high:
        return Quality.GOOD if len(text) >= GOOD_MIN_CHARS else Quality.NEAR_GOOD
    return Quality.NEAR_GOOD if density >= low else Quality.BAD


WORD_RE = re.compile(r"\w+")


def is_word_list(text: str) -> bool:
    """A long line of link texts, tags or dates rather than sentences."""
    words = WORD_RE.findall(text)
    numbers = sum(1 for w in words if w.isdigit())
    if words and numbers / len(words) > NUMBERS_MAX:
        return True
    return len(text) >= UNPUNCTUATED_MAX_CHARS and PROSE_PUNCTUATION_RE.search(text) is None


def stopword_density(text: str, stopwords: frozenset[str]) -> float:
    """The share of words in the text that are stopwords."""
    words = WORD_RE.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in stopwords) / len(words)


INDENT_MODE = os.environ.get("INDENT_MODE", "A")


def off_indent(blocks: list[Block], qualities: list[Quality]) -> list[Quality]:
    """Short lines away from the article's own indentation are chrome (menus, widgets, teasers)."""
    body = article_indent(blocks, qualities)
    if body is None or INDENT_MODE == "none":
        return qualities
    out = []
    for block, own in zip(blocks, qualities):
        if block.kept and block.indent != body:
            if own is Quality.SHORT:
                own = Quality.BAD
            elif own is Quality.NEAR_GOOD and INDENT_MODE == "B":
                own = Quality.SHORT
        out.append(own)
    return out


def article_indent(blocks: list[Block], qualities: Sequence[Quality]) -> int | None:
    """The indentation that holds the most characters of good prose: the article body's."""
    weight: dict[int, int] = {}
    for block, own in zip(blocks, qualities):
        if block.kept and own is Quality.GOOD and block.kind is BlockKind.PARAGRAPH:
            weight[block.indent] = weight.get(block.indent, 0) + len(block.text)
    return max(weight, key=lambda k: (weight[k], -k)) if weight else None


def settle(blocks: list[Block], qualities: Sequence[Quality], protected: set[int]) -> None:
    """The context pass (jusText's): settle short and near-good blocks by their neighbours."""
    kept = [i for i, b in enumerate(blocks) if b.kept]
    classes = [qualities[i] for i in kept]
    final = [_settled(pos, classes) for pos in range(len(classes))]
    for i, verdict in zip(kept, final):
        if verdict is Quality.BAD and i not in protected:
            blocks[i].removed = NAVIGATION if blocks[i].kind is BlockKind.LIST_ITEM else BOILERPLATE


def _settled(pos: int, classes: Sequence[Quality]) -> Quality:
    """Good or bad for the block at `pos`, from its own class and its neighbours'."""
    own = classes[pos]
    if own in (Quality.GOOD, Quality.BAD):
        return own
    before = _neighbour(classes, pos, -1, skip_near_good=True)
    after = _neighbour(classes, pos, +1, skip_near_good=True)
    if own is Quality.NEAR_GOOD:
        return Quality.BAD if before is after is Quality.BAD else Quality.GOOD
    if before is after:
        return before
    # One good and one bad side: a near-good block next to the bad side tips it to good.
    near_before = _neighbour(classes, pos, -1, skip_near_good=False)
    near_after = _neighbour(classes, pos, +1, skip_near_good=False)
    if (before is Quality.BAD and near_before is Quality.NEAR_GOOD) or (
        after is Quality.BAD and near_after is Quality.NEAR_GOOD
    ):
        return Quality.GOOD
    return Quality.BAD


def _neighbour(classes: Sequence[Quality], pos: int, step: int, skip_near_good: bool) -> Quality:
    """The class of the nearest block in one direction that is not short (the page edge is bad)."""
    skip = (Quality.SHORT, Quality.NEAR_GOOD) if skip_near_good else (Quality.SHORT,)
    pos += step
    while 0 <= pos < len(classes):
        if classes[pos] not in skip:
            return classes[pos]
        pos += step
    return Quality.BAD


def _next_kept(blocks: list[Block], i: int) -> int | None:
    """The index of the next kept block after index i."""
    for j in range(i + 1, len(blocks)):
        if blocks[j].kept:
            return j
    return None


def _norm(text: str) -> str:
    """Case- and space-insensitive form of a line, for comparing repeats."""
    return " ".join(text.casefold().split())


def keep_main_span(blocks: list[Block], qualities: Sequence[Quality], protected: set[int]) -> None:
    """Keep only the best-scoring contiguous run of blocks: the article, without chrome around it."""
    positions = [i for i, b in enumerate(blocks) if b.kept or b.removed in (BOILERPLATE, NAVIGATION)]
    scores = [_span_score(blocks[i], qualities[i]) for i in positions]
    start, end = _best_span(scores)
    while start > 0 and blocks[positions[start - 1]].kept:
        start -= 1  # settled-good lines right before the best run belong to it
    while end < len(positions) and blocks[positions[end]].kept:
        end += 1
    for pos, i in enumerate(positions):
        if not start <= pos < end and blocks[i].kept and i not in protected and (SPAN_MODE == 'hard' or qualities[i] is not Quality.GOOD):
            blocks[i].removed = OUTSIDE_MAIN_TEXT


def _span_score(block: Block, own: Quality) -> int:
    """Prose counts for its length, kept short lines count nothing; chrome counts against."""
    if not block.kept:
        return -max(len(block.text), SPAN_BAD_MIN_COST)
    return len(block.text) if own is Quality.GOOD and block.kind is BlockKind.PARAGRAPH else 0


def _best_span(scores: Sequence[int]) -> tuple[int, int]:
    """The [start, end) range with the highest sum of scores (Kadane's maximum subarray)."""
    best, best_range = 0, (0, 0)
    total, start = 0, 0
    for pos, score in enumerate(scores):
        if total <= 0:
            total, start = 0, pos
        total += score
        if total > best:
            best, best_range = total, (start, pos + 1)
    return best_range
