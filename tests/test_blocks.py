"""blocks: a page's text cut at block-level edges, with what the tree says of each block."""

from __future__ import annotations

from lxml.html import document_fromstring

from cleaner.core.html.blocks import BLOCK_TAGS, SKIP_TAGS, class_groups, segment_tree


def blocks_of(markup: str):
    return segment_tree(document_fromstring(f"<html><body>{markup}</body></html>"))


def test_text_is_cut_at_block_edges_and_inline_elements_join():
    found = blocks_of(
        "<div>Intro <b>bold</b> text<p>First para.</p>tail of div</div><p>Second <a href='#'>link</a>.</p>"
    )
    assert [b.text for b in found] == ["Intro bold text", "First para.", "tail of div", "Second link."]


def test_no_skipped_tag_is_a_block_tag():
    # the walk leaves a skipped element's tail on the block it stands in: a block tag must not be skipped
    assert not SKIP_TAGS & BLOCK_TAGS


def test_scripts_styles_and_forms_controls_are_not_text():
    found = blocks_of(
        "<p>Kept.<script>var x = 1;</script><style>p{}</style> Still kept.</p><select><option>A</option></select>"
    )
    assert [b.text for b in found] == ["Kept. Still kept."]


def test_link_characters_are_counted_only_inside_links():
    (block,) = blocks_of("<p>Read <a href='#'>this story</a> now</p>")
    assert block.linked == len("this story")


def test_tag_heading_level_list_and_table_context():
    found = blocks_of("<h2>Title</h2><ul><li>Item</li></ul><table><tr><td>Cell</td></tr></table>")
    assert [(b.text, b.tag, b.heading, b.in_list, b.in_table) for b in found] == [
        ("Title", "h2", 2, False, False),
        ("Item", "li", 0, True, False),
        ("Cell", "td", 0, False, True),
    ]


def test_landmarks_from_tags_and_aria_roles_are_inherited():
    found = blocks_of("<nav><p>Home</p></nav><div role='main'><p>Story.</p></div><article><p>Body.</p></article>")
    assert [sorted(b.landmarks) for b in found] == [["nav"], ["main"], ["article"]]


def test_class_and_id_words_of_ancestors_become_groups():
    (block,) = blocks_of("<div id='sidebar'><div class='share-buttons'><p>Share this</p></div></div>")
    assert {"side", "share"} <= block.classes
    assert class_groups(None, None) == frozenset()
    assert "comment" in class_groups("comment-list", None)


def test_container_regions_hold_their_subtrees_measures():
    found = blocks_of("<div><p>One two.</p><p><a href='#'>Three</a></p></div>")
    parent = found[0].parent
    assert parent is found[1].parent
    assert parent.chars == len("One two.") + len("Three")
    assert parent.linked == len("Three")
    assert parent.blocks == 2


def test_a_page_without_text_has_no_blocks():
    assert blocks_of("<div><img src='a.png'></div>") == []


def test_text_the_parser_put_after_body_is_read_when_it_is_most_of_the_page():
    root = document_fromstring("<html><body><p>Wrapper.</p></body></html>")
    root.append(
        document_fromstring("<div><p>The whole article, which the parser left outside the body.</p></div>")[0][0]
    )
    assert [b.text for b in segment_tree(root)][-1] == "The whole article, which the parser left outside the body."
    tail_script = document_fromstring("<html><body><p>The article in its body.</p></body></html>")
    tail_script.append(document_fromstring("<p>x</p>")[0][0])
    assert [b.text for b in segment_tree(tail_script)] == ["The article in its body."]


def test_an_unclosed_map_does_not_hide_the_page():
    (block,) = blocks_of("<map name='m'><area href='/a'><p>Everything after an unclosed map.</p>")
    assert block.text == "Everything after an unclosed map."


def test_a_noscript_the_parser_put_the_page_in_is_read_and_an_ordinary_one_is_not():
    # libxml2 nests all that follows `<noscript><div></noscript>` inside the noscript; a browser shows it
    swallowed = document_fromstring(
        "<html><body><noscript><div id='nojs'></noscript><div><p>The article, after an unclosed div.</p>"
        "<p>Its second paragraph.</p></div></body></html>"
    )
    assert swallowed.find(".//noscript//p") is not None  # the parse this guards against
    assert [b.text for b in segment_tree(swallowed)] == ["The article, after an unclosed div.", "Its second paragraph."]
    ordinary = blocks_of("<noscript><p>Please enable JavaScript.</p></noscript><p>The article itself is here.</p>")
    assert [b.text for b in ordinary] == ["The article itself is here."]
