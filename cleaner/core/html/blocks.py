"""HTML page -> blocks with features: the runs of text of block-level elements (after jusText).

One walk over the lxml tree cuts the page's text at every block-level element's start and end, as
jusText and boilerpipe do, and records for each block what the model needs to decide it: its own
text measures, where it sits in the tree (tag, depth, landmarks, class and id words) and the text
density of the subtrees around it. Neighbours' and trafilatura's evidence are added by
`features.py`; this module only reads the tree.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement


def _tags(names: str) -> frozenset[str]:
    """A set of tag names written as one string."""
    return frozenset(names.split())


#: Elements that start and end a block: the page's text is cut at their edges.
BLOCK_TAGS = _tags(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul caption br"
)

#: Elements whose content is never page text (code, media, controls, the head). Not <map>: its
#: areas hold no text, and pages that never close it hold the whole page inside it. A <noscript>
#: only where it holds less than half the page's text: a browser reads its content as raw text up
#: to </noscript>, but libxml2, given `<noscript><div></noscript>`, puts all that follows inside it.
SKIP_TAGS = _tags(
    "script style noscript template svg math iframe object embed canvas head select option textarea video "
    "audio button input"
)

#: Landmarks: the page's own statement of what a region is. A block inside one inherits it.
LANDMARK_TAGS = ("article", "main", "nav", "aside", "header", "footer", "form", "figure")
LANDMARK_ROLES = {
    "main": "main",
    "article": "article",
    "navigation": "nav",
    "complementary": "aside",
    "banner": "header",
    "contentinfo": "footer",
    "search": "form",
}

#: Words of class and id values, grouped by what they say of a region (readability's and
#: boilerpipe's vocabularies, widened to the chrome this project strips). A block gets one flag
#: per group that any of its ancestors' class or id words match.
CLASS_GROUPS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "content": r"article|body|content|entry|main|post|text|story|blog|paragraph|prose|richtext",
        "nav": r"nav|menu|breadcrumb|pagination|pager|toc|skip",
        "comment": r"comment|disqus|respond|reply|discussion",
        "related": r"related|recommend|more|popular|trending|teaser|most|read-?next|similar|outbrain|taboola",
        "share": r"share|social|sharing|follow|facebook|twitter|print|email",
        "footer": r"foot|copyright|legal|bottom",
        "header": r"head|masthead|banner|top",
        "side": r"side|rail|widget|sidebar|aside|column",
        "ad": r"\bads?\b|advert|sponsor|promo|banner|dfp|commercial",
        "meta": r"meta|byline|author|date|time|info|tag|categor|dateline",
        "caption": r"caption|credit|figure|photo|image|media|gallery|thumb",
        "title": r"title|headline|heading",
        "notice": r"cookie|consent|gdpr|newsletter|subscribe|signup|login|paywall|modal|popup",
        "hidden": r"hidden|hide|invisible|sr-only|visually-hidden",
        "lede": r"lead|teaser|intro|summary|standfirst|excerpt|chapo|abstract|deck|subtitle",
    }.items()
}

#: How many ancestors' class and id words count: the nearest few say what a block is; the page's
#: outer wrappers ("page", "site-content") say it of every block alike.
CLASS_DEPTH = 6

#: Block tags reported as a one-hot feature (the rest count as "other").
TAG_KINDS = ("p", "div", "li", "td", "h", "blockquote", "pre", "dd", "dt", "figcaption", "section", "article", "body")

SENTENCE_RE = re.compile(r"[.!?。！？](?:\s|$)")
WORD_RE = re.compile(r"\w+")
PUNCT_RE = re.compile(r"[.,;:!?。，、]")


@dataclass(slots=True)
class Region:
    """An element on the walk's stack: its tag, the text measures of its subtree so far."""

    tag: str
    chars: int = 0
    linked: int = 0
    blocks: int = 0
    elements: int = 0


@dataclass(slots=True)
class HtmlBlock:
    """One run of text between block-level edges, with what the tree says about it."""

    text: str
    tag: str  # the innermost block-level element
    heading: int  # 1..6 for h1..h6, else 0
    depth: int
    linked: int  # characters inside <a>
    landmarks: frozenset[str]
    classes: frozenset[str]  # the CLASS_GROUPS its ancestors' class and id words match
    in_list: bool
    in_table: bool
    container: Region  # the innermost block element: its subtree's measures, once the walk ends
    parent: Region  # its parent


@dataclass(slots=True)
class _Frame:
    """The walk's state at one element: its region and what it passes on to its descendants."""

    region: Region
    is_block: bool
    landmarks: frozenset[str]
    classes: tuple[frozenset[str], ...]  # per ancestor, nearest first, at most CLASS_DEPTH
    in_link: bool
    in_list: bool
    in_table: bool


def segment_tree(root: HtmlElement) -> list[HtmlBlock]:
    """Cut the page's text into blocks at block-level element edges, in document order."""
    body = root.find("body")
    start = body if body is not None and not _text_after(body, root) else root
    top = _Frame(Region(str(start.tag)), True, frozenset(), (), False, False, False)
    stack, block_frames = [top], [top]  # the frames of the open elements; of the block-level ones
    parts: list[str] = []
    linked = [0]
    blocks: list[HtmlBlock] = []
    read = _page_noscripts(start)  # skipped elements read all the same (see SKIP_TAGS)

    def add(text: str | None) -> None:
        if text:
            parts.append(text)
            if stack[-1].in_link:
                linked[0] += len(text)

    def flush() -> None:
        if not parts:  # most edges are between two nested containers, with no text between them
            return
        text = " ".join("".join(parts).split())
        parts.clear()
        if text:
            blocks.append(_block(text, linked[0], stack, block_frames))
            _count(stack[-1].region, len(text), min(linked[0], len(text)))  # its ancestors: at _close
        linked[0] = 0

    walker = etree.iterwalk(start, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if el is start:
            if event == "start":
                add(el.text)
            continue
        if event == "start":
            if (not tag or tag in SKIP_TAGS) and el not in read:
                walker.skip_subtree()  # no skipped tag is a block's: the tail goes on the same block
                add(el.tail)
                continue
            is_block = tag in BLOCK_TAGS
            if is_block:
                flush()
            stack.append(_enter(el, tag, is_block, stack[-1]))
            if is_block:
                block_frames.append(stack[-1])
            stack[-1].region.elements += 1
            add(el.text)
        else:
            if (not tag or tag in SKIP_TAGS) and el not in read:
                continue
            if stack[-1].is_block:  # the text ends inside the element: it is the element's
                flush()
            frame = stack.pop()
            if frame.is_block:
                block_frames.pop()
            _close(frame.region, stack[-1].region)
            add(el.tail)
    flush()
    return blocks


def _page_noscripts(start: HtmlElement) -> set[HtmlElement]:
    """The <noscript> elements holding over half the page's text, which the parser put it in."""
    noscripts = list(start.iter("noscript"))
    if not noscripts:  # the common case, at no cost
        return set()
    page = len("".join(start.itertext()))
    return {el for el in noscripts if 2 * len("".join(el.itertext())) > page}


def _text_after(body: HtmlElement, root: HtmlElement) -> bool:
    """True if most of the page's text comes after <body>: markup that went on past it (a wrapper
    element before the page's own) is put beside the body by the parser, where a browser shows it."""
    if body.getnext() is None:  # the common case, at no cost
        return False
    return 2 * len("".join(body.itertext())) < len("".join(root.itertext()))


def _enter(el: HtmlElement, tag: str, is_block: bool, up: _Frame) -> _Frame:
    """The frame of an element entered from its parent's frame."""
    groups = class_groups(el.get("class"), el.get("id"))
    landmarks = up.landmarks
    role = LANDMARK_ROLES.get((el.get("role") or "").lower())
    if tag in LANDMARK_TAGS or role:
        landmarks = landmarks | {role or tag}
    return _Frame(
        Region(tag),
        is_block,
        landmarks,
        (groups, *up.classes)[:CLASS_DEPTH],
        up.in_link or tag == "a",
        up.in_list or tag == "li",
        up.in_table or tag in ("td", "th"),
    )


@functools.lru_cache(maxsize=4096)
def class_groups(classes: str | None, ident: str | None) -> frozenset[str]:
    """The CLASS_GROUPS an element's class and id words match (pages repeat their class values)."""
    if not classes and not ident:
        return frozenset()
    words = f"{classes or ''} {ident or ''}".lower()
    return frozenset(name for name, rx in CLASS_GROUPS.items() if rx.search(words))


def _count(region: Region, chars: int, linked: int) -> None:
    """A block of text cut inside the element: its measures are the element's."""
    region.chars += chars
    region.linked += linked
    region.blocks += 1


def _close(region: Region, parent: Region) -> None:
    """An element ends: its subtree's measures become part of its parent's."""
    parent.chars += region.chars
    parent.linked += region.linked
    parent.blocks += region.blocks
    parent.elements += region.elements


def _block(text: str, linked: int, stack: list[_Frame], block_frames: list[_Frame]) -> HtmlBlock:
    """A block of text cut at the top of the stack (`block_frames`: the stack's block-level frames)."""
    container = block_frames[-1]
    parent = block_frames[-2] if len(block_frames) > 1 else container
    tag = container.region.tag
    top = stack[-1]
    return HtmlBlock(
        text=text,
        tag=tag,
        heading=int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() else 0,
        depth=len(stack),
        linked=min(linked, len(text)),
        landmarks=top.landmarks,
        classes=frozenset().union(*top.classes),
        in_list=top.in_list,
        in_table=top.in_table,
        container=container.region,
        parent=parent.region,
    )
