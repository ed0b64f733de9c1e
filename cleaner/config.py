"""Run settings: one frozen object, built once from defaults and the command line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .rules import DEFAULT_RULES_DIR

FORMATS = ("txt", "jsonl", "both")
INPUT_FORMATS = ("auto", "html", "text")

#: Files larger than this are recorded as too large instead of cleaned: a page is rarely over
#: 2 MB, and a multi-megabyte "page" is a dump or an attack that would stall a worker for minutes.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


#: A page takes well under a second; a minute means a pathological input, not a slow machine.
DEFAULT_TIMEOUT_SECONDS = 60.0


class ConfigError(ValueError):
    """A setting is invalid; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides what a run does. Immutable: pass it around, never change it."""

    input_dir: Path = Path("corpus_raw")
    output_dir: Path = Path("corpus_clean")
    rules_dirs: tuple[Path, ...] = (DEFAULT_RULES_DIR,)
    format: str = "txt"
    languages: tuple[str, ...] = ()  # empty: keep every language
    input_format: str = "auto"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    quiet: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    full: bool = False  # redo every input, not only new and changed ones

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        if self.input_format not in INPUT_FORMATS:
            raise ConfigError(f"--input-format must be one of {', '.join(INPUT_FORMATS)}, not {self.input_format!r}")
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, not {self.workers}")
        if self.timeout <= 0:
            raise ConfigError(f"--timeout must be positive, not {self.timeout}")
        if self.max_bytes < 1:
            raise ConfigError(f"--max-bytes must be positive, not {self.max_bytes}")

    @property
    def writes_txt(self) -> bool:
        """True if the run writes the mirrored .txt tree."""
        return self.format in ("txt", "both")

    @property
    def writes_jsonl(self) -> bool:
        """True if the run writes documents.jsonl."""
        return self.format in ("jsonl", "both")


def parse_languages(value: str | None) -> tuple[str, ...]:
    """'en,de' -> ('de', 'en'): lower-case ISO codes, sorted and deduplicated."""
    if not value:
        return ()
    codes = sorted({c.strip().lower() for c in value.split(",") if c.strip()})
    for code in codes:
        if not code.replace("-", "").isalpha():
            raise ConfigError(f"--lang takes ISO language codes like 'en,de', not {code!r}")
    return tuple(codes)
