"""The config file and `cleaner config show`: a run's settings from the defaults, then a TOML file
(--config FILE, ./cleaner.toml or [tool.cleaner] in ./pyproject.toml), then the flags; and each
option's value and where it came from. Which keys a file may set, and their types, is the table of
options (Settings' fields)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.batch.option import Option
from cleaner.batch.settings import FILE_OPTIONS, OPTION_KEYS, ConfigError, Settings

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


def resolve(flags: Mapping[str, Any], config: tuple[dict[str, Any], str] | None) -> Resolved:
    """Defaults, then the config file, then flags (None means not given); one Settings out."""
    values: dict[str, Any] = {}
    sources = {o.key: "default" for o in FILE_OPTIONS}
    if config is not None:
        table, origin = config
        base = Path(origin.split(" [", 1)[0]).parent
        for key, value in table.items():
            opt = _file_option(key, value, origin)
            values[opt.field], sources[key] = opt.kind.convert(value, base), origin
    for key, value in flags.items():
        if value is not None:
            opt = OPTION_KEYS[key]
            values[opt.field], sources[key] = opt.kind.convert(value, Path()), "command line"
    return Resolved(Settings(**values), sources)


def _file_option(key: str, value: object, origin: str) -> Option:
    """The option a config file's key sets, if the file may set it and the value has its type."""
    opt = OPTION_KEYS.get(key)
    if opt is None or not opt.in_file:
        raise ConfigError(f"{origin}: unknown key {key!r} (known: {', '.join(o.key for o in FILE_OPTIONS)})")
    if not opt.kind.accepts(value):
        wanted = " or ".join(t.__name__ for t in opt.kind.toml)
        raise ConfigError(f"{origin}: key {key!r} must be {wanted}, not {type(value).__name__}")
    return opt


def as_record(settings: Settings) -> dict[str, Any]:
    """The settings a file may set as plain data, by option key (for reports, the state and config show)."""
    record = {}
    for opt in FILE_OPTIONS:
        value = getattr(settings, opt.field)
        record[opt.key] = (
            [str(v) for v in value] if isinstance(value, tuple) else (str(value) if isinstance(value, Path) else value)
        )
    return record


def show(resolved: Resolved) -> str:
    """Each option's effective value and where it came from, one per line."""
    return "\n".join(
        f"{key} = {json.dumps(value, ensure_ascii=False)}  # {resolved.sources[key]}"
        for key, value in as_record(resolved.settings).items()
    )
