"""Site templates: lines that recur across the pages of one site are chrome (menus, footers,
"Related articles" blocks), whatever they say.

A site is a page's URL host, else its folder; a folder of text dumps of many sites is one "site"
by that rule, where no site's chrome reaches half the pages. So inside each site its pages are also
grouped by their chrome (the lines their own stages removed: menus, footers), and a group of
pages that look alike gets the template set of its own pages as well (group_pages).

Two passes, so the result depends on neither file order nor worker count. Pass one (in the
workers) gives each cleaned document its site and the keys of its distinct normalised lines;
the state database counts, per site, how many documents carry each key. Pass two (after every
document is cleaned) takes a site's template set from those counts and removes the matching
kept lines with reason `template`.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from cleaner.core.text import site_line
from cleaner.document import Document, Origin, Reason
from cleaner.io.urls import web_host

TEMPLATE = Reason(Origin.TEMPLATE, "")

#: A line counts as template when at least this many documents of its site carry it. Five: the
#: fewest pages on which a shared line is a pattern rather than a coincidence (two articles
#: quoting the same sentence, a shared byline); a site of fewer pages keeps everything.
DEFAULT_MIN_DOCS = 5
#: ... and when at least this share of the site's documents carry it. A half: menus and footers
#: are on nearly every page, a section's "Most read" box on most pages of a site sampled
#: across sections; an article line is on one page, or a handful of near copies.
DEFAULT_MIN_SHARE = 0.5

#: The site of documents that have no URL and lie directly in the input folder.
TOP_LEVEL_SITE = "."

#: An archived page's URL carries the original one ('https://web.archive.org/web/2019.../http://a.org/x'):
#: its site is the original's, or every archived page would be one site.
ARCHIVED_RE = re.compile(r"^/web/\d+[a-z_]*/(https?://.+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a recurring line is template: carried by at least min_docs and min_share of a site's documents."""

    min_docs: int = DEFAULT_MIN_DOCS
    min_share: float = DEFAULT_MIN_SHARE

    def cut(self, site_docs: int) -> int | None:
        """How many documents must carry a line for it to be template; None when the site is too small."""
        if site_docs < self.min_docs:
            return None
        return max(self.min_docs, _ceil(self.min_share * site_docs))


def _ceil(value: float) -> int:
    """The smallest integer not below value, exact for shares like 0.5 * 10."""
    whole = int(value)
    return whole if whole >= value - 1e-9 else whole + 1


def line_key(line: str) -> int:
    """A 63-bit key of a normalised line (fits an SQLite integer; collisions are negligible)."""
    digest = hashlib.blake2b(site_line(line).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def line_keys(doc: Document) -> tuple[list[int], list[int]]:
    """The sorted distinct keys of every line the document had before its lines were judged, and
    of its chrome: the lines its own stages removed and it kept nowhere."""
    kept: dict[int, bool] = {}
    for block in doc.blocks:
        if site_line(block.text):
            key = line_key(block.text)
            kept[key] = kept.get(key, False) or block.kept
    return sorted(kept), sorted(key for key, was_kept in kept.items() if not was_kept)


#: Two pages look alike (one site's, in one layout) when at least this share of their chrome lines
#: is common to both (Jaccard). A site's pages share most of their menu and footer lines; pages of
#: unrelated sites share a few generic ones ("Home", "Contact"). Simulated on dragnet-dev's dumps
#: (pages of a few dozen sites in one folder), 0.1, 0.2 and 0.3 group them within 0.002 of one
#: another by the figure; traf-dev's (one page per site) and CleanEval's form no group of five.
GROUP_MIN_SIMILARITY = 0.2
#: A chrome line already on this many groups' first pages names no one site ("Home", "Print"); it is
#: not followed to further candidates, so that grouping a large folder stays linear.
GROUP_KEY_MAX_LEADERS = 50


def group_pages(
    chrome: Iterable[tuple[str, frozenset[int]]], min_similarity: float = GROUP_MIN_SIMILARITY
) -> dict[str, str]:
    """Each page's group, named by its first page: in id order (`chrome` is sorted by page), a page
    joins the earlier group whose first page's chrome it most resembles, or starts a group.

    Only the groups' first pages are held, so a folder of 100,000 dumps is grouped in one pass. A
    page with no chrome starts its own group.
    """
    leaders: dict[str, tuple[int, frozenset[int]]] = {}  # first page -> (its group's number, its chrome)
    index: defaultdict[int, list[str]] = defaultdict(list)
    group: dict[str, str] = {}
    for page, lines in chrome:
        best = _most_alike(lines, leaders, index, min_similarity)
        if best is None:
            best, leaders[page] = page, (len(leaders), lines)
            for key in lines:
                if len(index[key]) < GROUP_KEY_MAX_LEADERS:
                    index[key].append(page)
        group[page] = best
    return group


def _most_alike(
    lines: frozenset[int],
    leaders: dict[str, tuple[int, frozenset[int]]],
    index: dict[int, list[str]],
    min_similarity: float,
) -> str | None:
    """The group first page whose chrome is most like `lines` (the earliest of equals), if alike enough."""
    shared: dict[str, int] = {}
    for key in lines:
        for leader in index.get(key, ()):
            shared[leader] = shared.get(leader, 0) + 1
    alike = []  # (similarity, -group number, first page): the most alike, then the earliest
    for leader, common in shared.items():
        order, chrome = leaders[leader]
        similarity = common / (len(lines) + len(chrome) - common)
        if similarity >= min_similarity:
            alike.append((similarity, -order, leader))
    return max(alike)[2] if alike else None


def group_name(site: str, first: str) -> str:
    """The name a group of a site's pages goes by in the report: the site and its first page."""
    return f"{site} (pages like {first})"


def keys_by_page(rows: Iterable[tuple[str, int]]) -> Iterator[tuple[str, frozenset[int]]]:
    """(page, key) rows sorted by page, as (page, its keys) pairs."""
    for page, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        yield page, frozenset(key for _, key in group)


def site_of(doc_id: str, url: str | None, source: str | None = None) -> str:
    """A document's site: its URL's host (without 'www.'), else its top-level folder under INPUT."""
    host = _host(url)
    if host:
        return host
    parts = PurePosixPath(source or doc_id.split("#", 1)[0]).parts
    return parts[0] if len(parts) > 1 else TOP_LEVEL_SITE


def _host(url: str | None) -> str | None:
    """The lower-case host of an http(s) URL, without a leading 'www.' (an archived page's: the
    original's); None for anything else."""
    host = web_host(url)
    if host is None:
        return None
    host = host.removeprefix("www.")
    archived = ARCHIVED_RE.match(urlsplit(url.strip()).path) if url and host == "web.archive.org" else None
    if archived:
        return _host(archived.group(1))
    return host or None


def set_hash(keys: Iterable[int]) -> str:
    """A short stable name of a template set: documents cleaned against another set are redone."""
    digest = hashlib.blake2b(digest_size=8)
    for key in sorted(keys):
        digest.update(key.to_bytes(8, "big"))
    return digest.hexdigest()


def remove_template_lines(doc: Document, keys: frozenset[int]) -> int:
    """Remove the kept lines whose key is in the site's template set; how many were removed."""
    removed = 0
    for block in doc.blocks:
        if block.kept and keys and line_key(block.text) in keys:
            block.removed = TEMPLATE
            removed += 1
    return removed
