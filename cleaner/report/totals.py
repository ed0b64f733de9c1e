"""Per-document report records and the run totals summed from them (sums merge: a + b)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cleaner.document import Document, Status


@dataclass(frozen=True, slots=True)
class Record:
    """What happened to one input file: the report's unit, one per file."""

    id: str
    status: str
    reason: str | None
    input_format: str
    encoding: str | None
    encoding_method: str | None
    repairs: tuple[str, ...]
    warnings: tuple[str, ...]
    language: str | None
    language_score: float | None
    title: str | None
    url: str | None
    date: str | None
    bytes_in: int
    bytes_out: int
    kept_lines: int
    removed_lines: int
    removed_elements: int  # HTML elements cut by selector rules before extraction
    removed_by_reason: dict[str, int]
    output: str | None
    site: str | None  # what its template lines are counted against (templates.site_of)
    chars_in: int = 0  # characters of all the text judged (Document.seen_chars): sizes are in characters
    chars_out: int = 0  # characters of the kept lines

    @classmethod
    def of(cls, doc: Document, bytes_out: int, output: str | None, site: str | None = None) -> Record:
        """The record of a processed document."""
        decoding = doc.decoding
        return cls(
            id=doc.id,
            status=doc.status.value,
            reason=doc.reason,
            input_format=doc.input_format,
            encoding=decoding.encoding if decoding else None,
            encoding_method=decoding.method if decoding else None,
            repairs=tuple(decoding.repairs) if decoding else (),
            warnings=tuple(decoding.warnings) if decoding else (),
            language=doc.language,
            language_score=doc.language_score,
            title=doc.title,
            url=doc.url,
            date=doc.date,
            bytes_in=doc.content_size or doc.size,
            bytes_out=bytes_out,
            kept_lines=doc.kept_lines if doc.status is Status.KEPT else 0,
            removed_lines=len(doc.removals) + len(doc.removed_elements),  # an element is a removed line too
            removed_elements=len(doc.removed_elements),
            removed_by_reason=dict(sorted(Counter(str(r.reason) for r in doc.removals + doc.removed_elements).items())),
            output=output,
            site=site,
            chars_in=doc.seen_chars,
            chars_out=doc.kept_chars if doc.status is Status.KEPT else 0,
        )


@dataclass(slots=True)
class Totals:
    """Run totals that merge: `a + b` adds counts, so partial runs combine."""

    files: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    bytes_out: int = 0
    chars_in: int = 0
    chars_out: int = 0
    kept_lines: int = 0
    removed_lines: int = 0
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, record: dict) -> Totals:
        """The totals of a single record (as stored: a dict of Record's fields)."""
        totals = cls()
        totals.add(record)
        return totals

    def add(self, record: dict) -> None:
        """Count one record in, in place (a new Totals per record was most of a no-op run's report)."""
        self.files += 1
        self.statuses[record["status"]] += 1
        self.bytes_in += record["bytes_in"]
        self.bytes_out += record["bytes_out"]
        self.chars_in += record.get("chars_in", 0)
        self.chars_out += record.get("chars_out", 0)
        self.kept_lines += record["kept_lines"]
        self.removed_lines += record["removed_lines"]
        self.removed_by_reason.update(record["removed_by_reason"])
        if record["status"] == Status.KEPT.value and record["language"]:
            self.languages[record["language"]] += 1
        if record["encoding"]:
            self.encodings[record["encoding"]] += 1

    def remove(self, record: dict) -> None:
        """Count one record out, in place (what add counted in); a count that reaches 0 goes, as if
        the record had never been added."""
        self.files -= 1
        _take(self.statuses, record["status"])
        self.bytes_in -= record["bytes_in"]
        self.bytes_out -= record["bytes_out"]
        self.chars_in -= record.get("chars_in", 0)
        self.chars_out -= record.get("chars_out", 0)
        self.kept_lines -= record["kept_lines"]
        self.removed_lines -= record["removed_lines"]
        for reason, n in record["removed_by_reason"].items():
            _take(self.removed_by_reason, reason, n)
        if record["status"] == Status.KEPT.value and record["language"]:
            _take(self.languages, record["language"])
        if record["encoding"]:
            _take(self.encodings, record["encoding"])

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            files=self.files + other.files,
            statuses=self.statuses + other.statuses,
            bytes_in=self.bytes_in + other.bytes_in,
            bytes_out=self.bytes_out + other.bytes_out,
            chars_in=self.chars_in + other.chars_in,
            chars_out=self.chars_out + other.chars_out,
            kept_lines=self.kept_lines + other.kept_lines,
            removed_lines=self.removed_lines + other.removed_lines,
            removed_by_reason=self.removed_by_reason + other.removed_by_reason,
            languages=self.languages + other.languages,
            encodings=self.encodings + other.encodings,
        )

    def as_raw(self) -> dict:
        """Every field as JSON data, as it is (of_raw gives this Totals back; as_dict is for reports)."""
        return {name: dict(value) if isinstance(value, Counter) else value for name, value in self._fields()}

    @classmethod
    def of_raw(cls, data: dict) -> Totals:
        """The Totals as_raw gave (a KeyError or TypeError if data is not that)."""
        totals = cls()
        for name, value in totals._fields():
            if isinstance(value, Counter):
                setattr(totals, name, Counter({str(k): int(n) for k, n in data[name].items()}))
            else:
                setattr(totals, name, int(data[name]))
        return totals

    def _fields(self) -> list[tuple[str, object]]:
        """Each field's name and value."""
        return [(name, getattr(self, name)) for name in self.__dataclass_fields__]

    def as_dict(self) -> dict:
        """A JSON-ready dict, counters sorted for byte-identical reports."""
        out: dict = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, Counter):
                value = dict(sorted(value.items(), key=lambda kv: (-kv[1], kv[0])))
            out[name] = value
        for status in Status:
            out["statuses"].setdefault(status.value, 0)
        return out


def _take(counter: Counter[str], key: str, n: int = 1) -> None:
    """Take n off a count, dropping the key at 0 (Totals.remove)."""
    counter[key] -= n
    if counter[key] <= 0:
        del counter[key]
