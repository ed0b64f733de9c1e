"""Properties of the cleaner on any text: it never raises, and it removes, it never invents.

Every line of the clean text must be a line of the input, or a stripped part of one (a list
marker, a table row's bars, a prefix or suffix cut by a strip rule), up to whitespace.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Settings, load_rules
from cleaner.core import pipeline
from cleaner.core.text import squeeze
from cleaner.document import Document, Status

RULES = load_rules()

#: Lines built from pieces that exercise the stages: chrome phrases the rules know, bullets,
#: table bars, indentation, prose and dates, in several scripts.
PIECES = [
    "Share this article",
    "Related Articles",
    "Weitere Artikel zum Thema",
    "Kommentare",
    "Foto: dpa",
    "© AFP / Jane Doe",
    "Read more: Another story",
    "| cell |",
    "* ",
    "- ",
    "1. ",
    "    ",
    "The council met on Tuesday and agreed to build a new bridge over the river.",
    "Der Stadtrat hat am Dienstag beschlossen, eine neue Brücke über den Fluss zu bauen.",
    "12.01.2022",
    "Jane Doe is a reporter at the Example Times.",
    "東京で会議が開かれた。",
    "Ελλάδα",
    "Home > News",
    "Advertisement",
    ":",
    ".",
    "|",
]
LINE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=6).map("".join)
TEXT = st.lists(LINE, max_size=25).map("\n".join)


def _clean(text: str) -> Document:
    """Run the pipeline on text given as a plain-text file (no language filter)."""
    raw = text.encode("utf-8", "surrogatepass")
    return pipeline.process(Document("doc.txt", raw, size=len(raw)), Settings(workers=1, languages=()).core, RULES)


def _assert_only_removes(doc: Document) -> None:
    """Every output line is (a stripped part of) a line of the document's decoded input."""
    source_lines = [squeeze(line) for line in doc.source_text.split("\n")]
    for line in doc.text.split("\n"):
        if line.strip():
            assert any(squeeze(line) in source for source in source_lines), line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_never_raises_and_never_invents(text):
    doc = _clean(text)
    assert doc.status is not Status.FAILED or not doc.reason.startswith("internal error"), doc.reason
    _assert_only_removes(doc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_unicode_text(text):
    doc = _clean(text)
    assert doc.reason is None or not doc.reason.startswith("internal error"), doc.reason
    _assert_only_removes(doc)


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_same_input_same_output(text):
    first, second = _clean(text), _clean(text)
    assert first.text == second.text
    assert [str(r.reason) for r in first.removals] == [str(r.reason) for r in second.removals]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES[12:14] + PIECES[:12]), max_size=20).map("\n".join))
def test_output_lines_come_from_raw_input(text):
    # on inputs the decoder leaves alone, the comparison holds against the raw text itself
    doc = _clean(text)
    raw_lines = [squeeze(line) for line in text.split("\n")]
    for line in doc.text.split("\n"):
        if line.strip():
            assert any(squeeze(line) in source for source in raw_lines), line
