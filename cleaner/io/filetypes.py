"""The kinds of page file, by name: HTML pages and plain-text dumps.

Discovery and the pipeline's input format ask here. What a container of many pages is (JSONL,
WARC) is the readers' registry's to say (readers.is_container): the per-document core reads
these names but never a reader.
"""

from __future__ import annotations

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
TEXT_EXTENSIONS = (".txt", ".text", ".md")
SUPPORTED_EXTENSIONS = HTML_EXTENSIONS + TEXT_EXTENSIONS
#: Files whose extension says nothing are sniffed when --input-format is auto.
EXTENSIONLESS = ""
