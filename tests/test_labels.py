"""training/labels: blocks aligned with a body or snippet gold, and the blocks beyond the article's marked ends."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))

# training/ is a folder of scripts, not a package: its modules import from the folder
from labels import BOILERPLATE as B
from labels import CONTENT as C
from labels import UNKNOWN as U
from labels import beyond_article, body_labels, label, snippet_labels

PAGE = [
    "Home | News | Sport",
    "Council approves the new bridge",
    "The council met on Tuesday and agreed to build a new bridge over the river.",
    "Share this story on Facebook",
    "Great article, thanks for writing it!",
    "Copyright 2024 Town News",
]


def test_a_body_gold_labels_a_block_by_its_share_of_word_grams_in_the_body():
    body = (
        "Council approves the new bridge. The council met on Tuesday and agreed to build a new bridge over the river."
    )
    assert body_labels(PAGE, body) == [B, C, C, B, B, B]


def test_snippets_label_the_blocks_that_hold_them_and_leave_the_rest_unknown():
    labels = snippet_labels(PAGE, ["agreed to build a new bridge"], ["Share this story"])
    assert labels == [U, U, C, B, U, U]


def test_blocks_past_a_boilerplate_block_after_the_last_content_block_are_boilerplate():
    assert beyond_article([U, C, U, C, U, B, U, U]) == [U, C, U, C, U, B, B, B]


def test_blocks_before_a_boilerplate_block_ahead_of_the_first_content_block_are_boilerplate():
    assert beyond_article([U, U, B, U, C, U]) == [B, B, B, U, C, U]


def test_blocks_between_content_blocks_stay_unknown_even_past_a_boilerplate_one():
    assert beyond_article([C, U, B, U, C]) == [C, U, B, U, C]


def test_a_page_without_content_or_boilerplate_marks_has_nothing_beyond():
    assert beyond_article([U, B, U]) == [U, B, U]
    assert beyond_article([U, C, U]) == [U, C, U]


def test_a_snippet_gold_is_extended_beyond_the_article_and_no_gold_labels_nothing():
    gold = {"with": ["agreed to build a new bridge"], "without": ["Share this story"]}
    assert label(PAGE, gold) == [U, U, C, B, B, B]
    assert label(PAGE, {}) == [U] * len(PAGE)
