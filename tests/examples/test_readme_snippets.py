"""The Python snippets of the README and the docs pages that are whole test modules run as
written: each is pasted into a project of its own and run by pytest with the fake-seam plugin,
so a missing import or a renamed fixture in the docs fails here."""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import symtable

import pytest
from repo import ROOT

BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
# pytester puts sys.modules back after each inner run (see tests/plugin/test_plugin.py).
INNER = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q")


IMPORTABLE = [
    importlib.import_module(name)
    for name in (
        "datetime",
        "time",
        "typing",
        "collections.abc",
        "pytest",
        "seam",
        "fake_seam",
        "fake_seam.strategies",
        "freezegun",
        "time_machine",
        "hypothesis",
    )
]
MODULE_LEVEL = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign)


def is_test_module(block: str) -> bool:
    """A whole test module: it defines tests, holds no `...`, does nothing at import time but
    import, define and assign, and uses no name it does not define (a block that calls your
    own `app` or `check_in` is a sketch)."""
    if "def test_" not in block or "..." in block:
        return False
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return False
    if not all(isinstance(node, MODULE_LEVEL) for node in tree.body):
        return False
    missing = undefined_globals(block)
    # A name one of these modules has is an import the snippet forgot: it runs, and fails.
    return not missing or any(hasattr(module, name) for name in missing for module in IMPORTABLE)


def undefined_globals(block: str) -> set[str]:
    """Names the functions read from the module that it neither defines nor imports, and that
    are not builtins: your own `check_in` or `app` (a sketch), not fixtures (parameters)."""
    table = symtable.symtable(block, "<snippet>", "exec")
    defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    missing: set[str] = set()

    def walk(scope: symtable.SymbolTable) -> None:
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if symbol.is_global() and symbol.is_referenced() and name not in defined:
                if not hasattr(builtins, name):
                    missing.add(name)
        for child in scope.get_children():
            walk(child)

    for child in table.get_children():
        walk(child)
    return missing


def runnable_snippets() -> list[str]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    blocks = [block for page in pages for block in BLOCK.findall(page.read_text(encoding="utf-8"))]
    # A snippet both the README and a page show runs once.
    return list(dict.fromkeys(block for block in blocks if is_test_module(block)))


SNIPPETS = runnable_snippets()


def test_the_clock_snippets_are_among_them() -> None:
    joined = "\n".join(SNIPPETS)
    assert "from freezegun import freeze_time" in joined and "import time_machine" in joined


def test_the_snippets_run_as_written(pytester: pytest.Pytester) -> None:
    # One module per snippet, one pytest run for all (each run pays for the SDK's imports).
    pytester.makepyfile(**{f"test_snippet{i + 1}": snippet for i, snippet in enumerate(SNIPPETS)})
    result = pytester.runpytest_inprocess(*INNER)
    tests = sum(len(re.findall(r"^def test_", snippet, re.MULTILINE)) for snippet in SNIPPETS)
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=tests)


pytest_plugins = ["pytester"]
