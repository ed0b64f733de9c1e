"""A Full-Text RSS site config applied to one page's tree: substitutions, removals, body, metadata.

The order is the format's: find_string/replace_string on the raw text, then the strip directives
(inside the body where one matches, else on the whole page), then the first `body` XPath that
matches narrows the page to its element(s), led by the page's headline and what follows it up to
the body. Either extractor then works inside, with its own chrome stripping still on. Every
element removed is recorded with the reason `rule:ftr/<site>/<directive>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

#: A strip whose elements hold more than half of the body's words takes the article rather than
#: its chrome: it was written for another layout (chefkoch.de's `strip_id_or_class: ds-grid`
#: takes 88% of an older recipe page's body). Not applying a right strip costs little, as the
#: extractor's chrome stripping still runs inside the body (the right strips of the development
#: pages over half, a gallery at 77% and a sidebar at 51-54%, leave the same text either way);
#: applying a wrong one loses the article.
STRIP_MAX_BODY_SHARE = 0.5
#: A body selection of fewer words than a sentence's is not an article (an ad slot, an empty wrapper).
BODY_MIN_WORDS = 10
#: The text a reader sees in an element: not that of its scripts and styles.
VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")

#: The range a `date` directive's text is read in (fixed, not today's date: the same page must
#: give the same date whenever it is cleaned).
MIN_DATE, MAX_DATE = datetime(1995, 1, 1), datetime(2100, 1, 1)


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the site's title, date and author directives found (None: nothing, or no directive)."""

    title: str | None = None
    date: str | None = None
    author: str | None = None


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
    So are the title's elements, which no strip takes (Full-Text RSS removes the title element as
    it reads it, so files strip it to avoid a repeat; the cleaner's text opens with it instead).
    """
    found = Metadata(_first_text(tree, site.title), _date(_first_text(tree, site.date)), _first_text(tree, site.author))
    scope = Scope([e for x in site.title for e in _elements(tree, x)], _body(tree, site.body))
    removed: list[Removal] = []
    for directive, expression in site.strip:
        removed += _strip(tree, expression, reason(site, directive), scope)
    body = _body(tree, site.body)
    if body is not None:
        removed.append(_narrow(tree, _lead(tree, scope.titles, body), body, reason(site, "body")))
    return removed, found


@dataclass(slots=True)
class Scope:
    """What the strips may take: not the title's elements; where a body matches, only what is in it.

    Full-Text RSS shows the body alone, so a file's strips outside it were never seen to act when
    it matches (they serve its fallback, Readability on the whole page); the cleaner keeps the
    headline and what lies between it and the body, which such strips would take unjudged.
    """

    titles: list[HtmlElement]
    body: list[HtmlElement] | None  # before any strip: what a strip's share is measured against
    inside: set[HtmlElement] = field(init=False)

    def __post_init__(self) -> None:
        self.inside = {e for b in self.body or () for e in b.iter()}

    def allows(self, element: HtmlElement) -> bool:
        """True if a strip may take the element (one around the body is left to the share guard)."""
        if element.tag in PROTECTED or element in self.titles or element.getparent() is None:
            return False
        return self.body is None or element in self.inside or _holds_any(element, self.body)


def _elements(tree: HtmlElement, expression: str) -> list[HtmlElement]:
    """The elements an XPath selects (strings and numbers it may give are not elements)."""
    try:
        found = compiled(expression)(tree)
    except etree.XPathError:  # checked at load time; a page can still trip the engine
        return []
    return [e for e in found if isinstance(e, HtmlElement)] if isinstance(found, list) else []


def _strip(tree: HtmlElement, expression: str, why: Reason, scope: Scope) -> list[Removal]:
    """Remove every element the XPath selects that the scope allows, unless together they hold
    most of the body's text: then the strip was written for another layout of the site (a newer
    one, as the files follow the sites) and is not applied."""
    chosen = _outermost([e for e in _elements(tree, expression) if scope.allows(e)])  # nested: once
    if not chosen or (scope.body is not None and _share_of(chosen, scope.body) > STRIP_MAX_BODY_SHARE):
        return []
    removed = []
    for element in chosen:
        removed.append(Removal(element.sourceline or 0, _preview(element), why))
        element.drop_tree()
    return removed


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements not inside another of them, in their order."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _share_of(chosen: list[HtmlElement], body: list[HtmlElement]) -> float:
    """The share of the body's text that lies in the chosen elements (or is a chosen element's)."""
    total = sum(_words(b) for b in body)
    if not total:
        return 0.0
    taken = 0
    for element in body:
        if any(c is element or c in element.iterancestors() for c in chosen):
            taken += _words(element)
        else:
            taken += sum(_words(c) for c in chosen if element in c.iterancestors())
    return taken / total


def _words(element: HtmlElement) -> int:
    """How many words of an element's text a reader sees (its scripts' and styles' are not seen)."""
    return sum(len(t.split()) for t in VISIBLE_TEXT(element))


def _body(tree: HtmlElement, expressions: list[str]) -> list[HtmlElement] | None:
    """The elements of the first body XPath that selects some holding text (outermost only), or None.

    A selection of fewer than BODY_MIN_WORDS words (scripts and styles hold none) is an ad slot or
    an empty wrapper that an XPath written for another layout matched, not the article: the next
    XPath, or the whole page, is tried (as Full-Text RSS does where no body matches).
    """
    for expression in expressions:
        found = _outermost([e for e in _elements(tree, expression) if e.tag not in PROTECTED])
        if found and sum(_words(e) for e in found) >= BODY_MIN_WORDS:
            return found
    return None


def _lead(tree: HtmlElement, titles: list[HtmlElement], body: list[HtmlElement]) -> list[HtmlElement]:
    """The page's headline when it lies outside the body, then what lies between it and the body.

    The headline is the element of the site's title XPath (still in the page), else the last
    heading before the body that is an <h1> or is in the <title> (a page's first <h1> is often its
    logo, a blog's post title an <h3>). Full-Text RSS gives the title apart; the cleaner's text
    starts with it (measured: the largest loss on dragnet-dev). None found: nothing leads.
    """
    inside = {e for b in body for e in b.iter()}  # elements, not id()s: lxml's proxies come and go
    title = " ".join((tree.findtext(".//title") or "").split())
    before: list[HtmlElement] = []
    for element in tree.iter():
        if element in inside:
            break
        if element.tag in HEADINGS and _is_headline(element, title):
            before.append(element)
    for element in [*titles, *before[-1:]]:
        in_head = any(a.tag == "head" for a in element.iterancestors())  # a title XPath on <title>
        detached = element.getroottree().getroot() is not tree
        if element.tag in PROTECTED or in_head or detached or element in inside or _holds_any(element, body):
            continue
        return [element, *_between(tree, element, body[0])]
    return []


def _between(tree: HtmlElement, first: HtmlElement, last: HtmlElement) -> list[HtmlElement]:
    """The elements after `first` (and outside it) and before `last`, but not around it: what a
    page puts between its headline and its body (the lede, the byline and date), which the gold
    of both collections keeps; the extractor's chrome stripping still judges it."""
    around = set(last.iterancestors())
    skip = set(first.iter())
    found, started = [], False
    for element in tree.iter():
        if element is first:
            started = True
        elif element is last:
            break
        elif started and element not in skip and element not in around:
            found.append(element)
    return _outermost(found)


def _is_headline(heading: HtmlElement, title: str) -> bool:
    """An <h1>, or a lower heading whose text is (in) the page's title."""
    if heading.tag == "h1":
        return True
    text = " ".join(heading.text_content().split())
    return len(text) >= HEADLINE_MIN_CHARS and text in title


def _holds_any(element: HtmlElement, body: list[HtmlElement]) -> bool:
    """True if the element contains one of the body elements."""
    return any(element in b.iterancestors() for b in body)


def _narrow(tree: HtmlElement, lead: list[HtmlElement], body: list[HtmlElement], why: Reason) -> Removal:
    """Remove everything of the page's body but the lead (the headline and what follows it up to
    the body, with the text between them), the body and the path to them: the containers stay
    (with their classes, which trafilatura and the block model read), their other children and
    text go. The head stays, for the metadata."""
    kept = [*lead, *body]
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
    for element in body:
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
