"""What an option is (cleaner.batch.option): its kinds of value, its checks and how a dataclass
declares options in its fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner.batch.option import (
    FLAG,
    INT,
    NUMBER,
    PATHS,
    RUN,
    TEXT,
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


@pytest.mark.parametrize(
    "kind, value, accepted",
    [(INT, 3, True), (INT, True, False), (INT, "3", False), (NUMBER, 3, True), (NUMBER, 2.5, True),
     (FLAG, True, True), (FLAG, 1, False), (TEXT, "x", True), (PATHS, ["a"], True), (PATHS, "a", False)],
)  # fmt: skip
def test_a_kind_accepts_its_toml_types_and_a_bool_is_no_number(kind, value, accepted):
    assert kind.accepts(value) is accepted


def test_kinds_convert_file_values_relative_to_the_file_and_numbers_to_floats():
    assert PATHS.convert(["a", "b"], Path("/conf")) == (Path("/conf/a"), Path("/conf/b"))
    assert NUMBER.convert(30, Path()) == 30.0 and isinstance(NUMBER.convert(30, Path()), float)
    assert INT.parse("7") == 7 and TEXT.parse("x") == "x"


def test_the_flag_of_an_option_is_its_key_with_dashes():
    assert Option("h", key="template_min_docs").flag == "--template-min-docs"
    assert Option("h", key="input", positional=True).flag == "input"


def test_choices_are_checked_first_then_the_checks_in_order():
    mode = Option("h", key="mode", choices=("a", "b"), checks=(needs_extra("b", lambda: False, "bee"),))
    assert mode.problem("c") == "--mode must be one of a, b, not 'c'"
    assert mode.problem("b") == "--mode b needs the optional extra: pip install 'cleaner[bee]'"
    assert mode.problem("a") is None
    switch = Option("h", key="switch", choices=("on", "off"), choices_text="on or off")
    assert switch.problem("yes") == "--switch must be on or off, not 'yes'"
    both = Option("h", key="n", checks=(at_least(2), positive))
    assert both.problem(-1) == "--n must be at least 2, not -1"


@pytest.mark.parametrize(
    "check, good, bad, message",
    [
        (at_least(1), 1, 0, "--x must be at least 1, not 0"),
        (positive, 0.1, 0, "--x must be positive, not 0"),
        (positive_number_of("megabytes"), 1, 0, "--x must be a positive number of megabytes, not 0"),
        (share, 1, 0, "--x must be in (0, 1], not 0"),
        (share, 0.5, 1.01, "--x must be in (0, 1], not 1.01"),
        (named, "url", "", "--x must name a field, not be empty"),
        (existing_file, None, "/no/such/file", "--x /no/such/file: no such file"),
    ],
)
def test_each_check_passes_a_good_value_and_names_the_flag_for_a_bad_one(check, good, bad, message):
    assert check("--x", good) is None
    assert check("--x", bad) == message


def test_an_extra_is_asked_for_when_checked_not_when_declared():
    installed = [False]
    check = needs_extra("near", lambda: installed[0], "dedup")
    assert check("--dedup", "near") is not None and check("--dedup", "off") is None
    installed[0] = True
    assert check("--dedup", "near") is None


def test_a_dataclass_declares_its_options_in_its_fields():
    @dataclass(frozen=True, kw_only=True)
    class Toy:
        level: int = option("how loud", 3, kind=INT, checks=(at_least(1),), fingerprint=True)
        name_dir: Path = option("where", Path("x"), key="name", commands=("run",))
        count: int = option("how many", factory=lambda: 4, kind=INT)

    level, name, count = options_of(Toy)
    assert (level.field, level.key, level.default, level.commands) == ("level", "level", 3, RUN)
    assert (name.field, name.key, name.flag) == ("name_dir", "name", "--name")
    assert count.default == 4 and Toy().count == 4 and Toy().level == 3
    assert level.fingerprint_of(Toy(level=5)) == 5 and level.problem(0) == "--level must be at least 1, not 0"
