"""A Full-Text RSS site config applied to one page's tree: substitutions, removals, body, metadata.

The order is the format's: find_string/replace_string on the raw text, then the strip directives
on the whole page, then the first `body` XPath that matches narrows the page to its element(s).
Either extractor then works inside the body, with its own chrome stripping still on. Every
element removed is recorded with the reason `rule:ftr/<site>/<directive>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from htmldate.extractors import try_date_expr
from lxml import etree
from lxml.html import HtmlElement

from ..document import Origin, Reason, Removal
from .ftr import SiteConfig, compiled

#: How much of a removed element's text the report keeps (as for selector rules).
PREVIEW_CHARS = 120

#: The elements a strip directive never removes: the page itself.
PROTECTED = frozenset({"html", "head", "body"})

#: The range a `date` directive's text is read in (fixed, not today's date: the same page must
#: give the same date whenever it is cleaned).
MIN_DATE, MAX_DATE = datetime(1995, 1, 1), datetime(2100, 1, 1)


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the site's title and date directives found (None: nothing, or no directive)."""

    title: str | None = None
    date: str | None = None


def reason(site: SiteConfig, directive: str) -> Reason:
    """The reason of a removal by one of the site's directives."""
    return Reason(Origin.RULE, f"ftr/{site.name}/{directive}")


def substitute(site: SiteConfig, html: str) -> str:
    """The page's raw text with the site's find_string/replace_string pairs applied, in order."""
    for find, replace in site.replacements:
        html = html.replace(find, replace)
    return html


def apply(site: SiteConfig, tree: HtmlElement) -> tuple[list[Removal], Metadata]:
    """Strip, then narrow the tree to the body, in place; return the removals and the metadata.

    The metadata is read before anything is removed: a title or date often sits outside the body.
    """
    found = Metadata(_first_text(tree, site.title), _date(_first_text(tree, site.date)))
    removed: list[Removal] = []
    for directive, expression in site.strip:
        removed += _strip(tree, expression, reason(site, directive))
    body = _body(tree, site.body)
    if body is not None:
        removed.append(_narrow(tree, _with_headline(tree, site, body), reason(site, "body")))
    return removed, found


def _elements(tree: HtmlElement, expression: str) -> list[HtmlElement]:
    """The elements an XPath selects (strings and numbers it may give are not elements)."""
    try:
        found = compiled(expression)(tree)
    except etree.XPathError:  # checked at load time; a page can still trip the engine
        return []
    return [e for e in found if isinstance(e, HtmlElement)] if isinstance(found, list) else []


def _strip(tree: HtmlElement, expression: str, why: Reason) -> list[Removal]:
    """Remove every element the XPath selects (not the page's html, head or body)."""
    removed = []
    for element in _elements(tree, expression):
        if element.tag in PROTECTED or element.getparent() is None:
            continue
        removed.append(Removal(element.sourceline or 0, _preview(element), why))
        element.drop_tree()
    return removed


def _body(tree: HtmlElement, expressions: list[str]) -> list[HtmlElement] | None:
    """The elements of the first body XPath that selects any (outermost only), or None."""
    for expression in expressions:
        found = [e for e in _elements(tree, expression) if e.tag not in PROTECTED]
        if found:
            chosen = set(found)
            return [e for e in found if not any(a in chosen for a in e.iterancestors())]
    return None


def _with_headline(tree: HtmlElement, site: SiteConfig, body: list[HtmlElement]) -> list[HtmlElement]:
    """The body with the page's headline before it when it lies outside: Full-Text RSS gives the
    title apart, the cleaner's text starts with it (measured: without it, the headline is the
    largest loss on dragnet-dev's covered pages)."""
    found = [e for x in site.title for e in _elements(tree, x)] + list(tree.iter("h1"))
    inside = {id(e) for b in body for e in b.iter()}
    for element in found:
        in_head = any(a.tag == "head" for a in element.iterancestors())  # a title XPath on <title>
        if element.tag in PROTECTED or in_head or id(element) in inside or _holds_any(element, body):
            continue
        return [element, *body]
    return body


def _holds_any(element: HtmlElement, body: list[HtmlElement]) -> bool:
    """True if the element contains one of the body elements."""
    return any(element in b.iterancestors() for b in body)


def _narrow(tree: HtmlElement, body: list[HtmlElement], why: Reason) -> Removal:
    """Make the body elements the page's only content; the head stays, for the metadata."""
    page = tree.find("body")
    if page is None:
        page = etree.SubElement(tree, "body")
    before = " ".join(page.text_content().split())
    line = body[0].sourceline or 0
    for element in body:
        element.tail = None  # the text after it belongs to what is dropped
        element.getparent().remove(element)
    for child in list(page):
        page.remove(child)
    page.text = None
    page.extend(body)
    kept = " ".join(page.text_content().split())
    dropped = f"{max(len(before) - len(kept), 0)} characters outside the body"
    return Removal(line, dropped, why)


def _first_text(tree: HtmlElement, expressions: list[str]) -> str | None:
    """The text of the first XPath that gives a non-empty one (an element's, or a string)."""
    for expression in expressions:
        try:
            found = compiled(expression)(tree)
        except etree.XPathError:
            continue
        for item in found if isinstance(found, list) else [found]:
            text = item.text_content() if isinstance(item, HtmlElement) else str(item)
            text = " ".join(text.split())
            if text:
                return text
    return None


def _date(text: str | None) -> str | None:
    """A date directive's text as YYYY-MM-DD (htmldate reads the many ways sites write dates)."""
    if not text:
        return None
    return try_date_expr(text, "%Y-%m-%d", False, MIN_DATE, MAX_DATE)


def _preview(element: HtmlElement) -> str:
    """What the report shows of a removed element: its text, else its tag."""
    text = " ".join(" ".join(element.itertext()).split())
    return text[:PREVIEW_CHARS] if text else f"<{element.tag}>"
