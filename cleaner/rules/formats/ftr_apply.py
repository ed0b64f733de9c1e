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

from cleaner.document import Origin, Reason, Removal
from cleaner.rules.formats.ftr import SiteConfig, compiled

#: How much of a removed element's text the report keeps (as for selector rules).
PREVIEW_CHARS = 120

#: The elements a strip directive never removes: the page itself.
PROTECTED = frozenset({"html", "head", "body"})

#: The headings a headline outside the body is looked for in.
HEADINGS = frozenset({"h1", "h2", "h3"})
#: A lower heading found in the <title> is the headline if this long: "News" or "Home" is not.
HEADLINE_MIN_CHARS = 15

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
    removed, gone = [], set()
    for element in _elements(tree, expression):
        if element.tag in PROTECTED or element.getparent() is None or any(a in gone for a in element.iterancestors()):
            continue  # the page, or inside an element this XPath already took (counted once)
        gone.add(element)
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
    """The body with the page's headline before it when it lies outside: the element of the site's
    title XPath, else the last heading before the body that is an <h1> or is in the <title> (a
    page's first <h1> is often its logo, a blog's post title an <h3>). Full-Text RSS gives the
    title apart; the cleaner's text starts with it (measured: the largest loss on dragnet-dev)."""
    inside = {e for b in body for e in b.iter()}  # elements, not id()s: lxml's proxies come and go
    title = " ".join((tree.findtext(".//title") or "").split())
    before: list[HtmlElement] = []
    for element in tree.iter():
        if element in inside:
            break
        if element.tag in HEADINGS and _is_headline(element, title):
            before.append(element)
    for element in [e for x in site.title for e in _elements(tree, x)] + before[-1:]:
        in_head = any(a.tag == "head" for a in element.iterancestors())  # a title XPath on <title>
        if element.tag in PROTECTED or in_head or element in inside or _holds_any(element, body):
            continue
        return [element, *body]
    return body


def _is_headline(heading: HtmlElement, title: str) -> bool:
    """An <h1>, or a lower heading whose text is (in) the page's title."""
    if heading.tag == "h1":
        return True
    text = " ".join(heading.text_content().split())
    return len(text) >= HEADLINE_MIN_CHARS and text in title


def _holds_any(element: HtmlElement, body: list[HtmlElement]) -> bool:
    """True if the element contains one of the body elements."""
    return any(element in b.iterancestors() for b in body)


def _narrow(tree: HtmlElement, kept: list[HtmlElement], why: Reason) -> Removal:
    """Remove everything of the page's body but the kept elements and the path to them: the
    containers stay (with their classes, which trafilatura and the block model read), their other
    children and text go. The head stays, for the metadata."""
    page = tree.find("body")
    if page is None:
        page = tree
    before = len(" ".join(page.text_content().split()))
    inside = {e for k in kept for e in k.iter()}
    path = {a for k in kept for a in k.iterancestors()}
    for element in list(page.iterdescendants()):
        parent = element.getparent()
        if element not in inside and element not in path and parent in path:
            element.tail = None  # the text after it belongs to what is dropped
            parent.remove(element)
    for element in path:
        element.text = element.tail = None
    for element in kept:
        element.tail = None
    dropped = before - len(" ".join(page.text_content().split()))
    return Removal(kept[0].sourceline or 0, f"{max(dropped, 0)} characters outside the body", why)


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
