"""The context-free class of each block (jusText's good / near-good / short / bad), and the page's
readings of it: other languages, a short text, the article body's indentation."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from cleaner.core import language
from cleaner.core.text import PROSE_PUNCTUATION_RE
from cleaner.core.thresholds import Thresholds
from cleaner.document import Block, BlockKind


class Quality(enum.StrEnum):
    """The context-free class of a block (jusText's good / near-good / short / bad)."""

    GOOD = "good"
    NEAR_GOOD = "near-good"
    SHORT = "short"
    BAD = "bad"


#: The classes from worst to best, for taking the better of two readings of a block.
QUALITY_RANK = (Quality.BAD, Quality.SHORT, Quality.NEAR_GOOD, Quality.GOOD)

#: Chinese and Japanese characters: word counts and stoplists say nothing there, and prose is marked
#: by its own sentence punctuation; a long run without any is a menu or a list of links.
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_PUNCTUATION_RE = re.compile(r"[。，、！？；：「」]")

#: A word: letters and digits, plus the combining vowel signs of the Indic, Thai, Lao and Myanmar
#: scripts, which `\w` does not match (it would cut "সদস্য" into pieces no stoplist knows).
WORD_RE = re.compile(r"[\w\u0900-\u0DFF\u0E00-\u0EFF\u1000-\u109F]+")


def quality(block: Block, stopwords: frozenset[str], known_language: bool, t: Thresholds) -> Quality:
    """The context-free class of one block, from its length and stopword density."""
    text = block.text
    if is_cjk(text, t):
        return cjk_quality(text, t)
    high, low = (t.stopwords_high, t.stopwords_low) if known_language else (t.stopwords_high_any, t.stopwords_low_any)
    density = stopword_density(text, stopwords)
    if len(text) < t.short_max_chars:
        return Quality.SHORT if density > 0 or block.kind is BlockKind.HEADING else Quality.BAD
    if is_word_list(text, t):
        return Quality.BAD
    if density >= high:
        return Quality.GOOD if len(text) >= t.good_min_chars else Quality.NEAR_GOOD
    return Quality.NEAR_GOOD if density >= low else Quality.BAD


def is_cjk(text: str, t: Thresholds) -> bool:
    """True if Chinese or Japanese characters make up a good part of the text."""
    return len(CJK_RE.findall(text)) >= t.cjk_min_share * len(text.replace(" ", ""))


def cjk_quality(text: str, t: Thresholds) -> Quality:
    """The context-free class of a Chinese or Japanese block, from weighted length and punctuation."""
    weighted = len(text) * t.cjk_char_weight
    if weighted < t.short_max_chars:
        return Quality.SHORT
    if CJK_PUNCTUATION_RE.search(text) is None:
        return Quality.BAD
    return Quality.GOOD if weighted >= t.good_min_chars else Quality.NEAR_GOOD


def is_word_list(text: str, t: Thresholds) -> bool:
    """A long line of link texts, tags or dates rather than sentences."""
    return len(text) >= t.unpunctuated_max_chars and PROSE_PUNCTUATION_RE.search(text) is None


def stopword_density(text: str, stopwords: frozenset[str]) -> float:
    """The share of words in the text that are stopwords."""
    words = WORD_RE.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in stopwords) / len(words)


def other_languages(blocks: Sequence[Block], qualities: Sequence[Quality], t: Thresholds) -> list[Quality]:
    """A long passage in another language (a quote, a bilingual page) is still prose."""
    # Read each block again against the union of all stoplists (with its stricter thresholds)
    # and take the better reading. Short lines keep their first one: nearly any short line has a
    # word that is a stopword in some language.
    anywhere = language.stopwords(None)
    better = []
    for block, own in zip(blocks, qualities, strict=True):
        other = quality(block, anywhere, False, t)
        if other is not Quality.SHORT and QUALITY_RANK.index(other) > QUALITY_RANK.index(own):
            own = other
        better.append(own)
    return better


def short_article(blocks: Sequence[Block], qualities: Sequence[Quality]) -> list[Quality]:
    """With no good block at all, near-good paragraphs are the best prose there is: a short text."""
    if any(b.kept and q is Quality.GOOD for b, q in zip(blocks, qualities, strict=True)):
        return list(qualities)
    return [
        Quality.GOOD if q is Quality.NEAR_GOOD and b.kind is BlockKind.PARAGRAPH else q
        for b, q in zip(blocks, qualities, strict=True)
    ]


def off_indent(blocks: Sequence[Block], qualities: Sequence[Quality]) -> list[Quality]:
    """Demote short and near-good lines that sit away from the article body's indentation."""
    # Text dumps keep the page's nesting as indentation: menus, widgets and teaser boxes sit at
    # other depths than the article's paragraphs. Off the body's indentation a short line is
    # chrome, and a near-good one needs good neighbours to stay.
    body = article_indent(blocks, qualities)
    if body is None:
        return list(qualities)
    demoted = {Quality.SHORT: Quality.BAD, Quality.NEAR_GOOD: Quality.SHORT}
    return [
        demoted.get(own, own) if block.indent != body else own for block, own in zip(blocks, qualities, strict=True)
    ]


def article_indent(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The indentation of the heaviest unbroken run of good prose: the article body's."""
    # A run is a stretch of blocks at one indentation; a block at another ends it. Weighing runs
    # rather than all text at an indentation keeps a long comment thread (many short runs split
    # by names and "Reply" links) from outweighing the article.
    best, best_weight = None, 0
    run_indent, weight = None, 0
    for block, own in zip(blocks, qualities, strict=True):
        if block.indent != run_indent:
            run_indent, weight = block.indent, 0
        if own is Quality.GOOD and block.kind is BlockKind.PARAGRAPH:
            weight += len(block.text)
            if weight > best_weight:
                best, best_weight = run_indent, weight
    return best


def is_good_paragraph(block: Block, own: Quality) -> bool:
    """A kept paragraph of good prose: what the article's body is made of."""
    return block.kept and own is Quality.GOOD and block.kind is BlockKind.PARAGRAPH
