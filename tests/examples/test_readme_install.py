"""The README's first screen: what it tells users and contributors to install exists, and CI
runs the contributors' test command exactly as the README writes it."""

from __future__ import annotations

import re
import tomllib

from repo import ROOT

README = (ROOT / "README.md").read_text()
CI = (ROOT / ".ci" / "run").read_text()
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
        README.index("\n## Install\n") < README.index("\n## Set-up\n") < README.index("\n## The default seed")
    )
    install = section("Install")
    assert "pip install fake-seam " in install and "pip install 'fake-seam[testing]'" in install
    named = set(re.findall(r"fake-seam\[([a-z-]+)\]", README))
    assert named and named <= set(PROJECT["optional-dependencies"]), named


def test_a_plain_install_brings_the_official_sdk_and_testing_brings_pytest_and_hypothesis() -> None:
    names = {re.split(r"[<>=;\[ ]", requirement)[0] for requirement in PROJECT["dependencies"]}
    assert "seam" in names
    testing = {
        re.split(r"[<>=;\[ ]", requirement)[0] for requirement in PROJECT["optional-dependencies"]["testing"]
    }
    assert {"pytest", "hypothesis"} <= testing
    assert "fake-seam[testing]" in PROJECT["optional-dependencies"]["dev"]
