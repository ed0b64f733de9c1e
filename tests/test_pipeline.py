"""pipeline: the stages on one document; every problem becomes a recorded status, never an exception."""

from __future__ import annotations

import pytest
from conftest import ARTICLE_PARAGRAPHS, ARTICLE_TITLE, article_html
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Settings, clean, load_rules
from cleaner.batch.settings import parse_languages
from cleaner.core import pipeline, segment
from cleaner.document import Document, Status


def run(raw: bytes | str, doc_id: str = "doc.txt", ruleset=None, **options) -> Document:
    """Process one document through pipeline.process with the given settings."""
    raw = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    doc = Document(doc_id, raw, size=len(raw))
    return pipeline.process(doc, Settings(workers=1, **options).core, ruleset or load_rules())


# --- input format --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "expected"),
    [
        ("a.html", "html"),
        ("a.HTM", "html"),
        ("dir/a.xhtml", "html"),
        ("a.html.gz", "html"),
        ("a.txt", "text"),
        ("a.md", "text"),
        ("a.text.gz", "text"),
    ],
)
def test_input_format_by_extension(doc_id, expected):
    # the extension wins over the content
    content = b"<!doctype html><html><body>x</body></html>" if expected == "text" else b"plain words"
    assert pipeline.input_format(doc_id, content, "auto") == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<!DOCTYPE html>\n<html><body><p>x</p></body></html>", "html"),
        (b"\n   <html lang='en'><body>x</body></html>", "html"),
        (b"\xef\xbb\xbf<!doctype html><html>", "html"),
        (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", "html"),
        (b"<HEAD><TITLE>x</TITLE></HEAD>", "html"),
        (b"Council approves bridge\n\nThe town council voted <b>yes</b>.", "text"),
        (b"Notes: use <html> tags in templates.", "text"),
    ],
)
def test_input_format_of_extensionless_files_by_sniffing(content, expected):
    assert pipeline.input_format("scraped/page-0001", content, "auto") == expected


def test_forced_input_format_wins():
    assert pipeline.input_format("a.html", b"<html>", "text") == "text"
    assert pipeline.input_format("a.txt", b"plain", "html") == "html"


def test_extensionless_html_is_cleaned_as_html(ruleset):
    doc = run(article_html(), doc_id="page", ruleset=ruleset)
    assert doc.status is Status.KEPT
    assert doc.input_format == "html"
    assert "<p>" not in doc.text
    assert ARTICLE_PARAGRAPHS[0] in doc.text


# --- whole-document outcomes ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t  \r\n"])
def test_empty_file_is_dropped(raw, ruleset):
    doc = run(raw, ruleset=ruleset)
    assert doc.status is Status.DROPPED
    assert doc.reason == "empty file"


def test_over_max_bytes_fails_as_too_large(ruleset, article_text):
    doc = run(article_text, ruleset=ruleset, max_bytes=100)
    assert doc.status is Status.FAILED
    assert "too large" in doc.reason
    assert "100" in doc.reason  # says the limit


def test_exactly_max_bytes_is_processed(ruleset, article_text):
    raw = article_text.encode()
    doc = run(raw, ruleset=ruleset, max_bytes=len(raw))
    assert doc.status is Status.KEPT


def test_binary_content_fails_with_decode_reason(ruleset):
    doc = run(b"\x89PNG\r\n\x1a\n" + bytes(200), doc_id="image.html", ruleset=ruleset)
    assert doc.status is Status.FAILED
    assert "PNG" in doc.reason


def test_clean_keeps_article_and_records_metadata(ruleset, article_text):
    doc = clean(article_text + "\nBack to top\n", doc_id="a.txt", rules=ruleset)
    assert doc.status is Status.KEPT
    assert doc.title == ARTICLE_TITLE
    assert doc.text.split("\n\n") == [ARTICLE_TITLE, *ARTICLE_PARAGRAPHS]
    assert doc.language == "en" and 0.5 < doc.language_score <= 1.0
    assert doc.decoding.encoding == "utf-8"
    assert [(r.text, str(r.reason)) for r in doc.removals] == [("Back to top", "rule:default/back-to-top")]


def test_clean_accepts_bytes_and_text_alike(ruleset, article_text):
    assert clean(article_text, rules=ruleset).text == clean(article_text.encode(), rules=ruleset).text


def test_every_removal_has_a_reason_and_a_line(ruleset, seeds):
    raw = (seeds / "raw" / "003_0c92e233fc806f03.txt").read_bytes()
    doc = clean(raw, doc_id="003.txt", rules=ruleset)
    assert doc.removals
    lines = raw.decode("utf-8").split("\n")
    for removal in doc.removals:
        assert str(removal.reason).split(":")[0] in ("rule", "heuristic", "title")
        assert removal.text in " ".join(lines[removal.line - 1].split())


# --- language filter -----------------------------------------------------------------------------


def test_lang_filter_drops_other_languages_with_a_reason(ruleset, german_text):
    doc = run(german_text, ruleset=ruleset, languages=("en",))
    assert doc.status is Status.DROPPED
    assert doc.language == "de"
    assert "not-en" in doc.reason and "de" in doc.reason


def test_lang_filter_keeps_listed_languages(ruleset, german_text, article_text):
    assert run(german_text, ruleset=ruleset, languages=("de", "en")).status is Status.KEPT
    assert run(article_text, ruleset=ruleset, languages=("de", "en")).status is Status.KEPT


def test_no_lang_filter_keeps_every_language(ruleset, german_text):
    doc = run(german_text, ruleset=ruleset)
    assert doc.status is Status.KEPT
    assert doc.language == "de"


CHINESE = (
    "北京市政府周二宣布，将在明年春天开放一座新的公共图书馆，市民可以免费借阅图书，并参加各种文化活动。"
    "当地居民对此表示欢迎，认为这将丰富社区的文化生活。"
)


def test_lang_filter_with_a_region_code(ruleset):
    html = f"<html><body><article><p>{CHINESE}</p><p>{CHINESE[::-1]}</p></article></body></html>"
    doc = run(html, doc_id="zh.html", ruleset=ruleset, languages=parse_languages("zh-cn"))
    assert doc.language == "zh-cn"
    assert doc.status is Status.KEPT


def test_lang_filter_with_a_base_code_matches_a_regional_detection(ruleset):
    html = f"<html><body><article><p>{CHINESE}</p><p>{CHINESE[::-1]}</p></article></body></html>"
    doc = run(html, doc_id="zh.html", ruleset=ruleset, languages=("zh",))
    assert doc.language.startswith("zh")
    assert doc.status is Status.KEPT


JAPANESE = (
    "市立図書館、日曜日の開館時間を延長\n\n"
    "市立図書館は来月から日曜日の開館時間を午後七時まで延長すると発表した。試験期間中の学生の利用が増えていることが理由だという。"
    "館長は、多くの市民に気軽に利用してもらいたいと話している。\n\n"
    "新しい職員も二人採用される予定で、費用は市が今後三年間負担する。利用者からは、平日の夜の開館時間も延ばしてほしいという声も上がっている。\n"
)


@pytest.mark.parametrize("text", [JAPANESE, f"{CHINESE}\n\n{CHINESE[::-1]}\n"], ids=["ja", "zh"])
def test_cjk_plain_text_article_is_kept(ruleset, text):
    doc = clean(text.encode("utf-8"), doc_id="cjk.txt", rules=ruleset)
    assert doc.status is Status.KEPT
    body = [line for line in text.split("\n") if len(line) > 40]
    for line in body:
        assert line in doc.text


def test_short_article_is_not_reduced_to_its_headline(ruleset):
    # regression: short paragraphs (under ~150 characters) were all removed as boilerplate while
    # the headline was kept, leaving a "document" of one line (corpus_raw/encodings/*.txt)
    text = (
        "Notes from the harbour meeting\n\n"
        "The harbour master said the new pier would be “ready by summer” – a promise residents have heard before.\n\n"
        "Fishermen’s association members asked for a price list in euros and for the café on the quay to stay open.\n"
    )
    doc = clean(text, doc_id="letter.txt", rules=ruleset)
    kept = doc.text.split("\n\n")
    assert kept != ["Notes from the harbour meeting"], "only the headline survived"
    assert len(kept) == 3


# --- internal errors -----------------------------------------------------------------------------


def test_internal_exception_becomes_a_failed_document(ruleset, monkeypatch, article_text):
    def boom(text):
        raise RuntimeError("segmenter exploded")

    monkeypatch.setattr(segment, "segment", boom)
    doc = run(article_text, ruleset=ruleset)  # must not raise
    assert doc.status is Status.FAILED
    assert "internal error" in doc.reason
    assert "RuntimeError" in doc.reason and "segmenter exploded" in doc.reason


def test_recursion_error_becomes_a_failed_document(ruleset, monkeypatch, article_text):
    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pipeline, "clean_text", deep)
    doc = run(article_text, ruleset=ruleset)
    assert doc.status is Status.FAILED
    assert "nested" in doc.reason


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.sampled_from(["a.txt", "a.html", "noext"]),
)
def test_any_text_gives_a_status_never_an_internal_error(ruleset, text, doc_id):
    doc = run(text, doc_id=doc_id, ruleset=ruleset)
    assert doc.status in (Status.KEPT, Status.DROPPED, Status.FAILED)
    assert not (doc.reason or "").startswith("internal error"), doc.reason
    if doc.status is Status.KEPT:
        assert doc.text.strip()
    else:
        assert doc.reason
