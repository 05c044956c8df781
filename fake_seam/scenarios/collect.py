"""Scenario files as pytest test cases.

Name the directories in the ini option `fake_seam_scenario_dirs` (paths relative to the ini
file) and every `*.yaml` / `*.yml` file in them that pytest visits becomes one test, replayed
in a fresh in-process fake; a failure shows the step-by-step report. pytest visits only what
it is asked to collect, so put the directories in `testpaths` too (or name them on the
command line):

    [tool.pytest.ini_options]
    testpaths = ["tests", "scenarios"]
    fake_seam_scenario_dirs = ["scenarios"]

fake-seam's pytest plugin calls `add_ini` and `collect_file`; this module also works as a
plugin of its own (`-p fake_seam.scenarios.collect`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

INI_OPTION = "fake_seam_scenario_dirs"
SUFFIXES = (".yaml", ".yml")


def add_ini(parser: pytest.Parser) -> None:
    parser.addini(
        INI_OPTION,
        "directories whose *.yaml scenario files run as tests (replayed in a fresh fake)",
        type="paths",
        default=[],
    )


def scenario_dirs(config: pytest.Config) -> list[Path]:
    try:
        return [Path(p).resolve() for p in config.getini(INI_OPTION)]
    except ValueError:  # the option was never added (a plugin without add_ini)
        return []


def collect_file(parent: pytest.Collector, file_path: Path) -> ScenarioFile | None:
    if file_path.suffix not in SUFFIXES:
        return None
    resolved = file_path.resolve()
    if not any(
        directory == resolved.parent or directory in resolved.parents
        for directory in scenario_dirs(parent.config)
    ):
        return None
    return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFailed(Exception):
    """A scenario that did not replay green (or did not load): the message is the report."""


class ScenarioFile(pytest.File):
    def collect(self) -> list[ScenarioItem]:
        return [ScenarioItem.from_parent(self, name=self.path.stem)]


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        run_scenario_file(self.path)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario {self.path.name}"


def run_scenario_file(path: str | Path, **options: Any) -> None:
    """Replay one file; raise `ScenarioFailed` (with the report) unless it is green."""
    # Loaded when a scenario file is collected: ~220 ms of imports (YAML, pydantic, httpx) that
    # a pytest session without scenario files never pays.
    from fake_seam.scenarios import report
    from fake_seam.scenarios.model import ScenarioError, load_scenario
    from fake_seam.scenarios.runner import run_scenario

    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        raise ScenarioFailed(report.problems_text(error.problems)) from None
    result = run_scenario(scenario, **options)
    if not result.passed:
        raise ScenarioFailed(report.scenario_text(result, quiet=False).lstrip("\n"))


# The same, as hooks, for `-p fake_seam.scenarios.collect`.


def pytest_addoption(parser: pytest.Parser) -> None:
    add_ini(parser)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> ScenarioFile | None:
    return collect_file(parent, file_path)
