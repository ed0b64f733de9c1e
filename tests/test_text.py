"""text: what "the same line" means at each level, and how the sets of sentence-end marks differ."""

from __future__ import annotations

import pytest

from cleaner.core.text import (
    FULL_STOPS,
    HEADLINE_NOT_END,
    SENTENCE_END,
    fold,
    folded_words,
    is_comment_stamp,
    site_line,
    squeeze,
)


def test_each_form_forgets_a_little_more():
    line = "  Updated 12:45,\tSHARE  this "
    assert squeeze(line) == "Updated 12:45, SHARE this"  # spacing only: elements against extracted lines
    assert fold(line) == "updated 12:45, share this"  # and case: a repeat within a page
    assert site_line(line) == "updated 0:0, share this"  # and digits: a line recurring across a site
    assert folded_words(line) == ["updated", "12", "45", "share", "this"]  # words only: duplicates


def test_a_full_stop_is_a_sentence_end_that_does_not_lead_on():
    assert set(FULL_STOPS) == set(SENTENCE_END) - {":", ";"}
    assert "Read more:".endswith(SENTENCE_END) and not "Read more:".endswith(FULL_STOPS)
    assert "“No.”".endswith(FULL_STOPS)


def test_a_headline_may_end_on_a_quote_but_not_on_a_comma():
    assert not "Mayor says ‘No’".endswith(HEADLINE_NOT_END)
    assert "Mayor says,".endswith(HEADLINE_NOT_END) and not "Mayor says,".endswith(SENTENCE_END)


@pytest.mark.parametrize(
    "line",
    ["August 9, 2012 at 12:45 pm", "posted 3 hours ago", "Jane Doe says:", "Max schrieb:", "Reply", "Antworten"],
)
def test_comment_stamps(line):
    assert is_comment_stamp(line)


@pytest.mark.parametrize(
    "line",
    ["The council met on Tuesday.", "Sayings of the week", "Replying to critics, the mayor said the bridge is safe."],
)
def test_not_comment_stamps(line):
    assert not is_comment_stamp(line)


def test_a_long_line_quoting_a_time_is_no_stamp():
    assert not is_comment_stamp("At 12:45 pm the council, which had met since the morning, " * 5)
