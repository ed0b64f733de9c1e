"""The rule pass over blocks: keep, strip, drop lines, drop sections, cut after a marker.

Rules are data (see `rules/`); this module only applies them. Each removal carries the rule's
reason (`rule:<file>/<id>`). Protected blocks (matched by a `keep` rule) are never removed here or
by any later stage.
"""

from __future__ import annotations

from cleaner.core.text import is_comment_stamp
from cleaner.document import Block, BlockKind, Document, Removal
from cleaner.rules.ruleset import Rule, Rules

#: A cut_after marker only cuts when at least this share of the text stands before it: a
#: "Related articles" or "Comments" marker ends an article, but the same words early in a page
#: are a menu or sidebar entry, which the section and heuristic passes handle instead.
CUT_MIN_SHARE_BEFORE = 0.5
#: ... counted over lines of at least this many characters: a dump's menus (dozens of short
#: entries above the article) would otherwise put a "Comments" tab at the article's top past half
#: the page, and the cut took the whole article (measured on dragnet-dev's dumps; 60 characters is
#: about the shortest running sentence, a menu entry or a teaser title rarely reaches it).
CUT_LINE_MIN_CHARS = 60
#: A comments marker ("Comments", "7 Responses") followed, within STAMP_LOOKAHEAD lines, by this
#: many comment stamps (text.is_comment_stamp) opens the thread wherever it stands: the stamps are
#: the thread's evidence, which a menu entry of the same words lacks, and a dump's comments often
#: outweigh its article, leaving the marker under CUT_MIN_SHARE_BEFORE.
STAMPS_AFTER_MARKER = 2
STAMP_LOOKAHEAD = 10
#: ... each in a line this short: a byline's time and an article's sentence quoting one are longer
#: (measured: at text.COMMENT_STAMP_MAX_CHARS, the features' bound, a news page's byline and its
#: first paragraph "at 11:30 a.m." opened a thread above the article).
THREAD_STAMP_MAX_CHARS = 100

#: A dropped section goes on over list items and over blocks indented deeper than its heading,
#: and over lines shorter than this (teaser titles, "more" links); it ends at the first block of
#: prose at the heading's own level, where the article (or another part of the page) resumes.
SECTION_ITEM_MAX_CHARS = 120

#: Teaser lists alternate titles and one-paragraph blurbs; two paragraphs of at least this many
#: characters in a row are running prose, so the section has ended even if they are indented
#: deeper than its heading (text dumps often indent a whole layout column).
SECTION_PROSE_MIN_CHARS = 150


def protect(blocks: list[Block], rules: Rules) -> set[int]:
    """The indexes of the blocks a `keep` rule matches: no stage may remove them."""
    keep = rules.of("keep")
    return {i for i, b in enumerate(blocks) if _any_match(keep, b.text)}


def apply_rules(doc: Document, rules: Rules, protected: set[int]) -> None:
    """Apply every other rule kind to the blocks still kept (those the model dropped stay so)."""
    strip_parts(doc, rules.of("strip"), protected)
    # Cut first: a closing marker ("Comments") may also match a line rule, and the cut must win.
    cut_after(doc.blocks, rules.of("cut_after"), protected, threads=False)
    drop = rules.of("drop_lines")
    for i, block in enumerate(doc.blocks):
        if block.kept and i not in protected:
            rule = _first_match(drop, block.text)
            if rule is not None:
                block.removed = rule.reason
    drop_sections(doc.blocks, rules.of("drop_sections"), protected)


def strip_parts(doc: Document, rules: tuple[Rule, ...], protected: set[int]) -> None:
    """Cut matching prefixes/suffixes from lines; a captured group fills the metadata field."""
    for i, block in enumerate(doc.blocks):
        for rule in rules if block.kept else ():
            match = rule.pattern.search(block.text) if rule.pattern else None
            if match is None or not match.group(0):
                continue
            if rule.capture_as and getattr(doc, rule.capture_as) is None:
                setattr(doc, rule.capture_as, match.group(1))
            doc.stripped.append(Removal(block.line, match.group(0).strip(), rule.reason))
            block.text = (block.text[: match.start()] + " " + block.text[match.end() :]).strip()
            if not block.text and i not in protected:
                block.removed = rule.reason


def drop_sections(blocks: list[Block], rules: tuple[Rule, ...], protected: set[int]) -> None:
    """Drop a heading that matches a section rule and the run of teasers or links under it."""
    i = 0
    while i < len(blocks):
        rule = _first_match(rules, blocks[i].text) if _may_head_section(blocks, i) else None
        if rule is None or i in protected:
            i += 1
            continue
        heading = blocks[i]
        heading.removed = rule.reason
        i += 1
        while i < len(blocks) and _in_section(blocks[i], heading) and not _prose_resumes(blocks, i):
            if i not in protected and blocks[i].kept:
                blocks[i].removed = rule.reason
            i += 1


def _may_head_section(blocks: list[Block], i: int) -> bool:
    """Can this block open a section? Not once removed, nor as one entry of a list: "Popular"
    among a menu's "Stories, Recent, Popular" names a page of the site, not the teasers below."""
    block = blocks[i]
    if not block.kept:
        return False
    if block.kind is not BlockKind.LIST_ITEM:
        return True
    return not any(0 <= j < len(blocks) and blocks[j].kind is BlockKind.LIST_ITEM for j in (i - 1, i + 1))


def _in_section(block: Block, heading: Block) -> bool:
    """Does this block still belong to the section that starts at `heading`?"""
    if block.kind is BlockKind.LIST_ITEM or block.indent > heading.indent:
        return True
    return len(block.text) < SECTION_ITEM_MAX_CHARS and block.kind is not BlockKind.PARAGRAPH


def _prose_resumes(blocks: list[Block], i: int) -> bool:
    """Do two long paragraphs in a row start at index i (the article, not a list of teasers)?"""
    pair = blocks[i : i + 2]
    return len(pair) == 2 and all(
        b.kind is BlockKind.PARAGRAPH and len(b.text) >= SECTION_PROSE_MIN_CHARS for b in pair
    )


def cut_after(blocks: list[Block], rules: tuple[Rule, ...], protected: set[int], threads: bool) -> None:
    """Remove a closing marker (e.g. "Related Articles") and everything after it.

    `threads`: a comments marker with a thread's stamps below it cuts wherever it stands (for
    articles; CleanEval's page convention counts a thread as running text).
    """
    total = sum(_share_weight(b) for b in blocks if b.kept) or 1
    before = 0
    for i, block in enumerate(blocks):
        # a marker another stage removed (the block model drops a "12 Comments" heading) still
        # says what follows it; only the text still kept counts toward the share before it
        rule = _first_match(rules, block.text)
        if (
            rule is not None
            and i not in protected
            and (before >= CUT_MIN_SHARE_BEFORE * total or threads and _opens_thread(rule, blocks, i))
        ):
            for j in range(i, len(blocks)):
                if j not in protected and blocks[j].kept:
                    blocks[j].removed = rule.reason
            return
        if block.kept:
            before += _share_weight(block)


def _share_weight(block: Block) -> int:
    """What a kept block counts toward a marker's share: its length, if it is a line of running text."""
    return len(block.text) if len(block.text) >= CUT_LINE_MIN_CHARS else 0


def _opens_thread(rule: Rule, blocks: list[Block], i: int) -> bool:
    """True if a comments marker at i has a thread's stamps just below it."""
    if rule.removes != "comments":
        return False
    below = blocks[i + 1 : i + 1 + STAMP_LOOKAHEAD]
    return sum(is_comment_stamp(b.text, THREAD_STAMP_MAX_CHARS) for b in below) >= STAMPS_AFTER_MARKER


def _first_match(rules: tuple[Rule, ...], text: str) -> Rule | None:
    """The first rule whose pattern is found in the text."""
    for rule in rules:
        if rule.matches(text):
            return rule
    return None


def _any_match(rules: tuple[Rule, ...], text: str) -> bool:
    """True if any of the rules matches the text."""
    return _first_match(rules, text) is not None
