"""Run settings: one frozen object, built once from defaults, then a config file, then flags.

Every option is declared once, in OPTIONS: its key (in files, on the command line as --key, and
in `cleaner config show`), the Settings field it fills, the TOML type it takes and how to convert it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.core.options import COMMENTS, DEFAULT_MAX_BYTES, EXTRACTORS, INPUT_FORMATS, SCOPES, Options
from cleaner.corpus.dedup import DEFAULT_THRESHOLD as DEFAULT_DEDUP_THRESHOLD
from cleaner.corpus.dedup import EXTRA as DEDUP_EXTRA
from cleaner.corpus.dedup import MODES as DEDUP_MODES
from cleaner.corpus.dedup import near_available
from cleaner.corpus.templates import DEFAULT_MIN_DOCS, DEFAULT_MIN_SHARE, Thresholds
from cleaner.io.readers import JsonlFields
from cleaner.rules.ruleset import DEFAULT_RULES_DIR

ENGINES = ("local", "dask")
SWITCH = ("on", "off")

#: A page takes well under a second; a minute means a pathological input, not a slow machine.
DEFAULT_TIMEOUT_SECONDS = 60.0

#: What Elasticsearch and OpenSearch take as an index name: lower case, none of \ / * ? " < > | , # :
#: or a space, not starting with -, _ or +, and at most 255 characters.
INDEX_NAME_RE = re.compile(r'(?![-_+])[^A-Z\\/*?"<>|,# :]{1,255}')

#: Megabytes a worker may grow by while it cleans one document. A page takes a few (the largest
#: traf-dev page 6 MB); 512 keeps a worker (about 150 MB before a document) under 1 GB, where a
#: page of 200,000 links would take 1.3 GB.
DEFAULT_MAX_MEMORY_MB = 512


class ConfigError(ValueError):
    """A setting is invalid; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides what a run does. Immutable: pass it around, never change it."""

    input_dir: Path = Path("corpus_raw")
    output_dir: Path = Path("corpus_clean")
    rules_dirs: tuple[Path, ...] = (DEFAULT_RULES_DIR,)  # --rules: replace the shipped rules
    add_rules_dirs: tuple[Path, ...] = ()  # --add-rules: more rule folders beside them
    format: str = "txt"
    languages: tuple[str, ...] = ()  # empty: keep every language
    input_format: str = "auto"
    extractor: str = "auto"  # HTML main content: "trafilatura" (+ line heuristics), "model", or the better
    scope: str = "article"  # "article": the main content; "page": all running text of the page
    comments: str = "drop"  # "keep": readers' comments are content too
    model: Path | None = None  # a block model file instead of the shipped one for the scope
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    quiet: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    max_memory: int = DEFAULT_MAX_MEMORY_MB  # MB a worker may grow by while cleaning one document
    full: bool = False  # redo every input, not only new and changed ones
    rebuild_state: bool = False  # start the state database afresh (a corrupt one): everything is cleaned again
    follow_symlinks: bool = False  # read files that symlinks inside INPUT point to outside it
    dedup: str = "off"  # "off" | "exact" | "near": drop duplicate documents across the corpus
    dedup_threshold: float = DEFAULT_DEDUP_THRESHOLD
    engine: str = "local"  # "local": a process pool here; "dask": a dask.distributed cluster
    scheduler: str | None = None  # dask scheduler address; None starts a local Dask cluster
    templates: str = "on"  # "on": remove lines that recur across the pages of a site
    template_min_docs: int = DEFAULT_MIN_DOCS
    template_min_share: float = DEFAULT_MIN_SHARE
    jsonl_url: str = "url"  # field names of a JSONL page record
    jsonl_html: str = "html"
    jsonl_text: str = "text"
    jsonl_id: str = "id"
    index_name: str = "cleaner"  # es-bulk: the Elasticsearch/OpenSearch index of every action line

    def __post_init__(self) -> None:
        self._check_formats()
        if self.input_format not in INPUT_FORMATS:
            raise ConfigError(f"--input-format must be one of {', '.join(INPUT_FORMATS)}, not {self.input_format!r}")
        for key, allowed in (("extractor", EXTRACTORS), ("scope", SCOPES), ("comments", COMMENTS)):
            if getattr(self, key) not in allowed:
                raise ConfigError(f"--{key} must be one of {', '.join(allowed)}, not {getattr(self, key)!r}")
        if self.extractor == "trafilatura" and (self.scope, self.comments) != ("article", "drop"):
            raise ConfigError(
                "--extractor trafilatura keeps articles without comments; --scope page and "
                "--comments keep need --extractor model (or auto)"
            )
        if self.model is not None and not self.model.is_file():
            raise ConfigError(f"--model {self.model}: no such file")
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, not {self.workers}")
        if self.dedup not in DEDUP_MODES:
            raise ConfigError(f"--dedup must be one of {', '.join(DEDUP_MODES)}, not {self.dedup!r}")
        if self.dedup == "near" and not near_available():
            raise ConfigError(f"--dedup near needs the optional extra: pip install 'cleaner[{DEDUP_EXTRA}]'")
        if not 0 < self.dedup_threshold <= 1:
            raise ConfigError(f"--dedup-threshold must be in (0, 1], not {self.dedup_threshold}")
        if self.engine not in ENGINES:
            raise ConfigError(f"--engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.engine == "dask" and importlib.util.find_spec("distributed") is None:
            raise ConfigError("--engine dask needs the optional extra: pip install 'cleaner[dask]'")
        if self.timeout <= 0:
            raise ConfigError(f"--timeout must be positive, not {self.timeout}")
        if self.max_memory < 1:
            raise ConfigError(f"--max-memory must be a positive number of megabytes, not {self.max_memory}")
        if self.max_bytes < 1:
            raise ConfigError(f"--max-bytes must be positive, not {self.max_bytes}")
        if self.templates not in SWITCH:
            raise ConfigError(f"--templates must be on or off, not {self.templates!r}")
        if self.template_min_docs < 2:
            raise ConfigError(f"--template-min-docs must be at least 2, not {self.template_min_docs}")
        if not 0 < self.template_min_share <= 1:
            raise ConfigError(f"--template-min-share must be in (0, 1], not {self.template_min_share}")
        for key in ("jsonl_url", "jsonl_html", "jsonl_text", "jsonl_id"):
            if not getattr(self, key):
                raise ConfigError(f"--{key.replace('_', '-')} must name a field, not be empty")

    def _check_formats(self) -> None:
        """--format names known formats whose extras are installed; --index-name is a valid index."""
        from cleaner.io.writers import (  # writers import corpus, which imports this
            FormatError,
            missing_extra,
            parse_formats,
        )

        try:
            formats = parse_formats(self.format)
        except FormatError as exc:
            raise ConfigError(str(exc)) from None
        missing = missing_extra(formats)
        if missing is not None:
            raise ConfigError(missing)
        if not INDEX_NAME_RE.fullmatch(self.index_name) or self.index_name in (".", ".."):
            raise ConfigError(
                f'--index-name {self.index_name!r} is not an index name (lower case, no spaces or \\/*?"<>|,#:, '
                "not starting with -, _ or +, at most 255 characters)"
            )

    @property
    def formats(self) -> tuple[str, ...]:
        """The output formats asked for, each once, in the order they are written ('both' is txt,jsonl)."""
        from cleaner.io.writers import parse_formats

        return parse_formats(self.format)

    @property
    def core(self) -> Options:
        """What the per-document pipeline reads of these settings."""
        return Options(
            self.input_format, self.extractor, self.scope, self.comments, self.model, self.languages, self.max_bytes
        )

    @property
    def uses_model(self) -> bool:
        """True if HTML pages go to the block model (see Options.uses_model)."""
        return self.core.uses_model

    @property
    def template_thresholds(self) -> Thresholds | None:
        """When a recurring line is template; None when template removal is off."""
        return Thresholds(self.template_min_docs, self.template_min_share) if self.templates == "on" else None

    @property
    def jsonl_fields(self) -> JsonlFields:
        """The field names of a JSONL page record."""
        return JsonlFields(self.jsonl_url, self.jsonl_html, self.jsonl_text, self.jsonl_id)

    @property
    def all_rules_dirs(self) -> tuple[Path, ...]:
        """Every rule folder of the run: the shipped (or replacing) ones, then the added ones."""
        return self.rules_dirs + self.add_rules_dirs

    @property
    def writes_txt(self) -> bool:
        """True if the run writes the mirrored .txt tree."""
        return "txt" in self.formats


def parse_languages(value: str | None) -> tuple[str, ...]:
    """'en,de' -> ('de', 'en'): lower-case ISO codes, sorted and deduplicated."""
    if not value:
        return ()
    codes = sorted({c.strip().lower() for c in value.split(",") if c.strip()})
    for code in codes:
        if not code.replace("-", "").isalpha():
            raise ConfigError(f"--lang takes ISO language codes like 'en,de', not {code!r}")
    return tuple(codes)


def _languages(value: str | list[str]) -> tuple[str, ...]:
    """A language list from a file (a list or 'en,de') or a flag ('en,de')."""
    return parse_languages(",".join(value) if isinstance(value, list) else value)


@dataclass(frozen=True, slots=True)
class Option:
    """One run option: its key, the Settings field it fills, accepted TOML types, a converter."""

    key: str
    field: str
    types: tuple[type, ...]
    convert: Callable[[Any, Path], Any]  # (value, folder relative paths are resolved against)


def _path(value: str, base: Path) -> Path:
    """A path from a config file, relative to the file's folder."""
    return base / value


def _paths(values: list[str], base: Path) -> tuple[Path, ...]:
    """Paths from a config file, each relative to the file's folder."""
    return tuple(_path(str(v), base) for v in values)


def _as_is(value: Any, _base: Path) -> Any:
    """A value used as the file or the flag gives it."""
    return value


def _float(value: float, _base: Path) -> float:
    """A number as a float (TOML writes 30 where 30.0 is meant)."""
    return float(value)


OPTIONS: tuple[Option, ...] = (
    Option("input", "input_dir", (str,), _path),
    Option("output", "output_dir", (str,), _path),
    Option("rules", "rules_dirs", (list,), _paths),
    Option("add_rules", "add_rules_dirs", (list,), _paths),
    Option("format", "format", (str, list), lambda v, _: ",".join(v) if isinstance(v, list) else v),
    Option("lang", "languages", (list, str), lambda v, _: _languages(v)),
    Option("input_format", "input_format", (str,), _as_is),
    Option("extractor", "extractor", (str,), _as_is),
    Option("scope", "scope", (str,), _as_is),
    Option("comments", "comments", (str,), _as_is),
    Option("model", "model", (str,), _path),
    Option("workers", "workers", (int,), _as_is),
    Option("max_bytes", "max_bytes", (int,), _as_is),
    Option("timeout", "timeout", (int, float), _float),
    Option("max_memory", "max_memory", (int,), _as_is),
    Option("quiet", "quiet", (bool,), _as_is),
    Option("follow_symlinks", "follow_symlinks", (bool,), _as_is),
    Option("dedup", "dedup", (str,), _as_is),
    Option("dedup_threshold", "dedup_threshold", (int, float), _float),
    Option("engine", "engine", (str,), _as_is),
    Option("scheduler", "scheduler", (str,), _as_is),
    Option("templates", "templates", (str,), _as_is),
    Option("template_min_docs", "template_min_docs", (int,), _as_is),
    Option("template_min_share", "template_min_share", (int, float), _float),
    Option("jsonl_url", "jsonl_url", (str,), _as_is),
    Option("jsonl_html", "jsonl_html", (str,), _as_is),
    Option("jsonl_text", "jsonl_text", (str,), _as_is),
    Option("jsonl_id", "jsonl_id", (str,), _as_is),
    Option("index_name", "index_name", (str,), _as_is),
)
OPTION_KEYS = {o.key: o for o in OPTIONS}

#: Where a config file is looked for when --config is not given, in order.
CONFIG_FILE = "cleaner.toml"
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True, slots=True)
class Resolved:
    """The settings of a run and, for each option key, where its value came from."""

    settings: Settings
    sources: Mapping[str, str]


def find_config(explicit: Path | None, cwd: Path) -> tuple[dict[str, Any], str] | None:
    """The config table and its origin: --config FILE, else ./cleaner.toml, else [tool.cleaner]."""
    if explicit is not None:
        return _read_toml(explicit, nested=explicit.name == PYPROJECT), str(explicit)
    if (cwd / CONFIG_FILE).is_file():
        return _read_toml(cwd / CONFIG_FILE, nested=False), str(cwd / CONFIG_FILE)
    if (cwd / PYPROJECT).is_file():
        table = _read_toml(cwd / PYPROJECT, nested=True)
        if table:
            return table, f"{cwd / PYPROJECT} [tool.cleaner]"
    return None


def _read_toml(path: Path, nested: bool) -> dict[str, Any]:
    """A TOML file's cleaner options (from [tool.cleaner] when nested)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return data.get("tool", {}).get("cleaner", {}) if nested else data


def resolve(
    flags: Mapping[str, Any], config: tuple[dict[str, Any], str] | None, extra: Mapping[str, Any] = {}
) -> Resolved:
    """Defaults, then the config file, then flags (None means not given); one Settings out."""
    values: dict[str, Any] = {}
    sources = {o.key: "default" for o in OPTIONS}
    if config is not None:
        table, origin = config
        base = Path(origin.split(" [", 1)[0]).parent
        for key, value in table.items():
            option = OPTION_KEYS.get(key)
            if option is None:
                raise ConfigError(f"{origin}: unknown key {key!r} (known: {', '.join(OPTION_KEYS)})")
            if not isinstance(value, option.types) or (isinstance(value, bool) and bool not in option.types):
                wanted = " or ".join(t.__name__ for t in option.types)
                raise ConfigError(f"{origin}: key {key!r} must be {wanted}, not {type(value).__name__}")
            values[option.field], sources[key] = option.convert(value, base), origin
    for key, value in flags.items():
        if value is not None:
            option = OPTION_KEYS[key]
            values[option.field], sources[key] = option.convert(value, Path()), "command line"
    return Resolved(Settings(**values, **extra), sources)


def as_record(settings: Settings) -> dict[str, Any]:
    """The settings as plain data, by option key (for reports, the state and config show)."""
    record = {}
    for option in OPTIONS:
        value = getattr(settings, option.field)
        record[option.key] = (
            [str(v) for v in value] if isinstance(value, tuple) else (str(value) if isinstance(value, Path) else value)
        )
    return record


def show(resolved: Resolved) -> str:
    """Each option's effective value and where it came from, one per line."""
    return "\n".join(
        f"{key} = {json.dumps(value, ensure_ascii=False)}  # {resolved.sources[key]}"
        for key, value in as_record(resolved.settings).items()
    )
