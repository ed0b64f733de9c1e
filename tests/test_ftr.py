"""Full-Text RSS site configs: parsing, host matching, lazy loading, and each applied directive."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from conftest import ARTICLE_PARAGRAPHS, page

from cleaner import Settings, clean, load_rules
from cleaner.rules.formats import ftr
from cleaner.rules.formats.ftr import FtrFolder, candidates, is_ftr_folder, parse_site
from cleaner.rules.ruleset import DEFAULT_RULES_DIR

PARAGRAPHS = "".join(f"<p>{p}</p>\n" for p in ARTICLE_PARAGRAPHS)

#: A site whose article sits in div.story, beside teaser prose that either extractor takes for content.
TEASER = (
    "Our readers also enjoyed this long feature about the history of the old harbour, which tells "
    "how the fishing fleet grew and shrank over two centuries of storms and markets."
)
STORY_PAGE = page(
    '<article><div class="story"><h1>Council approves new footbridge</h1>'
    f'<span class="byline">By Ann Example</span>{PARAGRAPHS}'
    '<div class="adbox">Advertisement: buy the new phone today at the shop around the corner</div>'
    '<img src="https://ads.doubleclick.net/x.gif"></div>'
    f'<div class="more"><p>{TEASER}</p><p>{TEASER.replace("harbour", "castle")}</p></div></article>',
    head='<link rel="canonical" href="https://www.example.com/news/bridge">',
)

SITE_FILE = """# example.com
title: //h1
date: //meta[@name='pubdate']/@content
author: //span[@class='byline']
body: //div[@class='missing']
body: //div[@class='story']
strip: //div[@class='adbox']
strip_id_or_class: byline
strip_image_src: doubleclick.net
tidy: no
prune: no
single_page_link: //a[@class='print']
http_header(user-agent): Mozilla
test_url: https://www.example.com/news/bridge
test_contains: ending a debate that has divided residents
"""


def folder_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A folder of site files."""
    root = tmp_path / "ftr"
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def rules_with(folder: Path):
    """The shipped rules and a Full-Text RSS folder beside them."""
    return load_rules([DEFAULT_RULES_DIR, folder])


def cleaned(html: str, ruleset, url: str | None = None, extractor: str = "trafilatura"):
    """One page cleaned, with an optional URL as a JSONL or WARC record would give it."""
    doc = clean(html.encode("utf-8"), doc_id="page.html", rules=ruleset, settings=Settings(extractor=extractor))
    if url is None:
        return doc
    from cleaner.core import pipeline
    from cleaner.document import Document

    page_doc = Document("pages.jsonl#1", html.encode("utf-8"), source="pages.jsonl", part=1, input_format="html")
    page_doc.url = url
    return pipeline.process(page_doc, Settings(extractor=extractor).core, ruleset)


def reasons(doc) -> list[str]:
    return [str(r.reason) for r in doc.removed_elements]


# --- parsing -----------------------------------------------------------------------------------


def test_directives_are_parsed_in_order_and_network_ones_counted():
    site = parse_site(Path("example.com.txt"), "example.com", SITE_FILE)
    assert site.body == ["//div[@class='missing']", "//div[@class='story']"]
    assert [d for d, _ in site.strip] == ["strip", "strip_id_or_class", "strip_image_src"]
    assert site.strip[1][1] == "//*[contains(@class, 'byline') or contains(@id, 'byline')]"
    assert site.flags == {"tidy": False, "prune": False}
    assert site.network == ["single_page_link", "http_header"]
    assert site.tests[0].url == "https://www.example.com/news/bridge"
    assert site.tests[0].contains == ("ending a debate that has divided residents",)
    assert site.skipped == []


def test_find_and_replace_come_in_pairs_and_in_the_one_line_form():
    text = "find_string: <amp-img\nreplace_string: <img\nreplace_string(Print</a>): </a>\nreplace_string: orphan\n"
    site = parse_site(Path("x.com.txt"), "x.com", text)
    assert site.replacements == [("<amp-img", "<img"), ("Print</a>", "</a>")]
    assert [str(s) for s in site.skipped] == [
        "x.com.txt:4: replace_string: replace_string without a find_string before it"
    ]


def test_a_broken_xpath_and_an_unknown_directive_are_skipped_naming_file_line_and_directive():
    text = "body: //div[contains(@class='x')]\nstrip: //div[@id='ok']\ntitl: //h1\nbody: //div[\n"
    site = parse_site(Path("x.com.txt"), "x.com", text)
    assert site.strip == [("strip", "//div[@id='ok']")]
    assert site.body == []
    messages = [str(s) for s in site.skipped]
    assert messages[0].startswith("x.com.txt:1: body: bad XPath \"//div[contains(@class='x')]\"")
    assert messages[1] == "x.com.txt:3: titl: unknown directive"
    assert messages[2].startswith("x.com.txt:4: body: bad XPath")
    assert len(messages) == 3


def test_a_prune_with_an_xpath_removes_elements_a_yes_no_prune_is_a_flag():
    site = parse_site(Path("x.com.txt"), "x.com", "prune: yes\nprune: //div[@class='promo']\n")
    assert site.flags == {"prune": True}
    assert site.strip == [("prune", "//div[@class='promo']")]


# --- host matching -----------------------------------------------------------------------------


def test_host_candidates_follow_the_file_naming_of_the_format():
    assert list(candidates("www.example.com")) == ["example.com"]
    assert list(candidates("news.example.co.uk")) == ["news.example.co.uk", ".example.co.uk", ".co.uk"]


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("example.com", "example.com"),
        ("www.example.com", "example.com"),
        ("sport.example.com", "sport.example.com"),
        ("news.blog.net", ".blog.net"),
        ("a.b.blog.net", ".blog.net"),
        ("blog.net", None),  # a leading-dot file covers subdomains only
        ("www.blog.net", None),
        ("other.org", None),
    ],
)
def test_hosts_match_exact_www_and_leading_dot_files(tmp_path, host, name):
    folder = FtrFolder(folder_with(tmp_path, {"example.com.txt": "", "sport.example.com.txt": "", ".blog.net.txt": ""}))
    assert folder.name_for(host) == name


def test_a_folder_is_recognised_by_its_site_files(tmp_path):
    assert is_ftr_folder(folder_with(tmp_path, {"example.com.txt": "body: //div", "README.md": "x"}))
    yaml_folder = tmp_path / "yaml"
    yaml_folder.mkdir()
    (yaml_folder / "site.yaml").write_text("version: 1\n")
    (yaml_folder / "example.com.txt").write_text("body: //div\n")
    assert not is_ftr_folder(yaml_folder)
    assert not is_ftr_folder(DEFAULT_RULES_DIR)


# --- applying ----------------------------------------------------------------------------------


@pytest.mark.parametrize("extractor", ["trafilatura", "model"])
def test_body_and_strips_apply_with_reasons_in_either_extractor(tmp_path, extractor):
    ruleset = rules_with(folder_with(tmp_path, {"example.com.txt": SITE_FILE}))
    without = cleaned(STORY_PAGE, load_rules(), extractor=extractor)
    doc = cleaned(STORY_PAGE, ruleset, extractor=extractor)
    assert TEASER in " ".join(without.text.split())  # the extractor alone keeps the teaser
    assert TEASER not in doc.text
    assert all(p in doc.text for p in ARTICLE_PARAGRAPHS)
    assert "Advertisement" not in doc.text and "Ann Example" not in doc.text
    assert reasons(doc)[:4] == [
        "rule:ftr/example.com/strip",
        "rule:ftr/example.com/strip_id_or_class",
        "rule:ftr/example.com/strip_image_src",
        "rule:ftr/example.com/body",
    ]
    assert doc.title == "Council approves new footbridge"


def test_the_removals_are_in_the_report_counts_and_in_explain(tmp_path, capsys):
    from cleaner.cli import main as cli
    from cleaner.report.totals import Record

    folder = folder_with(tmp_path, {"example.com.txt": SITE_FILE})
    doc = cleaned(STORY_PAGE, rules_with(folder))
    by_reason = Record.of(doc, 0, None, "example.com").removed_by_reason
    assert by_reason["rule:ftr/example.com/strip"] == 1 and by_reason["rule:ftr/example.com/body"] == 1
    (tmp_path / "page.html").write_text(STORY_PAGE, encoding="utf-8")
    assert cli.main(["explain", str(tmp_path / "page.html"), "--add-rules", str(folder)]) == 0
    assert "element  rule:ftr/example.com/strip_id_or_class  By Ann Example" in capsys.readouterr().out


def test_the_url_of_a_jsonl_record_decides_the_site_before_the_canonical_link(tmp_path):
    ruleset = rules_with(folder_with(tmp_path, {"other.org.txt": "strip: //div[@class='adbox']\n"}))
    doc = cleaned(STORY_PAGE, ruleset, url="https://other.org/a")
    assert reasons(doc)[0] == "rule:ftr/other.org/strip"
    assert doc.rule_host == "other.org"


def test_date_title_and_substitutions_before_parsing(tmp_path):
    site = (
        "date: //p[@class='when']\ntitle: //meta[@property='og:title']/@content\n"
        "find_string: <x-para>\nreplace_string: <p>\nfind_string: </x-para>\nreplace_string: </p>\n"
    )
    ruleset = rules_with(folder_with(tmp_path, {"example.com.txt": site}))
    custom = page(
        f'<article><p class="when">Published July 24, 2012</p><x-para>{ARTICLE_PARAGRAPHS[0]}</x-para>{PARAGRAPHS}</article>',
        head='<link rel="canonical" href="https://example.com/a"><meta property="og:title" content="The real title">',
    )
    doc = cleaned(custom, ruleset)
    assert doc.date == "2012-07-24"
    assert doc.title == "The real title"
    assert doc.text.count(ARTICLE_PARAGRAPHS[0]) >= 1
    assert "x-para" not in doc.text


@pytest.mark.parametrize("extractor", ["trafilatura", "model"])
def test_the_author_is_the_first_author_xpath_that_finds_one_read_before_the_strips(tmp_path, extractor):
    site = "author: //span[@class='nobody']\nauthor: //span[@class='byline']\nstrip_id_or_class: byline\n"
    doc = cleaned(STORY_PAGE, rules_with(folder_with(tmp_path, {"example.com.txt": site})), extractor=extractor)
    assert doc.author == "By Ann Example" and "Ann Example" not in doc.text
    assert cleaned(STORY_PAGE, load_rules(), extractor=extractor).author is None  # no site file: unknown


def test_a_body_that_matches_nothing_leaves_the_whole_page_to_the_extractor(tmp_path):
    ruleset = rules_with(folder_with(tmp_path, {"example.com.txt": "body: //div[@id='nowhere']\n"}))
    assert cleaned(STORY_PAGE, ruleset).text == cleaned(STORY_PAGE, load_rules()).text


def test_other_hosts_are_cleaned_exactly_as_without_the_folder(tmp_path):
    ruleset = rules_with(folder_with(tmp_path, {"other.org.txt": SITE_FILE}))
    with_folder, without = cleaned(STORY_PAGE, ruleset), cleaned(STORY_PAGE, load_rules())
    assert with_folder.text == without.text and with_folder.removals == without.removals
    assert with_folder.removed_elements == without.removed_elements


# --- lazy loading and broken files --------------------------------------------------------------


def test_only_the_site_of_the_page_is_parsed(tmp_path, monkeypatch):
    files = {f"site{n}.com.txt": "strip: //div[@class='adbox']\n" for n in range(50)}
    files["example.com.txt"] = SITE_FILE
    ruleset = rules_with(folder_with(tmp_path, files))
    parsed: list[str] = []
    real = ftr.parse_site
    monkeypatch.setattr(ftr, "parse_site", lambda path, name, text: parsed.append(name) or real(path, name, text))
    cleaned(STORY_PAGE, ruleset)
    cleaned(STORY_PAGE, ruleset)
    assert parsed == ["example.com"]  # once, and none of the 50 others
    assert list(ruleset.ftr[0].parsed) == ["example.com"]


def test_a_broken_site_file_is_skipped_with_one_logged_line_and_the_page_cleaned(tmp_path, caplog):
    ruleset = rules_with(folder_with(tmp_path, {"example.com.txt": b"body: \xff\xfe//div\n"}))
    with caplog.at_level(logging.WARNING, logger="cleaner"):
        doc = cleaned(STORY_PAGE, ruleset)
    assert doc.text == cleaned(STORY_PAGE, load_rules()).text
    assert [r.getMessage().split(": ")[1] for r in caplog.records] == ["skipped, cannot be read"]


# --- in a batch: byte-identical other hosts, and re-cleaning by site -------------------------------


def jsonl_of(*pages: tuple[str, str]) -> str:
    """A JSONL file of (url, html) records."""
    return "".join(json.dumps({"url": url, "html": html}) + "\n" for url, html in pages)


def test_a_run_with_the_folder_changes_only_the_covered_hosts_pages(tmp_path, make_tree):
    from conftest import output_files, run_batch

    inp = make_tree(
        {
            "a.jsonl": jsonl_of(("https://www.example.com/1", STORY_PAGE), ("https://other.org/1", STORY_PAGE)),
            "b.jsonl": jsonl_of(("https://other.org/2", STORY_PAGE)),
            "c.html": STORY_PAGE.replace("www.example.com", "third.net"),
        }
    )
    folder = folder_with(tmp_path, {"example.com.txt": SITE_FILE, "unrelated.com.txt": SITE_FILE})
    run_batch(inp, tmp_path / "plain", format="both")
    run_batch(inp, tmp_path / "ftr", rules_with(folder), format="both")
    plain, with_ftr = output_files(tmp_path / "plain"), output_files(tmp_path / "ftr")
    changed = sorted(k for k in plain if plain[k] != with_ftr[k])
    assert changed == ["a.jsonl/1.txt", "documents.jsonl"]
    lines = zip(plain["documents.jsonl"].splitlines(), with_ftr["documents.jsonl"].splitlines(), strict=True)
    assert [b'"a.jsonl#1"' in a for a, b in lines if a != b] == [True]  # only the example.com page
    authors = {d["id"]: d["author"] for d in map(json.loads, with_ftr["documents.jsonl"].splitlines())}
    assert authors == {"a.jsonl#1": "By Ann Example", "a.jsonl#2": None, "b.jsonl#1": None, "c.html": None}
    assert TEASER.encode() not in with_ftr["a.jsonl/1.txt"]


def test_a_changed_site_file_re_cleans_that_sites_pages_only(tmp_path, make_tree):
    from conftest import run_batch

    inp = make_tree(
        {
            "a.jsonl": jsonl_of(("https://www.example.com/1", STORY_PAGE)),
            "b.jsonl": jsonl_of(("https://other.org/2", STORY_PAGE)),
            "c.html": STORY_PAGE,  # example.com by its canonical link
            "d.html": STORY_PAGE.replace("www.example.com", "third.net"),
        }
    )
    folder = folder_with(tmp_path, {"example.com.txt": SITE_FILE, "other.org.txt": "strip: //h1\n"})
    out = tmp_path / "out"
    assert run_batch(inp, out).counts["new"] == 4
    first = run_batch(inp, out, rules_with(folder))  # the folder added: its hosts' inputs only
    assert sorted(first.outcome.plan.changed) == ["a.jsonl", "b.jsonl", "c.html"]
    assert first.records["c.html"]["removed_by_reason"]["rule:ftr/example.com/strip"] == 1
    assert run_batch(inp, out, rules_with(folder)).counts["unchanged"] == 4
    (folder / "example.com.txt").write_text(SITE_FILE.replace("strip: //div[@class='adbox']\n", ""))
    again = run_batch(inp, out, rules_with(folder))
    assert sorted(again.outcome.plan.changed) == ["a.jsonl", "c.html"]
    assert "rule:ftr/example.com/strip" not in again.records["c.html"]["removed_by_reason"]
    (folder / "third.net.txt").write_text("strip: //h1\n")  # a new site file: its host's pages only
    assert run_batch(inp, out, rules_with(folder)).outcome.plan.changed == ["d.html"]
    assert sorted(run_batch(inp, out).outcome.plan.changed) == ["a.jsonl", "b.jsonl", "c.html", "d.html"]
    assert run_batch(inp, out).counts["unchanged"] == 4


#: A page whose headline and lede lie outside the site's body (div.story), beside a logo and a footer.
HEADLINE = "Council approves the new footbridge over the river"
LEDE = "The crossing will link the market square with the railway station by the spring of 2026."
HEADED_PAGE = page(
    f'<header><h1 class="logo">Example Gazette</h1></header><article><h1>{HEADLINE}</h1>'
    f'<p class="standfirst">{LEDE}</p>'
    f'<div class="story">{PARAGRAPHS}</div></article><footer><p>{TEASER}</p></footer>',
    head='<link rel="canonical" href="https://example.com/a">',
)


def test_the_headline_and_what_follows_it_up_to_the_body_stay_not_the_logo_nor_the_rest(tmp_path):
    ruleset = rules_with(folder_with(tmp_path, {"example.com.txt": "body: //div[@class='story']\n"}))
    doc = cleaned(HEADED_PAGE, ruleset)
    assert doc.text.startswith(f"{HEADLINE}\n\n{LEDE}\n\n{ARTICLE_PARAGRAPHS[0]}")
    assert "Example Gazette" not in doc.text and TEASER not in doc.text


def test_a_strip_of_the_title_element_leaves_the_headline(tmp_path):
    site = "title: //article/h1\nstrip: //h1\nbody: //div[@class='story']\n"
    doc = cleaned(HEADED_PAGE, rules_with(folder_with(tmp_path, {"example.com.txt": site})))
    assert doc.text.startswith(HEADLINE) and doc.title == HEADLINE
    assert "Example Gazette" not in doc.text  # the logo's <h1> is stripped (and outside the body)


def test_strips_outside_a_matched_body_are_not_applied_but_are_where_none_matches(tmp_path):
    strip = "strip: //p[@class='standfirst']\n"
    matched = rules_with(folder_with(tmp_path, {"example.com.txt": strip + "body: //div[@class='story']\n"}))
    doc = cleaned(HEADED_PAGE, matched)
    assert LEDE in doc.text and "rule:ftr/example.com/strip" not in reasons(doc)
    unmatched = rules_with(folder_with(tmp_path / "other", {"example.com.txt": strip + "body: //div[@id='gone']\n"}))
    doc = cleaned(HEADED_PAGE, unmatched)
    assert LEDE not in doc.text and reasons(doc) == ["rule:ftr/example.com/strip"]


def test_a_strip_that_takes_most_of_the_body_is_not_applied(tmp_path):
    site = "body: //article\nstrip: //article/div\nstrip: //p[@class='standfirst']\n"
    doc = cleaned(HEADED_PAGE, rules_with(folder_with(tmp_path, {"example.com.txt": site})))
    assert all(p in doc.text for p in ARTICLE_PARAGRAPHS)  # div.story is nearly all the article
    assert LEDE not in doc.text and reasons(doc).count("rule:ftr/example.com/strip") == 1


def test_a_body_without_words_to_read_gives_way_to_the_next_or_the_whole_page(tmp_path):
    ad = '<div class="slot"><script>var size = "300x250"; render(size);</script></div>'
    with_ad = HEADED_PAGE.replace("<footer>", ad + "<footer>")
    next_body = rules_with(
        folder_with(tmp_path, {"example.com.txt": "body: //div[@class='slot']\nbody: //div[@class='story']\n"})
    )
    assert all(p in cleaned(with_ad, next_body).text for p in ARTICLE_PARAGRAPHS)
    only_ad = rules_with(folder_with(tmp_path / "other", {"example.com.txt": "body: //div[@class='slot']\n"}))
    doc = cleaned(with_ad, only_ad)
    assert doc.text == cleaned(with_ad, load_rules()).text and "rule:ftr/example.com/body" not in reasons(doc)


def test_an_element_inside_one_already_stripped_is_not_counted_again(tmp_path):
    ruleset = rules_with(folder_with(tmp_path, {"example.com.txt": "strip: //div[@class='adbox'] | //div//img\n"}))
    nested = STORY_PAGE.replace("the corner</div>", 'the corner<img src="a.png"></div>')
    assert reasons(cleaned(nested, ruleset)).count("rule:ftr/example.com/strip") == 2  # the box, the other image


def test_a_runs_report_counts_the_skipped_lines_of_the_site_files_its_pages_met(tmp_path, make_tree, caplog):
    from conftest import run_batch

    broken = SITE_FILE + "titl: //h1\nbody: //div[contains(@class='x')]\n"  # a misspelt directive, a bad XPath
    files = {"example.com.txt": broken, "other.org.txt": b"strip: \xff\n", "unmet.net.txt": "titl: //h1\n"}
    folder = folder_with(tmp_path, files)
    pages = (("https://www.example.com/1", STORY_PAGE), ("https://other.org/1", STORY_PAGE))
    inp = make_tree({"a.jsonl": jsonl_of(*pages), "b.jsonl": jsonl_of(("https://www.example.com/2", STORY_PAGE))})
    with caplog.at_level(logging.WARNING, logger="cleaner"):
        done = run_batch(inp, tmp_path / "out", rules_with(folder), workers=2)
    skipped = done.report["site_configs_skipped"]
    assert (skipped["files"], skipped["lines"]) == (1, 2)  # unmet.net's file is not parsed, nor counted
    lines = [(Path(s["path"]).name, s["line"], s["directive"]) for s in skipped["skipped"]]
    after = len(SITE_FILE.splitlines())
    assert lines == [
        ("other.org.txt", 0, ""),
        ("example.com.txt", after + 1, "titl"),
        ("example.com.txt", after + 2, "body"),
    ]
    assert skipped["skipped"][1]["why"] == "unknown directive" and "bad XPath" in skipped["skipped"][2]["why"]
    logged = [r.getMessage() for r in caplog.records if "example.com.txt:" in r.getMessage()]
    assert len(logged) == 2  # each skipped line logged once by the run, not once per worker
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "1 files and 2 lines skipped" in html and "unknown directive" in html
    again = run_batch(inp, tmp_path / "out", rules_with(folder), workers=1)  # nothing cleaned: still counted
    assert again.counts["unchanged"] == 2 and again.report["site_configs_skipped"] == skipped


def test_a_run_without_site_files_reports_no_skipped_lines(tmp_path, make_tree):
    from conftest import run_batch

    done = run_batch(make_tree({"a.html": STORY_PAGE}), tmp_path / "out")
    assert done.report["site_configs_skipped"] == {"files": 0, "lines": 0, "skipped": []}
