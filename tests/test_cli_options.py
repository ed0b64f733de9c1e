"""The commands' flags, derived from the one table of options (cleaner.cli.options)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from cleaner.batch.option import INT, Option
from cleaner.batch.settings import OPTIONS
from cleaner.cli.main import build_parser, main
from cleaner.cli.options import add_option, given, help_text


def help_of(command: list[str], capsys) -> str:
    """The --help text of a command, on one line (argparse wraps it to the terminal)."""
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    return re.sub(r"\s+", " ", capsys.readouterr().out)


@pytest.mark.parametrize("command", [["run"], ["config", "show"], ["clean"], ["explain"]])
def test_every_option_of_a_command_is_a_flag_with_its_help_and_default(command, capsys):
    text = help_of(command, capsys)
    name = " ".join(command)
    for opt in OPTIONS:
        shown = re.sub(r"\s+", " ", help_text(opt))
        assert (shown in text) is (name in opt.commands), (name, opt.key)


def test_help_says_the_default_the_table_declares():
    by_key = {o.key: o for o in OPTIONS}
    assert help_text(by_key["template_min_docs"]).endswith("(default: 5)")
    assert help_text(by_key["workers"]).endswith("(default: CPU count)")
    assert help_text(by_key["quiet"]) == "no progress and no summary"  # a switch is off unless given


def test_a_flag_not_given_is_none_so_the_config_file_or_the_default_decides():
    args = build_parser().parse_args(["run", "--scope", "page", "--add-rules", "a", "--add-rules", "b"])
    flags = given(args, "run")
    assert flags["scope"] == "page" and [str(p) for p in flags["add_rules"]] == ["a", "b"]
    assert {k for k, v in flags.items() if v is not None} == {"scope", "add_rules"}


def test_one_option_is_one_flag_read_by_its_kind():
    parser = argparse.ArgumentParser()
    add_option(parser, Option("how loud", INT, key="level", default=3, metavar="N"))
    assert parser.parse_args(["--level", "7"]).level == 7 and parser.parse_args([]).level is None
    assert "how loud (default: 3)" in parser.format_help()
    with pytest.raises(SystemExit):
        parser.parse_args(["--level", "loud"])


def test_a_percent_sign_in_help_is_text_not_a_format(capsys):
    parser = argparse.ArgumentParser()
    add_option(parser, Option("keep 50% of it", key="half", default="on"))
    assert "keep 50% of it (default: on)" in parser.format_help()


def test_the_readme_usage_lists_every_flag_of_run():
    """The README's Usage block is written by hand: it must not drift from the table."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    usage = readme.split("## Usage", 1)[1].split("\nExit status", 1)[0]
    run = next(
        action.choices["run"]
        for action in build_parser()._subparsers._group_actions  # the subcommands' parsers
        if isinstance(action, argparse._SubParsersAction)
    )
    flags = {f for action in run._actions for f in action.option_strings if f.startswith("--") and f != "--help"}
    # --jsonl-url/-html/-text/-id stand on one line
    listed = set(re.findall(r"--[a-z][a-z-]*", usage)) | {f"--jsonl-{x}" for x in ("html", "text", "id")}
    assert flags - listed == set()
