r"""Cleaning pages held in memory: an iterable of records in, cleaned records out (no files, no state).

Each record is cleaned as `cleaner run` cleans a line of a JSONL file: `html` (else `text`) is the
page, `url` and `id` are read when given. What comes out has the fields of documents.jsonl.

>>> from cleaner import clean_records
>>> story = "The council met on Tuesday and agreed to build a new bridge over the river."
>>> pages = [
...     {"id": "a", "url": "https://example.org/a", "text": f"Bridge news\n\n{story}\n\nBack to top"},
...     {"id": "b", "text": ""},
... ]
>>> [(r["id"], r["url"], r["title"], r["kept_lines"], r["removed_lines"]) for r in clean_records(pages)]
[('a', 'https://example.org/a', 'Bridge news', 2, 1)]
>>> next(clean_records(pages))["text"] == f"Bridge news\n\n{story}"
True
>>> dropped = []
>>> list(clean_records(pages[1:], on_drop=lambda doc_id, why: dropped.append((doc_id, why))))
[]
>>> dropped
[('b', 'empty file')]
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from cleaner.batch.settings import Settings
from cleaner.core import pipeline
from cleaner.document import Document, Status
from cleaner.io.readers import JsonlFields, record_page
from cleaner.io.writers.jsonl import jsonl_record
from cleaner.rules.ruleset import RuleSet, load_rules

LOG = logging.getLogger(__name__)
#: The field names of `cleaner run`'s JSONL pages: url, html, text, id.
DEFAULT_FIELDS = JsonlFields()


class PageCleaner:
    """Cleans pages one at a time with one Settings and RuleSet (a variant per input format, made once)."""

    def __init__(self, settings: Settings | None = None, rules: RuleSet | None = None) -> None:
        self.settings = settings or Settings()
        self.rules = rules or load_rules(self.settings.all_rules_dirs)
        self._by_format: dict[str, Settings] = {}

    def clean(self, doc_id: str, data: bytes, url: str | None, input_format: str) -> Document:
        """Clean one page ('html', 'text', or 'auto': by the id's extension, else by sniffing)."""
        settings = self._by_format.get(input_format)
        if settings is None:
            settings = self._by_format[input_format] = dataclasses.replace(self.settings, input_format=input_format)
        doc = Document(doc_id, data, charset="utf-8", size=len(data), content_size=len(data))
        doc.url = url
        return pipeline.process(doc, settings.core, self.rules)


def clean_records(
    records: Iterable[Mapping[str, Any]],
    *,
    settings: Settings | None = None,
    rules: RuleSet | None = None,
    fields: JsonlFields = DEFAULT_FIELDS,
    on_drop: Callable[[str, str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield each kept record cleaned, with the fields of documents.jsonl, in the order given.

    A record is read as a JSONL line of `cleaner run` is (`fields` names its url, html, text and id
    fields; without an id it is its 1-based position). A record dropped or failed is not yielded:
    on_drop gets its id and why (by default the reason is logged).
    """
    cleaner = PageCleaner(settings, rules)
    used: set[str] = set()
    for part, record in enumerate(records, start=1):
        page = record_page(dict(record), part, fields, used)
        if page.error is not None:
            _dropped(on_drop, page.key, page.error)
            continue
        doc = cleaner.clean(page.key, page.data, page.url, page.input_format)
        if doc.status is Status.KEPT:
            yield jsonl_record(doc)
        else:
            _dropped(on_drop, doc.id, doc.reason or doc.status.value)


def _dropped(on_drop: Callable[[str, str], None] | None, doc_id: str, reason: str) -> None:
    """Tell the caller (or the log) that a record is not in the output, and why."""
    if on_drop is not None:
        on_drop(doc_id, reason)
    else:
        LOG.info("%s: %s", doc_id, reason)
