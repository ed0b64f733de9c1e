"""Atomic writes: a file is written to a temporary beside it and renamed, so it is whole or absent."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: The process's umask, read once (os.umask can only be read by setting it).
UMASK = os.umask(0o022)


os.umask(UMASK)


#: The temporary files of atomic_writer: short whatever the output's name (a long name plus a
#: suffix would pass the file system's limit); tempfile adds 8 random characters.
TEMP_PREFIX = ".cleaner."


#: What sweep_temp_files removes: ours, and the '.NAME.XXXXXXXX.tmp' of earlier versions.
TEMP_PREFIX_RE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


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
    """Remove temporary files an interrupted run left behind (only ours: '.NAME.*.tmp'). A walk of
    directory entries, names tested as strings (a glob's Paths cost more at 100,000 outputs)."""
    swept = 0
    stack = [os.fspath(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.name[0] == "." and TEMP_PREFIX_RE.match(entry.name) and entry.is_file():
                        os.unlink(entry.path)
                        swept += 1
        except OSError:
            continue  # OUTPUT not made yet, a folder removed meanwhile or unreadable (as a glob skips it)
    return swept


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a file so that readers see the old content or the new, never a half-written one."""
    with atomic_writer(path, durable) as f:
        f.write(data)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write a file (atomically, not durably: a view the state can give again) unless it already
    holds exactly `data`, so that an unchanged page of a large report is neither written nor
    touched; True if it was written."""
    try:
        if os.stat(path).st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # not there (or unreadable): written
    write_atomic(path, data, durable=False)
    return True


def file_hash(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
