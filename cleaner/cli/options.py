"""The flags of the commands, derived from the one table of options (Settings, cleaner.batch.option).

Every flag defaults to None, meaning "not given": a run's settings are the defaults, then the config
file, then the flags given (resolve), and --help says each default as the table declares it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cleaner.batch.config import Resolved, find_config, resolve
from cleaner.batch.option import Option
from cleaner.batch.settings import OPTIONS, Settings


def add_options(parser: argparse.ArgumentParser, command: str) -> None:
    """Add the flags (and positional arguments) of every option of `command` to its parser."""
    for opt in OPTIONS:
        if command in opt.commands:
            add_option(parser, opt)


def add_option(parser: argparse.ArgumentParser, opt: Option) -> None:
    """One option's flag: its type, choices, metavar and help (with the default) from the table."""
    texts: dict[str, Any] = {"help": help_text(opt).replace("%", "%%"), "default": None}
    if opt.kind.action == "store_true":
        parser.add_argument(opt.flag, action="store_true", dest=opt.key, **texts)
        return
    if opt.positional:
        parser.add_argument(opt.key, nargs="?", type=opt.kind.parse, **texts)
        return
    parser.add_argument(
        opt.flag,
        action=opt.kind.action,
        type=opt.kind.parse,
        choices=opt.choices or None,
        metavar=opt.metavar,
        dest=opt.key,
        **texts,
    )


def help_text(opt: Option) -> str:
    """What an option does and its default; a switch says its default only when it is not just 'off'."""
    if opt.shown_default is not None:
        return f"{opt.help} (default: {opt.shown_default})"
    if opt.kind.action == "store_true":
        return opt.help
    return f"{opt.help} (default: {opt.default})"


def given(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """The option values on the command line of `command`, by key (None: not given)."""
    return {o.key: getattr(args, o.key) for o in OPTIONS if command in o.commands}


def resolve_settings(args: argparse.Namespace, command: str) -> Resolved:
    """The frozen settings for a run: flags, then the config file, then defaults."""
    return resolve(given(args, command), find_config(args.config, Path.cwd()))


def document_settings(args: argparse.Namespace) -> Settings:
    """The settings of one document's cleaning (clean, explain): its flags, then the defaults."""
    return resolve({**given(args, "clean"), "workers": 1}, None).settings
