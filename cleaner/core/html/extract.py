"""HTML pages: selector rules, metadata and main-content extraction (trafilatura), on one lxml tree.

The page is parsed once, with trafilatura's own loader; CSS-selector rules prune that tree (selectors.py,
lxml + cssselect: compiled to XPath, an order of magnitude faster than matching in BeautifulSoup) and
trafilatura extracts from it. The extracted text then goes through the same line-level stages as
plain text: extract generously here, strip precisely there.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import trafilatura
import trafilatura.external
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement, document_fromstring
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.utils import HTML_PARSER, load_html

from cleaner.core import language
from cleaner.core.html import features
from cleaner.core.html.blocks import HtmlBlock, segment_tree
from cleaner.core.html.selectors import class_id_text, drop_elements
from cleaner.core.text import SENTENCE_END, squeeze
from cleaner.core.thresholds import DEFAULT_THRESHOLDS, Thresholds
from cleaner.document import BlockScore, Document, LineHint, Removal
from cleaner.rules.formats import ftr, ftr_apply
from cleaner.rules.ruleset import RuleSet

#: trafilatura logs every discarded page at WARNING; we record our own reason instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

#: libxml2 (under lxml, under trafilatura) stops building the tree past this depth, so a page
#: nested deeper loses its content; real pages stay well under 100 levels.
PARSER_MAX_DEPTH = 256

#: The elements of trafilatura's output tree that hold one line (or a few) of the text.
LINE_ELEMENTS = ("head", "p", "item", "cell", "quote", "code")

#: Link texts shorter than this ("1", "»", "PDF") say nothing about the line they sit in.
ANCHOR_MIN_CHARS = 3

#: How far ahead in the output tree a line is looked for: lines and elements come in the same
#: order, so the match is near; the bound keeps a page with thousands of elements linear.
HINT_LOOKAHEAD = 40

#: The list marker trafilatura's plain-text output puts before a list item.
ITEM_MARKER = "- "

#: Class names that mark an article's lede (teaser, standfirst, chapô, excerpt): trafilatura often
#: drops it as a header box, though it is the article's first paragraph. Its length bounds, and how
#: it is anchored to the body, are in Thresholds (lede_*); a run of teaser titles is not one, as it
#: ends without a sentence mark.
LEDE_WORDS = r"(?:lead|teaser|intro|summary|standfirst|excerpt|chapo|abstract)"
LEDE_CLASS_RE = re.compile(rf"(?i)(?:^|[\s_-]){LEDE_WORDS}(?=$|[\s_-])")
#: The same words in the page's class and id values joined by NULs (`class_id_text`): one search
#: that tells the half of pages with no lede class to skip the outline (3 ms a page).
LEDE_ON_PAGE_RE = re.compile(rf"(?i)(?:^|[\s_\0-]){LEDE_WORDS}(?=$|[\s_\0-])")


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a page gave: its text, metadata, line hints or block scores, and the selectors' removals.

    The fields of the document are the pipeline's to set, by `apply`; the page's own values only
    fill what the document does not already hold (a JSONL url, a WARC target URI).
    """

    text: str
    title: str | None
    url: str | None
    date: str | None
    author: str | None = None  # only a site config's `author` directive gives one
    hints: dict[int, LineHint] = field(default_factory=dict)  # by 1-based line number
    scores: dict[int, BlockScore] = field(default_factory=dict)  # the block model's, by line number
    rule_host: str | None = None  # the host that chose the site's rules
    removed_elements: list[Removal] = field(default_factory=list)

    def apply(self, doc: Document) -> str:
        """Fill the document with what the page gave; return the text."""
        doc.url, doc.title, doc.date = doc.url or self.url, doc.title or self.title, doc.date or self.date
        doc.author = doc.author or self.author
        doc.line_hints, doc.scores = self.hints, self.scores
        doc.rule_host, doc.removed_elements = self.rule_host, self.removed_elements
        return self.text


@dataclass(frozen=True, slots=True)
class Prepared:
    """A page's tree after its site config and selector rules, with what they found and removed."""

    tree: HtmlElement
    url: str | None  # the page's canonical URL
    rule_host: str | None
    metadata: ftr_apply.Metadata  # what the site config found (title, date, author), if any
    removed_elements: list[Removal]
    class_ids: str  # the page's class and id values (`class_id_text`), before the selectors


#: What scores a page's blocks from their feature rows: the block model's `verdicts`, passed in by
#: the pipeline, since the model (core.decide) reads the features this package computes.
Scorer = Callable[[list[list[float]]], Iterable[BlockScore]]


class HtmlError(ValueError):
    """The page cannot be processed; the message says why."""


def extract(
    html: str, ruleset: RuleSet, url: str | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Extraction:
    """Apply selector rules, extract main text, metadata and line hints (`url`: the document's own).

    The hints say, by line number, what the page's structure says of each line.
    """
    page = prepare(html, ruleset, url)
    found = main_text(page.tree, page.url, thresholds, page.class_ids)
    return Extraction(
        found.text,
        page.metadata.title or found.title,
        found.url or page.url,
        page.metadata.date or found.date,
        page.metadata.author,
        hints=found.hints,
        rule_host=page.rule_host,
        removed_elements=page.removed_elements,
    )


def parse(html: str) -> HtmlElement:
    """The page's tree, for anything a browser would show: fragments and wrapped pages too.

    trafilatura's loader refuses a page that does not open like a document (a `<text>` wrapper
    before the markup, a fragment); lxml's HTML parser builds the html/body a browser would.
    """
    tree = load_html(html)
    if _hit_depth_limit():
        raise HtmlError(f"HTML nested deeper than the parser's limit of {PARSER_MAX_DEPTH} levels")
    if tree is None:
        tree = _lenient(html)
    if tree is None:
        raise HtmlError("not parseable as HTML: no markup found")
    return tree


def prepare(html: str, ruleset: RuleSet, url: str | None = None, keep_comments: bool = False) -> Prepared:
    """The page's tree with the site config and selector rules applied (`url`: the document's own;
    `keep_comments`: not the selectors that remove readers' comments)."""
    tree = parse(html)
    canonical = canonical_url(tree)
    host = ftr.host_of(url or canonical)  # a JSONL url or WARC target URI, else the canonical link
    site = ruleset.site_config(host)
    removed: list[Removal] = []
    found = ftr_apply.Metadata()
    if site is not None:
        if site.replacements:  # raw-text substitutions come before parsing
            tree = parse(ftr_apply.substitute(site, html))
        removed, found = ftr_apply.apply(site, tree)
    class_ids = class_id_text(tree)
    removed += drop_elements(tree, ruleset.for_document(canonical, html, keep_comments).of("drop_selectors"), class_ids)
    return Prepared(tree, canonical, host, found, removed, class_ids)


def extract_blocks(html: str, ruleset: RuleSet, score: Scorer, comments: bool, url: str | None = None) -> Extraction:
    """Apply selector rules, cut the page into blocks and let the model score them.

    The text is every block's text, one per line; the scores say, by line number, what the model
    (`score`, the block model's verdicts) made of each (rules decide over it later).
    """
    page = prepare(html, ruleset, url, comments)
    title, found_url, date = page_metadata(page.tree, page.url)  # before trafilatura prunes the tree
    url = url or found_url or page.url
    found, rows = page_blocks(page.tree, url, comments)
    return Extraction(
        "\n".join(b.text for b in found),
        page.metadata.title or title,
        url,
        page.metadata.date or date,
        page.metadata.author,
        scores=dict(enumerate(score(rows), start=1)),
        rule_host=page.rule_host,
        removed_elements=page.removed_elements,
    )


def _lenient(html: str) -> HtmlElement | None:
    """The document lxml builds around whatever markup the text holds, or None if it holds none."""
    if "<" not in html:
        return None
    try:
        tree = document_fromstring(html.encode("utf-8"), parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if _hit_depth_limit():
        raise HtmlError(f"HTML nested deeper than the parser's limit of {PARSER_MAX_DEPTH} levels")
    return tree if len(tree) else None


def _hit_depth_limit() -> bool:
    """True if the last parse stopped at libxml2's nesting limit (and so lost content)."""
    return any("Excessive depth" in e.message for e in HTML_PARSER.error_log)


def canonical_url(tree: HtmlElement) -> str | None:
    """The page's own URL from <link rel=canonical> or og:url."""
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        found = tree.xpath(xpath)
        if found and str(found[0]).strip().startswith(("http://", "https://")):
            return str(found[0]).strip()
    return None


def main_text(
    tree: HtmlElement, url: str | None, thresholds: Thresholds = DEFAULT_THRESHOLDS, class_ids: str | None = None
) -> Extraction:
    """Run trafilatura for the main text and metadata; an empty page gives empty text.

    `class_ids`, the page's `class_id_text` if the caller has it, spares the outline on pages
    without a lede class.
    """
    anchors = anchor_texts(tree)
    on_page = LEDE_ON_PAGE_RE.search(class_id_text(tree) if class_ids is None else class_ids)
    outline = page_outline(tree, thresholds) if on_page else NO_OUTLINE
    title, found_url, date = page_metadata(tree, url)
    result = _trafilatura(tree, url, thresholds.standard_below_chars)
    if result is None:
        return Extraction("", None, None, None)
    text = with_lede(result.text or "", outline, anchors, thresholds)
    hints = line_hints(text, result.body, anchors) if result.body is not None else {}
    return Extraction(text, title, found_url, date, hints=hints)


def _trafilatura(tree: HtmlElement, url: str | None, standard_below: int) -> trafilatura.settings.Document | None:
    """trafilatura's fast extraction, or its standard one where fast mode found little.

    Standard mode compares its result with readability's and jusText's, which rescues pages its
    own extractor misses but costs a third more. trafilatura works on a copy: the tree is unchanged.
    """
    found = None
    for fast in (True, False):
        if not fast:
            _share_stoplist()
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            include_comments=False,  # comments are not the article; measured better on traf-dev
            include_tables=True,
            with_metadata=False,  # page_metadata reads only the fields we keep, at a third of the cost
        )
        found = result if isinstance(result, trafilatura.settings.Document) else None  # or a dict, if asked
        if found is not None and len(found.text or "") >= standard_below:
            break
    return found


@functools.cache
def _share_stoplist() -> None:
    """Give trafilatura's jusText fallback the union of jusText's stoplists the cleaner already holds.

    trafilatura builds the same union on its first fallback, 0.2 s more in every worker. jusText
    makes a set of the tuple, so its order (the set's, as in trafilatura's own) changes nothing.
    """
    external = trafilatura.external
    if getattr(external, "JT_STOPLIST", ...) is None:  # unset; a later trafilatura may not have it
        external.JT_STOPLIST = tuple(language.stopwords(None))  # type: ignore[assignment]  # typed as its start, None


def page_metadata(tree: HtmlElement, url: str | None) -> tuple[str | None, str | None, str | None]:
    """Title, URL and date as trafilatura's extract_metadata finds them, without the other fields.

    extract_metadata also looks for the author (on a deep copy of the tree), the site name,
    categories, tags and the licence, which the cleaner never uses and which cost two thirds of it.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # as extract_metadata does, before JSON-LD
        metadata.author = None
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader has bugs; it catches them too
        metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    # Only dates the page states as such: htmldate's extensive search guesses from any date-like
    # string (a copyright year becomes 1 January), which is worse than no date.
    metadata.date = find_date(tree, extensive_search=False, original_date=True, url=metadata.url)
    metadata.clean_and_trim()  # entities, spaces and control characters, as extract_metadata does
    return metadata.title, metadata.url, metadata.date


@dataclass(frozen=True, slots=True)
class Outline:
    """Where the page's headline, paragraphs and lede-classed elements sit, in document order.

    The paragraphs are kept as elements, their text read only on a page with a lede to place
    (trafilatura extracts from a copy, so they are unchanged when with_lede reads them).
    """

    headline: int  # position of the first <h1> among the outline's elements, -1 if none
    paragraphs: list[tuple[int, HtmlElement]]
    ledes: list[tuple[int, str]]


#: The outline of a page with no lede class: nothing for with_lede to place.
NO_OUTLINE = Outline(-1, [], [])

#: The elements an outline reads, in document order: their index there orders them as the page does.
OUTLINE_XPATH = etree.XPath("//h1 | //p | //*[@class]")


def page_outline(tree: HtmlElement, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Outline:
    """Record, before extraction, the positions and texts a lede is looked for by."""
    headline, paragraphs, ledes = -1, [], []
    for position, el in enumerate(OUTLINE_XPATH(tree)):
        if el.tag == "h1" and headline < 0:
            headline = position
        elif el.tag == "p":
            paragraphs.append((position, el))
        if LEDE_CLASS_RE.search(el.get("class") or ""):
            text = squeeze(el.text_content())
            if thresholds.lede_min_chars <= len(text) <= thresholds.lede_max_chars and text.endswith(SENTENCE_END):
                ledes.append((position, text))
    return Outline(headline, paragraphs, ledes)


def with_lede(text: str, outline: Outline, anchors: frozenset[str], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """Put back the lede trafilatura left out: the lede-classed element between headline and body."""
    if not outline.ledes:
        return text
    lines = text.split("\n")
    found = _body_anchor(lines, outline, thresholds)
    if found is None:
        return text
    number, position, key = found
    between = [t for at, t in outline.ledes if outline.headline < at < position]
    if not between:
        return text
    lede = between[-1]
    if key in lede or lede in anchors or lede[: thresholds.lede_anchor_chars] in squeeze(text):
        return text
    return "\n".join([*lines[:number], lede, *lines[number:]])


def _body_anchor(lines: list[str], outline: Outline, t: Thresholds) -> tuple[int, int, str] | None:
    """Where the extracted body starts in the page: the first of the first few lines found in a page
    paragraph, as its line index, its paragraph's page position and the key it was found by."""
    keys = [(n, key) for n, line in enumerate(lines[: t.lede_body_lines]) if (key := _anchor_key(line, t))]
    if not keys:
        return None
    texts = [(at, squeeze(el.text_content())) for at, el in outline.paragraphs]
    for number, key in keys:
        position = next((at for at, para in texts if key in para), None)
        if position is not None:
            return number, position, key
    return None


def _anchor_key(line: str, t: Thresholds) -> str:
    """The start of an extracted line, by which its paragraph is found in the page."""
    return squeeze(line).removeprefix(ITEM_MARKER)[: t.lede_anchor_chars]


def anchor_texts(tree: HtmlElement) -> frozenset[str]:
    """The normalised texts of the page's links."""
    found = (squeeze(a.text_content()) for a in tree.iter("a"))
    return frozenset(t for t in found if len(t) >= ANCHOR_MIN_CHARS)


def line_hints(text: str, body: HtmlElement, anchors: frozenset[str]) -> dict[int, LineHint]:
    """Match each line of the text to its element in the output tree, in order; add its link share."""
    elements = [(el.tag, squeeze("".join(el.itertext()))) for el in body.iter(*LINE_ELEMENTS)]
    hints: dict[int, LineHint] = {}
    at = 0
    for number, line in enumerate(text.split("\n"), start=1):
        key = squeeze(line).removeprefix(ITEM_MARKER)
        if not key:
            continue
        found = next((j for j in range(at, min(at + HINT_LOOKAHEAD, len(elements))) if key in elements[j][1]), None)
        if found is not None:
            at = found
        hints[number] = LineHint(elements[found][0] if found is not None else None, link_share(key, anchors))
    return hints


def link_share(line: str, anchors: frozenset[str]) -> float:
    """The share of a line that is one link's text: all of it, or what follows a label ("Read: …")."""
    if line in anchors:
        return 1.0
    label, colon, rest = line.partition(": ")
    if colon and rest in anchors:
        return len(rest) / len(line)
    return 0.0


def page_blocks(tree: HtmlElement, url: str | None, comments: bool) -> tuple[list[HtmlBlock], list[list[float]]]:
    """The page's blocks and their feature rows, trafilatura fast's judgement among them.

    trafilatura runs on the same tree (no second parse) after the blocks are cut, since it
    prunes the tree it is given.
    """
    title = tree.findtext(".//title") or ""
    found = segment_tree(tree)
    result = trafilatura.bare_extraction(
        tree, url=url, fast=True, include_comments=comments, include_tables=True, with_metadata=False
    )
    extracted = ""
    if isinstance(result, trafilatura.settings.Document):
        extracted = "\n".join(filter(None, (result.text, result.comments if comments else None)))
    traf = features.trafilatura_kept(found, extracted)
    return found, features.compute(found, traf, language.stopwords(None), title)
