"""Run settings: one frozen object, built once from defaults, then a config file, then flags.

Every option is declared once, as a field of Settings made by option() (see cleaner.batch.option):
its default, help, kind of value, choices and checks, the commands it is a flag of, and whether it
decides the clean text. The config file and `cleaner config show` (cleaner.batch.config), the
command line (cleaner.cli.options), the validation messages and the run's fingerprint are all
derived from OPTIONS.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.batch.option import (
    DOCUMENT,
    FLAG,
    INT,
    NUMBER,
    PATH,
    PATHS,
    RUN_ONLY,
    Kind,
    Option,
    at_least,
    existing_file,
    named,
    needs_extra,
    option,
    options_of,
    positive,
    positive_number_of,
    share,
)
from cleaner.core.options import COMMENTS, DEFAULT_MAX_BYTES, EXTRACTORS, INPUT_FORMATS, SCOPES, Options
from cleaner.corpus.dedup import DEFAULT_THRESHOLD as DEFAULT_DEDUP_THRESHOLD
from cleaner.corpus.dedup import EXTRA as DEDUP_EXTRA
from cleaner.corpus.dedup import MODES as DEDUP_MODES
from cleaner.corpus.dedup import near_available
from cleaner.corpus.templates import DEFAULT_MIN_DOCS, DEFAULT_MIN_SHARE, Thresholds
from cleaner.io.readers import JsonlFields
from cleaner.io.writers import FORMATS, FormatError, missing_extra, parse_formats
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


def parse_languages(value: str | None) -> tuple[str, ...]:
    """'en,de' -> ('de', 'en'): lower-case ISO codes, sorted and deduplicated."""
    if not value:
        return ()
    codes = sorted({c.strip().lower() for c in value.split(",") if c.strip()})
    for code in codes:
        if not code.replace("-", "").isalpha():
            raise ConfigError(f"--lang takes ISO language codes like 'en,de', not {code!r}")
    return tuple(codes)


def _languages(value: str | list[str], _base: Path) -> tuple[str, ...]:
    """A language list from a file (a list or 'en,de') or a flag ('en,de')."""
    return parse_languages(",".join(value) if isinstance(value, list) else value)


def _comma_list(value: str | list[str], _base: Path) -> str:
    """A comma list from a file (a list or 'a,b') or a flag ('a,b')."""
    return ",".join(value) if isinstance(value, list) else value


LANGUAGES = Kind((list, str), _languages)
COMMA_LIST = Kind((str, list), _comma_list)


def _formats(flag: str, value: str) -> str | None:
    """Known formats, each with its optional extra installed."""
    try:
        return missing_extra(parse_formats(value))
    except FormatError as exc:
        return str(exc)


def _index_name(flag: str, value: str) -> str | None:
    """An Elasticsearch/OpenSearch index name."""
    if INDEX_NAME_RE.fullmatch(value) and value not in (".", ".."):
        return None
    return (
        f'{flag} {value!r} is not an index name (lower case, no spaces or \\/*?"<>|,#:, '
        "not starting with -, _ or +, at most 255 characters)"
    )


def _dask_installed() -> bool:
    """True if dask.distributed can be imported."""
    return importlib.util.find_spec("distributed") is not None


def _near_available() -> bool:
    """True if near dedup can run (looked up at each check, so a test may pretend it cannot)."""
    return near_available()


def file_digest(path: Path | None) -> str | None:
    """A file's SHA-256 (a --model file decides the text as much as the code does)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path is not None else None


#: The per-document options' own defaults (core.options): Settings takes them, never restates them.
CORE_DEFAULTS = Options()


def _jsonl_field(name: str) -> Any:
    """The option naming a field of a JSONL page record (which fields are read decides the text)."""
    return option(f"the {name} field of a JSONL page record", name, metavar="FIELD", checks=(named,), fingerprint=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything that decides what a run does. Immutable: pass it around, never change it.

    The field order is the order of config show and of the reports' settings.
    """

    input_dir: Path = option("input folder", Path("corpus_raw"), kind=PATH, key="input", positional=True)
    output_dir: Path = option("output folder", Path("corpus_clean"), kind=PATH, key="output", positional=True)
    rules_dirs: tuple[Path, ...] = option(
        "rules folder or file; repeat to add more",
        (DEFAULT_RULES_DIR,),
        kind=PATHS,
        key="rules",
        metavar="DIR",
        shown_default="the shipped rules",
        commands=DOCUMENT,
        fingerprint=False,  # the rules are in the fingerprint by their content (RuleSet.fingerprint)
    )
    add_rules_dirs: tuple[Path, ...] = option(
        "a rules folder or file used beside the shipped rules; repeat to add more",
        (),
        kind=PATHS,
        key="add_rules",
        metavar="DIR",
        shown_default="none",
        commands=DOCUMENT,
    )
    format: str = option(
        f"output formats, a comma list of {', '.join(FORMATS)} (both = txt,jsonl)",
        "txt",
        kind=COMMA_LIST,
        metavar="F[,F...]",
        checks=(_formats,),
    )
    languages: tuple[str, ...] = option(
        "keep only these languages, e.g. en,de",
        CORE_DEFAULTS.languages,
        kind=LANGUAGES,
        key="lang",
        shown_default="every language",
        fingerprint=True,
    )
    input_format: str = option(
        "treat inputs as html or text, or auto: by extension, else by content",
        CORE_DEFAULTS.input_format,
        choices=INPUT_FORMATS,
        commands=DOCUMENT,
        fingerprint=True,
    )
    extractor: str = option(
        "main content by the block model, or by trafilatura and the line heuristics; auto (the default): the model",
        CORE_DEFAULTS.extractor,
        choices=EXTRACTORS,
        commands=DOCUMENT,
        fingerprint=lambda s: [s.uses_model(f) for f in ("html", "text")],  # auto cleans as what it takes
    )
    scope: str = option(
        "keep the main article, or all running text of the page",
        CORE_DEFAULTS.scope,
        choices=SCOPES,
        commands=DOCUMENT,
        fingerprint=True,
    )
    comments: str = option(
        "drop readers' comments, or keep them as content",
        CORE_DEFAULTS.comments,
        choices=COMMENTS,
        commands=DOCUMENT,
        fingerprint=True,
    )
    model: Path | None = option(
        "a block model file",
        kind=PATH,
        metavar="FILE",
        shown_default="the shipped one",
        checks=(existing_file,),
        commands=DOCUMENT,
        fingerprint=lambda s: file_digest(s.model),
    )
    workers: int = option(
        "worker processes",
        metavar="N",
        factory=lambda: os.cpu_count() or 1,
        kind=INT,
        shown_default="CPU count",
        checks=(at_least(1),),
    )
    max_bytes: int = option(
        "record larger files as too large",
        CORE_DEFAULTS.max_bytes,
        metavar="BYTES",
        kind=INT,
        shown_default=f"{DEFAULT_MAX_BYTES // 2**20} MiB",
        checks=(positive,),  # not in the fingerprint: a change cleans again only what it failed (run.limits)
    )
    timeout: float = option(
        "seconds per file before it is recorded as timed out",
        DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        kind=NUMBER,
        shown_default=f"{DEFAULT_TIMEOUT_SECONDS:g}",
        checks=(positive,),
    )
    max_memory: int = option(
        "MB a worker may grow by while cleaning one document before it is recorded as failed",
        DEFAULT_MAX_MEMORY_MB,
        metavar="MB",
        kind=INT,
        checks=(positive_number_of("megabytes"),),
    )
    quiet: bool = option("no progress and no summary", False, kind=FLAG)
    follow_symlinks: bool = option(
        "read files that symlinks in INPUT point to outside INPUT",
        False,
        kind=FLAG,
        shown_default="skip and count them",
    )
    dedup: str = option(
        "drop exact or near duplicate documents",
        "off",
        choices=DEDUP_MODES,
        checks=(needs_extra("near", _near_available, DEDUP_EXTRA),),
        fingerprint=lambda s: s.dedup == "near",  # near dedup needs each text's MinHash signature
    )
    dedup_threshold: float = option(
        "Jaccard similarity of word 5-grams for near duplicates",
        DEFAULT_DEDUP_THRESHOLD,
        kind=NUMBER,
        metavar="SIMILARITY",
        checks=(share,),
    )
    engine: str = option(
        "local process pool, or a Dask cluster",
        "local",
        choices=ENGINES,
        checks=(needs_extra("dask", _dask_installed, "dask"),),
    )
    scheduler: str | None = option(
        "Dask scheduler, e.g. tcp://host:8786", metavar="ADDRESS", shown_default="a local one"
    )
    templates: str = option(
        "remove lines repeated across a site's pages", "on", choices=SWITCH, choices_text="on or off"
    )
    template_min_docs: int = option(
        "a template line is on at least N pages of its site",
        DEFAULT_MIN_DOCS,
        kind=INT,
        metavar="N",
        checks=(at_least(2),),  # a line on one page is that page's own
    )
    template_min_share: float = option(
        "... and on at least this share of them", DEFAULT_MIN_SHARE, kind=NUMBER, metavar="SHARE", checks=(share,)
    )
    jsonl_url: str = _jsonl_field("url")
    jsonl_html: str = _jsonl_field("html")
    jsonl_text: str = _jsonl_field("text")
    jsonl_id: str = _jsonl_field("id")
    index_name: str = option("es-bulk: the index of the action lines", "cleaner", metavar="NAME", checks=(_index_name,))
    full: bool = option(
        "clean every input again, not only new and changed ones", False, kind=FLAG, commands=RUN_ONLY, in_file=False
    )
    rebuild_state: bool = option(
        "start OUTPUT/.cleaner/state.sqlite afresh (e.g. a corrupt one): every input is cleaned again",
        False,
        kind=FLAG,
        commands=RUN_ONLY,
        in_file=False,
    )

    def __post_init__(self) -> None:
        """Refuse a bad value with the table's message for it, then options that conflict."""
        for opt in OPTIONS:
            message = opt.problem(getattr(self, opt.field))
            if message is not None:
                raise ConfigError(message)
        if self.extractor == "trafilatura" and (self.scope, self.comments) != ("article", "drop"):
            raise ConfigError(
                "--extractor trafilatura keeps articles without comments; --scope page and "
                "--comments keep need --extractor model (or auto)"
            )

    @property
    def formats(self) -> tuple[str, ...]:
        """The output formats asked for, each once, in the order they are written ('both' is txt,jsonl)."""
        return parse_formats(self.format)

    @property
    def core(self) -> Options:
        """What the per-document pipeline reads of these settings."""
        return Options(
            self.input_format, self.extractor, self.scope, self.comments, self.model, self.languages, self.max_bytes
        )

    def uses_model(self, input_format: str) -> bool:
        """True if documents of this format go to the block model (see Options.uses_model)."""
        return self.core.uses_model(input_format)

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

    def fingerprint(self) -> dict[str, object]:
        """What of these settings decides the clean text, by option key (the run's fingerprint)."""
        return {o.key: o.fingerprint_of(self) for o in OPTIONS if o.fingerprint}


#: Every option, in Settings' field order.
OPTIONS: tuple[Option, ...] = options_of(Settings)
OPTION_KEYS = {o.key: o for o in OPTIONS}
#: The options a config file may set and `config show` lists.
FILE_OPTIONS = tuple(o for o in OPTIONS if o.in_file)
