r"""cleaner: turn raw web scrapes into a clean text corpus, with a reason for every removed line.

>>> from cleaner import clean
>>> page = b"Breaking news\n\nThe council met on Tuesday and agreed to build a new bridge over the river."
>>> doc = clean(page + b"\n\nBack to top")
>>> doc.text.splitlines()[-1]
'The council met on Tuesday and agreed to build a new bridge over the river.'
>>> [str(r.reason) for r in doc.removals]
['rule:default/back-to-top']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleaner.batch.settings import Settings
from cleaner.document import Document
from cleaner.identity import __version__
from cleaner.rules.ruleset import RuleError, RuleSet, load_rules

if TYPE_CHECKING:
    from cleaner.integrations.stream import clean_records


def __getattr__(name: str) -> object:
    """`cleaner.clean_records`, imported when first asked for (it brings the whole pipeline, which
    `import cleaner` and the command line's start-up need not wait for)."""
    if name == "clean_records":
        from cleaner.integrations.stream import clean_records

        return clean_records
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")


__all__ = ["Document", "RuleError", "RuleSet", "Settings", "__version__", "clean", "clean_records", "load_rules"]


def clean(
    data: bytes | str,
    doc_id: str = "document",
    input_format: str = "auto",
    rules: RuleSet | None = None,
    settings: Settings | None = None,
) -> Document:
    """Clean one document given as bytes or text; return it with text, metadata and removals.

    >>> body = "The new bridge opens on Monday. " * 8
    >>> doc = clean(f"<html><body><article><p>{body}</p></article></body></html>")
    >>> doc.input_format, doc.status.value, doc.text.startswith("The new bridge opens on Monday.")
    ('html', 'kept', True)
    """
    from cleaner.core.pipeline import process

    raw = data.encode("utf-8") if isinstance(data, str) else data
    doc = Document(doc_id, raw, size=len(raw))
    return process(doc, (settings or Settings(input_format=input_format)).core, rules or load_rules())
