"""The common part of the sharded formats: one file per shard, rewritten only when its rows change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleaner import identity
from cleaner.io.atomic import atomic_writer
from cleaner.io.writers.base import Context, OutputRecord, Shard, WriterOptions

#: The file names a sharded writer owns in its folder (anything else there is left alone).
SHARD_PREFIX = "shard-"


class ShardedWriter:
    """A format written as OUTPUT/FOLDER/shard-*SUFFIX; subclasses say how one shard is rendered."""

    name: str = ""
    folder: str = ""  # relative to OUTPUT
    suffix: str = ""
    extra: str | None = None
    module: str | None = None

    def render(self, f: IO[bytes], records: Iterator[OutputRecord], options: WriterOptions) -> None:
        """Write one shard's records to f."""
        raise NotImplementedError

    def options_key(self, options: WriterOptions) -> object:
        """The options that shape this format's bytes (a change of them rewrites every shard)."""
        return None

    def write(self, out: Path, context: Context) -> None:
        """Write every shard whose rows (or the writer) changed; remove the shards no longer planned."""
        folder = out / self.folder
        written = context.store.meta(self._meta_key)
        before: dict[str, str] = written if isinstance(written, dict) else {}
        now: dict[str, str] = {}
        for shard in context.shards:
            path = folder / (shard.name + self.suffix)
            digest = self._digest(shard, context.options)
            if before.get(shard.name) != digest or not path.is_file():
                with atomic_writer(path) as f:
                    self.render(f, context.records(shard.first, shard.last), context.options)
            now[shard.name] = digest
        self._remove_files(folder, keep={name + self.suffix for name in now})
        context.store.set_meta(self._meta_key, now)

    def remove(self, out: Path) -> None:
        """Remove every shard of this format, and its folders once empty."""
        folder = out / self.folder
        self._remove_files(folder, keep=set())
        for path in [folder, *folder.relative_to(out).parents]:
            target = out / path
            if target != out and target.is_dir() and not any(target.iterdir()):
                target.rmdir()

    def _remove_files(self, folder: Path, keep: set[str]) -> None:
        """Remove this writer's shard files in folder that are not in keep."""
        if not folder.is_dir():
            return
        for path in folder.glob(f"{SHARD_PREFIX}*{self.suffix}"):
            if path.name not in keep:
                path.unlink(missing_ok=True)

    @property
    def _meta_key(self) -> str:
        """Where the state remembers the digests of the shards written in this format."""
        return f"written:{self.name}"

    def _digest(self, shard: Shard, options: WriterOptions) -> str:
        """What a shard file's bytes depend on: its rows, this writer's options and the cleaner's code."""
        key = [shard.digest, self.name, self.options_key(options), identity.code_digest()]
        return hashlib.sha256(json.dumps(key).encode("utf-8")).hexdigest()[:32]
