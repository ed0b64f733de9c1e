"""Passes that read lines on their own shape: image credits and captions, the title, author notes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cleaner.core.decide.heuristics.base import (
    AUTHOR_BIO,
    CAPTION,
    DUPLICATE_TITLE,
    IMAGE_CREDIT,
    Context,
    Mark,
    next_kept,
)
from cleaner.core.text import HEADLINE_NOT_END, SENTENCE_END, fold
from cleaner.core.thresholds import Thresholds
from cleaner.document import Block, BlockKind

#: Lines that credit or label an image: "Image: …", "Photo: AFP", "Foto: dpa", "Content image - X".
IMAGE_CREDIT_RE = re.compile(
    r"(?i)^(?:(?:content |featured |header |cover )?(?:image|photo|picture|foto|bild|imagen|"
    r"immagine|photographie|titelbild|beitragsbild|headerbild|titelfoto|aufmacherbild|"
    r"vorschaubild|bildquelle|fotoquelle|bildnachweis)(?: credit| source| courtesy)?s?\s*[:\-–|©]|"
    r"(?:photo|image|bild|foto)(?:s)? ?(?:by|von|de|credit|©)\b|©\s*(?:photo|foto|bild)|"
    r"(?:crédit|credit)s? (?:photo|image)s?\s*:)"
)

#: An author's note closes many articles: a name, a verb, then a role ("Jane Doe is a reporter at
#: …", "Max Muster ist Redakteur bei …").
AUTHOR_BIO_RE = re.compile(
    r"^(?:[A-ZÄÖÜÉ][\w'’.-]+ ){1,2}[A-ZÄÖÜÉ][\w'’-]+ (?:is|was|ist|war|est|es|è|jest)\b.{0,150}?"
    r"(?i:\b(?:co-?founder|founder|ceo|editor|journalist|writer|author|reporter|correspondent|columnist|"
    r"head of|director|professor|lecturer|expert|consultant|(?:mit)?gründer(?:in)?|redakteur(?:in)?|"
    r"autor(?:in)?|journalistin|chefredakteur(?:in)?|leiter(?:in)?|expert(?:e|in)|korrespondent(?:in)?|"
    r"werkstudent(?:in)?|volontär(?:in)?|journaliste|rédact(?:eur|rice)|periodista|redactor(?:a)?|"
    r"fundador(?:a)?|gründungspartner(?:in)?))"
)
#: The first-person form of the same note on blogs ("I am Joyce from …", "Ich bin Steffi, …"): a
#: name right after "I am", then a comma or an origin, as the blogger introduces themself.
SELF_INTRO_RE = re.compile(
    r"^(?:(?:Hi|Hallo|Hey|Hello)[,!]? )?(?:I am|I'm|I’m|Ich bin|Je suis|Soy|My name is|Mein Name ist|Ich heiße) "
    r"[A-ZÄÖÜ][\w-]+(?: [A-ZÄÖÜ][\w-]+)?(?:,| from| aus| und| and| –| -)"
)


def image_credits(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """Image credit lines, and the caption block right under each (if the credit goes)."""
    marks: list[Mark] = []
    gone: set[int] = set()
    for i, block in enumerate(blocks):
        if not block.kept or i in gone or not IMAGE_CREDIT_RE.match(block.text):
            continue
        marks.append(Mark(i, IMAGE_CREDIT))
        gone.add(i)
        nxt = next_kept(blocks, i, gone)
        if nxt is not None and is_caption(blocks[nxt].text, context.thresholds):
            marks.append(Mark(nxt, CAPTION, after=i))
            gone.add(nxt)
    return marks


def is_caption(text: str, t: Thresholds) -> bool:
    """Could this block under an image credit be its caption (not a paragraph of the article)?"""
    if len(text) > t.caption_max_chars:
        return False
    return len(text) <= t.caption_sentence_max_chars or not text.endswith(SENTENCE_END)


def find_title(blocks: Sequence[Block], title: str | None, t: Thresholds) -> str | None:
    """The title: the one metadata gave, else an opening headline, else None."""
    first = next_kept(blocks, -1)
    if title is None and first is not None and is_headline(blocks, first, t):
        return blocks[first].text
    return title


def title_line(blocks: Sequence[Block], title: str | None) -> int | None:
    """The index of the first kept line that is the title: it is kept once, whatever its shape."""
    if title is None:
        return None
    key = fold(title)
    return next((i for i, b in enumerate(blocks) if b.kept and fold(b.text) == key), None)


def is_headline(blocks: Sequence[Block], i: int, t: Thresholds) -> bool:
    """A short line without end punctuation, followed by prose, opens the text as its headline."""
    text = blocks[i].text
    if len(text) > t.title_max_chars or text.endswith(HEADLINE_NOT_END):
        return False
    j = next_kept(blocks, i)
    while j is not None and fold(blocks[j].text) == fold(text):
        j = next_kept(blocks, j)
    return j is not None and len(blocks[j].text) > len(text) and blocks[j].kind is BlockKind.PARAGRAPH


def duplicate_titles(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """The title's repeats: every kept line that reads as the title, after the first."""
    first = title_line(blocks, context.title)
    if first is None or context.title is None:
        return []
    key = fold(context.title)
    return [
        Mark(i, DUPLICATE_TITLE)
        for i in range(first + 1, len(blocks))
        if blocks[i].kept and fold(blocks[i].text) == key
    ]


def author_bio(blocks: Sequence[Block], context: Context) -> list[Mark]:
    """An author's note ("Jane Doe is a reporter at …") among the last kept lines.

    The note follows an article: a paragraph with less kept text before it than its own is the
    article's opening ("Jake Warga is an anthropologist who …" introducing a photo essay).
    """
    kept = [i for i, b in enumerate(blocks) if b.kept]
    marks: list[Mark] = []
    for i in kept[max(len(kept) - context.thresholds.author_bio_tail, 0) :]:
        text = blocks[i].text
        if not (AUTHOR_BIO_RE.match(text) or SELF_INTRO_RE.match(text)):
            continue
        dropped = {m.index for m in marks}
        if sum(len(blocks[j].text) for j in kept if j < i and j not in dropped) >= len(text):
            marks.append(Mark(i, AUTHOR_BIO))
    return marks
