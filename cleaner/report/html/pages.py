"""One page per document: its kept lines as they are, every removed line or part struck through in
place with its reason, the HTML elements cut before extraction, and its metadata.

Written in pass two from the stored record (batch._Recorder.write), so an incremental run writes
pages only for the documents it cleaned again or whose site's template lines changed.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from urllib.parse import quote

from cleaner.document import Document, Reason, Removal
from cleaner.io.atomic import write_atomic
from cleaner.report.html.layout import (
    DOC_DIR,
    PAGES_DIR,
    doc_page,
    esc,
    href,
    list_page,
    page,
    reason_anchor,
    share,
    table,
)


def write_document_page(out: Path, input_dir: Path, doc: Document, record: dict) -> None:
    """Write (atomically) the page of one document as pass two leaves it."""
    here = doc_page(doc.id)
    raw = _raw_href(out, input_dir, doc.source or doc.id)
    write_atomic(out / here, render_document(doc, record, here, raw).encode("utf-8"), durable=False)


def document_pages(out: Path) -> set[str]:
    """The document pages there are in OUTPUT (relative to it)."""
    folder, found = out / PAGES_DIR / DOC_DIR, set[str]()
    for shard in sorted(folder.iterdir()) if folder.is_dir() else ():
        if shard.is_dir():
            with os.scandir(shard) as entries:
                found.update(
                    f"{PAGES_DIR}/{DOC_DIR}/{shard.name}/{e.name}" for e in entries if e.name.endswith(".html")
                )
    return found


def sweep_document_pages(out: Path, current: set[str]) -> int:
    """Remove the pages of documents no longer in the corpus (`current`: their pages); how many."""
    gone = sorted(document_pages(out) - current)
    for rel in gone:
        (out / rel).unlink(missing_ok=True)
    return len(gone)


def render_document(doc: Document, record: dict, here: str, raw: str) -> str:
    """The document's page: its metadata, its lines (kept and removed) and its removed elements."""
    title = doc.title or doc.id
    seen: set[str] = set()  # the reasons shown so far: lists link to each one's first line
    lines = _lines(doc, here, seen)
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(doc.id)} · <a href="{esc(raw)}">raw input</a></p>',
        _metadata(doc, record),
        _elements(doc.removed_elements, here, seen),
        "<h2>Text</h2>",
        '<p class="meta">Kept lines as written; removed lines and parts <del>struck through</del>, with why.</p>',
        lines,
    ]
    return page(f"{title} · cleaner report", "\n".join(body), here)


def _metadata(doc: Document, record: dict) -> str:
    """The document's facts as a two-column table."""
    decoding = doc.decoding
    encoding = f"{decoding.encoding} ({decoding.method})" if decoding else ""
    score = f" ({doc.language_score:.2f})" if doc.language_score is not None else ""
    rows = [
        ("Status", doc.status.value + (f": {doc.reason}" if doc.reason else "")),
        ("Title", doc.title or ""),
        ("URL", doc.url or ""),
        ("Date", doc.date or ""),
        ("Author", doc.author or ""),
        ("Language", f"{doc.language or ''}{score}"),
        ("Format", doc.input_format),
        ("Encoding", encoding),
        ("Repairs", ", ".join(decoding.repairs) if decoding else ""),
        ("Warnings", ", ".join(decoding.warnings) if decoding else ""),
        ("Site", record.get("site") or ""),
        ("Characters judged / kept", f"{record['chars_in']:,} / {record['chars_out']:,}"),
        ("Kept share (characters)", share(record["chars_out"], record["chars_in"])),
        ("Lines kept / removed", f"{record['kept_lines']:,} / {record['removed_lines']:,}"),
        ("Bytes in", f"{record['bytes_in']:,}"),
    ]
    return table(["", ""], [(name, value) for name, value in rows if value], header=False, cls="facts")


def _why(reason: Reason, here: str, seen: set[str]) -> str:
    """A removal's reason, linking to the list of documents where it fired; its first one on the
    page is where those lists' links land."""
    name = str(reason)
    anchor = "" if name in seen else f' id="{reason_anchor(name)}"'
    seen.add(name)
    return f'<a class="why"{anchor} href="{href(list_page("reason", name), here)}">{esc(reason)}</a>'


def _elements(removed: list[Removal], here: str, seen: set[str]) -> str:
    """The HTML elements selector rules cut before extraction, as a collapsible list."""
    if not removed:
        return ""
    items = "".join(
        f"<li><del>{esc(r.text)}</del>{'…' if r.size > len(r.text) else ''} {_why(r.reason, here, seen)}"
        f' <span class="score">{r.size:,} characters</span></li>'
        for r in removed
    )
    return f"<details><summary>{len(removed):,} HTML elements removed</summary><ul>{items}</ul></details>"


def _lines(doc: Document, here: str, seen: set[str]) -> str:
    """Every line in order: kept, removed, or kept with parts of it cut."""
    parts: dict[int, list[Removal]] = {}
    for removal in doc.stripped:
        parts.setdefault(removal.line, []).append(removal)
    out = []
    for block in doc.blocks:
        line = f'<span class="line">{block.line}</span>'
        cut = "".join(f"<del>{esc(r.text)}</del>{_why(r.reason, here, seen)} " for r in parts.get(block.line, ()))
        verdict = doc.scores.get(block.line)
        score = f'<span class="score">model {verdict.score:.2f}</span>' if verdict is not None else ""
        if block.removed is None:
            text = f'<span class="t">{esc(block.text)}</span>'
            out.append(f'<p class="kept" id="l{block.line}">{line}{cut}{text}{score}</p>')
        else:
            # a line a cut emptied says its reason once, beside the cut part
            text = f"<del>{esc(block.text)}</del>{_why(block.removed, here, seen)}" if block.text or not cut else ""
            out.append(f'<p class="removed" id="l{block.line}">{line}{cut}{text}{score}</p>')
    return f'<div class="text">{"".join(out)}</div>' if out else "<p>No text.</p>"


def _raw_href(out: Path, input_dir: Path, source: str) -> str:
    """The raw input file, as a link relative to the document's page (so relative to OUTPUT)."""
    return quote(_way_to_input(out, input_dir) + source)


@functools.lru_cache(maxsize=4)
def _way_to_input(out: Path, input_dir: Path) -> str:
    """The relative way from a document page's folder to INPUT (every shard is as deep), worked
    out once per run: resolving paths costs system calls."""
    folder = (out / doc_page("x")).parent.resolve()
    return os.path.relpath(input_dir.resolve(), folder).replace(os.sep, "/") + "/"
