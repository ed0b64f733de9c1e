"""HTML pages: selector rules, metadata and main-content extraction (trafilatura), on one lxml tree.

The page is parsed once, with trafilatura's own loader; CSS-selector rules prune that tree (lxml +
cssselect: compiled to XPath, an order of magnitude faster than matching in BeautifulSoup) and
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

import cssselect
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.cssselect import LxmlTranslator
from lxml.etree import XPath
from lxml.html import HtmlElement, document_fromstring
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.utils import HTML_PARSER, load_html

from cleaner.core import language
from cleaner.core.html import features
from cleaner.core.html.blocks import HtmlBlock, segment_tree
from cleaner.core.html.features import normalise
from cleaner.core.segment import SENTENCE_END
from cleaner.document import BlockScore, Document, LineHint, Removal
from cleaner.rules.formats import ftr, ftr_apply
from cleaner.rules.ruleset import Rule, RuleSet

#: trafilatura logs every discarded page at WARNING; we record our own reason instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

#: libxml2 (under lxml, under trafilatura) stops building the tree past this depth, so a page
#: nested deeper loses its content; real pages stay well under 100 levels.
PARSER_MAX_DEPTH = 256

#: A selector rule never removes an element holding this share of the page's text or more: a
#: share bar or newsletter box is small, and a "share" class on a wrapper must not take the article.
SELECTOR_MAX_TEXT_SHARE = 0.3

#: Nor an element that is or contains the page's main structure.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article", "h1"})

#: How much of a removed element's text the report keeps, to show what a selector cut.
REMOVED_ELEMENT_PREVIEW = 120

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
#: drops it as a header box, though it is the article's first paragraph.
LEDE_CLASS_RE = re.compile(
    r"(?i)(?:^|[\s_-])(?:lead|teaser|intro|summary|standfirst|excerpt|chapo|abstract)(?=$|[\s_-])"
)

#: A lede is a sentence or two of prose, not a kicker, a "read more" label or a run of teaser
#: titles (which ends without a sentence mark).
LEDE_MIN_CHARS = 80
#: Nor a whole article summary box.
LEDE_MAX_CHARS = 800

#: How many characters of the first extracted line identify its paragraph in the page.
LEDE_ANCHOR_CHARS = 60
#: The body's first paragraph is among the first few lines (a title, kicker or date may come first).
LEDE_BODY_LINES = 3


@dataclass(frozen=True, slots=True)
class Extraction:
    """What trafilatura found: main text and metadata."""

    text: str
    title: str | None
    url: str | None
    date: str | None
    hints: dict[int, LineHint] = field(default_factory=dict)  # by 1-based line number


#: What scores a page's blocks from their feature rows: the block model's `verdicts`, passed in by
#: the pipeline, since the model (core.decide) reads the features this package computes.
Scorer = Callable[[list[list[float]]], Iterable[BlockScore]]


class HtmlError(ValueError):
    """The page cannot be processed; the message says why."""


def extract(doc: Document, html: str, ruleset: RuleSet) -> str:
    """Apply selector rules, extract main text, metadata and line hints into the document.

    Returns the text; doc.line_hints says, by line number, what the page's structure says of each.
    """
    tree, url = prepare(doc, html, ruleset)
    found = main_text(tree, url)
    doc.url = doc.url or found.url or url
    doc.title = doc.title or found.title
    doc.date = doc.date or found.date
    doc.line_hints = found.hints
    return found.text


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


def prepare(doc: Document, html: str, ruleset: RuleSet) -> tuple[HtmlElement, str | None]:
    """The page's tree with the site config and selector rules applied (removals recorded on doc),
    and its URL."""
    tree = parse(html)
    url = canonical_url(tree)
    doc.rule_host = ftr.host_of(doc.url or url)  # a JSONL url or WARC target URI, else the canonical link
    site = ruleset.site_config(doc.rule_host)
    removed: list[Removal] = []
    if site is not None:
        if site.replacements:  # raw-text substitutions come before parsing
            tree = parse(ftr_apply.substitute(site, html))
        removed, found = ftr_apply.apply(site, tree)
        doc.title, doc.date = doc.title or found.title, doc.date or found.date
    doc.removed_elements = removed + drop_elements(tree, ruleset.for_document(url, html).of("drop_selectors"))
    return tree, url


def extract_blocks(doc: Document, html: str, ruleset: RuleSet, score: Scorer, comments: bool) -> str:
    """Apply selector rules, cut the page into blocks and let the model score them.

    Returns every block's text, one per line; doc.scores says, by line number, what the model
    (`score`, the block model's verdicts) made of each (rules decide over it later).
    """
    tree, url = prepare(doc, html, ruleset)
    title, found_url, date = page_metadata(tree, url)  # before trafilatura prunes the tree
    doc.url, doc.title, doc.date = doc.url or found_url or url, doc.title or title, doc.date or date
    found, rows = page_blocks(tree, doc.url, comments)
    doc.scores = dict(enumerate(score(rows), start=1))
    return "\n".join(b.text for b in found)


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


#: Every class and id value on the page: one cheap pass that tells which selector rules may match.
CLASS_ID_VALUES = XPath("//@class | //@id", smart_strings=False)  # plain strings: half the cost

#: The attribute selectors whose value must appear, as it is, in the attribute (cssselect's operators).
SUBSTRING_OPERATORS = frozenset({"=", "~=", "|=", "^=", "$=", "*="})


@functools.lru_cache(maxsize=256)
def needles(css: str) -> tuple[tuple[str, ...], ...]:
    """Per selector of the group, class and id texts an element must hold to match it.

    ".share" needs "share" in a class value, "#main" needs "main" in an id; a selector that
    needs none ("div", "[data-x]") gets an empty tuple and is always run.
    """
    return tuple(_required_texts(selector.parsed_tree) for selector in cssselect.parse(css))


def _required_texts(tree: object) -> tuple[str, ...]:
    """The class and id texts in one parsed selector's conditions on the element it matches."""
    texts: list[str] = []
    node: object = tree
    while node is not None:  # every link of a compound selector is a condition on the element
        if isinstance(node, cssselect.parser.CombinedSelector):
            node = node.subselector  # the element matched is the right-hand one
            continue
        if isinstance(node, cssselect.parser.Class):
            texts.append(node.class_name)
        elif isinstance(node, cssselect.parser.Hash):
            texts.append(node.id)
        elif (
            isinstance(node, cssselect.parser.Attrib)
            and node.namespace is None
            and node.attrib in ("class", "id")
            and node.operator in SUBSTRING_OPERATORS
            and getattr(node, "flag", None) is None  # [class*="x" i] matches any case (cssselect >= 1.4)
            and node.value is not None
        ):
            texts.append(str(node.value.value))
        node = getattr(node, "selector", None)
    return tuple(piece for t in texts for piece in t.split())  # [class*=" x"] needs "x" at least


def selector_for(css: str, class_ids: str) -> XPath | None:
    """The group's selectors that may match the page, as one XPath (document order, no repeats);
    None if none can: a class or id text each needs is not on the page."""
    mask = tuple(all(text in class_ids for text in texts) for texts in needles(css))
    return _union(css, mask) if any(mask) else None


@functools.lru_cache(maxsize=1024)
def _union(css: str, mask: tuple[bool, ...]) -> XPath:
    """One XPath for the selectors of a group that the mask keeps, compiled once per process.

    The union of the kept selectors' XPaths, as lxml's CSSSelector builds for the whole group:
    a selector whose class or id text is on no element of the page would match nothing anyway.
    """
    translator = LxmlTranslator()  # the one lxml's CSSSelector uses by default
    kept = [s for s, keep in zip(cssselect.parse(css), mask, strict=True) if keep]
    return XPath(" | ".join(translator.selector_to_xpath(s) for s in kept))


def drop_elements(tree: HtmlElement, rules: tuple[Rule, ...]) -> list[Removal]:
    """Remove the elements that CSS-selector rules name from the tree; return what went."""
    page_chars = 0  # counted at the first match: most pages match no rule
    class_ids = "\0".join(CLASS_ID_VALUES(tree)) if rules else ""
    removed: list[Removal] = []
    for rule in rules:
        css = rule.css or "*"
        selector = selector_for(css, class_ids)
        if selector is None:  # a selector pass costs about 1 ms on a news page
            continue
        for element in selector(tree):
            if element.getparent() is None or _protected(element):
                continue
            page_chars = page_chars or len(" ".join(tree.text_content().split())) or 1
            text = " ".join(" ".join(element.itertext()).split())
            if len(text) >= SELECTOR_MAX_TEXT_SHARE * page_chars:
                continue
            removed.append(Removal(element.sourceline or 0, text[:REMOVED_ELEMENT_PREVIEW], rule.reason, len(text)))
            element.drop_tree()
    return removed


def _protected(element: HtmlElement) -> bool:
    """True if the element is, or holds, the page's main structure."""
    if element.tag in PROTECTED_TAGS:
        return True
    return any(True for _ in element.iterdescendants(*PROTECTED_TAGS))


def main_text(tree: HtmlElement, url: str | None) -> Extraction:
    """Run trafilatura for the main text and metadata; an empty page gives empty text."""
    anchors = anchor_texts(tree)  # before extraction, which prunes the tree
    outline = page_outline(tree)
    title, found_url, date = page_metadata(tree, url)
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,  # comments are not the article; measured better on traf-dev
        include_tables=True,
        # Standard mode, not fast: its readability/jusText fallback costs about a quarter of the
        # extraction, but without it cleaneval-dev's varied pages fall from 0.851 to 0.794 (and
        # traf-dev from 0.957 to 0.949), more than the 0.006 fast mode gains on dragnet-dev.
        with_metadata=False,  # page_metadata reads only the fields we keep, at a third of the cost
    )
    if not isinstance(result, trafilatura.settings.Document):  # None, or a dict if asked for one
        return Extraction("", None, None, None)
    text = with_lede(result.text or "", outline, anchors)
    hints = line_hints(text, result.body, anchors) if result.body is not None else {}
    return Extraction(text, title, found_url, date, hints)


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
    """Where the page's headline, paragraphs and lede-classed elements sit, in document order."""

    headline: int  # position of the first <h1>, -1 if none
    paragraphs: list[tuple[int, str]]
    ledes: list[tuple[int, str]]


def page_outline(tree: HtmlElement) -> Outline:
    """Record, before extraction, the positions and texts a lede is looked for by."""
    headline, paragraphs, ledes = -1, [], []
    for position, el in enumerate(tree.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag == "h1" and headline < 0:
            headline = position
        elif el.tag == "p":
            paragraphs.append((position, normalise(el.text_content())))
        if LEDE_CLASS_RE.search(el.get("class") or ""):
            text = normalise(el.text_content())
            if LEDE_MIN_CHARS <= len(text) <= LEDE_MAX_CHARS and text.endswith(SENTENCE_END):
                ledes.append((position, text))
    return Outline(headline, paragraphs, ledes)


def with_lede(text: str, outline: Outline, anchors: frozenset[str]) -> str:
    """Put back the lede trafilatura left out: the lede-classed element between headline and body."""
    lines = text.split("\n")
    found = _body_start(lines, outline)
    if found is None:
        return text
    number, position, key = found
    between = [t for at, t in outline.ledes if outline.headline < at < position]
    if not between:
        return text
    lede = between[-1]
    if key in lede or lede in anchors or lede[:LEDE_ANCHOR_CHARS] in normalise(text):
        return text
    return "\n".join([*lines[:number], lede, *lines[number:]])


def _body_start(lines: list[str], outline: Outline) -> tuple[int, int, str] | None:
    """The first of the first few lines found in a page paragraph: line index, page position, key."""
    for number, line in enumerate(lines[:LEDE_BODY_LINES]):
        key = normalise(line).removeprefix(ITEM_MARKER)[:LEDE_ANCHOR_CHARS]
        if key:
            position = next((at for at, para in outline.paragraphs if key in para), None)
            if position is not None:
                return number, position, key
    return None


def anchor_texts(tree: HtmlElement) -> frozenset[str]:
    """The normalised texts of the page's links."""
    found = (normalise(a.text_content()) for a in tree.iter("a"))
    return frozenset(t for t in found if len(t) >= ANCHOR_MIN_CHARS)


def line_hints(text: str, body: HtmlElement, anchors: frozenset[str]) -> dict[int, LineHint]:
    """Match each line of the text to its element in the output tree, in order; add its link share."""
    elements = [(el.tag, normalise("".join(el.itertext()))) for el in body.iter(*LINE_ELEMENTS)]
    hints: dict[int, LineHint] = {}
    at = 0
    for number, line in enumerate(text.split("\n"), start=1):
        key = normalise(line).removeprefix(ITEM_MARKER)
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
