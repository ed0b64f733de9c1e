"""The typed document that flows through every stage: data and measures only, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Origin(enum.StrEnum):
    """Which part of the cleaner decided a removal; the prefix of every reason."""

    RULE = "rule"
    HEURISTIC = "heuristic"
    TITLE = "title"
    METADATA = "metadata"
    LANGUAGE = "language"
    INPUT = "input"
    TEMPLATE = "template"  # a line that recurs across the pages of one site
    MODEL = "model"  # the block model scored it below its threshold (the name is the score)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was removed: who decided (origin) and which rule or heuristic (name)."""

    origin: Origin
    name: str

    def __str__(self) -> str:
        return f"{self.origin.value}:{self.name}" if self.name else self.origin.value


class BlockKind(enum.StrEnum):
    """The shape of a block of text, as the segmenter saw it."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list-item"


@dataclass(slots=True)
class Block:
    """One line-level unit of text: a paragraph, a heading or a list item."""

    text: str
    line: int  # 1-based line number in the decoded (or extracted) text
    kind: BlockKind = BlockKind.PARAGRAPH
    indent: int = 0
    removed: Reason | None = None

    @property
    def kept(self) -> bool:
        """True while no stage has removed this block."""
        return self.removed is None


@dataclass(frozen=True, slots=True)
class LineHint:
    """What an HTML page's structure says about one line of the text extracted from it."""

    element: str | None  # the output tree's element: "head", "p", "item", "cell", "quote", "code"
    linked: float  # the share of the line that is the text of a link on the page


@dataclass(frozen=True, slots=True)
class BlockScore:
    """What the block model made of one line: its probability of being content, and its verdict."""

    score: float
    keep: bool
    strongest: tuple[str, ...] = ()  # the features that moved the score most ("traf=1 +1.20")


@dataclass(frozen=True, slots=True)
class Removal:
    """A line that was removed, with its line number and the reason."""

    line: int
    text: str
    reason: Reason
    chars: int = -1  # characters of the whole removed text when `text` is a preview; -1: len(text)

    @property
    def size(self) -> int:
        """Characters removed (the whole text, not its preview)."""
        return len(self.text) if self.chars < 0 else self.chars


@dataclass(slots=True)
class Decoding:
    """What the decoder did: the encoding, how it was chosen, and what was repaired."""

    encoding: str
    method: str  # "bom" | "transport" | "declared" | "utf-8" | "detected"
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Status(enum.StrEnum):
    """The outcome for one input."""

    KEPT = "kept"  # written to the clean corpus
    DROPPED = "dropped"  # read and cleaned, but not written (e.g. language filter, empty)
    FAILED = "failed"  # could not be processed (binary, unreadable, too large, ...)


@dataclass(slots=True)
class Document:
    """One input document and everything the stages learned about it."""

    id: str  # path relative to the input folder, POSIX separators; 'file.jsonl#key' in a container
    raw: bytes = b""
    source: str | None = None  # the container file (JSONL, WARC) this page came from, if any
    part: int | None = None  # its line (JSONL) or record (WARC) number in that container
    charset: str | None = None  # the encoding the container declares for it (HTTP header, JSON)
    size: int = 0  # bytes of the input file (raw is released once the document is cleaned)
    content_size: int = 0  # bytes of content read (a .gz decompressed), what the report counts
    mtime_ns: int = 0  # the input file's modification time when it was read
    sha256: str = ""  # hash of the input file's bytes as read ("" when not read: too large)
    input_format: str = "text"  # "html" | "text" (a container's page comes with it set)
    decoding: Decoding | None = None
    source_text: str = ""  # decoded text (text mode) or extracted text (HTML mode)
    blocks: list[Block] = field(default_factory=list)
    line_hints: dict[int, LineHint] = field(default_factory=dict)  # HTML only, by line number
    scores: dict[int, BlockScore] = field(default_factory=dict)  # HTML, block model only, by line number
    title: str | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None  # from a site config's `author` directive (HTML), else unknown
    language: str | None = None
    language_score: float | None = None
    stripped: list[Removal] = field(default_factory=list)  # parts cut from kept lines
    removed_elements: list[Removal] = field(default_factory=list)  # HTML elements cut by selectors
    status: Status = Status.KEPT
    reason: str | None = None  # why the document was dropped or failed
    # The URL host site configs were looked up for (HTML only). Not in the record: the state
    # keeps what the lookup gave (RuleSet.site_key) beside the document, to plan re-cleaning.
    rule_host: str | None = None

    @property
    def text(self) -> str:
        """The clean text: kept blocks, one per paragraph, separated by a blank line."""
        return "\n\n".join(b.text for b in self.blocks if b.kept)

    @property
    def removals(self) -> list[Removal]:
        """Every removed line or part of a line, in line order, with its reason."""
        whole = [Removal(b.line, b.text, b.removed) for b in self.blocks if b.removed is not None]
        return sorted(whole + self.stripped, key=lambda r: r.line)

    @property
    def kept_lines(self) -> int:
        """How many blocks survived."""
        return sum(1 for b in self.blocks if b.kept)

    @property
    def kept_chars(self) -> int:
        """Characters of the kept lines (not bytes: a Shift-JIS page is not 150% kept in UTF-8)."""
        return sum(len(b.text) for b in self.blocks if b.kept)

    @property
    def seen_chars(self) -> int:
        """Characters of all the text the cleaner judged: kept and removed lines, cut parts, elements."""
        removed = sum(len(b.text) for b in self.blocks if not b.kept)
        return self.kept_chars + removed + sum(r.size for r in self.stripped + self.removed_elements)

    def fail(self, reason: str) -> Document:
        """Mark the document as failed with a specific reason."""
        self.status, self.reason = Status.FAILED, reason
        return self

    def drop(self, reason: str) -> Document:
        """Mark the document as dropped (processed, not written) with a reason."""
        self.status, self.reason = Status.DROPPED, reason
        return self
