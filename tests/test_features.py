"""features: one vector per block in the order of FEATURES, with neighbours and trafilatura's say."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring

from cleaner.core.html.blocks import segment_tree
from cleaner.core.html.features import FEATURES, compute, trafilatura_kept

PAGE = (
    "<html><head><title>Council approves the new bridge | Town News</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<h1>Council approves the new bridge</h1>"
    "<p>The council met on Tuesday and agreed to build a new bridge over the river, the mayor said.</p>"
    "<ul><li><a href='/a'>Road repairs delayed again</a></li></ul></body></html>"
)
STOPWORDS = frozenset({"the", "on", "and", "to", "a", "over"})


@pytest.fixture
def blocks():
    return segment_tree(document_fromstring(PAGE))


def value(rows, i: int, name: str) -> float:
    return rows[i][FEATURES.index(name)]


def test_trafilatura_kept_matches_whole_lines_and_long_substrings(blocks):
    extracted = "Council approves the new bridge\nThe council met on Tuesday and agreed to build a new bridge over the river, the mayor said."
    assert trafilatura_kept(blocks, extracted) == [0.0, 1.0, 1.0, 0.0]
    assert trafilatura_kept(blocks, "") == [0.0] * 4


def test_short_block_is_not_kept_for_appearing_inside_a_longer_line(blocks):
    assert trafilatura_kept(blocks, "News from the Home counties")[0] == 0.0


def test_every_block_gets_one_value_per_feature(blocks):
    rows = compute(blocks, [0.0, 1.0, 1.0, 0.0], STOPWORDS, "Council approves the new bridge | Town News")
    assert len(rows) == len(blocks)
    assert {len(r) for r in rows} == {len(FEATURES)}


def test_own_measures(blocks):
    rows = compute(blocks, [0.0, 1.0, 1.0, 0.0], STOPWORDS, "Council approves the new bridge | Town News")
    nav, headline, prose, teaser = range(4)
    assert value(rows, nav, "link_density") > 0.8  # the space between two links is not linked
    assert value(rows, nav, "landmark_nav") == 1.0
    assert value(rows, headline, "heading") == 1.0
    assert value(rows, headline, "in_title") == 1.0
    assert value(rows, prose, "ends_sentence") == 1.0
    assert value(rows, prose, "stopword_density") > 0.3
    assert value(rows, teaser, "in_list") == 1.0
    assert value(rows, teaser, "all_linked") == 1.0


def test_neighbours_and_position(blocks):
    rows = compute(blocks, [0.0, 1.0, 1.0, 0.0], STOPWORDS)
    assert value(rows, 2, "prev1_traf") == 1.0
    assert value(rows, 2, "next1_traf") == 0.0
    assert value(rows, 0, "prev1_log_chars") == 0.0  # no block before the first
    assert value(rows, 0, "position") == 0.0
    assert value(rows, 3, "position") == 0.75
    assert value(rows, 0, "traf_share") == 0.5


def test_no_blocks_no_rows():
    assert compute([], [], STOPWORDS) == []
