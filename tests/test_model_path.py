"""The block-model extractor through the pipeline: its reasons, rules over it, scopes and options."""

from __future__ import annotations

import json

import pytest
from conftest import ARTICLE_PARAGRAPHS, article_html

from cleaner import clean, load_rules
from cleaner.batch.settings import ConfigError, Settings
from cleaner.core import segment
from cleaner.core.decide.heuristics.base import BOILERPLATE, IMAGE_CREDIT
from cleaner.core.decide.model import MODEL_FORMAT
from cleaner.core.html.features import FEATURES
from cleaner.core.pipeline import MODEL_MIN_DUMP_CHARS, decide_lines
from cleaner.document import BlockScore, Document, Origin, Status

MENU = (
    "<nav><ul>"
    + "".join(f"<li><a href='/{w}'>{w.title()}</a></li>" for w in ("news", "sport", "weather"))
    + "</ul></nav>"
)


def model_settings(**options) -> Settings:
    return Settings(input_format="html", extractor="model", **options)


@pytest.mark.parametrize("scope", ["article", "page"])
def test_the_model_keeps_the_article_and_drops_the_menu_with_its_score(scope):
    doc = clean(article_html(MENU), doc_id="a.html", settings=model_settings(scope=scope))
    assert doc.status is Status.KEPT
    for paragraph in ARTICLE_PARAGRAPHS:
        assert " ".join(paragraph.split()[:8]) in doc.text
    removed = {r.text: r.reason for r in doc.removals}
    assert removed["Sport"].origin is Origin.MODEL
    assert 0 <= float(removed["Sport"].name) <= 1  # the reason is the block's score
    assert doc.scores and all(0 <= s.score <= 1 for s in doc.scores.values())


def test_a_drop_rule_removes_what_the_model_keeps_and_a_keep_rule_saves_what_it_drops(tmp_path):
    (tmp_path / "site.yaml").write_text(
        "version: 1\nname: site\n"
        "drop_lines:\n  - {id: no-bridge, pattern: 'four million pounds'}\n"
        "keep:\n  - {id: keep-weather, pattern: '^Weather$'}\n",
        encoding="utf-8",
    )
    rules = load_rules([tmp_path])
    doc = clean(article_html(MENU), doc_id="a.html", rules=rules, settings=model_settings())
    removed = {r.text: str(r.reason) for r in doc.removals}
    assert any(
        text.startswith("The bridge, which will link") and why == "rule:site/no-bridge" for text, why in removed.items()
    )
    assert "Weather" in doc.text.split("\n\n")
    assert removed["Sport"].startswith("model:")
    without_rules = clean(article_html(MENU), doc_id="a.html", settings=model_settings())
    assert "Weather" not in without_rules.text.split("\n\n")  # the model alone drops it


def test_comments_keep_uses_its_own_model():
    kept = clean(article_html(MENU), doc_id="a.html", settings=model_settings(comments="keep"))
    assert kept.status is Status.KEPT and kept.scores


def test_a_model_file_given_is_used_and_a_bad_one_fails_the_document_with_its_reason(tmp_path):
    always = {
        "format": MODEL_FORMAT,
        "features": list(FEATURES),
        "baseline": 5.0,
        "threshold": 0.5,
        "depth": 0,
        "roots": [0],
        "nodes": {"feature": [-1], "split": [0], "left": [0], "right": [0], "value": [0.0]},
    }
    path = tmp_path / "keep-all.json"
    path.write_text(json.dumps(always), encoding="utf-8")
    doc = clean(article_html(MENU), doc_id="a.html", settings=model_settings(model=path))
    assert "Sport" in doc.text.split("\n\n")
    path.write_text(json.dumps({**always, "features": ["other"]}), encoding="utf-8")
    from cleaner.core.decide.model import from_file

    from_file.cache_clear()
    doc = clean(article_html(MENU), doc_id="a.html", settings=model_settings(model=path))
    assert doc.status is Status.FAILED and "retrain" in doc.reason


def test_auto_takes_the_model_and_trafilatura_only_when_asked():
    assert Settings().uses_model("html")
    assert Settings().uses_model("text")
    assert not Settings(extractor="trafilatura").uses_model("html")
    assert not Settings(extractor="trafilatura").uses_model("text")
    assert Settings(scope="page").uses_model("html")
    assert Settings(comments="keep").uses_model("html")
    assert Settings(extractor="model").uses_model("html")
    doc = clean(article_html(MENU), doc_id="a.html", settings=Settings(scope="page"))
    assert doc.scores


def test_options_are_checked():
    with pytest.raises(ConfigError, match="need --extractor model"):
        Settings(extractor="trafilatura", scope="page")
    with pytest.raises(ConfigError, match="--scope"):
        Settings(scope="site")
    with pytest.raises(ConfigError, match="--model"):
        Settings(model=__import__("pathlib").Path("/no/such/model.json"))


#: More of the article, so that the dump reaches the length the text model takes (MODEL_MIN_DUMP_CHARS).
MORE_PARAGRAPHS = (
    "Work on the foundations will begin in the autumn, once the river is low enough for the "
    "contractors to set the first piers without closing the channel to the rowing clubs.",
    "The design, chosen from eleven entries in an open competition, keeps the deck low and narrow "
    "so that the view of the old mill from the market square is not lost to the new crossing.",
)
DUMP = (
    "Home | News | Sport | Weather\n\n"
    + "\n\n".join((*ARTICLE_PARAGRAPHS, *MORE_PARAGRAPHS))
    + "\n\nBack to top\n\nShare on Facebook | Share on X\n"
)


@pytest.mark.parametrize("options", [{}, {"scope": "page"}, {"comments": "keep"}, {"extractor": "model"}])
def test_a_text_dump_goes_to_the_text_model_where_auto_or_the_user_asks(options):
    doc = clean(DUMP.encode(), doc_id="a.txt", settings=Settings(input_format="text", **options))
    assert doc.status is Status.KEPT and doc.scores
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in doc.text
    reasons = {r.text: str(r.reason) for r in doc.removals}
    assert reasons["Back to top"] == "rule:default/back-to-top"  # rules stand over the model
    assert all(why.startswith(("rule:", "model:", "heuristic:", "title:")) for why in reasons.values())


def test_a_dump_too_short_for_the_text_model_goes_to_the_heuristics():
    short = "Home | News | Sport\n\n" + ARTICLE_PARAGRAPHS[0] + "\n"
    assert len(short) < MODEL_MIN_DUMP_CHARS <= len(DUMP)
    doc = clean(short.encode(), doc_id="a.txt", settings=Settings(input_format="text", extractor="model"))
    assert doc.status is Status.KEPT and not doc.scores
    assert ARTICLE_PARAGRAPHS[0] in doc.text


def test_a_text_dump_keeps_the_heuristics_alone_with_extractor_trafilatura():
    doc = clean(DUMP.encode(), doc_id="a.txt", settings=Settings(input_format="text", extractor="trafilatura"))
    assert not doc.scores


def test_the_text_model_leaves_a_precise_passs_finding_standing():
    class KeepAll:
        """A model that keeps every line (score 1): what it may overrule, it does."""

        def verdicts(self, rows):
            return [BlockScore(1.0, True) for _ in rows]

    doc = Document("a.txt", b"")
    doc.input_format = "text"
    doc.source_text = "Photo: Reuters\n\nMenu entry\n\n" + ARTICLE_PARAGRAPHS[0]
    doc.blocks = segment.segment(doc.source_text)
    doc.blocks[0].removed, doc.blocks[1].removed = IMAGE_CREDIT, BOILERPLATE
    decide_lines(doc, KeepAll(), set())
    assert doc.blocks[0].removed == IMAGE_CREDIT  # a credit line stays removed, with its reason
    assert doc.blocks[1].removed is None  # the generic verdict is the model's to overrule


def test_a_comments_marker_cuts_again_below_the_lines_the_text_model_kept(tmp_path):
    # a stump that keeps long lines: the footer's menu goes, and with it most of the page's text
    # below the marker, so the marker stands above half the text only once the model has decided
    from cleaner.core.decide.linefeatures import TEXT_FEATURES

    stump = {
        "format": MODEL_FORMAT,
        "features": list(TEXT_FEATURES),
        "baseline": 0.0,
        "threshold": 0.5,
        "threshold_traf": 0.5,
        "depth": 1,
        "roots": [0],
        "nodes": {
            "feature": [TEXT_FEATURES.index("log_chars"), -1, -1],
            "split": [4.1, 0.0, 0.0],  # log1p of 60 characters
            "left": [1, 0, 0],
            "right": [2, 0, 0],
            "value": [0.0, -10.0, 10.0],
        },
    }
    path = tmp_path / "long-lines.json"
    path.write_text(json.dumps(stump), encoding="utf-8")
    comments = ["I walk across that river every day and this bridge cannot come soon enough for me.", "Reply"]
    footer = [f"Section {i} | Archive | Contact us" for i in range(40)]
    text = "\n\n".join([*ARTICLE_PARAGRAPHS, "12 Comments", *comments, *footer]) + "\n"
    doc = clean(text, doc_id="a.txt", settings=Settings(input_format="text", extractor="model", model=path))
    removed = {r.text: str(r.reason) for r in doc.removals}
    assert removed[comments[0]] == "rule:default/comments-section"
    assert all(" ".join(p.split()[:6]) in doc.text for p in ARTICLE_PARAGRAPHS)
