"""repeats: an article's later copies of a paragraph go; labels, protected lines and first copies stay."""

from __future__ import annotations

from cleaner.core.decide.repeats import REPEATED, drop_repeats
from cleaner.core.options import Options
from cleaner.core.pipeline import judged, process
from cleaner.document import Block, BlockKind, Document, Origin, Reason

TEASER = "The council voted on Tuesday to extend the opening hours of the public library."
OTHER = "Readers can borrow up to twenty books at a time from next month, the council said."


def blocks(*texts: str) -> list[Block]:
    """Paragraph blocks, one per text."""
    return [Block(text, line, BlockKind.PARAGRAPH, 0) for line, text in enumerate(texts, start=1)]


def test_a_paragraph_repeated_later_goes_with_its_reason_whatever_its_case_and_spaces():
    found = blocks(TEASER, OTHER, TEASER.upper(), TEASER.replace(" ", "  "))
    drop_repeats(found, set())
    assert [b.removed for b in found] == [None, None, REPEATED, REPEATED]


def test_short_labels_protected_lines_and_copies_of_removed_lines_stay():
    found = blocks("Share this story", "Share this story", TEASER, TEASER, OTHER, OTHER)
    found[2].removed = Reason(Origin.MODEL, "0.10")  # the first copy already went: the second is the one kept
    drop_repeats(found, protected={5})
    assert [b.kept for b in found] == [True, True, False, True, True, True]


def test_only_articles_lose_their_copies(ruleset):
    raw = "\n\n".join([TEASER, OTHER, "The library opens at eight on weekdays and at ten on Sundays.", TEASER])
    article = process(Document("a.txt", raw.encode()), Options(input_format="text"), ruleset)
    page = process(Document("a.txt", raw.encode()), Options(input_format="text", scope="page"), ruleset)
    assert article.text.count(TEASER) == 1
    assert page.text.count(TEASER) == 2


def test_the_text_model_reads_the_lines_before_the_copies_go(ruleset):
    """pipeline.judged (what training computes the line features from) stops before this pass, as
    inference does: the model's input has the copy still kept, the cleaned document does not."""
    raw = "\n\n".join([TEASER, OTHER, TEASER]).encode()
    options = Options(input_format="text", extractor="trafilatura")
    assert judged(Document("a.txt", raw), options, ruleset).blocks[2].kept
    assert process(Document("a.txt", raw), options, ruleset).blocks[2].removed == REPEATED
