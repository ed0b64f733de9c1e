"""Lines of a plain-text dump -> feature vectors, for the block model of text mode.

A dump has no tree, so a line's evidence is its own shape (length, punctuation, stopwords, list
markers, indentation), its neighbours', whether it repeats in the document, and what the built-in
heuristics (`heuristics/`, jusText-style passes) made of it: the model learns when to overrule them,
as the HTML model does trafilatura.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Sequence

from cleaner.core.html.blocks import PUNCT_RE, SENTENCE_RE, WORD_RE
from cleaner.core.html.features import DIGIT_RE, SEPARATOR_RE, feature_names, in_context
from cleaner.core.text import SENTENCE_END, is_comment_stamp
from cleaner.document import Block, BlockKind

#: A line this long that ends like a sentence is prose: the distance to the nearest one tells a
#: caption or a subheading inside the article from a menu far from it.
PROSE_MIN_CHARS = 150
PROSE_DISTANCE_MAX = 20

#: A line's comment stamps (text.is_comment_stamp) above, below and within this many lines either
#: side: the comments were most of what the text model kept wrongly on the collection it was not
#: trained on, and a dump's thread repeats its stamps where an article's byline has one or two.
COMMENT_STAMP_WINDOW = 10
STAMP_FEATURES = ("comment_stamp", "stamps_before", "stamps_after", "stamps_near")

OWN = (
    "log_chars",
    "log_words",
    "sentences",
    "mean_word_len",
    "punct_density",
    "ends_sentence",
    "capital_share",
    "all_caps",
    "digit_share",
    "separator_share",
    "stopword_density",
    "log_indent",
    "list_item",
    "heading",
    "repeats",
    "prose_distance",
    *STAMP_FEATURES,
    "heuristic",
)
NEIGHBOUR = ("log_chars", "stopword_density", "ends_sentence", "log_indent", "list_item", "heuristic")
PAGE = ("position", "char_position", "page_log_chars", "page_log_lines", "heuristic_share")

TEXT_FEATURES = feature_names(OWN, NEIGHBOUR, PAGE)
_OWN_INDEX = {name: i for i, name in enumerate(OWN)}
_NEIGHBOUR_INDEX = tuple(_OWN_INDEX[name] for name in NEIGHBOUR)


def compute(blocks: Sequence[Block], heuristic: Sequence[float], stopwords: frozenset[str]) -> list[list[float]]:
    """The feature vector of every line, in the order of TEXT_FEATURES."""
    counts = Counter(b.text.lower() for b in blocks)
    prose = [i for i, b in enumerate(blocks) if len(b.text) >= PROSE_MIN_CHARS and b.text.endswith(SENTENCE_END)]
    stamps = _stamps(blocks)
    own = [
        _own(b, h, stopwords, counts[b.text.lower()], _distance(i, prose), stamps[i])
        for i, (b, h) in enumerate(zip(blocks, heuristic, strict=True))
    ]
    share = sum(heuristic) / len(blocks) if blocks else 0.0
    return in_context(own, [len(b.text) for b in blocks], _NEIGHBOUR_INDEX, [share])


def _distance(i: int, prose: list[int]) -> float:
    """Lines to the nearest prose line (prose: sorted line indexes), capped."""
    at = bisect.bisect_left(prose, i)
    near = [abs(i - prose[j]) for j in (at - 1, at) if 0 <= j < len(prose)]
    return float(min([*near, PROSE_DISTANCE_MAX]))


def _stamps(blocks: Sequence[Block]) -> list[tuple[float, float, float, float]]:
    """Per line: whether it is a comment stamp, and the stamps above, below and near it."""
    flags = [float(is_comment_stamp(b.text)) for b in blocks]
    sums = [0.0, *itertools.accumulate(flags)]
    n, k = len(flags), COMMENT_STAMP_WINDOW
    return [
        (flag, math.log1p(sums[i]), math.log1p(sums[n] - sums[i + 1]), sums[min(n, i + k + 1)] - sums[max(0, i - k)])
        for i, flag in enumerate(flags)
    ]


def _own(
    block: Block,
    heuristic: float,
    stopwords: frozenset[str],
    copies: int,
    distance: float,
    stamps: tuple[float, float, float, float],
) -> list[float]:
    """A line's own measures, in the order of OWN."""
    text = block.text
    chars = len(text) or 1
    words = WORD_RE.findall(text)
    n_words = len(words) or 1
    letters = [c for c in text if c.isalpha()]
    return [
        math.log1p(len(text)),
        math.log1p(len(words)),
        min(len(SENTENCE_RE.findall(text)), 20),
        sum(len(w) for w in words) / n_words,
        len(PUNCT_RE.findall(text)) / chars,
        float(text.endswith(SENTENCE_END)),
        sum(1 for w in words if w[0].isupper()) / n_words,
        float(bool(letters) and all(c.isupper() for c in letters)),
        len(DIGIT_RE.findall(text)) / chars,
        len(SEPARATOR_RE.findall(text)) / chars,
        sum(1 for w in words if w.lower() in stopwords) / n_words,
        math.log1p(block.indent),
        float(block.kind is BlockKind.LIST_ITEM),
        float(block.kind is BlockKind.HEADING),
        float(min(copies - 1, 10)),
        distance,
        *stamps,
        heuristic,
    ]
