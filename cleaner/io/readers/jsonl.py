"""JSONL and NDJSON containers: one JSON object per line, a url and an html or a text field.

Any of them may be gzipped (`.gz`). A page's `part` is its 1-based physical line number (blank
lines count). Its `key` is the record's own id field if it has a usable one (a str or int,
non-empty, not already taken by an earlier line of the file), else str(part); if even that is
taken (an earlier line had it as its own id), f"line-{part}" (then f"line-{part}-2", ...).
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.io.readers.base import DRAIN_CHUNK, JsonlFields, Page, SourceError, one_line, open_binary, read_error

#: JSON's names for the Python types json.loads returns, for messages about a line's value.
JSON_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}


class JsonlReader:
    """Pages of JSONL files, one per non-blank line."""

    name = "JSONL"
    suffixes = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")

    def read(self, path: Path, fields: JsonlFields, limit: int | None) -> Iterator[Page]:
        """The pages of a JSONL file; a line longer than `limit` is an error page, skipped in chunks
        (a .jsonl.gz line that expands to a gigabyte never is in memory whole)."""
        used: set[str] = set()
        for part, raw in enumerate(_lines(path, limit), start=1):
            if isinstance(raw, _LongLine):
                message = f"too large: {raw.size:,} bytes (limit {limit:,}; see --max-bytes)"
                yield _error_page(part, _unique_key(None, part, used), message)
            elif raw.strip():
                yield _jsonl_page(raw, part, fields, used)


@dataclass(frozen=True, slots=True)
class _LongLine:
    """A line longer than the limit, skipped unread: its size in bytes."""

    size: int


def _lines(path: Path, limit: int | None) -> Iterator[bytes | _LongLine]:
    """The file's lines as bytes (decompressed if gzipped), none longer than limit (a _LongLine
    instead); read errors become SourceError."""
    try:
        with open_binary(path) as f:
            while line := f.readline(-1 if limit is None else limit + 1):
                if limit is not None and len(line) > limit and not line.endswith(b"\n"):
                    yield _LongLine(len(line) + _skip_line(f))
                else:
                    yield line
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(read_error(exc)) from exc


def _skip_line(f: io.BufferedIOBase) -> int:
    """Read past the end of the current line in bounded chunks; the bytes skipped."""
    skipped = 0
    while chunk := f.readline(DRAIN_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            return skipped - 1
    return skipped


def _jsonl_page(raw: bytes, part: int, fields: JsonlFields, used: set[str]) -> Page:
    """The page on one JSONL line, or an error page saying what is wrong with the line."""
    try:
        value = json.loads(raw.decode("utf-8-sig" if part == 1 else "utf-8"))  # a BOM may open the file
    except UnicodeDecodeError:
        return _error_page(part, _unique_key(None, part, used), "not valid UTF-8")
    except json.JSONDecodeError as exc:
        return _error_page(part, _unique_key(None, part, used), f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return _error_page(part, _unique_key(None, part, used), "not valid JSON (nested too deeply)")
    except ValueError as exc:  # a number too long to convert (Python's int limit), after JSON parsing
        return _error_page(part, _unique_key(None, part, used), f"not readable JSON ({one_line(exc)})")
    if not isinstance(value, dict):
        return _error_page(part, _unique_key(None, part, used), f"not a JSON object but {_json_type(value)}")
    return record_page(value, part, fields, used)


def record_page(value: dict[str, Any], part: int, fields: JsonlFields, used: set[str]) -> Page:
    """The page of one parsed JSONL record (a JSONL line, or a dict given to cleaner.clean_records);
    `used` holds the keys taken so far, to which this one is added."""
    key = _unique_key(_own_id(value.get(fields.id)), part, used)
    url = value.get(fields.url)
    url = _utf8(url) if isinstance(url, str) and url else None
    content = _content(value, fields)
    if isinstance(content, str):
        return _error_page(part, key, content, url)
    input_format, text = content
    # "replace": a lone surrogate ("\ud800" in the JSON) cannot be UTF-8; it becomes "?", the rest stays
    return Page(part, key, url, text.encode("utf-8", "replace"), input_format, "utf-8")


def _content(record: dict[str, Any], fields: JsonlFields) -> tuple[str, str] | str:
    """(input format, content) of a record, or what is wrong with it: html wins when non-empty."""
    html, text = record.get(fields.html), record.get(fields.text)  # null counts as absent
    if isinstance(html, str) and html:
        return "html", html
    if html is not None and not isinstance(html, str):
        return f"{fields.html!r} is not a string"
    if text is not None:
        return ("text", text) if isinstance(text, str) else f"{fields.text!r} is not a string"
    if html is not None:
        return "html", html  # an empty page: the pipeline reports it as empty
    return f"no {fields.html!r} or {fields.text!r} field"


def _own_id(value: object) -> str | None:
    """A record's own id as a key, if it is usable: a non-empty str, or an int (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return _utf8(str(value)) or None


def _utf8(value: str) -> str:
    """A JSON string as valid UTF-8: a lone surrogate ("\\ud800" in the JSON) becomes "?"."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _unique_key(own: str | None, part: int, used: set[str]) -> str:
    """The first free key of: the own id, str(part), f"line-{part}", f"line-{part}-2", ..."""
    key = own if own and own not in used else str(part)
    n = 1
    while key in used:
        key = f"line-{part}" if n == 1 else f"line-{part}-{n}"
        n += 1
    used.add(key)
    return key


def _json_type(value: object) -> str:
    """JSON's name for the type of a parsed value, with its article ('an array')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _error_page(part: int, key: str, message: str, url: str | None = None) -> Page:
    """A line that could not be read: no content, and why, prefixed by its line number."""
    return Page(part, key, url, b"", "html", None, error=f"line {part}: {message}")
