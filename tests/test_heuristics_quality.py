"""heuristics.quality: the context-free class of a block and the page's readings of the classes."""

from __future__ import annotations

import pytest
from heuristic_blocks import ARTICLE, PROSE, STOP, blocks, classed

from cleaner.core.decide.heuristics.base import BOILERPLATE
from cleaner.core.decide.heuristics.quality import (
    Quality,
    article_indent,
    off_indent,
    other_languages,
    quality,
    short_article,
    stopword_density,
)
from cleaner.core.thresholds import Thresholds
from cleaner.document import Block, BlockKind

T = Thresholds()
MENU = "Home News Sport Weather Business Culture Travel Opinion Video Podcasts Newsletters Puzzles Obituaries Letters Events Jobs Dating Shop"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        (ARTICLE, BlockKind.PARAGRAPH, Quality.GOOD),  # long, half its words stopwords
        (PROSE, BlockKind.PARAGRAPH, Quality.NEAR_GOOD),  # prose, but under good_min_chars
        ("Read it on the site", BlockKind.PARAGRAPH, Quality.SHORT),  # short, with a stopword
        ("Council Library Hours", BlockKind.PARAGRAPH, Quality.BAD),  # short, no stopword
        ("Council Library Hours", BlockKind.HEADING, Quality.SHORT),  # a heading is short, not bad
        (f"{MENU} the of a to and in", BlockKind.PARAGRAPH, Quality.BAD),  # a long unpunctuated word list
        ("Council " * 20 + "hours.", BlockKind.PARAGRAPH, Quality.BAD),  # long, without stopwords
    ],
)
def test_the_class_of_a_block_on_its_own(text, kind, expected):
    assert quality(Block(text, 1, kind), STOP, True, T) is expected


def test_an_unknown_language_needs_more_stopwords():
    # 0.30 < density < 0.35: prose against the language's own list, not against the union of all
    text = "The council voted on a plan to extend opening hours of our library in town by two hours every day now, said John."
    assert 0.30 <= stopword_density(text, STOP) < 0.35
    assert quality(Block(text * 2, 1), STOP, True, T) is Quality.GOOD
    assert quality(Block(text * 2, 1), STOP, False, T) is Quality.NEAR_GOOD


def test_chinese_is_weighed_by_characters_and_its_own_punctuation():
    sentence = "市立图书馆下个月起周日也开放，市政府周二宣布。"  # 23 characters, weighted 69
    assert quality(Block(sentence * 3, 1), STOP, True, T) is Quality.GOOD
    assert quality(Block(sentence[:20], 1), STOP, True, T) is Quality.SHORT
    assert quality(Block("市立图书馆下个月起周日也开放市政府周二宣布" * 3, 1), STOP, True, T) is Quality.BAD


def test_a_threshold_changes_the_class():
    assert quality(Block(PROSE, 1), STOP, True, Thresholds(good_min_chars=100)) is Quality.GOOD


def test_with_no_good_block_near_good_paragraphs_are_the_article():
    found, classes = classed("near", "near", "short")
    assert short_article(found, classes) == [Quality.GOOD, Quality.GOOD, Quality.SHORT]
    found, classes = classed("good", "near")
    assert short_article(found, classes) == classes  # a good block: nothing to promote


def test_a_removed_good_block_does_not_count_as_the_article():
    found, classes = classed("good", "near")
    found[0].removed = BOILERPLATE
    assert short_article(found, classes) == [Quality.GOOD, Quality.GOOD]


def test_the_body_indentation_is_that_of_the_heaviest_run_of_good_prose():
    # three short good runs at indentation 4 weigh less than one long run at 0
    found, classes = classed("good@4", "bad", "good@4", "bad", "good", "good", "good")
    assert article_indent(found, classes) == 0
    assert article_indent(*classed("short", "bad")) is None


def test_lines_off_the_body_indentation_are_demoted_one_class():
    found, classes = classed("good", "good", "short@2", "near@2", "good@2", "short")
    assert off_indent(found, classes) == [
        Quality.GOOD,
        Quality.GOOD,
        Quality.BAD,
        Quality.SHORT,
        Quality.GOOD,  # good prose stays good anywhere
        Quality.SHORT,  # on the body's indentation: unchanged
    ]


def test_a_passage_in_another_language_reads_as_prose():
    german = (
        "Der beliebte Wanderweg entlang des Flusses wird im Frühjahr für sechs Wochen gesperrt, sagte die Gemeinde am Dienstag. "
        * 2
    )
    found = blocks(german, "Nur ein Satz.")
    own = [quality(b, STOP, True, T) for b in found]
    assert own == [Quality.BAD, Quality.BAD]  # no English stopwords in either
    # the union of all stoplists reads the passage as good; the short line would be short there,
    # but nearly any short line has some language's stopword, so it keeps its first reading
    assert other_languages(found, own, T) == [Quality.GOOD, Quality.BAD]
