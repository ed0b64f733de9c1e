"""Walking the input folder: which files are inputs, their ids, and the output path of each."""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath

from cleaner.io.filetypes import EXTENSIONLESS, SUPPORTED_EXTENSIONS
from cleaner.io.readers import is_container
from cleaner.io.writers import OUTPUT_FILES

#: Bytes of a container file per task. Each part reads the whole file and cleans every parts-th
#: page: reading is cheap next to cleaning (a 64 MB part of a 1 GB WARC.gz means 16 reads of it,
#: about 5% of the cleaning time), and any container splits so, gzipped JSONL included.
CONTAINER_PART_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs three times as much (one per file)
class Input:
    """One input file (or one part of a large container): where it is and its id (relative POSIX path)."""

    file: str | os.PathLike[str]  # where it is: a string from discover (a Path per file cost more than a stat)
    id: str
    part: int = 0  # a container cleaned in `parts` tasks: this task cleans its pages n with n % parts == part
    parts: int = 1
    #: (size, mtime_ns) as discover found them, so that planning stats no file twice (None: stat it then).
    seen: tuple[int, int] | None = field(default=None, compare=False)

    @property
    def path(self) -> Path:
        """Where the file is, as a Path (made when asked: only the files to clean need one)."""
        return Path(self.file)

    def split(self, size: int) -> list[Input]:
        """The tasks for this input: a container of `size` bytes is cleaned in several parts, so that
        its pages spread over the workers and a task's results stay small; any other file is one."""
        if not is_container(self.id):
            return [self]
        parts = max(1, -(-size // CONTAINER_PART_BYTES))
        return [Input(self.file, self.id, n, parts, self.seen) for n in range(parts)]

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
    # Strings and directory entries, not Paths: pathlib's parsing cost more than the rest of a
    # no-op run's planning (100,000 files). Sorted by names, as Paths sort, whatever the walk's
    # order (the walk's own order is that already: the sort only checks it).
    for found in sorted(_walk(os.fspath(root), bounds), key=_order):
        why, stat = _skip_reason(found, bounds)
        if why == OWN_OUTPUT:
            continue  # our own output folder inside the input folder
        doc_id, name = _escaped(found.rel), found.entry.name
        if why is None and not _supported(name, auto):
            why = f"unsupported type {_escaped(_extension(name)) or '(none)'}"
        if why is None and doc_id in ids:  # 'caf\xe9.txt' in INPUT beside a file named caf<0xe9>.txt
            why = "its escaped name is another input's name"
        if why is not None:
            skipped[why] += 1
        else:
            ids.add(doc_id)
            seen = (stat.st_size, stat.st_mtime_ns) if stat is not None else None
            inputs.append(Input(found.entry.path, doc_id, seen=seen))
    return inputs, skipped


#: The extensions of page files, as a set (asked once per input file).
SUPPORTED = frozenset(SUPPORTED_EXTENSIONS)


def _supported(name: str, auto: bool) -> bool:
    """True if a file name is of a type the cleaner reads (an extensionless one only when sniffing)."""
    extension = _extension(name)
    return extension in SUPPORTED or is_container(name) or (auto and extension == EXTENSIONLESS)


#: _skip_reason's answer for a path inside our own output folder (not counted: it is ours).
OWN_OUTPUT = "own output"


#: What the cleaner writes at the top of OUTPUT: an input whose output would be a folder of one of
#: these names (a folder report.html/, a top-level documents.jsonl of pages) is skipped;
#: report-pages/ holds the report's other pages (report_layout.PAGES_DIR).
OUTPUT_NAMES = OUTPUT_FILES | {"report.json", "report.html", "report-pages"}


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
    out_rel: str | None  # OUTPUT relative to INPUT ('/'-separated), when it lies inside it
    follow_symlinks: bool

    @classmethod
    def of(cls, root: Path, output_dir: Path, follow_symlinks: bool) -> _Bounds:
        """The bounds of a walk of root whose outputs go to output_dir."""
        inside, out = root.resolve(), output_dir.resolve()
        rel = "/".join(out.relative_to(inside).parts) if out.is_relative_to(inside) and out != inside else None
        return cls(str(inside), str(out), rel, follow_symlinks)


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs three times as much (one per file)
class _Found:
    """A file (or a link, or a special file) the walk found below INPUT."""

    entry: os.DirEntry[str]  # its directory entry: its path, name and (cached) lstat
    rel: str  # its path relative to INPUT, '/'-separated, not escaped yet
    top: str  # the first name of rel
    hidden: bool  # its name, or a folder's it lies in, begins with a dot


def _within(path: str, folder: str) -> bool:
    """True if a real path is the folder or lies below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _skip_reason(found: _Found, bounds: _Bounds) -> tuple[str | None, os.stat_result | None]:
    """Why a path found below INPUT is not an input (None: it may be one, by its type), and the
    file's stat when it is a regular file (None: cleaning it records why it cannot be read)."""
    if found.hidden:
        return "hidden", None
    try:
        stat = found.entry.stat(follow_symlinks=False)  # the walk's entry: one lstat, no path parsing
        if stat_module.S_ISLNK(stat.st_mode):
            path = found.entry.path
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
    if found.top in OUTPUT_NAMES and ("/" in found.rel or is_container(found.entry.name)):
        return f"named like an output of the cleaner ({found.top})", None
    return None, stat


def _walk(root: str, bounds: _Bounds) -> Iterator[_Found]:
    """Every file below root, and every symlinked folder (never followed), in path order (by
    names, folder by folder, as sorted Paths go); our own output folder is not entered (unless
    hidden: its files count as hidden). A stack, not recursion: a deep tree cannot overflow it."""
    stack = [(_entries(root), "", "", False)]
    while stack:
        entries, prefix, top, hidden = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        rel, hidden_here = prefix + entry.name, hidden or entry.name.startswith(".")
        if not _is_folder(entry):
            yield _Found(entry, rel, top or entry.name, hidden_here)
        elif hidden_here or rel != bounds.out_rel:
            stack.append((_entries(entry.path), rel + "/", top or entry.name, hidden_here))


def _entries(folder: str) -> Iterator[os.DirEntry[str]]:
    """A folder's entries sorted by name (none if it cannot be read, as os.walk skips it)."""
    try:
        with os.scandir(folder) as entries:
            return iter(sorted(entries, key=_name))
    except OSError:
        return iter(())


def _order(found: _Found) -> str:
    """The order of inputs: by their paths' names, as Paths sort (a '/' made the lowest character,
    which no name holds, gives the order of the lists of names without making a list per file)."""
    return found.rel.replace("/", "\0")


def _name(entry: os.DirEntry[str]) -> str:
    """An entry's name (the sort key of a folder's entries)."""
    return entry.name


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """True for a real folder, not a link to one (whose type comes with the entry: no stat)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def escaped_id(rel: PurePath) -> str:
    """A relative path as a document id: POSIX separators, and a name that is not valid UTF-8
    shown with its bad bytes escaped ('caf\\xe9.txt'), so that ids, reports and outputs are UTF-8."""
    return _escaped(PurePosixPath(*rel.parts).as_posix() if rel.parts else "")


def _escaped(posix: str) -> str:
    """escaped_id of a path already in POSIX form."""
    if posix.isascii():  # most names: no surrogate to escape, and no copy
        return posix
    return posix.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _extension(name: str) -> str:
    """The lower-case extension that decides the type, looking through a final .gz (what
    os.path.splitext gives of a name, by string methods: it is asked once per input file)."""
    name = name.lower().removesuffix(".gz")
    dot = name.rfind(".")
    if dot <= 0 or (name[0] == "." and not name[:dot].strip(".")):  # '.txt', '..txt': no extension
        return ""
    return name[dot:]


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
    folders: set[str] = set()
    for path in [*fitted.values(), *pages]:
        _add_folders(path, folders)
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
    if len(rel) <= MAX_NAME_BYTES // 4:  # four bytes a character at most: no name can be too long
        return rel
    return "/".join(_fit_name(name) for name in rel.split("/"))


def _fit_name(name: str) -> str:
    """One file or folder name, shortened if it is too long (see fit_path)."""
    encoded = name.encode("utf-8")
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    suffix = ".txt" if name.endswith(".txt") else ""
    start = encoded[:KEPT_NAME_BYTES].decode("utf-8", "ignore")  # never half a character
    return f"{start}~{hashlib.sha256(encoded).hexdigest()[:NAME_HASH_CHARS]}{suffix}"


def _add_folders(path: str, folders: set[str]) -> None:
    """Add the folders a relative POSIX path needs ('a/b/c.txt': 'a/b', 'a'); a folder already
    there has its own parents there too (one set lookup per file, mostly)."""
    end = path.rfind("/")
    while end > 0 and (folder := path[:end]) not in folders:
        folders.add(folder)
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
