"""Writing the reports: report.json (every record, streamed), report.html and its lists and pages.

Also the run types the batch hands them: its plan, its history rows and the site templates."""

from __future__ import annotations

import json
import mmap
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from cleaner.identity import __version__
from cleaner.io.atomic import atomic_writer, write_atomic, write_if_changed
from cleaner.report.html.home import Front, Summary, render_html
from cleaner.report.html.index import (
    SEARCH_INDEX,
    Entry,
    Lists,
    PagesOf,
    site_page_html,
    write_lists,
    write_site_pages,
)
from cleaner.report.html.layout import LIST_DIR, PAGES_DIR, SCRIPT_FILE, SITE_DIR, STYLE_FILE, site_page
from cleaner.report.html.pages import sweep_document_pages
from cleaner.report.html.paging import (
    ALL,
    Between,
    Paging,
    filed_alike,
    page_rows,
    patch_search_index,
    rewrite_pages,
    touched_pages,
)
from cleaner.rules.formats.ftr import Skips


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """A site's template set: its documents, the set's hash, its keys and (count, example) lines."""

    site: str
    documents: int
    hash: str
    keys: frozenset[int]
    lines: list[tuple[int, str]]


@dataclass(slots=True)
class Plan:
    """What a run has to do: input files to clean (new or changed), to keep, and to forget."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def todo(self) -> set[str]:
        """The ids that must be cleaned in this run."""
        return set(self.new) | set(self.changed)


@dataclass(frozen=True, slots=True)
class RunStats:
    """One row of the run history."""

    started: str
    seconds: float
    new: int
    changed: int
    unchanged: int
    removed: int
    failed: int
    bytes_in: int
    bytes_out: int
    interrupted: bool
    chars_in: int = 0  # characters, what the kept share is measured in (0: a run before they were counted)
    chars_out: int = 0


@dataclass(frozen=True, slots=True)
class Reuse:
    """What the reports written for one set of records leave to a later run with the same records
    (the same `key`): the summary, the front page's part of the lists, where report.json's document
    part begins, and what to check before using them (report.json's size, mtime and inode, the
    number of list and site pages there are), and the lists' paging (a patch renders a few of their pages)."""

    key: str
    summary: Summary
    front: Front
    json_at: int
    json_stat: tuple[int, int, int]
    pages: int
    paging: Paging

    def as_json(self) -> str:
        """The JSON the state keeps (of_json reads it back)."""
        data = {"summary": self.summary.as_dict(), "front": self.front.as_dict(), "json_at": self.json_at}
        data |= {"json_stat": list(self.json_stat), "pages": self.pages, "paging": self.paging.as_json()}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def of_json(cls, key: str, text: str) -> Reuse | None:
        """What as_json gave, under its key; None if it cannot be read (the reports are then written whole)."""
        try:
            data = json.loads(text)
            size, mtime_ns, inode = (int(n) for n in data["json_stat"])
            summary, front = Summary.of_dict(data["summary"]), Front.of_dict(data["front"])
            paging = Paging.of_json(data["paging"])
            return cls(key, summary, front, int(data["json_at"]), (size, mtime_ns, inode), int(data["pages"]), paging)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def holds(self, folder: Path, key: str) -> bool:
        """True if these are the reports in folder, written for `key`, and still whole there."""
        return self.key == key and _json_stat(folder) == self.json_stat and _pages(folder) == self.pages


@dataclass(frozen=True, slots=True)
class Gathered:
    """What the reports show of every record: the summary and the lists, gathered in one pass."""

    summary: Summary
    lists: Lists


@dataclass(frozen=True, slots=True)
class Patch:
    """Records changed in place since the last reports (each one's entry then and now: the same
    document under the same filter values, so every list keeps its members and page breaks; its
    title may change) and the summary after them: the reports are then patched, not written whole."""

    summary: Summary
    changes: list[tuple[Entry, Entry]]
    between: Between  # the state's entries over a range of ids (a list page's rows)

    @classmethod
    def of(cls, last: Summary, changes: list[tuple[Entry | None, Entry | None]], between: Between) -> Patch | None:
        """The patch of these changes to reports with summary `last`; None if one added or removed
        a record or changed what its row is filed under, or the summary cannot be worked out."""
        in_place = [(then, now) for then, now in changes if then is not None and now is not None]
        if len(in_place) != len(changes) or not all(filed_alike(then, now) for then, now in in_place):
            return None
        summary = last.updated([(then.record, now.record) for then, now in in_place])
        return cls(summary, in_place, between) if summary is not None else None


def gather(entries: Iterable[Entry]) -> Gathered:
    """The Summary and the Lists of the entries, in one pass over them."""
    lists = Lists()

    def records() -> Iterator[dict]:
        for entry in entries:
            lists.add(entry)
            yield entry.record

    return Gathered(Summary.of(records()), lists)


def write_reports(
    folder: Path,
    settings: dict,
    entries: Callable[[], Iterable[Entry]],
    plan: Plan,
    skipped: dict[str, int],
    history: list[RunStats],
    duplicates: dict[str, list[str]] | None = None,
    site_templates: list[SiteTemplate] | None = None,
    gathered: Gathered | None = None,
    pages_of: PagesOf | None = None,
    key: str = "",
    reuse: Reuse | None = None,
    site_skips: Skips | None = None,
    patch: Patch | None = None,
) -> Reuse:
    """Write report.json, report.html and its lists and site pages, atomically, streaming the
    records from the state; remove the pages of documents that are gone (document pages
    themselves are written in pass two, report_pages.write_document_page). Returns what a later
    run with the same records (the same `key`) may reuse.

    Pass what gather() gave when the caller already has it, to spare a pass over the entries;
    pages_of gives the documents that carry a template line (State.pages_with_line); site_skips,
    what the Full-Text RSS site files of the corpus's hosts could not use. With a
    `reuse` that holds for this folder and key, only what carries the run (report.json's head
    and report.html) is written again: the records' part of report.json is copied from the file,
    with a `patch`'s records replaced, and the list pages they are on rendered again.
    """
    templates = site_templates or []
    splices = _splices(folder, reuse, key, patch)
    if reuse is not None and splices is not None:
        summary = patch.summary if patch is not None else reuse.summary
        head = _head(settings, plan, summary, skipped, site_skips, history, duplicates, templates)
        front, pages, paging = reuse.front, reuse.pages, reuse.paging
        if patch is not None:  # before report.json: a run killed in between patches them again
            front = _patch_lists(folder, reuse, patch, templates, pages_of or _no_pages)
        json_at = _write_json(folder / "report.json", head, entries, reuse, splices)
    else:
        gathered = gathered or gather(entries())
        summary = gathered.summary
        head = _head(settings, plan, summary, skipped, site_skips, history, duplicates, templates)
        json_at = _write_json(folder / "report.json", head, entries, None)
        front, pages, paging = _write_lists(folder, gathered.lists, templates, pages_of or _no_pages)
    write_atomic(folder / "report.html", render_html(head, summary, front).encode("utf-8"))
    return Reuse(key, summary, front, json_at, _json_stat(folder), pages, paging)


def _write_lists(
    folder: Path, lists: Lists, site_templates: list[SiteTemplate], pages_of: PagesOf
) -> tuple[Front, int, Paging]:
    """Write the lists and the site pages, remove the pages of documents that are gone; the front
    page's part of the lists, the number of list and site pages, and the lists' paging."""
    pages = write_lists(folder, lists)
    pages += write_site_pages(folder, [(t.site, t.documents, t.lines) for t in site_templates], pages_of)
    sweep_document_pages(folder, {page for _, _, page in lists.search})
    paging = Paging.of(lists)
    return Front.of_lists(lists, paging), pages, paging


def _patch_lists(
    folder: Path, reuse: Reuse, patch: Patch, site_templates: list[SiteTemplate], pages_of: PagesOf
) -> Front:
    """Render again the list pages the changed rows are on and their sites' template pages (which
    list the documents carrying each line); the front page's part of the lists."""
    paging = reuse.paging
    pages = touched_pages(paging, [now for _, now in patch.changes])
    rewrite_pages(folder, paging, pages, patch.between)
    patch_search_index(folder, patch.changes, patch.between)
    sites = {now.record.get("site") for _, now in patch.changes}
    for t in site_templates:
        if t.site in sites:
            write_if_changed(folder / site_page(t.site), site_page_html(t.site, t.documents, t.lines, pages_of))
    if (ALL, 0) not in pages:
        return reuse.front
    return Front.of(page_rows(paging, ALL, 0, patch.between), paging)


def _splices(folder: Path, reuse: Reuse | None, key: str, patch: Patch | None) -> list[tuple[int, int, bytes]] | None:
    """How the records' part of the last report.json becomes this run's, when `reuse` holds for
    it: where each changed record's JSON lies in it and its JSON now (none without a patch).
    None if the reports are to be written whole: no reuse, or a changed record is not found."""
    if reuse is None or not reuse.holds(folder, key):
        return None
    spliced: list[tuple[int, int, bytes]] = []
    if patch is None:
        return spliced
    with open(folder / "report.json", "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = reuse.json_at
        for then, now in patch.changes:  # in id order, as the records are
            old = b"\n  " + then.text.encode()
            found = data.find(old, at)
            at = found + len(old)
            if found < 0 or data[at : at + 1] not in (b",", b"\n"):  # a whole record, not a prefix of one
                return None
            spliced.append((found + 3, at, now.text.encode()))
    return spliced


def _head(
    settings: dict,
    plan: Plan,
    summary: Summary,
    skipped: dict[str, int],
    site_skips: Skips | None,
    history: list[RunStats],
    duplicates: dict[str, list[str]] | None,
    site_templates: list[SiteTemplate],
) -> dict:
    """Everything in report.json before the records."""
    return {
        "cleaner_version": __version__,
        "settings": settings,
        "run": {
            "new": len(plan.new),
            "changed": len(plan.changed),
            "unchanged": len(plan.unchanged),
            "removed": len(plan.removed),
        },
        "totals": summary.totals.as_dict(),
        "skipped": skipped,
        "site_configs_skipped": _site_skips(site_skips or Skips()),
        "history": [asdict(h) for h in history],
        "duplicates": duplicates or {},
        "templates": {
            t.site: {"documents": t.documents, "lines": [{"text": text, "documents": n} for n, text in t.lines]}
            for t in site_templates
        },
    }


def _write_json(
    path: Path,
    head: dict,
    entries: Callable[[], Iterable[Entry]],
    reuse: Reuse | None,
    splices: list[tuple[int, int, bytes]] | None = None,
) -> int:
    """Write report.json: the head, then the records (their JSON as the entries hold it, streamed,
    or copied from the file `reuse` holds, with `splices`' byte ranges replaced); where the
    records' part begins."""
    start = json.dumps(head, ensure_ascii=False, indent=1)[:-2].encode() + b',\n "documents": ['
    with atomic_writer(path) as f:
        f.write(start)
        if reuse is not None:
            with open(path, "rb") as before:
                at = reuse.json_at
                for begin, end, text in splices or []:
                    _copy(before, f, at, begin - at)
                    f.write(text)
                    at = end
                before.seek(at)
                shutil.copyfileobj(before, f, COPY_CHUNK)
        else:
            for n, entry in enumerate(entries()):
                f.write((",\n  " if n else "\n  ").encode() + entry.text.encode())
            f.write(b"\n ]\n}\n")
    return len(start)


def _copy(source: IO[bytes], target: IO[bytes], at: int, size: int) -> None:
    """Copy `size` bytes of source from offset `at` to target."""
    source.seek(at)
    while size > 0:
        chunk = source.read(min(size, COPY_CHUNK))
        if not chunk:
            raise OSError(f"{source.name} ended before its records did")
        target.write(chunk)
        size -= len(chunk)


#: Bytes copied at a time from the last report.json (its records' part, tens of MB at 100,000 documents).
COPY_CHUNK = 1 << 20


def _json_stat(folder: Path) -> tuple[int, int, int]:
    """report.json's size, mtime and inode (a file written again, by a run or by hand, differs); zeros if absent."""
    try:
        st = os.stat(folder / "report.json")
    except OSError:
        return 0, 0, 0
    return st.st_size, st.st_mtime_ns, st.st_ino


def _pages(folder: Path) -> int:
    """The number of list and site pages in folder, -1 if a file the lists share is missing."""
    if not all((folder / name).is_file() for name in (SEARCH_INDEX, STYLE_FILE, SCRIPT_FILE)):
        return -1
    return sum(_count_pages(folder / PAGES_DIR / sub) for sub in (LIST_DIR, SITE_DIR))


def _count_pages(folder: Path) -> int:
    """The .html files in a folder (0 if there is none)."""
    try:
        with os.scandir(folder) as entries:
            return sum(1 for entry in entries if entry.name.endswith(".html"))
    except OSError:
        return 0


def _site_skips(skips: Skips) -> dict:
    """The site files and lines skipped, counted and listed with the file, line, directive and why."""
    return {
        "files": len(skips.files),
        "lines": len(skips.lines),
        "skipped": [asdict(s) for s in (*skips.files, *skips.lines)],
    }


def _no_pages(site: str, line: str, limit: int) -> list[str]:
    """No documents known to carry a template line (a report written without the state)."""
    return []
