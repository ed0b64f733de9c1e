"""Inputs and outputs: walking the input folder, reading files, output paths, atomic writes."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import re
import stat as stat_module
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import IO

from . import pipeline, sources
from .config import Settings
from .document import Document
from .io.guards import GuardTripped, Limits, guarded
from .rules import RuleSet
from .sources import SourceError, is_container, read_error
from .state import file_hash

SUPPORTED_EXTENSIONS = pipeline.HTML_EXTENSIONS + pipeline.TEXT_EXTENSIONS
#: Files whose extension says nothing are sniffed when --input-format is auto.
EXTENSIONLESS = ""
JSONL_NAME = "documents.jsonl"
#: The process's umask, read once (os.umask can only be read by setting it).
UMASK = os.umask(0o022)
os.umask(UMASK)
#: Bytes of a container file per task. Each part reads the whole file and cleans every parts-th
#: page: reading is cheap next to cleaning (a 64 MB part of a 1 GB WARC.gz means 16 reads of it,
#: about 5% of the cleaning time), and any container splits so, gzipped JSONL included.
CONTAINER_PART_BYTES = 64 * 1024 * 1024

#: What reading an input may raise: the file is recorded as failed, the batch goes on.
READ_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile)
#: The temporary files of atomic_writer: short whatever the output's name (a long name plus a
#: suffix would pass the file system's limit); tempfile adds 8 random characters.
TEMP_PREFIX = ".cleaner."
#: What sweep_temp_files removes: ours, and the '.NAME.XXXXXXXX.tmp' of earlier versions.
TEMP_PREFIX_RE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


@dataclass(frozen=True, slots=True)
class Input:
    """One input file (or one part of a large container): where it is and its id (relative POSIX path)."""

    path: Path
    id: str
    part: int = 0  # a container cleaned in `parts` tasks: this task cleans its pages n with n % parts == part
    parts: int = 1
    #: (size, mtime_ns) as discover found them, so that planning stats no file twice (None: stat it then).
    seen: tuple[int, int] | None = field(default=None, compare=False)

    def split(self, size: int) -> list[Input]:
        """The tasks for this input: a container of `size` bytes is cleaned in several parts, so that
        its pages spread over the workers and a task's results stay small; any other file is one."""
        if not is_container(self.id):
            return [self]
        parts = max(1, -(-size // CONTAINER_PART_BYTES))
        return [Input(self.path, self.id, n, parts, self.seen) for n in range(parts)]

    @property
    def task_id(self) -> str:
        """The id of a failure of this task as a whole: the file's, or a part's of it."""
        return self.id if self.parts == 1 else f"{self.id}#part-{self.part + 1}-of-{self.parts}"


def discover(
    root: Path, output_dir: Path, auto: bool, follow_symlinks: bool = False
) -> tuple[list[Input], Counter[str]]:
    """All input files under root, sorted by id, and counts of what was skipped and why.

    Only regular files are inputs: a FIFO, socket or device is skipped, never opened (reading one
    blocks). A symlink to a file outside root is skipped unless follow_symlinks; a symlinked
    folder is never followed; both are counted. A name that is not valid UTF-8 gets an escaped id.
    """
    inputs: list[Input] = []
    skipped: Counter[str] = Counter()
    bounds = _Bounds.of(root, output_dir, follow_symlinks)
    ids: set[str] = set()
    start = len(os.path.join(os.fspath(root), ""))
    # Strings, not Paths, until an input is found: pathlib's parsing cost more than the rest of a
    # no-op run's planning (100,000 files). Sorted by parts, as Paths sort.
    for path in sorted(map(os.fspath, _walk(root)), key=lambda p: p.split(os.sep)):
        parts = tuple(path[start:].split(os.sep))
        why, stat = _skip_reason(path, parts, bounds)
        if why == OWN_OUTPUT:
            continue  # our own output folder inside the input folder
        doc_id, name = _escaped("/".join(parts)), parts[-1]
        if why is None and not (
            _extension(name) in SUPPORTED_EXTENSIONS
            or is_container(name)
            or (auto and _extension(name) == EXTENSIONLESS)
        ):
            why = f"unsupported type {_escaped(_extension(name)) or '(none)'}"
        if why is None and doc_id in ids:  # 'caf\xe9.txt' in INPUT beside a file named caf<0xe9>.txt
            why = "its escaped name is another input's name"
        if why is not None:
            skipped[why] += 1
        else:
            ids.add(doc_id)
            seen = (stat.st_size, stat.st_mtime_ns) if stat is not None else None
            inputs.append(Input(Path(path), doc_id, seen=seen))
    return inputs, skipped


#: _skip_reason's answer for a path inside our own output folder (not counted: it is ours).
OWN_OUTPUT = "own output"

#: What the cleaner writes at the top of OUTPUT: an input whose output would be a folder of one of
#: these names (a folder report.html/, a top-level documents.jsonl of pages) is skipped;
#: report-pages/ holds the report's other pages (report_layout.PAGES_DIR).
OUTPUT_NAMES = frozenset({JSONL_NAME, "report.json", "report.html", "report-pages"})

#: The kinds of files that are not regular files, by stat's test, for the skipped counts.
SPECIAL_FILES = (
    (stat_module.S_ISFIFO, "FIFO"),
    (stat_module.S_ISSOCK, "socket"),
    (stat_module.S_ISCHR, "character device"),
    (stat_module.S_ISBLK, "block device"),
)


@dataclass(frozen=True, slots=True)
class _Bounds:
    """What discover checks every path against, worked out once: real paths as strings (a
    Path's parents, walked per file, cost more than the rest of a no-op run's planning)."""

    root: str  # INPUT, resolved
    out: str  # OUTPUT, resolved
    out_parts: tuple[str, ...] | None  # OUTPUT relative to INPUT, when it lies inside it
    follow_symlinks: bool

    @classmethod
    def of(cls, root: Path, output_dir: Path, follow_symlinks: bool) -> _Bounds:
        """The bounds of a walk of root whose outputs go to output_dir."""
        inside, out = root.resolve(), output_dir.resolve()
        parts = out.relative_to(inside).parts if out.is_relative_to(inside) and out != inside else None
        return cls(str(inside), str(out), parts, follow_symlinks)


def _within(path: str, folder: str) -> bool:
    """True if a real path is the folder or lies below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _skip_reason(path: str, parts: tuple[str, ...], bounds: _Bounds) -> tuple[str | None, os.stat_result | None]:
    """Why a path found below INPUT is not an input (None: it may be one, by its type), and the
    file's stat when it is a regular file (None: cleaning it records why it cannot be read)."""
    if any(part.startswith(".") for part in parts):
        return "hidden", None
    if bounds.out_parts is not None and parts[: len(bounds.out_parts)] == bounds.out_parts:
        return OWN_OUTPUT, None  # the walk follows no folder link, so this is where OUTPUT lies
    try:
        stat = os.lstat(path)
        if stat_module.S_ISLNK(stat.st_mode):
            resolved = os.path.realpath(path)
            if _within(resolved, bounds.out):
                return OWN_OUTPUT, None
            if os.path.isdir(path):
                return "symlinked folder (not followed)", None
            if not bounds.follow_symlinks and not _within(resolved, bounds.root):
                return "symlink to a file outside INPUT (see --follow-symlinks)", None
            stat = os.stat(path)
    except OSError:
        return None, None  # cleaning it records why it cannot be read (a broken link, permissions)
    for test, kind in SPECIAL_FILES:
        if test(stat.st_mode):
            return f"not a regular file ({kind})", None
    if not stat_module.S_ISREG(stat.st_mode):
        return "not a regular file", None
    if parts[0] in OUTPUT_NAMES and (len(parts) > 1 or is_container(parts[-1])):
        return f"named like an output of the cleaner ({parts[0]})", None
    return None, stat


def _walk(root: Path) -> Iterator[str]:
    """Every file below root, and every symlinked folder (never followed)."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            yield os.path.join(folder, name)
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                yield path


def escaped_id(rel: PurePath) -> str:
    """A relative path as a document id: POSIX separators, and a name that is not valid UTF-8
    shown with its bad bytes escaped ('caf\\xe9.txt'), so that ids, reports and outputs are UTF-8."""
    return _escaped(PurePosixPath(*rel.parts).as_posix() if rel.parts else "")


def _escaped(posix: str) -> str:
    """escaped_id of a path already in POSIX form."""
    return posix.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _extension(name: str) -> str:
    """The lower-case extension that decides the type, looking through a final .gz."""
    name = name.lower().removesuffix(".gz")
    return os.path.splitext(name)[1]


def output_paths(inputs: Iterable[Input]) -> dict[str, str]:
    """Each id's .txt path relative to OUTPUT, unique: 'a.html' -> 'a.txt' unless that collides.

    Colliding ids keep their full name ('a.html.txt'), then a counter if even that is taken;
    ids are assigned in sorted order, so the mapping does not depend on the walk order. A path
    that another output needs as a folder ('notes' -> 'notes.txt' beside 'notes.txt/a.txt', or a
    container's folder of pages) takes a counter too: a file can never stand where a folder must.
    """
    stems = {i.id: _strip_extension(i.id) + ".txt" for i in inputs if not is_container(i.id)}
    counts = Counter(stems.values())
    paths = {id_: path for id_, path in stems.items() if counts[path] == 1}
    used = set(paths.values())
    for id_ in sorted(set(stems) - set(paths)):
        path, n = id_ + ".txt", 1
        while path in used:
            path, n = f"{id_}.{n}.txt", n + 1
        paths[id_] = path
        used.add(path)
    fitted = {id_: fit_path(path) for id_, path in paths.items()}
    pages = [page_output(i.id, 0) for i in inputs if is_container(i.id)]
    folders = {folder for path in [*fitted.values(), *pages] for folder in _folders(path)}
    taken = set(fitted.values()) | folders
    for id_ in sorted(i for i, path in fitted.items() if path in folders):
        n = 1
        while (path := fit_path(f"{id_}.{n}.txt")) in taken:
            n += 1
        fitted[id_] = path
        taken.add(path)
    return fitted


#: The longest file name (bytes of UTF-8) the usual file systems take (ext4, XFS, tmpfs, APFS).
MAX_NAME_BYTES = 255
#: A longer output name keeps this many bytes of its start, then '~', a hash of the whole name
#: and its '.txt': still readable, stable from run to run, and well under the limit.
KEPT_NAME_BYTES = 200
NAME_HASH_CHARS = 16


def fit_path(rel: str) -> str:
    """An output path whose every name fits the file system: a name over MAX_NAME_BYTES becomes
    its start, '~' and a hash of it ('long...~1f2e3d4c5b6a7988.txt'); the report shows the result."""
    return "/".join(_fit_name(name) for name in rel.split("/"))


def _fit_name(name: str) -> str:
    """One file or folder name, shortened if it is too long (see fit_path)."""
    encoded = name.encode("utf-8")
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    suffix = ".txt" if name.endswith(".txt") else ""
    start = encoded[:KEPT_NAME_BYTES].decode("utf-8", "ignore")  # never half a character
    return f"{start}~{hashlib.sha256(encoded).hexdigest()[:NAME_HASH_CHARS]}{suffix}"


def _folders(path: str) -> Iterator[str]:
    """The folders a relative POSIX path needs: 'a/b/c.txt' -> 'a/b', 'a'."""
    end = path.rfind("/")
    while end > 0:
        yield path[:end]
        end = path.rfind("/", 0, end)


def page_output(source: str, part: int) -> str:
    """A container's page's .txt path relative to OUTPUT: 'dump/a.jsonl' line 3 -> 'dump/a.jsonl/3.txt'.

    No other input can claim that folder: 'dump/a.jsonl' is a file in INPUT.
    """
    return fit_path(f"{source}/{part}.txt")


def _strip_extension(doc_id: str) -> str:
    """'site/page.html.gz' -> 'site/page' (string operations: PurePosixPath's cost per file showed)."""
    path = doc_id.removesuffix(".gz").removesuffix(".GZ")
    folder, _, name = path.rpartition("/")
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:  # what PurePosixPath.suffix counts as one
        name = name[:dot]
    return f"{folder}/{name}" if folder else name


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
        pages = sources.read_pages(item.path, settings.jsonl_fields, settings.max_bytes)
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
            return pipeline.process(doc, settings, ruleset)
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


@contextlib.contextmanager
def atomic_writer(path: Path, durable: bool = True) -> Iterator[IO[bytes]]:
    """A file opened for writing that appears at `path` only when the block ends without error;
    durable: on disk before it appears (fsync), which views written again from the state skip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~UMASK)  # mkstemp makes files private; outputs are ordinary files
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep_temp_files(folder: Path) -> int:
    """Remove temporary files an interrupted run left behind (only ours: '.NAME.*.tmp')."""
    swept = 0
    for path in folder.rglob(".*.tmp"):
        if path.is_file() and TEMP_PREFIX_RE.match(path.name):
            path.unlink(missing_ok=True)
            swept += 1
    return swept


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a file so that readers see the old content or the new, never a half-written one."""
    with atomic_writer(path, durable) as f:
        f.write(data)


def jsonl_record(doc: Document) -> dict:
    """The documents.jsonl object for one kept document (a contract with external scorers)."""
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "url": doc.url,
        "date": doc.date,
        "language": doc.language,
        "language_score": doc.language_score,
        "encoding": doc.decoding.encoding if doc.decoding else None,
        "kept_lines": doc.kept_lines,
        "removed_lines": len(doc.removals),
    }
