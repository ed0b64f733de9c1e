"""HTML pages: selector rules (BeautifulSoup), metadata and main-content extraction (trafilatura).

The extracted text then goes through the same line-level stages as plain text: extract
generously here, strip precisely there.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import trafilatura
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from .document import Document, Removal
from .rules import Rule, RuleSet

#: trafilatura logs every discarded page at WARNING; we record our own reason instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)
#: XHTML pages are still read as HTML on purpose: real pages' "XML" is rarely well-formed.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)

#: libxml2 (under lxml, under trafilatura) stops building the tree past this depth, so a page
#: nested deeper loses its content; real pages stay well under 100 levels.
PARSER_MAX_DEPTH = 256

#: Elements that never have a closing tag, so never add a nesting level.
VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)

#: A selector rule never removes an element holding this share of the page's text or more: a
#: share bar or newsletter box is small, and a "share" class on a wrapper must not take the article.
SELECTOR_MAX_TEXT_SHARE = 0.3

#: Nor an element that contains the page's main structure.
PROTECTED_DESCENDANTS = "article, main, h1"

#: How much of a removed element's text the report keeps, to show what a selector cut.
REMOVED_ELEMENT_PREVIEW = 120


@dataclass(frozen=True, slots=True)
class Extraction:
    """What trafilatura found: main text and metadata."""

    text: str
    title: str | None
    url: str | None
    date: str | None


class HtmlError(ValueError):
    """The page cannot be processed; the message says why."""


def extract(doc: Document, html: str, ruleset: RuleSet) -> str:
    """Apply selector rules, extract main text and metadata into the document; return the text."""
    url = canonical_url(html)
    selectors = ruleset.for_document(url, html).of("drop_selectors")
    if selectors:
        html, doc.removed_elements = drop_elements(html, selectors)
    found = main_text(html, url)
    if not found.text and nesting_depth(html) > PARSER_MAX_DEPTH:
        raise HtmlError(f"HTML nested deeper than the parser's limit of {PARSER_MAX_DEPTH} levels")
    doc.url = doc.url or found.url or url
    doc.title = doc.title or found.title
    doc.date = doc.date or found.date
    return found.text


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, counted from its tags (to explain an empty extraction)."""
    depth = deepest = 0
    for chunk in html.split("<")[1:]:
        name = chunk.split(">", 1)[0].split(None, 1)[0].lower() if chunk.strip() else ""
        if name.startswith("/"):
            depth = max(0, depth - 1)
        elif name[:1].isalpha() and name not in VOID_ELEMENTS and not chunk.split(">", 1)[0].endswith("/"):
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def canonical_url(html: str) -> str | None:
    """The page's own URL from <link rel=canonical> or og:url, read cheaply with lxml."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html[:200_000])
    except Exception:  # lxml raises ParserError, ValueError and others on broken pages
        return None
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        found = tree.xpath(xpath)
        if found and str(found[0]).startswith(("http://", "https://")):
            return str(found[0]).strip()
    return None


def drop_elements(html: str, rules: tuple[Rule, ...]) -> tuple[str, list[Removal]]:
    """Remove the elements that CSS-selector rules name; return the new HTML and what went."""
    soup = BeautifulSoup(html, "lxml")
    page_chars = len(soup.get_text(" ", strip=True)) or 1
    removed: list[Removal] = []
    for rule in rules:
        for element in soup.select(rule.css or ""):
            if element.decomposed:
                continue  # already gone with an ancestor matched by an earlier selector
            text = " ".join(element.get_text(" ").split())
            if len(text) >= SELECTOR_MAX_TEXT_SHARE * page_chars or element.select_one(PROTECTED_DESCENDANTS):
                continue
            removed.append(Removal(element.sourceline or 0, text[:REMOVED_ELEMENT_PREVIEW], rule.reason))
            element.decompose()
    return (str(soup), removed) if removed else (html, removed)


def main_text(html: str, url: str | None) -> Extraction:
    """Run trafilatura for the main text and metadata; an empty page gives empty text."""
    result = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,  # comments are not the article; measured better on traf-dev
        include_tables=True,
        with_metadata=True,
        # Only dates the page states as such: htmldate's extensive search guesses from any
        # date-like string (a copyright year becomes 1 January), which is worse than no date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if result is None:
        return Extraction("", None, None, None)
    return Extraction(result.text or "", result.title, result.url, result.date)
