"""heuristics.lines: image credits and captions, the title and its repeats, author notes.

Each pass on hand-made blocks (jusText's tests/test_paragraph_revision.py style): what it marks,
and what it leaves. A pass only asks; the applier (test_heuristics_apply.py) makes the removals.
"""

from __future__ import annotations

from heuristic_blocks import ARTICLE, PROSE, blocks, context

from cleaner.core.decide.heuristics.base import AUTHOR_BIO, CAPTION, DUPLICATE_TITLE, IMAGE_CREDIT, Mark
from cleaner.core.decide.heuristics.lines import author_bio, duplicate_titles, find_title, image_credits, title_line
from cleaner.core.thresholds import Thresholds
from cleaner.document import BlockKind

BIO = "Jane Doe is a reporter at the Daily Example, where she covers local government and schools."
LONG_SENTENCE = PROSE + " " + PROSE  # over caption_sentence_max_chars, ending like a sentence


# --- image credits -----------------------------------------------------------------------------


def test_a_credit_and_the_caption_under_it_are_marked():
    found = blocks("Photo: AFP", "The mayor at the opening on Friday", ARTICLE)
    assert image_credits(found, context()) == [Mark(0, IMAGE_CREDIT), Mark(1, CAPTION, after=0)]


def test_the_article_going_on_under_a_credit_is_no_caption():
    found = blocks(ARTICLE, "Foto: dpa", LONG_SENTENCE)
    assert image_credits(found, context()) == [Mark(1, IMAGE_CREDIT)]


def test_a_long_fragment_under_a_credit_is_still_a_caption():
    fragment = "The mayor, the council and " * 8 + "AFP"  # over 150 characters, no end of sentence
    assert image_credits(blocks("Image: Reuters", fragment), context()) == [
        Mark(0, IMAGE_CREDIT),
        Mark(1, CAPTION, after=0),
    ]
    assert image_credits(blocks("Image: Reuters", fragment), context(caption_max_chars=100)) == [Mark(0, IMAGE_CREDIT)]


def test_lines_that_only_mention_photos_are_left():
    found = blocks("The photo shows the bridge before the flood.", "Photographers gathered at the bridge.")
    assert image_credits(found, context()) == []


def test_removed_lines_are_neither_credits_nor_captions():
    found = blocks("Photo: AFP", "Caption removed by a rule", "A caption-like line")
    found[1].removed = DUPLICATE_TITLE  # any reason: removed before this pass
    assert image_credits(found, context()) == [Mark(0, IMAGE_CREDIT), Mark(2, CAPTION, after=0)]


# --- the title --------------------------------------------------------------------------------


def test_an_opening_headline_followed_by_prose_is_the_title():
    found = blocks("Bridge reopens after repairs", ARTICLE)
    assert find_title(found, None, Thresholds()) == "Bridge reopens after repairs"


def test_no_title_from_a_sentence_a_long_line_or_a_line_before_a_shorter_one():
    t = Thresholds()
    assert find_title(blocks("The bridge reopens.", ARTICLE), None, t) is None
    assert find_title(blocks("Bridge " * 30, ARTICLE), None, t) is None
    assert find_title(blocks("Bridge reopens after repairs", "Short line"), None, t) is None
    assert find_title(blocks("Bridge reopens after repairs", "Sport", kind=BlockKind.HEADING), None, t) is None


def test_a_title_from_the_metadata_stands():
    assert find_title(blocks("Bridge reopens", ARTICLE), "Metadata title", Thresholds()) == "Metadata title"


def test_repeats_of_the_title_after_its_first_line_are_marked():
    found = blocks("Bridge reopens", ARTICLE, "bridge  REOPENS", "Bridge reopens today")
    assert title_line(found, "Bridge reopens") == 0
    assert duplicate_titles(found, context(title="Bridge reopens")) == [Mark(2, DUPLICATE_TITLE)]


def test_no_title_no_repeats():
    found = blocks("Bridge reopens", "Bridge reopens")
    assert duplicate_titles(found, context()) == []
    assert title_line(found, None) is None
    assert duplicate_titles(found, context(title="Something else")) == []


# --- author notes ------------------------------------------------------------------------------


def test_an_author_note_after_the_article_is_marked():
    assert author_bio(blocks(ARTICLE, ARTICLE, BIO), context()) == [Mark(2, AUTHOR_BIO)]


def test_a_first_person_introduction_at_the_end_is_marked():
    found = blocks(ARTICLE, "I am Joyce from Leeds, and I write about gardens.")
    assert author_bio(found, context()) == [Mark(1, AUTHOR_BIO)]


def test_a_note_that_opens_the_text_is_the_article_itself():
    opening = "Jake Warga is an anthropologist and journalist who photographs American geeks in the wild. " * 2
    assert author_bio(blocks(opening, "P.S. Thanks to Caroline for sending this."), context()) == []


def test_a_note_longer_than_the_text_before_it_is_left():
    assert author_bio(blocks("Short intro.", BIO + " " + ARTICLE), context()) == []


def test_only_the_last_kept_lines_are_read():
    found = blocks(ARTICLE, BIO, ARTICLE, ARTICLE, ARTICLE)
    assert author_bio(found, context()) == []  # mid-article, not in the tail
    assert author_bio(found, context(author_bio_tail=4)) == [Mark(1, AUTHOR_BIO)]
    found = blocks(ARTICLE, BIO, ARTICLE, ARTICLE)
    found[3].removed = DUPLICATE_TITLE  # a removed line is not one of the last lines
    assert author_bio(found, context()) == [Mark(1, AUTHOR_BIO)]
    assert author_bio(found, context(author_bio_tail=0)) == []


def test_a_second_note_is_weighed_against_the_text_less_the_first():
    longer = BIO + " She has written about the town since 2015."  # 134 characters
    found = blocks(PROSE, BIO, longer)
    # PROSE (104) outweighs BIO (90), which goes; the longer note then has only PROSE before it
    assert author_bio(found, context()) == [Mark(1, AUTHOR_BIO)]
    assert author_bio(blocks(PROSE, PROSE, longer), context()) == [Mark(2, AUTHOR_BIO)]
