"""classify: the heuristic passes, each on hand-made blocks (jusText's tests/test_paragraph_revision.py style)."""

from __future__ import annotations

from cleaner.core.decide.classify import AUTHOR_BIO, drop_author_bio
from cleaner.document import Block

ARTICLE = "The council voted on Tuesday to extend the opening hours of the public library by two hours a day. " * 3
BIO = "Jane Doe is a reporter at the Daily Example, where she covers local government and schools."


def blocks(*texts: str) -> list[Block]:
    return [Block(text, line) for line, text in enumerate(texts, start=1)]


def test_an_author_note_after_the_article_is_dropped():
    found = blocks(ARTICLE, ARTICLE, BIO)
    drop_author_bio(found, protected=set())
    assert [b.removed for b in found] == [None, None, AUTHOR_BIO]


def test_a_first_person_introduction_at_the_end_is_dropped():
    found = blocks(ARTICLE, "I am Joyce from Leeds, and I write about gardens.")
    drop_author_bio(found, protected=set())
    assert found[1].removed == AUTHOR_BIO


def test_a_note_that_opens_the_text_is_the_article_itself():
    opening = "Jake Warga is an anthropologist and journalist who photographs American geeks in the wild. " * 2
    found = blocks(opening, "P.S. Thanks to Caroline for sending this.")
    drop_author_bio(found, protected=set())
    assert found[0].kept


def test_a_note_longer_than_the_text_before_it_is_kept():
    found = blocks("Short intro.", BIO + " " + ARTICLE)
    drop_author_bio(found, protected=set())
    assert found[1].kept


def test_only_the_last_lines_are_looked_at_and_protected_lines_stay():
    found = blocks(ARTICLE, BIO, ARTICLE, ARTICLE, ARTICLE)
    drop_author_bio(found, protected=set())
    assert found[1].kept  # mid-article, not in the tail
    found = blocks(ARTICLE, BIO)
    drop_author_bio(found, protected={1})
    assert found[1].kept
