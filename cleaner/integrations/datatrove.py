"""A datatrove pipeline step: `CleanStep` reads each Document.text as a raw page and replaces it with
the clean text; the documents the cleaner drops are dropped (counted by reason, and given to an
exclusion writer when there is one). Needs the optional extra: pip install 'cleaner[datatrove]'.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanStep

    LocalPipelineExecutor([JsonlReader("pages/"), CleanStep(input_format="html"), JsonlWriter("clean/")]).run()

Each document is cleaned on its own: the cross-document steps of `cleaner run` (site templates,
duplicates) are not applied here; datatrove has its own deduplication steps.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from cleaner.batch.settings import INPUT_FORMATS, ConfigError, Settings
from cleaner.document import Document as CleanDocument
from cleaner.document import Status
from cleaner.integrations.stream import PageCleaner

EXTRA = "datatrove"
try:
    from datatrove.data import Document
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.writers.disk_base import DiskWriter
except ImportError:  # the one line the user sees, not datatrove's own traceback
    raise ImportError(
        f"cleaner.integrations.datatrove needs the optional extra: pip install 'cleaner[{EXTRA}]'"
    ) from None


class CleanStep(BaseFilter):
    """Clean each document's text (raw HTML or a text dump); drop what the cleaner drops."""

    name = "🧹 cleaner"

    def __init__(
        self, input_format: str = "auto", settings: Settings | None = None, exclusion_writer: DiskWriter | None = None
    ) -> None:
        """input_format: 'html', 'text', or 'auto' (by the id's extension, else by sniffing the content)."""
        super().__init__(exclusion_writer)
        if input_format not in INPUT_FORMATS:
            raise ConfigError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
        self.input_format = input_format
        self.settings = settings or Settings()
        self._cleaner: PageCleaner | None = None  # the rules are loaded in the worker that runs the step

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        """Replace the text by the clean text and add the cleaner's metadata; or drop, with the reason."""
        if self._cleaner is None:
            self._cleaner = PageCleaner(self.settings)
        url = doc.metadata.get("url")
        cleaned = self._cleaner.clean(
            str(doc.id),
            doc.text.encode("utf-8", "replace"),
            url if isinstance(url, str) and url else None,
            self.input_format,
        )
        if cleaned.status is not Status.KEPT:
            doc.metadata["cleaner_reason"] = cleaned.reason
            return False, stat_reason(cleaned)
        doc.text = cleaned.text
        doc.metadata.update(metadata(cleaned))
        return True


def metadata(doc: CleanDocument) -> dict[str, Any]:
    """What a kept document adds to Document.metadata: title, url, date, language and its score,
    and its removed lines counted by reason."""
    return {
        "title": doc.title,
        "url": doc.url,
        "date": doc.date,
        "language": doc.language,
        "language_score": doc.language_score,
        "kept_lines": doc.kept_lines,
        "removed_lines": len(doc.removals),
        "removed_by_reason": dict(sorted(Counter(str(r.reason) for r in doc.removals).items())),
    }


def stat_reason(doc: CleanDocument) -> str:
    """The short reason a drop is counted under in datatrove's stats ('dropped_<reason>'): the
    reason without its details ('language:not-en', 'empty file'), or 'failed' for a failure."""
    if doc.status is Status.FAILED:
        return "failed"
    return (doc.reason or "dropped").split(": ", 1)[0]
