"""documents.tsv: one row per kept document (id, title, url, language, text), for spreadsheets and SQL.

The convention is a dialect of Python's csv module (TsvDialect): fields separated by a tab, no
quoting, and a tab, carriage return, newline or backslash inside a field preceded by a backslash;
rows end in CRLF; the first row names the columns; a missing title, url or language is empty.
What reads it back, exactly:

    csv.reader(open("OUT/documents.tsv", newline="", encoding="utf-8"), TsvDialect)
    pandas.read_csv("OUT/documents.tsv", sep="\\t", quoting=csv.QUOTE_NONE, escapechar="\\\\",
                    keep_default_na=False)
"""

from __future__ import annotations

import csv
import io
from typing import IO

from cleaner.io.writers.base import Context
from cleaner.io.writers.single import SingleFileWriter

COLUMNS = ("id", "title", "url", "language", "text")


class TsvDialect(csv.Dialect):
    """Tab-separated, backslash-escaped, never quoted. CRLF ends a row because the csv module
    escapes only the characters of the row terminator: with a bare LF a CR in a field would not be
    escaped, and a reader would take it for the end of the row."""

    delimiter = "\t"
    quoting = csv.QUOTE_NONE
    escapechar = "\\"
    quotechar = None
    doublequote = False
    lineterminator = "\r\n"
    skipinitialspace = False
    strict = True


class TsvWriter(SingleFileWriter):
    """OUTPUT/documents.tsv, written whole from the stored records."""

    name = "tsv"
    file_name = "documents.tsv"

    def render(self, f: IO[bytes], context: Context) -> None:
        """The header row, then one row per kept, non-duplicate document in id order."""
        text = io.TextIOWrapper(f, encoding="utf-8", newline="", write_through=True)
        try:
            rows = csv.writer(text, TsvDialect)
            rows.writerow(COLUMNS)
            for record in context.records():
                rows.writerow([record.id, record.title or "", record.url or "", record.language or "", record.text])
        finally:
            text.detach()  # f is the caller's to close
