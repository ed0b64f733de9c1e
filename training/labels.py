"""Training labels: each block of a page aligned with the page's gold (1 content, 0 boilerplate, -1 unknown).

A body gold (Dragnet, CleanEval) labels every block by its share of word n-grams found in the body.
A snippet gold (traf-dev: a few "with" snippets that must appear, a few "without" that must not)
labels only the blocks that hold or are held by a snippet, about 3% of them; `beyond_article` then
labels the blocks that lie past the article's marked ends, from the convention itself: the main
text is one contiguous run, so once a "without" block follows the last "with" block (or precedes
the first), what lies beyond it is outside that run (the comments, the footer, the masthead).
"""

from __future__ import annotations

import re

TOKEN_RE = re.compile(r"\w+")

#: A block of a body-annotated page is content if this share of its 4-grams is in the gold.
LABEL_SHARE = 0.5
#: Snippets shorter than this match too much by accident.
SNIPPET_MIN_CHARS = 12

CONTENT, BOILERPLATE, UNKNOWN = 1, 0, -1


def label(texts: list[str], gold: dict) -> list[int]:
    """Per block: 1 content, 0 boilerplate, -1 unknown, by alignment with the page's gold."""
    if "body" in gold:
        return body_labels(texts, gold["body"])
    if "with" in gold:
        return beyond_article(snippet_labels(texts, gold["with"], gold["without"]))
    return [UNKNOWN] * len(texts)


def body_labels(texts: list[str], body: str) -> list[int]:
    """Content when most of the block's word n-grams are in the gold body."""
    tokens = TOKEN_RE.findall(body.lower())
    grams = {n: set(zip(*(tokens[i:] for i in range(n)), strict=False)) for n in (1, 2, 3, 4)}
    labels = []
    for text in texts:
        words = TOKEN_RE.findall(text.lower())
        if not words:
            labels.append(BOILERPLATE)
            continue
        n = min(4, len(words))
        mine = list(zip(*(words[i:] for i in range(n)), strict=False))
        share = sum(1 for g in mine if g in grams[n]) / len(mine)
        labels.append(int(share >= LABEL_SHARE))
    return labels


def snippet_labels(texts: list[str], with_: list[str], without: list[str]) -> list[int]:
    """Content if the block holds or is held by a "with" snippet; boilerplate for "without"."""
    good = [" ".join(s.split()) for s in with_ if len(s.strip()) >= SNIPPET_MIN_CHARS]
    bad = [" ".join(s.split()) for s in without if len(s.strip()) >= SNIPPET_MIN_CHARS]
    labels = []
    for text in texts:
        is_good = any(s in text or (len(text) >= SNIPPET_MIN_CHARS and text in s) for s in good)
        is_bad = any(s in text or (len(text) >= SNIPPET_MIN_CHARS and text in s) for s in bad)
        labels.append(CONTENT if is_good and not is_bad else BOILERPLATE if is_bad and not is_good else UNKNOWN)
    return labels


def beyond_article(labels: list[int]) -> list[int]:
    """Unknown blocks past a boilerplate block beyond the last content block (or before the first)
    become boilerplate; those between the first and last content block stay unknown."""
    content = [i for i, y in enumerate(labels) if y == CONTENT]
    if not content:
        return labels
    out = list(labels)
    after = next((i for i in range(content[-1] + 1, len(out)) if out[i] == BOILERPLATE), None)
    before = next((i for i in range(content[0] - 1, -1, -1) if out[i] == BOILERPLATE), None)
    outside = [*range(after, len(out))] if after is not None else []
    outside += [*range(before)] if before is not None else []
    for i in outside:
        if out[i] == UNKNOWN:
            out[i] = BOILERPLATE
    return out
