"""A test run writes nothing into the checkout: this plugin fails the session if it did.

At the start of the run it notes `git status --porcelain --ignored`; at the end, any entry that
was not there before fails the run and is listed. Outside a git checkout (an sdist, say) it
does nothing.

Bytecode: conftest stops it before it imports anything of the tree, but pytest's `pytest11`
entry point imports fake_seam (and pytest compiles conftest itself) before any conftest runs.
Unless the interpreter started with PYTHONDONTWRITEBYTECODE=1, those .pyc files are written
first; the ones this process wrote are removed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from repo import ROOT


def git_status() -> set[str] | None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True
    )
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


def process_start() -> float | None:
    """When this process started (Linux /proc; None elsewhere)."""
    try:
        after_name = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return boot + int(after_name[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def early_bytecode() -> list[Path]:
    """The .pyc files in the tree that this process wrote before conftest could stop it."""
    if sys.flags.dont_write_bytecode:
        return []
    started = process_start()
    if started is None:
        return []
    # pytest rewrites the asserts of conftest and of plugins' packages (fake_seam): their .pyc
    # carry a `-pytest-VERSION` tag, so look for both kinds of name.
    sources = {Path(m.__file__) for m in list(sys.modules.values()) if getattr(m, "__file__", None)}
    sources |= set((ROOT / "tests").glob("**/conftest.py"))
    candidates = {
        pyc
        for source in sources
        if source.suffix == ".py" and source.is_relative_to(ROOT)
        for pyc in (source.parent / "__pycache__").glob(f"{source.stem}.*.pyc")
    }
    found = []
    for path in candidates:
        try:
            # btime has whole seconds: a second's slack.
            if path.stat().st_mtime >= started - 1:
                found.append(path)
        except OSError:
            continue
    return found


EARLY = early_bytecode()


def remove_early_bytecode() -> None:
    for path in EARLY:
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # only when empty: someone else's .pyc stay
        except OSError:
            pass


BEFORE = pytest.StashKey[set[str] | None]()
WRITTEN = pytest.StashKey[list[str]]()


def is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")  # pytest-xdist workers have it


def pytest_configure(config: pytest.Config) -> None:
    if is_controller(config):
        config.stash[BEFORE] = git_status()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if not is_controller(config):
        return
    remove_early_bytecode()
    before = config.stash.get(BEFORE, None)
    after = git_status()
    if before is None or after is None:
        return
    written = sorted(after - before)
    config.stash[WRITTEN] = written
    if written and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    written = config.stash.get(WRITTEN, [])
    if written:
        terminalreporter.section("the test run wrote into the checkout", red=True)
        for line in written:
            terminalreporter.line(line)
        terminalreporter.line("Tests write only to tmp_path or the user's cache: see tests/README.md.")
