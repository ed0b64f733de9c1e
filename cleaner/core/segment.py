"""Plain text -> blocks: one block per non-empty line, with its shape (paragraph, heading, list item)."""

from __future__ import annotations

import re

from cleaner.core.text import SENTENCE_END
from cleaner.document import Block, BlockKind

#: Bullet glyphs that scrapers and text dumps put before list items. A plain "o" counts only when
#: indented, as text dumps nest lists as "*", "+", "o"; unindented it is more likely a word.
BULLET_RE = re.compile(r"^[*+•·▪►»‣◦●■□–—-]\s+(?=\S)")
INDENTED_BULLET_RE = re.compile(r"^o\s+(?=\S)")
NUMBERED_RE = re.compile(r"^\d{1,3}[.)]\s+(?=\S)")
#: The outer bars of a table row as extractors write it ("| cell | cell |"); the cells are the text.
TABLE_ROW_RE = re.compile(r"^\|\s+(.*?)(?:\s+\|)+$")

#: A heading is short and does not end like a sentence. 100 characters is about 15 words:
#: longer lines without end punctuation are truncated teasers or captions, not headings.
HEADING_MAX_CHARS = 100


def segment(text: str) -> list[Block]:
    """Split text into blocks: every non-empty line becomes one block, in order."""
    blocks = []
    for number, line in enumerate(text.split("\n"), start=1):
        block = make_block(line, number)
        if block is not None:
            blocks.append(block)
    return blocks


def make_block(line: str, number: int) -> Block | None:
    """One line -> a Block with its indentation, list marker removed and kind guessed."""
    stripped = line.strip()
    if not stripped:
        return None
    indent = len(line) - len(line.lstrip())
    text = " ".join(stripped.split())
    row = TABLE_ROW_RE.match(text)
    if row and row.group(1):
        text = row.group(1)
    bullet = BULLET_RE.match(text) or (INDENTED_BULLET_RE.match(text) if indent else None)
    if bullet:
        return Block(text[bullet.end() :], number, BlockKind.LIST_ITEM, indent)
    if NUMBERED_RE.match(text):
        return Block(text, number, BlockKind.LIST_ITEM, indent)
    return Block(text, number, guess_kind(text), indent)


def guess_kind(text: str) -> BlockKind:
    """A short line that does not end like a sentence is probably a heading."""
    if len(text) <= HEADING_MAX_CHARS and not text.endswith(SENTENCE_END):
        return BlockKind.HEADING
    return BlockKind.PARAGRAPH
