"""templates: lines that recur across the pages of a site are removed with reason `template`, in
two passes whose result depends on neither file order nor workers, with counts kept in the state."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from conftest import output_files, page, run_batch, shipped_rules

from cleaner import Settings
from cleaner.batch import run as batch
from cleaner.core.text import site_line
from cleaner.corpus.templates import (
    TOP_LEVEL_SITE,
    Thresholds,
    group_pages,
    line_key,
    line_keys,
    remove_template_lines,
    site_of,
)
from cleaner.document import Block, Document, Origin, Reason
from cleaner.io import discover

# --- synthetic sites: pages that differ in content and share their chrome --------------------------

SUBJECTS = ("The harbour authority", "A family bakery", "The city orchestra", "The rowing club", "The county library")
ACTIONS = ("announced plans to", "has decided to", "voted on Monday to", "is raising money to", "received a grant to")
OBJECTS = (
    "repair the old pier before the summer season",
    "open a second branch near the railway station",
    "offer free concerts in the park every Sunday",
    "replace the leaking roof of the boathouse",
    "restore the painted mural on the market hall",
    "plant three hundred trees along the canal",
)
PEOPLE = ("Anna Berg", "Tomas Lind", "Maria Costa", "Peter Hall", "Ines Moreau", "Jonas Weber", "Clara Novak")
ROLES = (
    "has lived in the town for most of her life",
    "chairs the committee that oversees the budget",
    "first proposed the idea at a public meeting last year",
    "expects the work to take about eighteen months",
)
PARAGRAPHS = list(itertools.product(SUBJECTS, ACTIONS, OBJECTS, PEOPLE, ROLES))


def paragraph(n: int) -> str:
    """The n-th distinct article paragraph (a prime stride spreads neighbours apart)."""
    subject, action, obj, person, role = PARAGRAPHS[(n * 389) % len(PARAGRAPHS)]
    return f"{subject} {action} {obj}, according to {person}, who {role} and spoke to reporters on the quay."


def article(site: int, n: int) -> tuple[str, list[str]]:
    """A page's headline and three paragraphs, different on every page of every site (in words: a
    line that differs only in its digits is the same line)."""
    first = (site * 20 + n) * 3
    subject, action, obj, *_ = PARAGRAPHS[(first * 389) % len(PARAGRAPHS)]
    return f"{subject} {action} {obj}", [paragraph(first + k) for k in range(3)]


def chrome(name: str) -> dict[str, list[str]]:
    """A site's shared blocks: menu, a notice in the article written like prose (only templates can
    tell it from the article), related articles, and a footer."""
    return {
        "menu": [f"{name} Home", "News | Sport | Culture | Contact"],
        "notice": [
            f"Readers of the {name} can send their own news and photographs to the newsroom by email, and the "
            "editors answer every message within a week."
        ],
        "related": [
            "Related articles",
            f"Festival in {name} draws record crowds",
            "New cycle lanes open in the centre",
        ],
        "footer": [
            f"The {name} is an independent newspaper published every weekday by a cooperative of its readers "
            "and journalists, who own it together since the year it was founded.",
            f"Copyright {name}. All rights reserved.",
        ],
    }


def text_page(name: str, site: int, n: int) -> str:
    """A plain-text dump of a page: chrome around the article."""
    title, paragraphs = article(site, n)
    blocks = chrome(name)
    body = [paragraphs[0], *blocks["notice"], *paragraphs[1:]]
    return "\n\n".join([*blocks["menu"], title, *body, *blocks["related"], *blocks["footer"]]) + "\n"


def html_page(name: str, host: str, site: int, n: int) -> str:
    """An HTML page whose shared blocks sit inside the article, where extraction keeps them."""
    title, paragraphs = article(site, n)
    blocks = chrome(name)
    body = "".join(f"<p>{p}</p>" for p in [paragraphs[0], *blocks["notice"], *paragraphs[1:], blocks["footer"][0]])
    related = "".join(f"<li>{r}</li>" for r in blocks["related"][1:])
    html = (
        f"<nav>{' '.join(blocks['menu'])}</nav><main><article><h1>{title}</h1>{body}"
        f"<h2>{blocks['related'][0]}</h2><ul>{related}</ul></article></main><footer>{blocks['footer'][1]}</footer>"
    )
    return page(html, head=f'<link rel="canonical" href="https://www.{host}/story/{n}">', title=title)


def shared_lines(name: str) -> list[str]:
    """Every line of a site's chrome."""
    return [line for block in chrome(name).values() for line in block]


def notice(name: str) -> str:
    """The site's shared line that only template removal takes out."""
    return chrome(name)["notice"][0]


SITES = {"alpha": ("Alpha Gazette", 0, 6), "beta": ("Beta Herald", 1, 5)}
HTML_SITE = ("Gamma Courier", "gamma.example", 2, 7)


@pytest.fixture
def sites(make_tree) -> Path:
    """Three sites of five or more pages (two text dumps by folder, one HTML by URL host), and
    one single-page site that carries chrome too."""
    files: dict[str, bytes | str] = {}
    for folder, (name, site, pages) in SITES.items():
        files.update({f"{folder}/{n:02}.txt": text_page(name, site, n) for n in range(pages)})
    name, host, site, pages = HTML_SITE
    files.update({f"crawl/{n:02}.html": html_page(name, host, site, n) for n in range(pages)})
    files["solo/only.txt"] = text_page("Delta Tribune", 3, 0)
    return make_tree(files)


def kept_lines(out: Path, rel: str) -> list[str]:
    """The paragraphs of one clean output."""
    return (out / rel).read_text(encoding="utf-8").strip().split("\n\n")


def test_three_sites_lose_every_shared_block_and_keep_every_article_line(sites, tmp_path):
    out = tmp_path / "out"
    result = run_batch(sites, out, templates="on", workers=2)
    pages = [
        (f"{folder}/{n:02}.txt", name, site, n) for folder, (name, site, count) in SITES.items() for n in range(count)
    ]
    name, _, site, count = HTML_SITE
    pages += [(f"crawl/{n:02}.txt", name, site, n) for n in range(count)]
    for rel, name, site, n in pages:
        lines = kept_lines(out, rel)
        title, paragraphs = article(site, n)
        assert [line for line in lines if line != title] == paragraphs, rel
        assert not set(lines) & set(shared_lines(name)), rel
    # each site's template lines are listed, and each page's removals say `template`
    templates = result.report["templates"]
    assert set(templates) == {"alpha", "beta", "gamma.example"}
    assert templates["beta"]["documents"] == 5
    assert notice("Alpha Gazette") in {line["text"] for line in templates["alpha"]["lines"]}
    assert all(line["documents"] == 6 for line in templates["alpha"]["lines"])
    assert result.records["beta/00.txt"]["removed_by_reason"]["template"] >= 1
    assert (
        result.records["beta/00.txt"]["site"] == "beta" and result.records["crawl/00.html"]["site"] == "gamma.example"
    )
    assert "Site templates" in (out / "report.html").read_text(encoding="utf-8")


def test_a_site_of_one_page_keeps_everything(sites, tmp_path):
    out = tmp_path / "out"
    result = run_batch(sites, out, templates="on")
    assert notice("Delta Tribune") in kept_lines(out, "solo/only.txt")
    assert "template" not in result.records["solo/only.txt"]["removed_by_reason"]
    assert "solo" not in result.report["templates"]


@pytest.mark.parametrize("pages", [4, 5])
def test_a_line_on_every_page_of_a_site_of_five_pages_is_template_by_default(make_tree, tmp_path, pages):
    name = "Echo Weekly"
    root = make_tree({f"echo/{n}.txt": text_page(name, 4, n) for n in range(pages)})
    out = tmp_path / "out"
    batch.run(Settings(input_dir=root, output_dir=out, workers=1), shipped_rules())  # the defaults
    assert all((notice(name) in kept_lines(out, f"echo/{n}.txt")) == (pages < 5) for n in range(pages))


def test_outputs_do_not_depend_on_file_order_or_workers(sites, tmp_path, monkeypatch):
    reference = None
    for name, workers, seed in (("one", 1, None), ("two", 2, 3), ("shuffled", 1, 7)):
        if seed is not None:
            real = discover._walk
            monkeypatch.setattr(discover, "_walk", lambda *args, real=real, seed=seed: shuffled(real(*args), seed))
        out = tmp_path / name
        run_batch(sites, out, templates="on", workers=workers, format="both")
        monkeypatch.undo()
        files = output_files(out)
        assert reference is None or files == reference
        reference = files


def shuffled(paths, seed: int):
    paths = list(paths)
    random.Random(seed).shuffle(paths)
    return iter(paths)


def test_a_new_page_changes_the_template_set_without_cleaning_the_others_again(make_tree, tmp_path):
    name = "Foxtrot Post"
    root = make_tree({f"fox/{n}.txt": text_page(name, 5, n) for n in range(4)})
    out = tmp_path / "out"
    footer = notice(name)
    run_batch(root, out, templates="on")
    assert footer in kept_lines(out, "fox/0.txt")  # four pages: no template yet

    (root / "fox" / "4.txt").write_text(text_page(name, 5, 4), encoding="utf-8")
    fifth = run_batch(root, out, templates="on")
    assert fifth.outcome.cleaned == 1  # the other four are rewritten from the stored counts
    assert all(footer not in kept_lines(out, f"fox/{n}.txt") for n in range(5))
    assert fifth.records["fox/0.txt"]["removed_by_reason"]["template"] >= 1

    (root / "fox" / "4.txt").unlink()
    back = run_batch(root, out, templates="on")
    assert back.outcome.cleaned == 0 and back.counts["removed"] == 1
    assert all(footer in kept_lines(out, f"fox/{n}.txt") for n in range(4))
    assert back.report["templates"] == {}


def test_new_thresholds_or_off_redo_the_sets_without_cleaning_again(sites, tmp_path):
    out = tmp_path / "out"
    footer = notice("Beta Herald")
    run_batch(sites, out, templates="on")
    assert footer not in kept_lines(out, "beta/00.txt")
    stricter = run_batch(sites, out, templates="on", template_min_docs=6)  # beta has five pages
    assert stricter.outcome.cleaned == 0
    assert footer in kept_lines(out, "beta/00.txt")
    assert footer not in kept_lines(out, "alpha/00.txt")  # alpha has six
    off = run_batch(sites, out, templates="off")
    assert off.outcome.cleaned == 0 and off.report["templates"] == {}
    assert notice("Alpha Gazette") in kept_lines(out, "alpha/00.txt")


# --- the pieces ------------------------------------------------------------------------------------


def test_site_line_ignores_case_digits_and_spacing():
    assert site_line("  Updated 12:45  on 3 May ") == site_line("updated 09:10 on 28 may")
    assert line_key("Share this Story") == line_key("share  this story")
    assert line_key("Share this story") != line_key("Share that story")


@pytest.mark.parametrize(
    ("doc_id", "url", "site"),
    [
        ("crawl/a.html", "https://www.Example.com/news/1", "example.com"),
        ("crawl/a.html", "http://news.example.com/x", "news.example.com"),
        ("crawl/a.html", "https://web.archive.org/web/20190101000000/http://www.blog.example/post", "blog.example"),
        ("crawl/a.html", "https://web.archive.org/about", "web.archive.org"),
        ("site/sub/a.txt", None, "site"),
        ("a.txt", None, TOP_LEVEL_SITE),
        ("dump/pages.jsonl#7", None, "dump"),
        ("site/a.txt", "not a url", "site"),
        ("site/a.txt", "ftp://example.com/file", "site"),
    ],
)
def test_site_is_the_url_host_else_the_top_level_folder(doc_id, url, site):
    assert site_of(doc_id, url) == site


def test_thresholds_need_both_a_count_and_a_share():
    rules = Thresholds(min_docs=5, min_share=0.5)
    assert rules.cut(4) is None  # too few pages to tell
    assert rules.cut(5) == 5 and rules.cut(10) == 5 and rules.cut(11) == 6 and rules.cut(40) == 20
    assert Thresholds(min_docs=2, min_share=1.0).cut(3) == 3  # on every page


def test_only_kept_lines_are_marked_template():
    doc = Document("a.txt", blocks=[Block("Menu", 1), Block("Body text here", 2), Block("Menu", 3)])
    doc.blocks[2].removed = doc.blocks[0].removed = None
    assert remove_template_lines(doc, frozenset({line_key("menu")})) == 2
    assert [str(b.removed) for b in doc.blocks] == ["template", "None", "template"]
    assert doc.text == "Body text here"


def test_copies_of_one_page_count_once(make_tree, tmp_path):
    # the same article crawled under six URLs of its site is one page, not six: nothing is template
    name = "Hotel Ledger"
    copy = text_page(name, 7, 0)
    root = make_tree({f"hotel/{n}.txt": copy for n in range(6)})
    out = tmp_path / "out"
    result = run_batch(root, out, templates="on")
    assert all(r["status"] == "kept" for r in result.documents)
    assert notice(name) in kept_lines(out, "hotel/3.txt") and result.report["templates"] == {}
    # five different pages beside them make the shared lines template again
    for n in range(1, 6):
        (root / "hotel" / f"other-{n}.txt").write_text(text_page(name, 7, n), encoding="utf-8")
    again = run_batch(root, out, templates="on")
    assert again.report["templates"]["hotel"]["documents"] == 6  # distinct pages
    assert notice(name) not in kept_lines(out, "hotel/3.txt")
    title, paragraphs = article(7, 0)
    assert [line for line in kept_lines(out, "hotel/3.txt") if line != title] == paragraphs


# --- groups: look-alike pages inside one site ------------------------------------------------------


MIXED = {"alpha": ("Alpha Gazette", 0), "beta": ("Beta Herald", 1), "gamma": ("Gamma Courier", 2)}


def own_chrome_page(name: str, site: int, n: int) -> str:
    """A dump whose chrome is its site's own but for one line ("Related articles"): unrelated sites
    share a few generic lines, not their menus."""
    page = text_page(name, site, n).replace("News | Sport | Culture | Contact", f"{name} News | {name} Sport")
    return page.replace("New cycle lanes open in the centre", f"New cycle lanes open in {name}")


@pytest.fixture
def mixed(make_tree) -> Path:
    """Dumps of three sites (five pages each) in one folder: a "site" where no chrome is on half the pages."""
    return make_tree(
        {f"dumps/{k}{n}.txt": own_chrome_page(name, site, n) for k, (name, site) in MIXED.items() for n in range(5)}
    )


def test_look_alike_pages_in_one_folder_lose_their_shared_lines(mixed, tmp_path):
    out = tmp_path / "out"
    result = run_batch(mixed, out, templates="on", workers=2)
    for k, (name, site) in MIXED.items():
        for n in range(5):
            lines = kept_lines(out, f"dumps/{k}{n}.txt")
            title, paragraphs = article(site, n)
            assert [line for line in lines if line != title] == paragraphs
            assert notice(name) not in lines
        assert result.records[f"dumps/{k}3.txt"]["site"] == f"dumps (pages like dumps/{k}0.txt)"
    groups = {f"dumps (pages like dumps/{k}0.txt)" for k in MIXED}
    assert set(result.report["templates"]) == {"dumps", *groups}  # the folder's own: the generic line
    assert [line["text"] for line in result.report["templates"]["dumps"]["lines"]] == ["Related articles"]


def test_groups_do_not_depend_on_file_order_or_workers(mixed, tmp_path, monkeypatch):
    real = discover._walk
    run_batch(mixed, tmp_path / "one", templates="on", workers=1)
    monkeypatch.setattr(discover, "_walk", lambda *args: shuffled(real(*args), 5))
    run_batch(mixed, tmp_path / "two", templates="on", workers=2)
    assert output_files(tmp_path / "one") == output_files(tmp_path / "two")


def test_pages_join_the_group_whose_first_page_they_resemble_most():
    north, south = frozenset({1, 2, 3, 4}), frozenset({5, 6, 7, 8})
    pages = [
        ("a", north),
        ("b", south),
        ("c", frozenset({1, 2, 3, 9})),
        ("d", frozenset({5, 6, 1})),
        ("e", frozenset()),
    ]
    assert group_pages(pages) == {"a": "a", "b": "b", "c": "a", "d": "b", "e": "e"}
    assert group_pages(pages, min_similarity=0.7) == {"a": "a", "b": "b", "c": "c", "d": "d", "e": "e"}


def test_of_equally_alike_groups_a_page_joins_the_earlier():
    assert group_pages([("a", frozenset({1, 2})), ("b", frozenset({3, 4})), ("c", frozenset({1, 3}))])["c"] == "a"


def test_chrome_is_what_the_pages_own_stages_removed_and_kept_nowhere():
    blocks = [Block("Home", 1), Block("The article", 2), Block("Share", 3), Block("Share", 4), Block("The article", 5)]
    blocks[0].removed = blocks[2].removed = blocks[4].removed = Reason(Origin.HEURISTIC, "navigation")
    doc = Document("a.txt", blocks=blocks)
    keys, chrome = line_keys(doc)
    assert chrome == [line_key("Home")]  # "Share" and "The article" are kept once
    assert keys == sorted({line_key("Home"), line_key("The article"), line_key("Share")})


def test_a_fifth_look_alike_page_forms_a_group_without_cleaning_the_others_again(make_tree, tmp_path):
    name, site = MIXED["beta"]
    files = {f"dumps/beta{n}.txt": own_chrome_page(name, site, n) for n in range(4)}
    # alpha's chrome is on over half the folder's pages: the folder's own template lines
    files |= {f"dumps/alpha{n}.txt": own_chrome_page("Alpha Gazette", 0, n) for n in range(7)}
    root, out = make_tree(files), tmp_path / "out"
    run_batch(root, out, templates="on")
    assert notice(name) in kept_lines(out, "dumps/beta0.txt")  # four look-alike pages: no group yet
    (root / "dumps" / "beta4.txt").write_text(own_chrome_page(name, site, 4), encoding="utf-8")
    fifth = run_batch(root, out, templates="on")
    assert fifth.outcome.cleaned == 1  # the other four are written again from the stored record
    assert all(notice(name) not in kept_lines(out, f"dumps/beta{n}.txt") for n in range(5))
    assert fifth.records["dumps/beta0.txt"]["site"] == "dumps (pages like dumps/beta0.txt)"
