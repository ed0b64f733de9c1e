"""Blocks -> feature vectors: each block's own measures, its context, and trafilatura's judgement.

The names in FEATURES are the model's contract: the training script writes them into the model
file and `blockmodel.py` refuses a file whose names differ, so a feature is never read as another.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

from cleaner.core.html.blocks import CLASS_GROUPS, LANDMARK_TAGS, PUNCT_RE, SENTENCE_RE, TAG_KINDS, WORD_RE, HtmlBlock
from cleaner.core.text import SENTENCE_END, squeeze

DIGIT_RE = re.compile(r"\d")
SEPARATOR_RE = re.compile(r"[|•·»›/]")

#: A block's own measures.
OWN = (
    "log_chars",
    "log_words",
    "sentences",
    "mean_word_len",
    "link_density",
    "punct_density",
    "ends_sentence",
    "capital_share",
    "digit_share",
    "separator_share",
    "stopword_density",
    "heading",
    "depth",
    "in_list",
    "in_table",
    "all_linked",
    *(f"tag_{t}" for t in (*TAG_KINDS, "other")),
    *(f"landmark_{t}" for t in LANDMARK_TAGS),
    *(f"class_{g}" for g in CLASS_GROUPS),
    "container_log_chars",
    "container_link_density",
    "container_log_blocks",
    "parent_log_chars",
    "parent_link_density",
    "parent_log_blocks",
    "parent_density",
    "traf",
    "in_title",
)

#: Of the blocks before and after: the measures that say whether the run of text goes on.
NEIGHBOUR = ("log_chars", "link_density", "stopword_density", "ends_sentence", "traf", "heading")
OFFSETS = (-2, -1, 1, 2)

#: Of the page as a whole.
PAGE = ("position", "char_position", "page_log_chars", "page_log_blocks", "traf_share", "traf_empty")


def feature_names(own: Sequence[str], neighbour: Sequence[str], page: Sequence[str]) -> tuple[str, ...]:
    """The names of in_context()'s columns, in order."""
    context = (f"{'prev' if o < 0 else 'next'}{abs(o)}_{name}" for o in OFFSETS for name in neighbour)
    return (*own, *context, *page)


FEATURES = feature_names(OWN, NEIGHBOUR, PAGE)
_OWN_INDEX = {name: i for i, name in enumerate(OWN)}
_NEIGHBOUR_INDEX = tuple(_OWN_INDEX[name] for name in NEIGHBOUR)


def trafilatura_kept(blocks: Sequence[HtmlBlock], extracted: str) -> list[float]:
    """Per block, 1.0 if its text is in trafilatura's output (a short block only as a whole line)."""
    text = squeeze(extracted)
    lines = {squeeze(line).removeprefix("- ") for line in extracted.split("\n")}
    found = []
    for block in blocks:
        if block.text in lines or len(block.text) >= 20 and block.text in text:
            found.append(1.0)
        else:
            found.append(0.0)
    return found


#: Below this length a block matches the page's <title> by accident ("Home", "News").
TITLE_MATCH_MIN_CHARS = 10


def compute(
    blocks: Sequence[HtmlBlock], traf: Sequence[float], stopwords: frozenset[str], title: str = ""
) -> list[list[float]]:
    """The feature vector of every block, in the order of FEATURES."""
    title = squeeze(title)
    own = [_own(b, t, stopwords, _in_title(b.text, title)) for b, t in zip(blocks, traf, strict=True)]
    kept = sum(traf)
    page = [kept / len(blocks) if blocks else 0.0, float(kept == 0)]
    return in_context(own, [len(b.text) for b in blocks], _NEIGHBOUR_INDEX, page)


def in_context(
    own: list[list[float]], lengths: list[int], neighbour: Sequence[int], page: list[float]
) -> list[list[float]]:
    """Each unit's own measures, then its neighbours' (at OFFSETS), its position, and the page's.

    Shared by page blocks and dump lines: `neighbour` picks the measures read from the units
    around, `page` adds the page's own figures after its length and unit count.
    """
    n = len(own)
    total = sum(lengths) or 1
    fixed = [math.log1p(total), math.log1p(n), *page]
    empty = [0.0] * len(neighbour)
    rows, before = [], 0
    for i, vector in enumerate(own):
        row = list(vector)
        for offset in OFFSETS:
            j = i + offset
            row.extend([own[j][k] for k in neighbour] if 0 <= j < n else empty)
        row.extend([i / n, before / total, *fixed])
        before += lengths[i]
        rows.append(row)
    return rows


def _in_title(text: str, title: str) -> float:
    """1.0 if the block is the page's <title>, or the headline part of it ("Headline | Site")."""
    return float(len(text) >= TITLE_MATCH_MIN_CHARS and bool(title) and (text in title or title in text))


def _own(block: HtmlBlock, traf: float, stopwords: frozenset[str], in_title: float) -> list[float]:
    """A block's own measures, in the order of OWN."""
    text = block.text
    chars = len(text)
    words = WORD_RE.findall(text)
    n_words = len(words) or 1
    container, parent = block.container, block.parent
    return [
        math.log1p(chars),
        math.log1p(len(words)),
        min(len(SENTENCE_RE.findall(text)), 20),
        sum(map(len, words)) / n_words,
        block.linked / chars,
        len(PUNCT_RE.findall(text)) / chars,
        float(text.endswith(SENTENCE_END)),
        len([w for w in words if w[0].isupper()]) / n_words,
        len(DIGIT_RE.findall(text)) / chars,
        len(SEPARATOR_RE.findall(text)) / chars,
        len([w for w in map(str.lower, words) if w in stopwords]) / n_words,
        float(block.heading),
        float(min(block.depth, 60)),
        float(block.in_list),
        float(block.in_table),
        float(block.linked >= chars * 0.95),
        *_place(block.tag, block.heading, block.landmarks, block.classes),
        math.log1p(container.chars),
        container.linked / (container.chars or 1),
        math.log1p(container.blocks),
        math.log1p(parent.chars),
        parent.linked / (parent.chars or 1),
        math.log1p(parent.blocks),
        parent.chars / (parent.elements or 1),
        traf,
        in_title,
    ]


@functools.lru_cache(maxsize=4096)
def _place(tag: str, heading: int, landmarks: frozenset[str], classes: frozenset[str]) -> tuple[float, ...]:
    """The flags of where a block sits: its tag (one per TAG_KINDS, one for the rest), its
    landmarks and its class groups (a page's blocks share a few of these combinations)."""
    kind = "h" if heading else ("td" if tag == "th" else tag)
    flags = [float(kind == t) for t in TAG_KINDS]
    flags.append(float(not any(flags)))
    flags += (float(t in landmarks) for t in LANDMARK_TAGS)
    flags += (float(g in classes) for g in CLASS_GROUPS)
    return tuple(flags)
