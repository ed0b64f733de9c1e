"""What the cleaner itself is, for the run fingerprint: a digest of its own code and data, and the
versions of the libraries that decide the clean text. An upgrade of either cleans everything again;
an unchanged cleaner cleans nothing again (the version string alone changes with no commit)."""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

#: The cleaner's release (pyproject.toml has the same); the code digest tells commits apart.
__version__ = "0.1.0"

#: The installed package: its modules, its shipped rules and any model or data file beside them.
PACKAGE_DIR = Path(__file__).resolve().parent

#: Compiled bytecode and caches follow from the sources (and differ by interpreter): not hashed.
IGNORED_DIRS = frozenset({"__pycache__"})
IGNORED_SUFFIXES = (".pyc", ".pyo")

#: The libraries whose behaviour shapes a document's clean text: extraction and its fallbacks
#: (trafilatura, justext, htmldate, lxml), decoding (ftfy, charset-normalizer) and language
#: detection (langdetect). Tools around the text (tqdm, pebble, warcio's framing) are not here.
TEXT_LIBRARIES = ("trafilatura", "lxml", "langdetect", "ftfy", "charset-normalizer", "justext", "htmldate")


def files_digest(root: Path) -> str:
    """The SHA-256 of every file below root (relative path and bytes, in path order), caches aside."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and _counts(p.relative_to(root))):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _counts(rel: Path) -> bool:
    """True for a package file that decides behaviour: not a cache, not bytecode, not hidden."""
    return not any(part in IGNORED_DIRS or part.startswith(".") for part in rel.parts) and not rel.name.endswith(
        IGNORED_SUFFIXES
    )


@functools.cache
def code_digest() -> str:
    """The digest of the installed package's files, computed once per process."""
    return files_digest(PACKAGE_DIR)[:16]


def library_versions() -> list[str]:
    """'name==version' of each library in TEXT_LIBRARIES ('name==absent' if not installed)."""
    return [f"{name}=={_version(name)}" for name in TEXT_LIBRARIES]


def _version(name: str) -> str:
    """The installed version of a distribution, or 'absent'."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
