"""selectors: which selectors of a group a page can match, screened by its class and id values."""

from __future__ import annotations

import pytest
from lxml.cssselect import CSSSelector

from cleaner.core.html import selectors
from cleaner.core.html.extract import parse

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
