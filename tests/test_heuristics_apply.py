"""heuristics.apply: the registry runs in order, one applier makes the marks and enforces protection,
and the thresholds a caller puts in Options change what is decided."""

from __future__ import annotations

from dataclasses import replace

import pytest
from heuristic_blocks import ARTICLE, STOP, blocks

from cleaner.core.decide.heuristics import PASSES, apply_marks, classify
from cleaner.core.decide.heuristics.apply import Stage
from cleaner.core.decide.heuristics.base import AUTHOR_BIO, BOILERPLATE, CAPTION, DUPLICATE_TITLE, IMAGE_CREDIT, Mark
from cleaner.core.options import Options
from cleaner.core.pipeline import process
from cleaner.core.thresholds import Thresholds
from cleaner.document import Document, LineHint
from cleaner.rules.ruleset import RuleSet

BIO = "Jane Doe is a reporter at the Daily Example, where she covers local government and schools."
TITLE = "Bridge reopens after repairs"


def test_marks_are_made_in_order_except_on_protected_or_removed_blocks():
    found = blocks("a", "b", "c")
    found[2].removed = IMAGE_CREDIT
    made = apply_marks(found, [Mark(0, BOILERPLATE), Mark(1, BOILERPLATE), Mark(2, BOILERPLATE)], protected={1})
    assert made == [0]
    assert [b.removed for b in found] == [BOILERPLATE, None, IMAGE_CREDIT]  # the first reason stands


def test_a_mark_that_follows_from_another_is_made_only_with_it():
    found = blocks("Photo: AFP", "caption", "Photo: dpa", "caption")
    marks = [Mark(0, IMAGE_CREDIT), Mark(1, CAPTION, after=0), Mark(2, IMAGE_CREDIT), Mark(3, CAPTION, after=2)]
    assert apply_marks(found, marks, protected={2}) == [0, 1]
    assert [b.kept for b in found] == [False, False, True, True]


def test_no_pass_runs_twice_and_every_stage_has_one():
    assert len({p.name for p in PASSES}) == len(PASSES)
    assert {p.stage for p in PASSES} == set(Stage)
    assert [p.stage for p in PASSES] == sorted(p.stage for p in PASSES)  # listed in the order they run


def text_doc(*texts: str, fmt: str = "text") -> Document:
    """A document of the given blocks, as the segmenter would give them."""
    doc = Document("a.txt", input_format=fmt)
    doc.blocks = blocks(*texts)
    return doc


def test_the_title_line_is_protected_and_its_repeats_go():
    doc = text_doc(TITLE, ARTICLE, ARTICLE, TITLE)
    protected: set[int] = set()
    classify(doc, STOP, True, protected)
    assert doc.title == TITLE
    assert protected == {0}  # later stages (the text model) keep it too
    assert [b.removed for b in doc.blocks] == [None, None, None, DUPLICATE_TITLE]


def test_protection_by_a_keep_rule_holds_for_every_pass():
    doc = text_doc(ARTICLE, ARTICLE, "Photo: AFP", "Nav Link Here", BIO)
    classify(doc, STOP, True, protected={2, 3, 4})
    assert all(b.kept for b in doc.blocks)
    doc = text_doc(ARTICLE, ARTICLE, "Photo: AFP", "Nav Link Here", BIO)
    classify(doc, STOP, True, protected=set())
    assert [b.removed for b in doc.blocks] == [None, None, IMAGE_CREDIT, CAPTION, AUTHOR_BIO]


@pytest.mark.parametrize(("fmt", "kept"), [("html", True), ("text", False)])
def test_each_format_gets_its_own_passes(fmt, kept):
    # a short line between good paragraphs at another indentation: text dumps settle it by its
    # neighbours; extracted HTML has trafilatura's choice behind it and keeps it
    doc = text_doc(ARTICLE, "Nav Link Here", ARTICLE, fmt=fmt)
    doc.blocks[1].indent = 4
    doc.line_hints = {2: LineHint("p", 0.0)}
    classify(doc, STOP, True, set())
    assert doc.blocks[1].kept is kept


def test_a_threshold_in_the_options_changes_the_decision():
    raw = "\n\n".join(
        [
            "The council voted on Tuesday to extend the opening hours of the public library by two hours a day. " * 3,
            "The library will open at eight in the morning and close at ten in the evening from next month. " * 3,
            BIO,
        ]
    ).encode()
    default = process(Document("a.txt", raw), Options(input_format="text"), RuleSet())
    assert [str(b.removed) for b in default.blocks if not b.kept] == [str(AUTHOR_BIO)]
    none = Options(input_format="text", thresholds=replace(Thresholds(), author_bio_tail=0))
    assert all(b.kept for b in process(Document("a.txt", raw), none, RuleSet()).blocks)
