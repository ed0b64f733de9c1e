"""Cleaning one input: read the file (or each page of a container) and run the pipeline under its limits."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import zlib
from pathlib import Path

from cleaner.batch.settings import Settings
from cleaner.core import pipeline
from cleaner.document import Document
from cleaner.io.atomic import file_hash
from cleaner.io.discover import Input
from cleaner.io.guards import GuardTripped, Limits, guarded
from cleaner.io.readers import SourceError, is_container, read_error, read_pages
from cleaner.rules.ruleset import RuleSet

#: What reading an input may raise: the file is recorded as failed, the batch goes on.
READ_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile)


def read_input(path: Path, limit: int) -> tuple[bytes, str]:
    """The file's content (at most limit + 1 bytes of it) and the SHA-256 of the file's bytes.

    A .gz is decompressed transparently, and only as far as the limit: a gzip bomb stops there.
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.name.lower().endswith(".gz"):
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            data = f.read(limit + 1)  # one byte over the limit is enough to reject the file
    return data, digest


def clean_input(item: Input, settings: Settings, ruleset: RuleSet) -> list[Document]:
    """Read and clean one input file: one document, or one per page of a container."""
    if is_container(item.id):
        return clean_container(item, settings, ruleset)
    return [clean_file(item, settings, ruleset)]


def clean_file(item: Input, settings: Settings, ruleset: RuleSet) -> Document:
    """Read and clean one input; a read error becomes a failed document, not an exception."""
    doc = Document(item.id)
    try:
        stat = item.path.stat()
        doc.size, doc.mtime_ns = stat.st_size, stat.st_mtime_ns
        if doc.size > settings.max_bytes:  # (a .gz this large expands larger still)
            return doc.fail(pipeline.too_large(doc.size, settings.max_bytes))  # never read it whole
        doc.raw, doc.sha256 = read_input(item.path, settings.max_bytes)
        doc.content_size = len(doc.raw)
    except READ_ERRORS as exc:
        return doc.fail(read_error(exc))
    if len(doc.raw) > settings.max_bytes:  # a .gz that expands beyond the limit
        return doc.fail(pipeline.too_large(len(doc.raw), settings.max_bytes).replace("bytes", "bytes or more", 1))
    doc = process_guarded(doc, settings, ruleset)
    doc.raw = b""  # not needed any more; keep it out of the result sent back from the worker
    return doc


def clean_container(item: Input, settings: Settings, ruleset: RuleSet) -> list[Document]:
    """Clean every page of a JSONL or WARC file, each within the time limit.

    A file that cannot be read (or stops being readable half-way) adds one failed document
    under the file's own id; the pages read before that stay.
    """
    docs: list[Document] = []
    try:
        stat = item.path.stat()
        sha256 = file_hash(item.path)
        pages = read_pages(item.path, settings.jsonl_fields, settings.max_bytes)
        for n, page in enumerate(pages):
            if n % item.parts != item.part:
                continue  # another task's page
            doc = Document(f"{item.id}#{page.key}", page.data, source=item.id, part=page.part, charset=page.charset)
            doc.size, doc.mtime_ns, doc.sha256 = stat.st_size, stat.st_mtime_ns, sha256  # the file's, as planned
            doc.content_size, doc.url, doc.input_format = len(page.data), page.url, page.input_format
            docs.append(_clean_page(doc, page.error, page.dropped, settings, ruleset))
    except (*READ_ERRORS, SourceError) as exc:
        if item.part == 0:  # every part sees the damage; the first reports it
            docs.append(_source_failure(item, str(exc) if isinstance(exc, SourceError) else read_error(exc)))
    return docs


def _clean_page(
    doc: Document, error: str | None, dropped: str | None, settings: Settings, ruleset: RuleSet
) -> Document:
    """Clean one page of a container (or record why it could not be read)."""
    if error is not None:
        return doc.fail(error)
    if dropped is not None:
        return doc.drop(dropped)
    doc = process_guarded(doc, settings, ruleset)
    # A container holds thousands of pages, all sent back together: keep only what is stored.
    doc.raw, doc.source_text, doc.line_hints = b"", "", {}
    return doc


def process_guarded(doc: Document, settings: Settings, ruleset: RuleSet) -> Document:
    """pipeline.process within the per-document limits (--timeout, --max-memory), in any thread:
    a document over one is a failed document, and the worker goes on with the next."""
    limits, url = Limits(settings.timeout, settings.max_memory), doc.url
    try:
        with guarded(limits):
            return pipeline.process(doc, settings.core, ruleset)
    except GuardTripped as tripped:
        return _as_read(doc, url).fail(limits.reason(tripped))


def _as_read(doc: Document, url: str | None) -> Document:
    """A document as it was read, without what the stages had done when they were stopped (how
    far they got varies from run to run; the stored failure must not)."""
    fresh = Document(doc.id, source=doc.source, part=doc.part, charset=doc.charset, url=url)
    fresh.size, fresh.content_size, fresh.mtime_ns, fresh.sha256 = doc.size, doc.content_size, doc.mtime_ns, doc.sha256
    fresh.input_format = doc.input_format  # decided from the extension or the first bytes
    return fresh


def _source_failure(item: Input, reason: str) -> Document:
    """The failed document of a container file that could not be read (one, whatever its parts)."""
    return file_failure(item, item.id, reason)


def file_failure(item: Input, doc_id: str, reason: str) -> Document:
    """A failed document standing for a whole input file (or task), remembering the file as it is
    now, so that it is not retried every night until it changes."""
    doc = Document(doc_id, source=item.id if is_container(item.id) else None)
    with contextlib.suppress(OSError):
        stat = item.path.stat()
        doc.size, doc.mtime_ns, doc.sha256 = stat.st_size, stat.st_mtime_ns, file_hash(item.path)
    return doc.fail(reason)
