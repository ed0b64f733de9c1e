"""Built-in heuristics: a context-free pass, then a context pass over blocks (after jusText).

The context-free pass gives every block a class from its own features (length, stopword density,
punctuation, shape). The context pass weighs each class against the page: a short text with no
good block, the article body's indentation, then the neighbours (jusText's rules). Every removal
carries a named heuristic as its reason.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Collection, Mapping, Sequence

from cleaner.core import language
from cleaner.core.segment import SENTENCE_END
from cleaner.document import Block, BlockKind, Document, LineHint, Origin, Reason

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
#: Prose this long has a comma or a full stop somewhere; a long line with neither is a run of
#: link texts, tags or archive months ("Aberglaube Abgeltungssteuer …", "April 2022 (501) …").
UNPUNCTUATED_MAX_CHARS = 150
#: Punctuation that ends a clause: followed by a space or the end, so "1.787" does not count.
PROSE_PUNCTUATION_RE = re.compile(r"[.,;:!?。，、؛،](?:\s|$)")

#: A line whose text is mostly one link's text (share of characters) is a link, not prose: after
#: the article's last paragraph such lines are teasers, "back" links and author pages. Label plus
#: link ("Read more: <title>") still counts, a sentence with a linked phrase does not.
LINK_DENSE_SHARE = 0.6

#: Elements whose lines are parts of a list or table; a linked item is an entry of the article's
#: own list (sources, products, steps) as often as a teaser, so the link rule leaves them alone.
LISTING_ELEMENTS = frozenset({"item", "cell"})

#: A title is short: headlines run up to about 25 words.
TITLE_MAX_CHARS = 160
#: A caption under an image credit is at most a few sentences.
CAPTION_MAX_CHARS = 400
#: A caption ends on its credit or a fragment ("… in Brussels last Friday. AFP"); a block after a
#: bare credit that is longer than this and ends like a sentence is the article going on.
CAPTION_SENTENCE_MAX_CHARS = 150

#: Lines that credit or label an image: "Image: …", "Photo: AFP", "Foto: dpa", "Content image - X".
IMAGE_CREDIT_RE = re.compile(
    r"(?i)^(?:(?:content |featured |header |cover )?(?:image|photo|picture|foto|bild|imagen|"
    r"immagine|photographie|titelbild|beitragsbild|headerbild|titelfoto|aufmacherbild|"
    r"vorschaubild|bildquelle|fotoquelle|bildnachweis)(?: credit| source| courtesy)?s?\s*[:\-–|©]|"
    r"(?:photo|image|bild|foto)(?:s)? ?(?:by|von|de|credit|©)\b|©\s*(?:photo|foto|bild)|"
    r"(?:crédit|credit)s? (?:photo|image)s?\s*:)"
)


#: An author's note closes many articles: a name, a verb, then a role ("Jane Doe is a reporter at
#: …", "Max Muster ist Redakteur bei …"). Inside the text the same shape is reporting, so only the
#: last few kept lines are read this way.
AUTHOR_BIO_RE = re.compile(
    r"^(?:[A-ZÄÖÜÉ][\w'’.-]+ ){1,2}[A-ZÄÖÜÉ][\w'’-]+ (?:is|was|ist|war|est|es|è|jest)\b.{0,150}?"
    r"(?i:\b(?:co-?founder|founder|ceo|editor|journalist|writer|author|reporter|correspondent|columnist|"
    r"head of|director|professor|lecturer|expert|consultant|(?:mit)?gründer(?:in)?|redakteur(?:in)?|"
    r"autor(?:in)?|journalistin|chefredakteur(?:in)?|leiter(?:in)?|expert(?:e|in)|korrespondent(?:in)?|"
    r"werkstudent(?:in)?|volontär(?:in)?|journaliste|rédact(?:eur|rice)|periodista|redactor(?:a)?|"
    r"fundador(?:a)?|gründungspartner(?:in)?))"
)
AUTHOR_BIO_TAIL = 3
#: The first-person form of the same note on blogs ("I am Joyce from …", "Ich bin Steffi, …"): a
#: name right after "I am", then a comma or an origin, as the blogger introduces themself.
SELF_INTRO_RE = re.compile(
    r"^(?:(?:Hi|Hallo|Hey|Hello)[,!]? )?(?:I am|I'm|I’m|Ich bin|Je suis|Soy|My name is|Mein Name ist|Ich heiße) "
    r"[A-ZÄÖÜ][\w-]+(?: [A-ZÄÖÜ][\w-]+)?(?:,| from| aus| und| and| –| -)"
)

#: After the article's last paragraph at the body's indentation, a run of this many removed lines
#: (share bars, "related" lists, comment forms) marks the end of the article: prose further down at
#: another indentation is a site blurb, an author box or a licence note, not the article going on.
DETACHED_GAP_MIN = 5
#: Footers, bios and site blurbs are short next to the article; a detached tail holding this share
#: of the article's text or more is a part of the article in another layout box, and stays.
DETACHED_MAX_SHARE = 0.5

#: The lede sits right above the article's first paragraph: at most this many kept lines up
#: (a byline, a date and an image credit may stand between), and it is the nearest prose there.
LEDE_MAX_GAP = 3
#: The marks that end a full sentence (not a colon, which leads into a list or a link).
FULL_STOPS = tuple('.!?…"”»’)。！？」')
#: A lede is a sentence or two; shorter prose-like lines above the body are captions and kickers.
LEDE_MIN_CHARS = 80


class Quality(enum.StrEnum):
    """The context-free class of a block (jusText's good / near-good / short / bad)."""

    GOOD = "good"
    NEAR_GOOD = "near-good"
    SHORT = "short"
    BAD = "bad"


#: The classes from worst to best, for taking the better of two readings of a block.
QUALITY_RANK = (Quality.BAD, Quality.SHORT, Quality.NEAR_GOOD, Quality.GOOD)


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


def classify(
    doc: Document,
    stopwords: frozenset[str],
    known_language: bool,
    protected: set[int],
) -> None:
    """Run all heuristic passes over the document's kept blocks (HTML: with the page's line hints)."""
    drop_image_credits(doc.blocks, protected)
    find_title(doc, protected)
    if doc.input_format == "html":
        # trafilatura already chose the main content; only the precise structural passes apply
        qualities = [quality(b, stopwords, known_language) for b in doc.blocks]
        drop_link_tail(doc.blocks, qualities, doc.line_hints, protected)
        drop_trailing_headings(doc.blocks, doc.line_hints, protected)
        drop_author_bio(doc.blocks, protected)
        return
    qualities = [quality(b, stopwords, known_language) for b in doc.blocks]
    if known_language:
        qualities = other_languages(doc.blocks, qualities)
    base = short_article(doc.blocks, qualities)
    qualities = off_indent(doc.blocks, base)
    settle(doc.blocks, qualities, protected, find_lede(doc.blocks, base, qualities))
    drop_detached_tail(doc.blocks, qualities, protected)
    drop_author_bio(doc.blocks, protected)


def drop_author_bio(blocks: list[Block], protected: set[int]) -> None:
    """Drop an author's note ("Jane Doe is a reporter at …") among the last kept lines.

    The note follows an article: a paragraph with less kept text before it than its own is the
    article's opening ("Jake Warga is an anthropologist who …" introducing a photo essay).
    """
    tail = [i for i, b in enumerate(blocks) if b.kept][-AUTHOR_BIO_TAIL:]
    for i in tail:
        text = blocks[i].text
        if i in protected or not (AUTHOR_BIO_RE.match(text) or SELF_INTRO_RE.match(text)):
            continue
        if sum(len(b.text) for b in blocks[:i] if b.kept) >= len(text):
            blocks[i].removed = AUTHOR_BIO


def drop_detached_tail(blocks: list[Block], qualities: Sequence[Quality], protected: set[int]) -> None:
    """Drop kept lines off the body's indentation that sit well after the article's last paragraph."""
    end = _body_end(blocks, qualities)
    if end is None:
        return
    body = blocks[end].indent
    tail, gap = [], 0
    for i in range(end + 1, len(blocks)):
        if not blocks[i].kept:
            gap += 1
        elif gap >= DETACHED_GAP_MIN and blocks[i].indent != body and i not in protected:
            tail.append(i)
    article = sum(len(b.text) for b in blocks[: end + 1] if b.kept)
    if sum(len(blocks[i].text) for i in tail) >= DETACHED_MAX_SHARE * article:
        return  # more text than the article itself: a second part of it, not a footer
    for i in tail:
        blocks[i].removed = DETACHED_TAIL


def _body_end(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The index of the last kept good paragraph at the article body's indentation."""
    body = article_indent(blocks, qualities)
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        if b.kept and b.indent == body and qualities[i] is Quality.GOOD and b.kind is BlockKind.PARAGRAPH:
            return i
    return None


def drop_image_credits(blocks: list[Block], protected: set[int]) -> None:
    """Drop image credit lines and the caption block right under each."""
    for i, block in enumerate(blocks):
        if not block.kept or i in protected or not IMAGE_CREDIT_RE.match(block.text):
            continue
        block.removed = IMAGE_CREDIT
        nxt = _next_kept(blocks, i)
        if nxt is not None and nxt not in protected and _is_caption(blocks[nxt].text):
            blocks[nxt].removed = CAPTION


def last_prose(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The index of the last kept good paragraph: where the article's body ends."""
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i].kept and qualities[i] is Quality.GOOD and blocks[i].kind is BlockKind.PARAGRAPH:
            return i
    return None


def drop_link_tail(
    blocks: list[Block], qualities: Sequence[Quality], hints: Mapping[int, LineHint], protected: set[int]
) -> None:
    """Drop lines that are links (not list entries) after the article's last paragraph."""
    end = last_prose(blocks, qualities)
    if end is None:
        return
    for i in range(end + 1, len(blocks)):
        hint = hints.get(blocks[i].line)
        if (
            blocks[i].kept
            and i not in protected
            and hint is not None
            and hint.linked >= LINK_DENSE_SHARE
            and hint.element not in LISTING_ELEMENTS
        ):
            blocks[i].removed = LINK_TAIL


def drop_trailing_headings(blocks: list[Block], hints: Mapping[int, LineHint], protected: set[int]) -> None:
    """Drop headings that end the text: a heading with nothing under it heads a box that was cut."""
    for i in range(len(blocks) - 1, -1, -1):
        if not blocks[i].kept:
            continue
        hint = hints.get(blocks[i].line)
        if i in protected or hint is None or hint.element != "head" or blocks[i].kind is not BlockKind.HEADING:
            return  # a "heading" that ends like a sentence is a highlighted line of the text
        blocks[i].removed = TRAILING_HEADING


def _is_caption(text: str) -> bool:
    """Could this block under an image credit be its caption (not a paragraph of the article)?"""
    if len(text) > CAPTION_MAX_CHARS:
        return False
    return len(text) <= CAPTION_SENTENCE_MAX_CHARS or not text.endswith(SENTENCE_END)


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
    if is_cjk(text):
        return cjk_quality(text)
    high, low = (STOPWORDS_HIGH, STOPWORDS_LOW) if known_language else (STOPWORDS_HIGH_ANY, STOPWORDS_LOW_ANY)
    density = stopword_density(text, stopwords)
    if len(text) < SHORT_MAX_CHARS:
        return Quality.SHORT if density > 0 or block.kind is BlockKind.HEADING else Quality.BAD
    if is_word_list(text):
        return Quality.BAD
    if density >= high:
        return Quality.GOOD if len(text) >= GOOD_MIN_CHARS else Quality.NEAR_GOOD
    return Quality.NEAR_GOOD if density >= low else Quality.BAD


#: Chinese and Japanese put no spaces between words, so word counts and stoplists say nothing
#: there. One such character carries about what three Latin letters do, and prose is marked by
#: its own sentence punctuation; a long run without any is a menu or a list of links.
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_MIN_SHARE = 0.3
CJK_CHAR_WEIGHT = 3
CJK_PUNCTUATION_RE = re.compile(r"[。，、！？；：「」]")


def is_cjk(text: str) -> bool:
    """True if Chinese or Japanese characters make up a good part of the text."""
    return len(CJK_RE.findall(text)) >= CJK_MIN_SHARE * len(text.replace(" ", ""))


def cjk_quality(text: str) -> Quality:
    """The context-free class of a Chinese or Japanese block, from weighted length and punctuation."""
    weighted = len(text) * CJK_CHAR_WEIGHT
    if weighted < SHORT_MAX_CHARS:
        return Quality.SHORT
    if CJK_PUNCTUATION_RE.search(text) is None:
        return Quality.BAD
    return Quality.GOOD if weighted >= GOOD_MIN_CHARS else Quality.NEAR_GOOD


#: A word: letters and digits, plus the combining vowel signs of the Indic, Thai, Lao and Myanmar
#: scripts, which `\w` does not match (it would cut "সদস্য" into pieces no stoplist knows).
WORD_RE = re.compile(r"[\w\u0900-\u0DFF\u0E00-\u0EFF\u1000-\u109F]+")


def is_word_list(text: str) -> bool:
    """A long line of link texts, tags or dates rather than sentences."""
    return len(text) >= UNPUNCTUATED_MAX_CHARS and PROSE_PUNCTUATION_RE.search(text) is None


def stopword_density(text: str, stopwords: frozenset[str]) -> float:
    """The share of words in the text that are stopwords."""
    words = WORD_RE.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in stopwords) / len(words)


def other_languages(blocks: list[Block], qualities: list[Quality]) -> list[Quality]:
    """A long passage in another language (a quote, a bilingual page) is still prose."""
    # Read each block again against the union of all stoplists (with its stricter thresholds)
    # and take the better reading. Short lines keep their first one: nearly any short line has a
    # word that is a stopword in some language.
    anywhere = language.stopwords(None)
    better = []
    for block, own in zip(blocks, qualities, strict=True):
        other = quality(block, anywhere, known_language=False)
        if other is not Quality.SHORT and QUALITY_RANK.index(other) > QUALITY_RANK.index(own):
            own = other
        better.append(own)
    return better


def short_article(blocks: list[Block], qualities: list[Quality]) -> list[Quality]:
    """With no good block at all, near-good paragraphs are the best prose there is: a short text."""
    if any(b.kept and q is Quality.GOOD for b, q in zip(blocks, qualities, strict=True)):
        return qualities
    return [
        Quality.GOOD if q is Quality.NEAR_GOOD and b.kind is BlockKind.PARAGRAPH else q
        for b, q in zip(blocks, qualities, strict=True)
    ]


def off_indent(blocks: list[Block], qualities: list[Quality]) -> list[Quality]:
    """Demote short and near-good lines that sit away from the article body's indentation."""
    # Text dumps keep the page's nesting as indentation: menus, widgets and teaser boxes sit at
    # other depths than the article's paragraphs. Off the body's indentation a short line is
    # chrome, and a near-good one needs good neighbours to stay.
    body = article_indent(blocks, qualities)
    if body is None:
        return qualities
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


def settle(blocks: list[Block], qualities: Sequence[Quality], protected: set[int], ledes: Collection[int] = ()) -> None:
    """The context pass (jusText's): settle short and near-good blocks by their neighbours."""
    kept = [i for i, b in enumerate(blocks) if b.kept]
    classes = [qualities[i] for i in kept]
    final = [_settled(pos, classes) for pos in range(len(classes))]
    for pos in _body_rescued(blocks, kept, classes):
        final[pos] = Quality.GOOD
    for pos, i in enumerate(kept):
        if i in ledes or _adjoins_body(blocks, qualities, i):
            final[pos] = Quality.GOOD
    for i, verdict in zip(kept, final, strict=True):
        if verdict is Quality.BAD and i not in protected:
            blocks[i].removed = NAVIGATION if blocks[i].kind is BlockKind.LIST_ITEM else BOILERPLATE


def find_lede(blocks: Sequence[Block], base: Sequence[Quality], qualities: Sequence[Quality]) -> set[int]:
    """The index of the lede: the last prose line just above the article's first paragraph, if any."""
    # News pages set the lede (standfirst) in its own box above the body, often at another
    # indentation, where off_indent demotes it and the chrome around it (dates, bylines, credits)
    # outvotes it. Only a full sentence or two, the nearest prose above the body, is taken.
    first = _body_start(blocks, qualities)
    if first is None:
        return set()
    above = [i for i in range(first - 1, -1, -1) if blocks[i].kept][:LEDE_MAX_GAP]
    for i in above:
        if base[i] is Quality.GOOD:
            return set()
        if base[i] is Quality.NEAR_GOOD:
            return {i} if _is_lede(blocks[i]) else set()
    return set()


def _is_lede(block: Block) -> bool:
    """A paragraph long enough to be a sentence or two, ending like one."""
    return block.kind is BlockKind.PARAGRAPH and len(block.text) >= LEDE_MIN_CHARS and block.text.endswith(SENTENCE_END)


def _adjoins_body(blocks: Sequence[Block], qualities: Sequence[Quality], i: int) -> bool:
    """A short sentence right next to a good paragraph at its own indentation (same text box)."""
    # An opening question or a sign-off ("Bis morgen.", "Thanks for reading!") is too short to
    # count as prose, and at the edge of its text it has no good line on its far side to save it.
    # Lines already bad (off the body's indentation, or word lists) stay bad.
    block = blocks[i]
    if qualities[i] is Quality.BAD or block.kind is not BlockKind.PARAGRAPH or not block.text.endswith(FULL_STOPS):
        return False
    return any(
        0 <= j < len(blocks)
        and blocks[j].kept
        and blocks[j].indent == block.indent
        and blocks[j].kind is BlockKind.PARAGRAPH
        and qualities[j] is Quality.GOOD
        for j in (i - 1, i + 1)
    )


def _body_start(blocks: Sequence[Block], qualities: Sequence[Quality]) -> int | None:
    """The index of the first kept good paragraph at the article body's indentation."""
    body = article_indent(blocks, qualities)
    for i, b in enumerate(blocks):
        if b.kept and b.indent == body and qualities[i] is Quality.GOOD and b.kind is BlockKind.PARAGRAPH:
            return i
    return None


def _body_rescued(blocks: Sequence[Block], kept: Sequence[int], classes: Sequence[Quality]) -> list[int]:
    """Positions of body lines, and of list items nested under the body, sandwiched in good prose."""
    # Text dumps interleave the article with widgets at other depths (share counts, "Pin" links,
    # image boxes); a subheading between two paragraphs must not be judged by the widget next to
    # it, so the body's lines are judged among the body's lines alone. A list nested deeper than
    # the body (steps, ingredients, points) between two good paragraphs is the article's own list.
    body = article_indent([blocks[i] for i in kept], classes)
    if body is None:
        return []
    on_body = [pos for pos, i in enumerate(kept) if blocks[i].indent == body]
    sub = [classes[pos] for pos in on_body]
    rescued = [pos for n, pos in enumerate(on_body) if _sandwiched(n, sub)]
    nested = [pos for pos, i in enumerate(kept) if blocks[i].indent > body and blocks[i].kind is BlockKind.LIST_ITEM]
    return rescued + [pos for pos in nested if _nested_sandwiched(pos, on_body, sub)]


def _nested_sandwiched(pos: int, on_body: Sequence[int], sub: Sequence[Quality]) -> bool:
    """True if the body lines around kept position `pos` are good on both sides."""
    n = bisect.bisect(on_body, pos)
    return _sandwiched(n, [*sub[:n], Quality.SHORT, *sub[n:]])


def _sandwiched(pos: int, classes: Sequence[Quality]) -> bool:
    """True if the nearest good-or-bad blocks on both sides of `pos` are good."""
    before = _neighbour(classes, pos, -1, skip_near_good=True)
    after = _neighbour(classes, pos, +1, skip_near_good=True)
    return before is after is Quality.GOOD


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
