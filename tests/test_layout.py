"""The package's shape: sizes a newcomer can read (the limits of issue 13), and what each layer
is made of. The import directions themselves are import-linter's contracts (pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cleaner"
#: A module, class or function over these is split: past them a reader loses the thread.
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 250
MAX_FUNCTION_LINES = 60

MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    """The module's path inside the package, for test ids and messages."""
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_class_or_function_runs_over_its_limit(path):
    source = path.read_text(encoding="utf-8")
    too_long = []
    if source.count("\n") > MAX_MODULE_LINES:
        too_long.append(f"module: {source.count(chr(10))} lines")
    for node in ast.walk(ast.parse(source)):
        limit = {ast.ClassDef: MAX_CLASS_LINES, ast.FunctionDef: MAX_FUNCTION_LINES}.get(type(node))
        if isinstance(node, ast.AsyncFunctionDef):
            limit = MAX_FUNCTION_LINES
        if limit is not None and node.end_lineno - node.lineno + 1 > limit:
            too_long.append(f"{node.name}: {node.end_lineno - node.lineno + 1} lines (limit {limit})")
    assert not too_long, f"{_name(path)}: " + "; ".join(too_long)
