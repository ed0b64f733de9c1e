"""What a run option is: its kind of value, its checks, where it appears, whether it decides the text.

Settings declares each option once, as a field made by option(); everything else (the config file,
the command line, `cleaner config show`, the validation messages and the run's fingerprint) reads
the Option in that field's metadata, so adding an option is one field plus the code that uses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: A check of one value: (the option's flag, the value) -> what is wrong with it, or None.
Check = Callable[[str, Any], str | None]

#: The commands an option is a flag of: a run's options are also flags of `config show`, so it
#: shows what that run would use; those of one document's cleaning are flags of clean and explain.
RUN = ("run", "config show")
RUN_ONLY = ("run",)
DOCUMENT = ("run", "config show", "clean", "explain")

#: The key of a Settings field's metadata that holds its Option.
METADATA_KEY = "option"


def _as_is(value: Any, _base: Path) -> Any:
    """A value used as the file or the flag gives it."""
    return value


def _float(value: float, _base: Path) -> float:
    """A number as a float (TOML writes 30 where 30.0 is meant)."""
    return float(value)


def _path(value: str | Path, base: Path) -> Path:
    """A path from a config file, relative to the file's folder (a flag's base is the empty path)."""
    return base / value


def _paths(values: list[str | Path], base: Path) -> tuple[Path, ...]:
    """Paths from a config file, each relative to the file's folder."""
    return tuple(_path(str(v), base) for v in values)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of value: the TOML types it takes, how it is converted, how argparse reads it."""

    toml: tuple[type, ...]
    convert: Callable[[Any, Path], Any] = _as_is  # (value, folder relative paths are resolved against)
    parse: Callable[[str], Any] = str  # how argparse reads a flag's value (its type=)
    action: str = "store"  # "append": a repeatable flag; "store_true": a switch

    def accepts(self, value: object) -> bool:
        """True if a config file's value has one of the TOML types (a bool is not an int here)."""
        return isinstance(value, self.toml) and (bool in self.toml or not isinstance(value, bool))


TEXT = Kind((str,))
INT = Kind((int,), parse=int)
NUMBER = Kind((int, float), _float, float)
PATH = Kind((str,), _path, Path)
PATHS = Kind((list,), _paths, Path, "append")
FLAG = Kind((bool,), action="store_true")


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a run, as its Settings field declares it."""

    help: str  # what it does, for --help; the default is added from the field
    kind: Kind = TEXT
    key: str = ""  # its name in config files and `config show`, and as --key its flag ("": the field's)
    field: str = ""  # the Settings field (filled in by options_of)
    default: Any = None  # the field's default (filled in by options_of)
    choices: tuple[str, ...] = ()  # the values it may take, if they are few
    choices_text: str = ""  # how messages say them ("on or off"; "": "one of a, b, c")
    checks: tuple[Check, ...] = ()  # besides the choices, in order; the first problem is the message
    metavar: str | None = None
    shown_default: str | None = None  # the default as --help says it, where the value would mislead
    commands: tuple[str, ...] = RUN
    in_file: bool = True  # a config file may set it, and `config show` and the reports list it
    positional: bool = False  # INPUT and OUTPUT of `cleaner run`
    #: Whether it decides the clean text (a change cleans everything again): True puts the value in
    #: the run's fingerprint, a function (of the Settings) what of it decides the text.
    fingerprint: bool | Callable[[Any], object] = False

    @property
    def flag(self) -> str:
        """How the command line and the messages name it: --input-format (or INPUT's key)."""
        return self.key if self.positional else "--" + self.key.replace("_", "-")

    def problem(self, value: object) -> str | None:
        """The one-line message saying what is wrong with a value, or None if it is fine."""
        if self.choices and value not in self.choices:
            said = self.choices_text or f"one of {', '.join(self.choices)}"
            return f"{self.flag} must be {said}, not {value!r}"
        for check in self.checks:
            message = check(self.flag, value)
            if message is not None:
                return message
        return None

    def fingerprint_of(self, settings: object) -> object:
        """What of this option's value decides the clean text (for fingerprinted options)."""
        if callable(self.fingerprint):
            return self.fingerprint(settings)
        value = getattr(settings, self.field)
        return list(value) if isinstance(value, tuple) else value


def option(help: str, default: Any = None, *, factory: Callable[[], Any] | None = None, **spec: Any) -> Any:
    """A Settings field declaring an option (spec: the other fields of Option)."""
    metadata = {METADATA_KEY: Option(help, default=default, **spec)}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def options_of(cls: type) -> tuple[Option, ...]:
    """The options a settings dataclass declares, in its field order, each knowing its field."""
    found = []
    for f in dataclasses.fields(cls):
        declared: Option = f.metadata[METADATA_KEY]
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        found.append(dataclasses.replace(declared, field=f.name, key=declared.key or f.name, default=default))
    return tuple(found)


def at_least(low: int) -> Check:
    """A number of at least `low`."""

    def check(flag: str, value: Any) -> str | None:
        return None if value >= low else f"{flag} must be at least {low}, not {value}"

    return check


def positive_number_of(unit: str) -> Check:
    """A number of `unit` above zero."""

    def check(flag: str, value: Any) -> str | None:
        return None if value > 0 else f"{flag} must be a positive number of {unit}, not {value}"

    return check


def positive(flag: str, value: Any) -> str | None:
    """A number above zero."""
    return None if value > 0 else f"{flag} must be positive, not {value}"


def share(flag: str, value: Any) -> str | None:
    """A share in (0, 1]: none would be meaningless, all is the most there is."""
    return None if 0 < value <= 1 else f"{flag} must be in (0, 1], not {value}"


def named(flag: str, value: Any) -> str | None:
    """A field name: anything but empty."""
    return None if value else f"{flag} must name a field, not be empty"


def existing_file(flag: str, value: Any) -> str | None:
    """None, or a path to a file that exists."""
    return None if value is None or Path(value).is_file() else f"{flag} {value}: no such file"


def needs_extra(value: str, installed: Callable[[], bool], extra: str) -> Check:
    """The value `value` works only with an optional extra installed (asked when checked)."""

    def check(flag: str, given: Any) -> str | None:
        if given != value or installed():
            return None
        return f"{flag} {value} needs the optional extra: pip install 'cleaner[{extra}]'"

    return check
