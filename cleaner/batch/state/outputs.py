"""Which outputs of up-to-date documents are missing from OUTPUT (deleted by hand, lost with a
crash): one listing per folder, and none for a folder that has not changed since a run found
every file it expects there.

A folder's entries change only with its mtime (and a folder made again has another inode): when
its (mtime, inode) are what they were when every expected file was found in it, those files are
still there, unless what is expected of it changed since. That is what the state's `touched`
table holds (each document whose report record or duplicate status changed since the last
reports): those documents are looked for whatever their folder says. A nightly no-op so lists
no folder (the listings were most of its cost at 100,000 files); one changed file lists the
folders written to.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field

#: Folders whose listing Presence keeps at once: outputs come in id order, so mostly folder by
#: folder, but the report's document pages lie in 256 folders by a hash: all of them are needed at once.
LISTED_FOLDERS = 512

#: A folder's (st_mtime_ns, st_ino), or None if it is not there.
FolderStat = tuple[int, int] | None


@dataclass(slots=True)
class Presence:
    """Looks for the files of a folder tree, a folder's listing at a time, trusting folders
    unchanged since they were last found whole (`verified`: their stat then)."""

    root: str  # OUTPUT, with a trailing separator
    verified: dict[str, tuple[int, int]] = field(default_factory=dict)
    touched: frozenset[str] = frozenset()  # documents looked for even in a verified folder
    stats: dict[str, FolderStat] = field(default_factory=dict)  # stat of each folder met, before its listing
    incomplete: set[str] = field(default_factory=set)  # folders where an expected file was missing
    listings: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, out: str | os.PathLike[str], verified: object, touched: frozenset[str]) -> Presence:
        """A check of OUTPUT, given the folders a last check found whole (as whole_folders() gave
        them; anything else trusts none) and the documents touched since."""
        known = {}
        if isinstance(verified, dict):
            known = {k: (v[0], v[1]) for k, v in verified.items() if isinstance(v, list) and len(v) == 2}
        return cls(os.path.join(os.fspath(out), ""), known, touched)

    def trusted_json(self) -> str:
        """The folders whose files are all still there, as far as their stat tells ('a/b/', '' for
        the top), as a JSON list: what the state's queries leave out (their documents untouched).
        Each verified folder is looked at now (one stat)."""
        trusted = [f + "/" if f else "" for f in self.verified if self._unchanged(f)]
        return json.dumps(sorted(trusted), ensure_ascii=False)

    def missing(self, doc_id: str, rel: str) -> bool:
        """True if document doc_id's file at the relative POSIX path `rel` is not in the tree."""
        folder, _, name = rel.rpartition("/")
        if self._unchanged(folder) and doc_id not in self.touched:
            return False
        if name in self._files(folder):
            return False
        self.incomplete.add(folder)
        return True

    def whole_folders(self) -> dict[str, list[int]]:
        """The folders where every file looked for was found, with their stat from before they were
        listed (what the next check trusts; a folder changed since then is listed again)."""
        return {f: list(s) for f, s in sorted(self.stats.items()) if s is not None and f not in self.incomplete}

    def _unchanged(self, folder: str) -> bool:
        """True if a folder is there with the stat it had when last found whole (stat once a check)."""
        if folder not in self.stats:
            self.stats[folder] = _stat(self.root + folder)
        return self.stats[folder] is not None and self.verified.get(folder) == self.stats[folder]

    def _files(self, folder: str) -> frozenset[str]:
        """The names of the files in a folder (none if it is not there), listed once."""
        names = self.listings.get(folder)
        if names is None:
            if len(self.listings) >= LISTED_FOLDERS:
                self.listings.clear()
            names = self.listings[folder] = _files(self.root + folder)
        return names


def _stat(folder: str) -> FolderStat:
    """A folder's (mtime_ns, inode); None if it is not a folder."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _files(folder: str) -> frozenset[str]:
    """The names of the files in a folder (none if it is not there)."""
    try:
        with os.scandir(folder) as entries:
            return frozenset(e.name for e in entries if e.is_file())
    except OSError:
        return frozenset()
