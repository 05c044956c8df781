"""Every scenario shipped in scenarios/ replays green: from pytest (one case per file) and from
the CLI (`fake-seam replay --library`); `fake-seam scenarios` lists and copies them."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from repo import SCENARIOS

from fake_seam.cli import main
from fake_seam.scenarios import load_scenario, run_scenario
from fake_seam.scenarios.collect import ScenarioFailed, run_scenario_file

LIBRARY = SCENARIOS
FILES = sorted(LIBRARY.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_replays_green(path: Path) -> None:
    try:
        run_scenario_file(path)
    except ScenarioFailed as failed:  # show the step-by-step report, not a traceback
        pytest.fail(str(failed), pytrace=False)


def test_library_is_a_catalogue() -> None:
    assert len(FILES) >= 12
    for path in FILES:
        scenario = load_scenario(path)
        # Each file opens with a few comment lines saying what it shows.
        assert len(scenario.summary) >= 2, path.name
        assert scenario.name != path.stem, f"{path.name} has no name:"
        assert scenario.steps


def test_library_uses_no_deprecated_form() -> None:
    """The shipped files are the examples people copy: each list says how it compares."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for path in FILES:
            load_scenario(path)


def test_library_covers_the_backup_guide_and_troubleshooting() -> None:
    text = "\n".join(p.read_text() for p in FILES)
    for needle in (
        "supports_backup_access_code_pool",  # before you begin
        "use_backup_access_code_pool: true",  # step 1
        "access_code.failed_to_set_on_device",  # step 2
        "is_backup_access_code_available",  # step 3
        "access_codes.pull_backup_access_code",  # step 4
        "many_active_backup_codes",
        "partial_backup_access_code_pool",
        "empty_backup_access_code_pool",
        "no_space_for_access_code_on_device",  # a full lock
        "go_offline",  # an offline lock
        "failure_rate",  # a flaky lock
        "edit_keypad_code",  # a code edited on the keypad
        "salto_device_1",  # the lock with no pool
        "workspaces:",  # a multi-workspace fleet
    ):
        assert needle in text, needle


def test_cli_replays_the_whole_library(capsys: pytest.CaptureFixture[str]) -> None:
    # `--library` finds the files wherever fake-seam is installed (here: this checkout).
    code = main(["replay", "--quiet", "--library"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(FILES)} scenario(s): {len(FILES)} passed, 0 failed" in out
    assert all(str(path) in out for path in FILES)


def test_replay_with_nothing_to_replay_says_what_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay"]) == 2
    assert "--library" in capsys.readouterr().err


def test_scenarios_lists_the_library_with_what_each_file_shows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert f"{len(FILES)} scenario file(s) in {LIBRARY}" in out
    for path in FILES:
        [line] = [line for line in out.splitlines() if path.name in line]
        assert load_scenario(path).summary[0] in line


def test_scenarios_copy_copies_the_library_and_leaves_files_already_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / FILES[0].name).write_text("# my own edit\n")
    assert main(["scenarios", "--copy", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"copied {len(FILES) - 1} scenario file(s)" in captured.out
    assert f"{target / FILES[0].name} exists" in captured.err
    assert (target / FILES[0].name).read_text() == "# my own edit\n"
    assert all((target / p.name).read_bytes() == p.read_bytes() for p in FILES[1:])
    # A copy replays as the original does: the files need nothing beside them.
    assert main(["replay", "--quiet", str(target / "04-backup-pull.yaml")]) == 0


def test_json_report_of_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", "--report", "json", *map(str, FILES[:3])])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["passed"] is True
    assert [s["file"] for s in report["scenarios"]] == [str(p) for p in FILES[:3]]
    first = report["scenarios"][0]
    assert first["expectations"]["failed"] == 0 and first["expectations"]["passed"] > 5
    assert {"index", "line", "action", "status", "summary", "expectations"} <= set(first["steps"][0])


def test_same_seed_same_story() -> None:
    """Replays are deterministic: the flaky lock's seeded failures come out the same each run."""
    path = LIBRARY / "11-flaky-lock.yaml"
    runs = [run_scenario(load_scenario(path)) for _ in range(2)]
    summaries = [[(s.summary, s.events) for s in r.steps] for r in runs]
    assert summaries[0] == summaries[1]
