"""html: selector rules, metadata, main-text extraction, and pages the parser cannot handle."""

from __future__ import annotations

import textwrap

import pytest
from conftest import ARTICLE_PARAGRAPHS, ARTICLE_TITLE, article_html, page

from cleaner import clean, load_rules
from cleaner.core.html.extract import HtmlError, extract, parse
from cleaner.document import Status
from cleaner.rules.ruleset import DEFAULT_RULES_DIR

SHARE_BAR = '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>'
NEWSLETTER = '<aside class="newsletter-signup"><p>Sign up for our free daily newsletter</p></aside>'
RELATED = (
    '<aside class="related-articles"><h3>Related Articles</h3><ul><li><a href="/a">Road repairs delayed again</a></li>'
    '<li><a href="/b">Station car park to close for a month</a></li></ul></aside>'
)
COOKIE = '<div id="cookie-notice">We use cookies to improve your experience. Accept all</div>'


def deep_page(levels: int = 10_000) -> str:
    return "<html><body>" + "<div>" * levels + "<p>Deep inside the page.</p>" + "</div>" * levels + "</body></html>"


# --- selector rules --------------------------------------------------------------------------------


def test_selector_rules_remove_chrome_and_record_it(ruleset):
    html = article_html(extra_body=NEWSLETTER + RELATED + COOKIE).replace("<main>", SHARE_BAR + "<main>")
    doc = clean(html, doc_id="page.html", rules=ruleset)
    assert doc.status is Status.KEPT
    reasons = {str(r.reason): r.text for r in doc.removed_elements}
    assert "Share on Facebook" in reasons["rule:default/share-bar"]
    assert "newsletter" in reasons["rule:default/newsletter-box"]
    assert "Road repairs delayed again" in reasons["rule:default/related-box"]
    assert "We use cookies" in reasons["rule:default/cookie-banner"]
    for chrome in (
        "Share on Facebook",
        "Sign up for our free daily newsletter",
        "Road repairs delayed",
        "We use cookies",
    ):
        assert chrome not in doc.text
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in doc.text


def test_page_without_selector_matches_has_no_removed_elements(ruleset):
    doc = clean(article_html(), doc_id="page.html", rules=ruleset)
    assert doc.removed_elements == []
    assert doc.text.split("\n\n") == [ARTICLE_TITLE, *ARTICLE_PARAGRAPHS]


def test_every_selector_removal_has_a_rule_reason_and_a_preview(ruleset):
    doc = clean(article_html(extra_body=SHARE_BAR + NEWSLETTER), doc_id="page.html", rules=ruleset)
    assert len(doc.removed_elements) == 2
    for removal in doc.removed_elements:
        assert str(removal.reason).startswith("rule:default/")
        assert removal.text and len(removal.text) <= 120


def test_selector_that_would_take_most_of_the_text_is_not_applied(ruleset):
    # a "share" class on the wrapper of the whole article must not take the article with it
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    html = page(f'<div class="share">{paragraphs}</div><footer><p>Contact us</p></footer>')
    doc = clean(html, doc_id="page.html", rules=ruleset)
    assert doc.removed_elements == []
    assert doc.status is Status.KEPT
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in doc.text


def test_selector_never_removes_an_element_containing_the_article(ruleset):
    # small article, big sidebar: the share-classed wrapper is small enough to go on size alone
    asides = "".join(f"<aside><p>{p}</p></aside>" for p in ARTICLE_PARAGRAPHS * 2)
    wrapper = f'<div class="sharing"><{{tag}}><h2>Lead</h2><p>{ARTICLE_PARAGRAPHS[0]}</p></{{tag}}></div>'
    with_article = page(wrapper.format(tag="article") + asides)
    assert extract(with_article, ruleset).removed_elements == []
    # the same wrapper around a plain <div> is removed: it is the <article> inside that protects it
    control = page(wrapper.format(tag="div") + asides)
    assert [str(r.reason) for r in extract(control, ruleset).removed_elements] == ["rule:default/share-bar"]


def test_site_selector_applies_by_host_of_the_canonical_url(tmp_path):
    (tmp_path / "courier.yaml").write_text(
        textwrap.dedent(
            """
            name: courier
            match: {host: "*.example.com"}
            drop_selectors:
              - id: promo-box
                css: ".promo"
            """
        )
    )
    ruleset = load_rules([DEFAULT_RULES_DIR, tmp_path])
    promo = '<div class="promo"><p>Download our app today</p></div>'
    mine = article_html(extra_body=promo, head='<link rel="canonical" href="https://news.example.com/bridge">')
    other = article_html(extra_body=promo, head='<link rel="canonical" href="https://news.example.org/bridge">')

    doc = clean(mine, doc_id="a.html", rules=ruleset)
    assert [str(r.reason) for r in doc.removed_elements] == ["rule:courier/promo-box"]
    assert doc.url == "https://news.example.com/bridge"

    doc = clean(other, doc_id="b.html", rules=ruleset)
    assert doc.removed_elements == []


# --- metadata ------------------------------------------------------------------------------------


def test_metadata_title_canonical_url_and_published_date(ruleset):
    head = (
        '<link rel="canonical" href="https://courier.example.com/news/bridge">'
        '<meta property="article:published_time" content="2024-03-05T09:30:00Z">'
    )
    html = article_html(head=head).replace(
        f"<title>{ARTICLE_TITLE}</title>", f"<title>{ARTICLE_TITLE} | The Riverside Courier</title>"
    )
    doc = clean(html, doc_id="page.html", rules=ruleset)
    assert doc.title == ARTICLE_TITLE
    assert doc.url == "https://courier.example.com/news/bridge"
    assert doc.date == "2024-03-05"
    assert doc.language == "en"


def test_og_url_is_used_when_there_is_no_canonical_link(ruleset):
    html = article_html(head='<meta property="og:url" content="https://courier.example.com/og">')
    assert clean(html, doc_id="page.html", rules=ruleset).url == "https://courier.example.com/og"


def test_relative_canonical_is_not_taken_as_the_url(ruleset):
    html = article_html(head='<link rel="canonical" href="/news/bridge">')
    doc = clean(html, doc_id="page.html", rules=ruleset)
    assert doc.url is None or doc.url.startswith(("http://", "https://"))


def test_mojibake_in_a_page_is_repaired_and_recorded(ruleset):
    broken = ARTICLE_PARAGRAPHS[1] + " The owner said itâ€™s the town’s “oldest” café."
    html = article_html().replace(ARTICLE_PARAGRAPHS[1], broken)
    doc = clean(html.encode("utf-8"), doc_id="page.html", rules=ruleset)
    assert "The owner said it’s the town’s “oldest” café." in doc.text
    assert "â€" not in doc.text
    assert any(r.startswith("ftfy:") for r in doc.decoding.repairs)


def test_page_text_is_nfc_without_control_characters(ruleset):
    odd = ARTICLE_PARAGRAPHS[1] + " Cafe\u0301 in Mu\u0308nchen\x07."
    doc = clean(article_html().replace(ARTICLE_PARAGRAPHS[1], odd).encode(), doc_id="page.html", rules=ruleset)
    assert "Café in München." in doc.text
    assert "\x07" not in doc.text


def test_windows_1252_page_declared_by_http_equiv(ruleset):
    html = article_html().replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    )
    html = html.replace(ARTICLE_PARAGRAPHS[2], ARTICLE_PARAGRAPHS[2] + " “It’s a crêpe for €5,” said Señor Núñez.")
    doc = clean(html.encode("cp1252"), doc_id="page.html", rules=ruleset)
    assert (doc.decoding.encoding, doc.decoding.method) == ("cp1252", "declared")
    assert "“It’s a crêpe for €5,” said Señor Núñez." in doc.text


def test_no_date_is_invented(ruleset):
    # a copyright year is not a publication date
    html = article_html(extra_body="<footer><p>© 2019 The Riverside Courier</p></footer>")
    doc = clean(html, doc_id="page.html", rules=ruleset)
    assert doc.date is None


def test_extracted_text_skips_navigation(ruleset):
    nav = '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>'
    doc = clean(article_html().replace("<main>", nav + "<main>"), doc_id="page.html", rules=ruleset)
    assert doc.input_format == "html"
    lines = doc.text.split("\n\n")
    assert lines[0] == ARTICLE_TITLE
    assert "Sport" not in lines


# --- pages the parser cannot handle --------------------------------------------------------------


def test_deeply_nested_page_raises_html_error_mentioning_nesting(ruleset):
    with pytest.raises(HtmlError, match="nest"):
        extract(deep_page(), ruleset)


def test_deeply_nested_page_becomes_a_failed_document(ruleset):
    doc = clean(deep_page(), doc_id="deep.html", rules=ruleset)
    assert doc.status is Status.FAILED
    assert "nest" in doc.reason


def test_empty_page_is_dropped_not_failed(ruleset):
    doc = clean(page(""), doc_id="empty.html", rules=ruleset)
    assert doc.status is Status.DROPPED
    assert doc.reason


def test_deeply_nested_article_with_shallow_chrome_is_not_kept_without_its_article(ruleset):
    deep = "<div>" * 5000 + "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS) + "</div>" * 5000
    header = "<header><p>The Riverside Courier, your local paper since 1901, read by many people across the county.</p></header>"
    doc = clean(f"<html><body>{header}{deep}</body></html>", doc_id="deep.html", rules=ruleset)
    if doc.status is Status.KEPT:
        assert ARTICLE_PARAGRAPHS[0] in doc.text, "kept without its article"
    else:
        assert doc.status is Status.FAILED and "nest" in doc.reason


# --- the lede trafilatura leaves out ------------------------------------------------------------

LEDE = (
    "The council has approved the new footbridge after a decade of debate, ending one of the town's longest disputes."
)
BODY = "The bridge, which will link the old market square with the railway station, is expected to open in 2026."


def _outline():
    from cleaner.core.html.extract import Outline

    return Outline(headline=1, paragraphs=[(10, parse(f"<p>{BODY}</p>").find(".//p"))], ledes=[(5, LEDE)])


def test_a_lede_between_headline_and_body_is_put_back_before_the_body():
    from cleaner.core.html.extract import with_lede

    assert with_lede(f"{BODY}\nSecond paragraph.", _outline(), frozenset()).split("\n") == [
        LEDE,
        BODY,
        "Second paragraph.",
    ]


def test_a_lede_already_extracted_or_only_a_link_is_left_alone():
    from cleaner.core.html.extract import with_lede

    text = f"{LEDE}\n{BODY}"
    assert with_lede(text, _outline(), frozenset()) == text
    assert with_lede(BODY, _outline(), frozenset({LEDE})) == BODY


def test_the_lede_thresholds_come_from_the_caller():
    from cleaner.core.html.extract import page_outline, with_lede
    from cleaner.core.thresholds import Thresholds

    tree = parse(f'<html><body><h1>Bridge</h1><p class="standfirst">{LEDE}</p><p>{BODY}</p></body></html>')
    assert [text for _, text in page_outline(tree).ledes] == [LEDE]
    assert page_outline(tree, Thresholds(lede_max_chars=len(LEDE) - 1)).ledes == []
    # the body is found by the first lines only: with none to look at, no lede goes back
    assert with_lede(BODY, _outline(), frozenset(), Thresholds(lede_body_lines=0)) == BODY


@pytest.mark.parametrize(
    "values",
    [
        ["article-lead"],
        ["nav", "Teaser box"],
        ["x_summary_y", "main"],
        ["leader", "misleading", "intros"],  # the word inside a longer one is no lede class
        ["lead\nmore"],
        [],
    ],
)
def test_the_page_wide_lede_screen_finds_a_lede_class_exactly_when_one_value_has_it(values):
    from cleaner.core.html.extract import LEDE_CLASS_RE, LEDE_ON_PAGE_RE

    joined = "".join(v + "\0" for v in values)
    assert bool(LEDE_ON_PAGE_RE.search(joined)) == any(LEDE_CLASS_RE.search(v) for v in values)


def test_a_page_without_a_lede_class_skips_the_outline(monkeypatch):
    from cleaner.core.html import extract

    calls = []
    monkeypatch.setattr(extract, "page_outline", lambda *a: calls.append(a) or extract.NO_OUTLINE)
    plain = f"<html><body><h1>Bridge</h1><p>{LEDE}</p><p>{BODY}</p></body></html>"
    extract.main_text(parse(plain), None)
    assert calls == []
    extract.main_text(parse(plain.replace("<p>", '<p class="standfirst">', 1)), None)
    assert len(calls) == 1


# --- the extraction: fast mode, standard mode where fast found little ----------------------------


def _modes_run(monkeypatch, thresholds) -> tuple[list[bool], str]:
    """The `fast` flag of each trafilatura call on the article page, and the text extracted."""
    import trafilatura

    from cleaner.core.html.extract import main_text

    calls: list[bool] = []
    real = trafilatura.bare_extraction

    def recording(tree, **options):
        calls.append(options["fast"])
        return real(tree, **options)

    monkeypatch.setattr(trafilatura, "bare_extraction", recording)
    return calls, main_text(parse(article_html(SHARE_BAR)), None, thresholds).text


def test_fast_mode_alone_when_it_finds_enough(monkeypatch):
    from cleaner.core.thresholds import Thresholds

    calls, text = _modes_run(monkeypatch, Thresholds(standard_below_chars=len(" ".join(ARTICLE_PARAGRAPHS)) // 2))
    assert calls == [True]
    assert ARTICLE_PARAGRAPHS[-1] in text


def test_standard_mode_runs_on_the_same_tree_when_fast_found_little(monkeypatch):
    from cleaner.core.thresholds import Thresholds

    calls, text = _modes_run(monkeypatch, Thresholds(standard_below_chars=10**6))
    assert calls == [True, False]  # fast, then standard on the unchanged tree: the same article
    assert ARTICLE_PARAGRAPHS[0] in text and ARTICLE_PARAGRAPHS[-1] in text


def test_standard_mode_is_given_the_stoplist_union_trafilatura_would_build(monkeypatch):
    import trafilatura.external

    from cleaner.core import language
    from cleaner.core.html import extract

    monkeypatch.setattr(trafilatura.external, "JT_STOPLIST", None)
    extract._share_stoplist.cache_clear()
    extract._share_stoplist()
    shared = trafilatura.external.JT_STOPLIST
    assert shared is not None and set(shared) == set(trafilatura.external.jt_stoplist_init())
    assert set(shared) == language.stopwords(None)
    extract._share_stoplist.cache_clear()


# --- lenient parsing: what a browser shows is never "not parseable" -----------------------------

ARTICLE = "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)

BROWSER_PAGES = {
    "wrapper element before <html>": f'<text id="http://example.org/a" title="A page">\n<div class="pagebody">{ARTICLE}</div></text>',
    "a fragment": f"<div>{ARTICLE}</div>",
    "a single paragraph": f"<p>{ARTICLE_PARAGRAPHS[0]}</p>",
    "no <html> or <body>": f"<title>{ARTICLE_TITLE}</title><h1>{ARTICLE_TITLE}</h1>{ARTICLE}",
    "a leading XML-ish tag": f'<?xml version="1.0"?><doc><page>{ARTICLE}</page></doc>',
    "bad nesting": f"<div><p><b>{ARTICLE_PARAGRAPHS[0]}</div></p></b><p>{ARTICLE_PARAGRAPHS[1]}",
}


@pytest.mark.parametrize("shape", sorted(BROWSER_PAGES))
def test_pages_a_browser_renders_parse_and_keep_their_text(shape, ruleset):
    doc = clean(BROWSER_PAGES[shape].encode(), doc_id="page.html", rules=ruleset)
    assert doc.status is not Status.FAILED, doc.reason
    first_words = " ".join(ARTICLE_PARAGRAPHS[0].split()[:6])
    assert first_words in doc.text


def test_text_without_any_markup_is_not_parsed_as_html():
    with pytest.raises(HtmlError, match="no markup"):
        parse("just words, no tags at all")
