"""segment: one block per non-empty line, with its indentation, its list marker removed and its kind."""

from __future__ import annotations

import pytest

from cleaner.core.segment import HEADING_MAX_CHARS, guess_kind, make_block, segment
from cleaner.document import Block, BlockKind

SENTENCE = "The council voted on Tuesday to extend the opening hours of the library."


def test_every_non_empty_line_is_a_block_numbered_by_its_line():
    found = segment(f"Title\n\n   \n{SENTENCE}\n")
    assert [(b.text, b.line) for b in found] == [("Title", 1), (SENTENCE, 4)]


def test_spaces_are_collapsed_and_the_indentation_kept():
    block = make_block(f"    {SENTENCE.replace(' ', '   ')}  ", 7)
    assert block == Block(SENTENCE, 7, BlockKind.PARAGRAPH, 4)


@pytest.mark.parametrize("marker", ["*", "+", "•", "·", "▪", "►", "»", "‣", "◦", "●", "■", "□", "–", "—", "-"])
def test_a_bulleted_line_is_a_list_item_without_its_bullet(marker):
    block = make_block(f"{marker} Opening hours", 1)
    assert (block.text, block.kind) == ("Opening hours", BlockKind.LIST_ITEM)


def test_a_plain_o_is_a_bullet_only_when_indented():
    assert make_block("  o Opening hours", 1).kind is BlockKind.LIST_ITEM
    assert make_block("o Opening hours", 1).text == "o Opening hours"


def test_a_numbered_line_is_a_list_item_that_keeps_its_number():
    block = make_block("2. Bring your library card", 1)
    assert (block.text, block.kind) == ("2. Bring your library card", BlockKind.LIST_ITEM)
    assert make_block("2024. A year of change", 1).kind is BlockKind.HEADING  # not a list number


def test_a_table_row_becomes_its_cells():
    assert make_block("| Monday | 8:00 | 20:00 |", 1).text == "Monday | 8:00 | 20:00"


def test_a_dash_without_text_after_it_is_not_a_bullet():
    assert make_block("-", 1) == Block("-", 1, BlockKind.HEADING)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Opening hours", BlockKind.HEADING),
        ("Opening hours:", BlockKind.PARAGRAPH),  # leads into a list
        (SENTENCE, BlockKind.PARAGRAPH),
        ("“We are delighted”", BlockKind.PARAGRAPH),  # a closing quote ends a sentence
        ("市立図書館の開館時間を延長。", BlockKind.PARAGRAPH),
        ("Opening hours " * 8, BlockKind.PARAGRAPH),  # too long for a heading: a cut-off teaser
    ],
)
def test_a_short_line_that_does_not_end_like_a_sentence_is_a_heading(text, kind):
    assert guess_kind(text.strip()) is kind


def test_the_heading_length_limit():
    assert guess_kind("x" * HEADING_MAX_CHARS) is BlockKind.HEADING
    assert guess_kind("x" * (HEADING_MAX_CHARS + 1)) is BlockKind.PARAGRAPH
