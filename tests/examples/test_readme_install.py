"""The README: what it tells users and contributors to install exists, CI runs the
contributors' test command exactly as the README writes it, and it stays short."""

from __future__ import annotations

import re
import tomllib

from repo import ROOT

README = (ROOT / "README.md").read_text()
CI = (ROOT / ".ci" / "run").read_text()
DOCS = "\n".join(page.read_text() for page in sorted((ROOT / "docs").rglob("*.md")))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def section(heading: str) -> str:
    start = README.index(f"\n## {heading}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def commands_after(text: str, comment: str) -> str:
    lines = text.splitlines()
    return lines[lines.index(comment) + 1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    command = commands_after(section("Set-up"), "# 2. install and run the tests")
    assert command.startswith("python3 -m venv .venv") and command.endswith("pytest -q")
    # As a line of its own, or followed only by what records its failure.
    assert any(line == command or line.startswith(f"{command} || ") for line in CI.splitlines()), command


def test_the_install_section_comes_first_and_names_extras_that_exist() -> None:
    assert (
        README.index("\n## Install\n")
        < README.index("\n## 1. A local dev server\n")
        < README.index("\n## Set-up\n")
    )
    install = section("Install")
    assert "pip install fake-seam " in install and "pip install 'fake-seam[testing]'" in install
    named = set(re.findall(r"fake-seam\[([a-z-]+)\]", README + DOCS))
    assert named and named <= set(PROJECT["optional-dependencies"]), named


def test_the_readme_fits_on_two_screens_and_links_each_topic_to_the_docs() -> None:
    assert len(README.splitlines()) <= 150
    for page in ("getting-started", "pytest", "scenarios", "troubleshooting", "contributing/index"):
        assert f"(docs/{page}.md)" in README, page
    for use in ("## 1. A local dev server", "## 2. pytest fixtures", "## 3. Scenario replay"):
        assert f"\n{use}\n" in README, use


def test_a_plain_install_brings_the_official_sdk_and_testing_brings_pytest_and_hypothesis() -> None:
    names = {re.split(r"[<>=;\[ ]", requirement)[0] for requirement in PROJECT["dependencies"]}
    assert "seam" in names
    testing = {
        re.split(r"[<>=;\[ ]", requirement)[0] for requirement in PROJECT["optional-dependencies"]["testing"]
    }
    assert {"pytest", "hypothesis"} <= testing
    assert "fake-seam[testing]" in PROJECT["optional-dependencies"]["dev"]
