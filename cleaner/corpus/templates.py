"""Site templates: lines that recur across the pages of one site are chrome (menus, footers,
"Related articles" blocks), whatever they say.

Two passes, so the result depends on neither file order nor worker count. Pass one (in the
workers) gives each cleaned document its site and the keys of its distinct normalised lines;
the state database counts, per site, how many documents carry each key. Pass two (after every
document is cleaned) takes a site's template set from those counts and removes the matching
kept lines with reason `template`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
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


def document_keys(doc: Document) -> list[int]:
    """The sorted distinct keys of every line the document had before its lines were judged."""
    return sorted({line_key(b.text) for b in doc.blocks if site_line(b.text)})


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
