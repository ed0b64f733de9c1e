"""state.outputs: which outputs are missing, trusting folders unchanged since they were found whole."""

from __future__ import annotations

import json
import os

import pytest

from cleaner.batch.state import outputs
from cleaner.batch.state.outputs import Presence


@pytest.fixture
def tree(tmp_path):
    for rel in ("a/1.txt", "a/2.txt", "b/3.txt", "top.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    return tmp_path


def check(root, verified, touched=frozenset()) -> tuple[Presence, list[str]]:
    presence = Presence.of(root, verified, touched)
    wanted = [("1", "a/1.txt"), ("2", "a/2.txt"), ("3", "b/3.txt"), ("4", "b/4.txt"), ("t", "top.txt")]
    return presence, [doc for doc, rel in wanted if presence.missing(doc, rel)]


def test_a_folder_with_a_file_missing_is_not_whole(tree):
    presence, missing = check(tree, None)
    assert missing == ["4"]
    assert set(presence.whole_folders()) == {"a", ""}  # b lacks 4.txt


def test_a_folder_unchanged_since_it_was_whole_is_not_listed_again(tree, monkeypatch):
    whole = check(tree, None)[0].whole_folders()
    assert json.loads(Presence.of(tree, whole, frozenset()).trusted_json()) == [
        "",
        "a/",
    ]  # as the state's queries name them
    listed = []
    real = outputs._files
    monkeypatch.setattr(outputs, "_files", lambda folder: listed.append(folder) or real(folder))
    assert check(tree, whole)[1] == ["4"]
    assert listed == [os.path.join(str(tree), "b")]
    (tree / "a" / "1.txt").unlink()  # the folder's mtime moves on: listed again
    assert check(tree, whole)[1] == ["1", "4"]


def test_a_touched_document_is_looked_for_even_in_a_whole_folder(tree, monkeypatch):
    whole = check(tree, None)[0].whole_folders()
    os.unlink(tree / "a" / "2.txt")
    os.utime(tree / "a", ns=(whole["a"][0], whole["a"][0]))  # the folder's mtime put back
    assert check(tree, whole)[1] == ["4"]  # trusted: its stat is what it was
    assert check(tree, whole, frozenset({"2"}))[1] == ["2", "4"]


def test_anything_but_a_folder_map_trusts_nothing(tree):
    assert Presence.of(tree, ["a"], frozenset()).verified == {}
    assert Presence.of(tree, {"a": "x", "b": [1, 2]}, frozenset()).verified == {"b": (1, 2)}
    assert check(tree / "gone", None)[1] == ["1", "2", "3", "4", "t"]
