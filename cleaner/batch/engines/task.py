"""The task every engine runs on one input: clean it, fingerprint each kept text, key its lines.

Apart from base.py so that importing the batch does not import the pipeline (trafilatura, lxml,
langdetect: 0.4 s): a run with nothing to clean (a nightly no-op) never loads it; an engine
does, when it starts."""

from __future__ import annotations

from cleaner.batch.clean import clean_input, file_failure
from cleaner.batch.engines.base import Cleaned
from cleaner.batch.settings import Settings
from cleaner.corpus import dedup, templates
from cleaner.document import Status
from cleaner.io.discover import Input
from cleaner.rules.ruleset import RuleSet


def clean_and_fingerprint(item: Input, settings: Settings, ruleset: RuleSet) -> list[Cleaned]:
    """Clean one input file; fingerprint each kept text and key its lines (what every engine runs)."""
    near = settings.dedup == "near"
    return [
        Cleaned(
            doc,
            dedup.fingerprint(doc.text, signature=near) if doc.status is Status.KEPT else None,
            *templates.line_keys(doc),
        )
        for doc in clean_input(item, settings, ruleset)
    ]


def failed_input(item: Input, reason: str) -> list[Cleaned]:
    """A task that failed as a whole: one failed document under the file's id (or its part's)."""
    return [Cleaned(file_failure(item, item.task_id, reason), None, [])]
