"""The kinds of input file, by name: HTML pages, plain-text dumps and containers of many pages.

The one place that decides what a file is: discovery, the pipeline's input format and the readers
all ask here."""

from __future__ import annotations

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
TEXT_EXTENSIONS = (".txt", ".text", ".md")
SUPPORTED_EXTENSIONS = HTML_EXTENSIONS + TEXT_EXTENSIONS
#: Files whose extension says nothing are sniffed when --input-format is auto.
EXTENSIONLESS = ""
CONTAINER_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".warc", ".warc.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")


def is_container(name: str) -> bool:
    """True if a file name (case-insensitive) is a JSONL or WARC file of pages."""
    return name.lower().endswith(CONTAINER_SUFFIXES)
