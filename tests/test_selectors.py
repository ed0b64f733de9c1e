"""selectors: which selectors of a group a page can match, screened by its class and id values."""

from __future__ import annotations

import pytest
from lxml.cssselect import CSSSelector

from cleaner.core.html import selectors
from cleaner.core.html.extract import parse
from cleaner.document import Origin, Reason
from cleaner.rules.ruleset import Rule

SPACED_GROUP = '[class^="related"], [class*=" related"], .share'


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<div class="box related-links">x</div><div class="share">y</div>', ["div", "div"]),
        ('<div class="box related-links">x</div>', ["div"]),
        ('<p class="unrelated">x</p><p>related</p>', []),  # the word as text, not as a class
    ],
)
def test_a_selector_group_runs_only_the_selectors_the_page_can_match(page, expected):
    tree = parse(f"<html><body>{page}</body></html>")
    class_ids = selectors.class_id_text(tree)
    whole = [e.tag for e in CSSSelector(SPACED_GROUP)(tree)]
    selector = selectors.selector_for(SPACED_GROUP, class_ids)
    screened = [e.tag for e in selector(tree)] if selector is not None else []
    assert screened == whole == expected


def test_a_class_needle_with_a_space_still_needs_its_word():
    assert selectors.needles('[class*=" related"]') == (("related",),)
    assert selectors.selector_for('[class*=" related"]', "share\0main") is None


SENTENCE = "The council voted on Tuesday to extend the tram line to the northern districts by 2027. "
PROSE = "".join(f"<p>{SENTENCE * 2}</p>" for _ in range(6))  # six paragraphs of 178 characters
CHROME = "".join(f"<li><a href='/{i}'>Section {i} of the site's menu</a></li>" for i in range(200))


def dropped(page: str, removes: str | None = None) -> list[str]:
    """The first characters of each element the rule `.share, .comments` removes from the page."""
    tree = parse(f"<html><body><ul>{CHROME}</ul>{page}</body></html>")
    reason = Reason(Origin.RULE, "test/selector")
    rule = Rule("drop_selectors", "selector", reason, css=".share, .comments", removes=removes)
    return [r.text[:5] for r in selectors.drop_elements(tree, (rule,), selectors.class_id_text(tree))]


def test_a_selector_never_removes_a_run_of_prose_but_the_widget_beside_it():
    # the article is a small share of a page of menus, so only its prose tells it from a share bar
    page = f'<div class="entry share">{PROSE}</div><div class="share"><p>Share on Facebook</p></div>'
    assert dropped(page) == ["Share"]


def test_a_comments_rule_removes_a_thread_of_prose():
    assert dropped(f'<div class="comments">{PROSE}</div>', removes="comments") == ["The c"]
