"""What every page of the HTML report shares: where pages live, the page frame, tables, names.

Everything that comes from a document (its text, id, title, url, a site or rule name) is hostile
input: it is escaped here or by the caller with html.escape, and never put in a script.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence

#: The report's pages beside report.html (a name no input folder is likely to mirror).
PAGES_DIR = "report-pages"
#: Document pages (one per document, written in pass two), lists (paged), site template pages.
DOC_DIR, LIST_DIR, SITE_DIR = "doc", "list", "site"
FRONT = "report.html"
#: The style and the filtering script the pages beside report.html share (report_index writes them).
STYLE_FILE, SCRIPT_FILE = f"{PAGES_DIR}/report.css", f"{PAGES_DIR}/filter.js"
#: A file name's readable part keeps this many characters; a hash of the whole value follows.
NAME_CHARS = 48

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(value: str) -> str:
    """A file-name-safe, collision-free name for any string (an id, a reason, a site)."""
    readable = _UNSAFE.sub("_", value)[-NAME_CHARS:].strip("._") or "x"
    return f"{readable}-{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def doc_page(doc_id: str) -> str:
    """A document's page, relative to OUTPUT: in one of 256 folders by its hash (file creation in
    a folder of 100,000 files is twice as slow as in folders of 400)."""
    name = slug(doc_id)
    return f"{PAGES_DIR}/{DOC_DIR}/{name[-2:]}/{name}.html"


def reason_anchor(reason: str) -> str:
    """The id, on a document's page, of the first line a reason removed (lists link straight to it)."""
    return f"why-{slug(reason)}"


def list_page(kind: str, value: str, number: int = 1) -> str:
    """Page `number` of the documents list of one filter value (kind: all, status, language, site,
    reason), relative to OUTPUT."""
    name = "all" if kind == "all" else f"{kind}-{slug(value)}"
    return f"{PAGES_DIR}/{LIST_DIR}/{name}-{number:04d}.html"


def site_page(site: str) -> str:
    """A site's template lines page, relative to OUTPUT."""
    return f"{PAGES_DIR}/{SITE_DIR}/{slug(site)}.html"


def href(target: str, here: str) -> str:
    """A link from the page at `here` to `target`, both relative to OUTPUT, escaped for an attribute."""
    depth = here.count("/")
    return html.escape("../" * depth + target, quote=True)


def esc(value: object) -> str:
    """Any value as escaped HTML text."""
    return html.escape("" if value is None else str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], header: bool = True, cls: str = "") -> str:
    """An HTML table with escaped cells."""
    head = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{f' class={cls!r}' if cls else ''}>{head}{body}</table>"


def share(part: int, whole: int) -> str:
    """A kept share as a percentage ('' when there was nothing to keep)."""
    return f"{part / whole:.0%}" if whole else ""


def page(title: str, body: str, here: str, script: str = "") -> str:
    """A whole page; a script only where it adds filtering. report.html carries its style and
    script inline (it stands alone); the many pages beside it share STYLE_FILE and SCRIPT_FILE."""
    if here == FRONT:
        style, nav, tail = f"<style>{CSS}</style>", "", f"<script>{script}</script>" if script else ""
    else:
        style = f'<link rel="stylesheet" href="{href(STYLE_FILE, here)}">'
        nav = f'<p class="meta"><a href="{href(FRONT, here)}">← report</a></p>'
        tail = f'<script src="{href(SCRIPT_FILE, here)}"></script>' if script else ""
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n{style}</head>\n<body><main>\n{nav}\n{body}\n</main>{tail}</body></html>\n"
    )


CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; } h2 { font-size: 18px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0; background: #fff; }
td, th { border: 1px solid #dde1e8; padding: 4px 10px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #1d2330; }
svg.chart rect { fill: #3f7cc2; }
.charts { display: flex; flex-wrap: wrap; gap: 16px 32px; }
.charts figure { margin: 0; } .charts figcaption { font-weight: 600; margin-bottom: 4px; }
.meta { color: #5b6475; }
table.facts { font-size: 13px; } table.facts td { padding: 2px 10px; }
#docs { font-size: 13px; width: 100%; } #docs th, #docs td { white-space: nowrap; overflow-wrap: normal; }
#docs td:first-child, #docs td:nth-child(2), #docs td:last-child { white-space: normal; overflow-wrap: anywhere; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin: 8px 0; }
.filters label { display: flex; flex-direction: column; font-size: 13px; color: #5b6475; }
.filters select, .filters input { font: inherit; max-width: 260px; }
.facets { font-size: 13px; } .facets a { margin-right: 10px; white-space: nowrap; }
.text p { margin: 2px 0; padding: 2px 8px; border-left: 3px solid #3fa34d; background: #fff; white-space: pre-wrap; }
.text p.removed { border-left-color: #c2413f; background: #fbf1f1; color: #6b4a4a; }
.text del { text-decoration-thickness: 1px; }
.text .line { color: #8a93a3; font-size: 12px; margin-right: 8px; user-select: none; }
a.why, span.why { font-size: 12px; margin-left: 8px; padding: 0 6px; border-radius: 8px; background: #f3dede;
  color: #8a2020; text-decoration: none; white-space: nowrap; }
.score { font-size: 12px; color: #5b6475; margin-left: 8px; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
"""
