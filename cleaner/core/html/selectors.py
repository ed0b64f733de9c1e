"""CSS-selector rules on a page's tree: which selectors may match (a cheap pass over class and id
values), and the removal of what they match, never the article itself."""

from __future__ import annotations

import functools

import cssselect
from lxml.cssselect import LxmlTranslator
from lxml.etree import XPath
from lxml.html import HtmlElement

from cleaner.document import Removal
from cleaner.rules.ruleset import Rule

#: A selector rule never removes an element holding this share of the page's text or more: a
#: share bar or newsletter box is small, and a "share" class on a wrapper must not take the article.
SELECTOR_MAX_TEXT_SHARE = 0.3

#: Nor one holding a run of prose, this many characters in paragraphs of PROSE_MIN_CHARS or more:
#: a share bar, a newsletter box or a cookie notice holds a sentence or two, and a related list
#: teasers' blurbs, but a theme's "share" class also sits on the wrapper of an article that is a
#: small share of a large page (measured on traf-dev and dragnet-dev: of 2,900 elements the rules
#: removed, the only ones over 1,000 characters of such paragraphs held an article). Readers'
#: comments are prose too: the rules that remove them (`removes: comments`) are not held back.
SELECTOR_MAX_PROSE_CHARS = 1_000
PROSE_MIN_CHARS = 150

#: Nor an element that is or contains the page's main structure.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article", "h1"})

#: How much of a removed element's text the report keeps, to show what a selector cut.
REMOVED_ELEMENT_PREVIEW = 120


#: Every class and id value on the page: one cheap pass that tells which selector rules may match
#: (and whether a lede class is on the page). Plain strings: half the cost.
CLASS_ID_VALUES = XPath("//@class | //@id", smart_strings=False)


def class_id_text(tree: HtmlElement) -> str:
    """The page's class and id values, each closed by a NUL: what the cheap passes over names search."""
    return "\0".join(CLASS_ID_VALUES(tree)) + "\0"


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


def drop_elements(tree: HtmlElement, rules: tuple[Rule, ...], class_ids: str) -> list[Removal]:
    """Remove the elements that CSS-selector rules name from the tree; return what went.

    `class_ids` is the page's `class_id_text`, which tells the selectors that cannot match.
    """
    page_chars = 0  # counted at the first match: most pages match no rule
    removed: list[Removal] = []
    for rule in rules:
        css = rule.css or "*"
        selector = selector_for(css, class_ids)
        if selector is None:  # a selector pass costs about 1 ms on a news page
            continue
        for element in selector(tree):
            if element.getparent() is None or _protected(element) or (rule.removes != "comments" and _prose(element)):
                continue
            page_chars = page_chars or len(" ".join(tree.text_content().split())) or 1
            text = " ".join(" ".join(element.itertext()).split())
            if len(text) >= SELECTOR_MAX_TEXT_SHARE * page_chars:
                continue
            removed.append(Removal(element.sourceline or 0, text[:REMOVED_ELEMENT_PREVIEW], rule.reason, len(text)))
            element.drop_tree()
    return removed


def _prose(element: HtmlElement) -> bool:
    """True if the element holds a run of prose (SELECTOR_MAX_PROSE_CHARS in long paragraphs)."""
    chars = 0
    for paragraph in element.iter("p"):
        length = len(" ".join(paragraph.text_content().split()))
        chars += length if length >= PROSE_MIN_CHARS else 0
        if chars >= SELECTOR_MAX_PROSE_CHARS:
            return True
    return False


def _protected(element: HtmlElement) -> bool:
    """True if the element is, or holds, the page's main structure."""
    if element.tag in PROTECTED_TAGS:
        return True
    return any(True for _ in element.iterdescendants(*PROTECTED_TAGS))
