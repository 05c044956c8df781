"""The README's Python snippets that are whole test modules run as written: each is pasted
into a project of its own and run by pytest with the fake-seam plugin, so a missing import or
a renamed fixture in the README fails here."""

from __future__ import annotations

import ast
import re

import pytest
from repo import ROOT

BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
# pytester puts sys.modules back after each inner run (see tests/plugin/test_plugin.py).
INNER = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q")


MODULE_LEVEL = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign)


def is_test_module(block: str) -> bool:
    """A whole test module: it defines tests, holds no `...`, and does nothing at import time
    but import, define and assign (a block that calls your own `app` is a sketch)."""
    if "def test_" not in block or "..." in block:
        return False
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return False
    return all(isinstance(node, MODULE_LEVEL) for node in tree.body)


def runnable_snippets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block for block in BLOCK.findall(text) if is_test_module(block)]


SNIPPETS = runnable_snippets()


def test_the_clock_snippets_are_among_them() -> None:
    joined = "\n".join(SNIPPETS)
    assert "from freezegun import freeze_time" in joined and "import time_machine" in joined


def test_the_readme_snippets_run_as_written(pytester: pytest.Pytester) -> None:
    # One module per snippet, one pytest run for all (each run pays for the SDK's imports).
    pytester.makepyfile(**{f"test_snippet{i + 1}": snippet for i, snippet in enumerate(SNIPPETS)})
    result = pytester.runpytest_inprocess(*INNER)
    tests = sum(len(re.findall(r"^def test_", snippet, re.MULTILINE)) for snippet in SNIPPETS)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=tests)


pytest_plugins = ["pytester"]
