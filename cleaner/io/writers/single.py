"""The common part of the one-file formats: OUTPUT/NAME, written whole, only when a stored row changed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO

from cleaner import identity
from cleaner.io.atomic import atomic_writer
from cleaner.io.writers.base import Context


class SingleFileWriter:
    """A format written as one file in OUTPUT; subclasses say how the stored records are rendered."""

    name: str = ""
    file_name: str = ""  # relative to OUTPUT
    extra: str | None = None
    module: str | None = None

    def render(self, f: IO[bytes], context: Context) -> None:
        """Write every kept, non-duplicate document, in id order, to f."""
        raise NotImplementedError

    def write(self, out: Path, context: Context) -> None:
        """Write the file from the stored records, unless none of them (nor the cleaner) changed."""
        path = out / self.file_name
        digest = json.dumps([identity.code_digest(), *(s.digest for s in context.shards)])
        digest = hashlib.sha256(digest.encode("utf-8")).hexdigest()[:32]
        if context.store.meta(self._meta_key) == digest and path.is_file():
            return
        with atomic_writer(path) as f:
            self.render(f, context)
        context.store.set_meta(self._meta_key, digest)

    def remove(self, out: Path) -> None:
        """Remove the file (the format is no longer asked for)."""
        (out / self.file_name).unlink(missing_ok=True)

    @property
    def _meta_key(self) -> str:
        """Where the state remembers the digest of the rows the file was last written from."""
        return f"written:{self.name}"
