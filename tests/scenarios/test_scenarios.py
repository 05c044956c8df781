"""Scenario files: the format and its errors, replay and its report, matchers, running against
a server, recording a session, and pytest collection."""

from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from repo import SCENARIOS

from fake_seam.cli import main
from fake_seam.fake import FakeSeam
from fake_seam.scenarios import ScenarioError, load_scenario, parse_scenario, run_scenario
from fake_seam.scenarios import report as reports
from fake_seam.scenarios.matchers import MISSING, lookup, match
from fake_seam.scenarios.reading import parse_duration
from fake_seam.scenarios.recorder import Recorder
from fake_seam.server import ThreadedServer

LIBRARY = SCENARIOS


def write(tmp_path: Path, text: str, name: str = "story.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def problems_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(textwrap.dedent(text).lstrip(), path="story.yaml")
    return [(p.line, p.message) for p in raised.value.problems]


# -- malformed files: file, line and problem; nothing runs --------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("steps:\n  - call: [unclosed\n", 3, "not valid YAML"),
        ("- just a list\n", 1, "a scenario file is a YAML mapping"),
        ("name: x\n", 1, "needs `steps:`"),
        ("strat: 2026-12-01T12:00:00Z\nsteps:\n  - settle: true\n", 1, "did you mean 'start'"),
        ("start: yesterday\nsteps:\n  - settle: true\n", 1, "not an ISO 8601 time"),
        ("steps:\n  - call: access_codes.craete\n", 2, "did you mean 'create'"),
        (
            "steps:\n  - call: access_codes.create\n    params: {device_id: x, nmae: G}\n",
            3,
            "takes no parameter 'nmae' (did you mean 'name'?)",
        ),
        ("steps:\n  - advance: 10 minutes\n", 2, "not a duration"),
        ("steps:\n  - advance: 1m\n    advance: 2m\n", 3, "appears twice"),
        ("steps:\n  - advance: 1m\n    settle: true\n", 2, "2 actions"),
        ("steps:\n  - note: nothing\n", 2, "neither an action"),
        (
            "steps:\n  - expect:\n      access_code: {id: '${guest.access_code_id}'}\n",
            3,
            "refers to 'guest', which no earlier step captured",
        ),
        ("steps:\n  - settle: true\n    expect: {evnts: [x]}\n", 3, "did you mean 'events'"),
        ("steps:\n  - settle: true\n    events: [x]\n", 3, "is an expectation; put it under expect:"),
        ("steps:\n  - keypad_entry: {device: d}\n", 2, "needs code:"),
        (
            "steps:\n  - set_fault_plan: {device: d, fail_next: 2, error_code: oops}\n",
            2,
            "must be one of failed_to_set_on_device",
        ),
        ("steps:\n  - set_fault_plan: {device: d, failure_rate: 2}\n", 2, "probability"),
        (
            "steps:\n  - call: access_codes.create\n    params: {device_id: d, code: 1.5}\n",
            3,
            'parameter code: Expected string, received number (/access_codes/create would refuse it; write it as text: code: "1.5")',
        ),
        (
            "steps:\n  - call: access_codes.create\n    params: {device_id: d, name: 42}\n",
            3,
            "step 1 (call): parameter name: Expected string, received number",
        ),
        (
            "steps:\n  - call: access_codes.create\n    params: {device_id: d, code: 1234}\n",
            3,
            'write it as text: code: "1234"',
        ),
        (
            "steps:\n  - request: {method: POST, path: /devices/list, params: {limit: lots}}\n",
            2,
            "step 1 (request): parameter limit: Expected number, received string",
        ),
        (
            "steps:\n  - call: access_codes.create\n    params: {device_id: d, is_one_time_use: 'yes'}\n",
            3,
            "parameter is_one_time_use: Expected boolean, received string",
        ),
        (
            "steps:\n  - settle: true\n    expect:\n      result: {code: {contains: '1', foo: 1}}\n",
            4,
            "mixes operators",
        ),
        ("steps:\n  - settle: true\n    expect:\n      http_status: 200\n", 4, "goes with request:"),
        (
            "fleet:\n  locks:\n    - {id: d, capacty: 4}\nsteps:\n  - settle: true\n",
            3,
            "unknown key 'capacty' (did you mean 'capacity'?)",
        ),
        (
            "fleet:\n  overrides:\n    front_door: {pool_size: 1}\nsteps:\n  - settle: true\n",
            3,
            "the base has no device 'front_door'",
        ),
        (
            "fleet:\n  workspaces:\n    - {id: w, api_key: seam_at_nope}\nsteps:\n  - settle: true\n",
            3,
            "must start with seam_",
        ),
        ("workspace: nowhere\nsteps:\n  - settle: true\n", 1, "not in the fleet"),
    ],
)
def test_malformed_file_names_line_and_problem(text: str, line: int, words: str) -> None:
    found = problems_of(text)
    assert any(words in message for _, message in found), found
    assert any(words in message and got == line for got, message in found), found


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    found = problems_of("""
        strat: now
        steps:
          - call: access_codes.craete
          - advance: soon
          - expect:
              device: {id: x, errors: {contains: [a], bad: 1}}
    """)
    assert [line for line, _ in found] == [1, 3, 4, 6]


def test_cli_runs_nothing_when_any_file_is_malformed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "steps:\n  - settle: true\n", "good.yaml")
    bad = write(tmp_path, "steps:\n  - advance: 1m\n  - call: access_codes.nope\n", "bad.yaml")
    code = main(["replay", str(good), str(bad)])
    captured = capsys.readouterr()
    assert code == 2
    assert f"{bad}:3: step 2 (call): access_codes.nope: access_codes has no 'nope'" in captured.err
    assert "nothing was run" in captured.err
    assert captured.out == ""  # the good file did not run either


def test_cli_malformed_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "steps:\n  - advance: later\n")
    assert main(["replay", "--report", "json", str(bad)]) == 2
    body = json.loads(capsys.readouterr().out)
    assert body["passed"] is False
    assert body["malformed"][0]["file"] == str(bad) and body["malformed"][0]["line"] == 2


# -- replay: steps, captures, expectations and the report ----------------------------------------

STORY = """
# A guest's code on a lock that fails its first write.
name: Failing first write
start: 2026-12-01T12:00:00Z
fleet:
  base: default
  locks:
    - {id: porch, name: Porch, brand: august, capacity: 4, code_lengths: [4], programming_delay: 30s,
       faults: {fail_next: 1}}
steps:
  - call: access_codes.create
    params: {device_id: porch, name: Guest, starts_at: "${now}", ends_at: "${start+1d}"}
    as: guest
    capture: {pin: code}
  - advance: 30s
    expect:
      events: {contains: [{event_type: access_code.failed_to_set_on_device, access_code_id: "${guest.access_code_id}"}]}
      access_code: {id: "${guest.access_code_id}", status: setting, errors: [failed_to_set_on_device]}
      pin: {device: porch, code: "${pin}", opens: false}
  - advance: 5m30s
    expect:
      access_code: {id: "${guest.access_code_id}", status: set, errors: []}
      slots: {device: porch, count: 1, free: 3, contains: [{code: "${pin}", name: Guest}]}
      pin: {device: porch, code: "${pin}", opens: true}
"""


def test_replay_runs_steps_in_a_fresh_fake_with_frozen_clock(tmp_path: Path) -> None:
    result = run_scenario(parse_scenario(STORY))
    assert result.passed, reports.text([result])
    assert [s.clock for s in result.steps] == [
        "2026-12-01T12:00:00.000Z",
        "2026-12-01T12:00:30.000Z",
        "2026-12-01T12:06:00.000Z",
    ]
    assert result.steps[0].events == ["access_code.created"]
    assert result.scenario.summary == ["A guest's code on a lock that fails its first write."]
    assert len(result.checks) == 10


def test_a_failed_expectation_shows_both_values_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, STORY.replace("status: set, errors: []", "status: set, errors: [], name: Host"))
    code = main(["replay", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert '[FAIL] line 21: access_code ${guest.access_code_id}: name = "Host"' in out
    assert 'expected "Host", got "Guest"' in out
    assert "FAILED  " in out and "1 failed" in out
    # Every step and expectation is in the report, passed ones too.
    assert out.count("[ok]") == 10 and "step 3 (line 19) advance: FAILED" in out


def test_json_report_is_machine_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, STORY.replace("opens: true", "opens: false"))
    assert main(["replay", "--report", "json", str(path)]) == 1
    body = json.loads(capsys.readouterr().out)
    scenario = body["scenarios"][0]
    assert body["passed"] is False and scenario["expectations"]["failed"] == 1
    failed = [e for s in scenario["steps"] for e in s["expectations"] if e["status"] == "failed"]
    assert failed == [
        {
            "kind": "pin",
            "line": 23,
            "what": "PIN ${pin} (" + failed[0]["what"].split("(")[1],
            "status": "failed",
            "detail": "it opened the door",
        }
    ]


def test_unexpected_api_error_stops_the_scenario() -> None:
    result = run_scenario(
        parse_scenario("""
        steps:
          - call: access_codes.get
            params: {access_code_id: nope}
          - settle: true
    """)
    )
    assert not result.passed
    assert result.steps[0].status == "error"
    assert "access_code_not_found (404)" in result.steps[0].error
    assert result.steps[1].status == "not run"


def test_parameters_holding_references_are_checked_when_the_step_runs() -> None:
    """`${...}` is known only at run time: the file is not refused for it, and a value that
    resolves to the wrong type is refused by the route then (the step errors)."""
    scenario = parse_scenario(
        """
        vars: {count: 3}
        steps:
          - call: access_codes.create
            params: {device_id: "${device}", name: "${count}"}
        """.replace("${device}", "august_device_1")
    )
    result = run_scenario(scenario)
    assert result.steps[0].status == "error"
    assert "invalid_input" in result.steps[0].error and "name" in result.steps[0].error


def test_a_step_expecting_an_error_may_send_what_the_route_refuses() -> None:
    result = run_scenario(
        parse_scenario("""
        steps:
          - call: access_codes.create
            params: {device_id: august_device_1, name: 42}
            expect: {error: invalid_input}
          - request: {path: /access_codes/create, params: {device_id: august_device_1, code: 1234}}
            expect: {http_status: 400}
    """)
    )
    assert result.passed, reports.text([result])


def test_a_stopped_scenario_counts_the_error_and_the_steps_that_never_ran() -> None:
    result = run_scenario(
        parse_scenario("""
        steps:
          - call: devices.get
            params: {device_id: august_device_1}
            expect: {result: {device_id: august_device_1}}
          - call: access_codes.get
            params: {access_code_id: nope}
          - settle: true
          - advance: 1m
          - call: devices.list
            expect: {result: {length: 6}}
    """)
    )
    head = reports.text([result], quiet=True).splitlines()[0]
    assert head.startswith("FAILED") and "1 passed, 0 failed, 0 skipped; steps: 1 error, 3 not run;" in head
    assert reports.totals([result]).strip().endswith("steps: 1 error, 3 not run")
    shown = json.loads(reports.as_json([result]))["scenarios"][0]
    assert (shown["steps_total"], shown["steps_error"], shown["steps_not_run"]) == (5, 1, 3)


def test_expected_error_that_does_not_happen_fails() -> None:
    result = run_scenario(
        parse_scenario("""
        steps:
          - call: devices.get
            params: {device_id: august_device_1}
            expect: {error: device_not_found}
    """)
    )
    [check] = result.checks
    assert check.passed is False and check.detail.startswith("it succeeded")


def test_error_expectation_matches_type_status_message_and_data() -> None:
    result = run_scenario(
        parse_scenario("""
        steps:
          - request: {method: GET, path: /access_codes/get, params: {access_code_id: nope}}
            expect:
              http_status: 404
              error: {type: access_code_not_found, status: 404, message: {contains: Could not find},
                      data: {access_code_id: nope}}
              result: {error.type: access_code_not_found}
    """)
    )
    assert result.passed, reports.text([result])


def test_variables_and_cli_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        """
        vars: {door: august_device_1}
        steps:
          - call: devices.get
            params: {device_id: "${door}"}
            expect:
              result: {device_id: "${door}"}
    """,
    )
    assert main(["replay", "--quiet", str(path)]) == 0
    assert main(["replay", "--quiet", "--var", "door=salto_device_1", str(path)]) == 0
    assert main(["replay", "--quiet", "--var", "door=nowhere", str(path)]) == 1
    assert "device_not_found" in capsys.readouterr().out


def test_print_seed_maps_the_fleet_onto_a_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        """
        fleet:
          base: none
          workspaces:
            - id: hotel
              api_key: seam_hotel_key
              locks:
                - {id: room, brand: salto, capacity: 5, code_lengths: [6], constraints: [no_zeros],
                   backup_pool: false, programming_delay: 1m, faults: {failure_rate: 0.5, offline_for: 10m},
                   keypad_codes: ["1234"]}
        steps:
          - settle: true
    """,
    )
    assert main(["replay", "--print-seed", str(path)]) == 0
    seed = json.loads(capsys.readouterr().out)
    [workspace] = seed["workspaces"]
    [lock] = workspace["devices"]
    assert workspace["api_keys"] == ["seam_hotel_key"]
    assert lock == {
        "device_id": "room",
        "manufacturer": "salto",
        "max_active_codes_supported": 5,
        "supported_code_lengths": [6],
        "code_constraints": [{"constraint_type": "no_zeros"}],
        "supports_backup_access_code_pool": False,
        "programming_delay_seconds": 60.0,
        "fault_plan": {"failure_rate": 0.5, "offline_for_seconds": 600.0},
        "keypad_codes": [{"code": "1234"}],
        "kind": "lock",
    }


def test_fleet_the_fake_refuses_is_reported_not_raised() -> None:
    result = run_scenario(
        parse_scenario("""
        fleet:
          locks: [{id: shed, keypad_codes: ["12"]}]
        steps:
          - settle: true
    """)
    )
    assert not result.passed and result.setup_error


def test_durations() -> None:
    assert parse_duration("1h30m") == 5400
    assert parse_duration("2.5s") == 2.5
    assert parse_duration("500ms") == 0.5
    assert parse_duration(90) == 90
    with pytest.raises(ValueError):
        parse_duration("1h and a bit")


# -- matchers ----------------------------------------------------------------------------------


def test_matchers() -> None:
    device = {
        "errors": [{"error_code": "device_offline"}],
        "warnings": [],
        "properties": {"online": False},
        "codes": [{"code": "1234", "name": "A"}, {"code": "5678", "name": "B"}],
    }
    assert match(device, {"errors": ["device_offline"], "properties.online": False}) is None
    assert match(device["errors"], {"contains": ["device_offline"], "excludes": ["x"]}) is None
    assert 'missing ["empty_backup_access_code_pool"]' in match(
        device["errors"], {"contains": ["empty_backup_access_code_pool"]}
    )
    assert match(device["codes"], {"exactly": [{"name": "B"}, "1234"]}) is None
    assert match(device["codes"], {"length": 2}) is None
    assert lookup(device, "codes.1.name") == "B"
    assert lookup(device, "codes.length") == 2
    assert lookup(device, "codes.7.name") is MISSING
    assert match(device, {"nickname": None}) is None  # absent reads as null...
    assert match(device, {"nickname": {"exists": False}}) is None  # ...and can be told apart
    assert match("1234", 1234) is None  # an unquoted PIN
    assert match("2026-12-02T00:00:00.000Z", {"gt": "2026-12-01T23:59:59Z"}) is None
    assert match(3, {"in": [1, 2]}) == "expected one of [1, 2], got 3"
    assert match("Backup x (Seam)", {"matches": r"^Backup .* \(Seam\)$", "startswith": "Backup"}) is None


# -- against a server ----------------------------------------------------------------------------


@pytest.fixture
def server_for():
    servers: list[ThreadedServer] = []

    def start(scenario_path: Path) -> ThreadedServer:
        scenario = load_scenario(scenario_path)
        server = ThreadedServer(FakeSeam(scenario.seed, rng_seed=scenario.rng_seed)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize("name", ["04-backup-pull.yaml", "11-flaky-lock.yaml"])
def test_library_scenario_replays_green_against_a_served_fake(name: str, server_for: Any) -> None:
    """Over HTTP to another fake-seam: it is reset, its clock set to the scenario's start and
    frozen; API steps go over HTTP, hardware and clock steps through /_fake routes."""
    path = LIBRARY / name
    server = server_for(path)
    result = run_scenario(load_scenario(path), against=server.endpoint)
    assert result.passed, reports.text([result])
    assert result.target == f"fake-seam at {server.endpoint}"


def test_against_seam_uses_sandbox_routes_and_skips_the_rest(
    server_for: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Against Seam itself (no /_fake routes), hardware steps use the sandbox's simulate routes
    where they exist and are reported as skipped where they do not."""
    from fake_seam.scenarios.targets import RemoteTarget

    path = write(
        tmp_path,
        """
        steps:
          - go_offline: august_device_2
            expect:
              device: {id: august_device_2, properties.online: false}
          - advance: 10m
            expect:
              device: {id: august_device_2, properties.online: false}
          - set_fault_plan: {device: august_device_2, fail_next: 1}
          - go_online: august_device_2
            expect:
              device: {id: august_device_2, properties.online: true}
              slots: {device: august_device_2, count: 0}
          - add_keypad_code: {device: august_device_2, code: "4321", name: Gardener}
            expect:
              pin: {device: august_device_2, code: "4321", opens: true}
    """,
    )
    server = server_for(path)
    monkeypatch.setattr(RemoteTarget, "_probe_fake", lambda self: False)
    result = run_scenario(load_scenario(path), against=server.endpoint, api_key="seam_apikey1_token")
    assert result.passed, reports.text([result])
    statuses = [s.status for s in result.steps]
    assert statuses == ["ok", "skipped", "skipped", "ok", "ok"]
    assert "skipped" in result.steps[1].summary
    slots = [c for c in result.checks if c.kind == "slots"]
    assert slots[0].passed is None and "only on a fake-seam" in slots[0].detail
    assert result.target == f"seam at {server.endpoint}"


def test_against_a_server_with_another_fleet_names_what_it_lacks(tmp_path: Path) -> None:
    """Not a `device_not_found` at some step: before anything runs, the fleet differs, and how."""
    seed = {
        "workspaces": [
            {
                "workspace_id": "seed_workspace_1",
                "name": "Elsewhere",
                "api_keys": ["seam_apikey1_token"],
                "connected_accounts": [
                    {
                        "connected_account_id": "ca_1",
                        "provider": "august",
                        "user_identifier": {"email": "host@example.com"},
                    }
                ],
                "devices": [
                    {
                        "device_id": "august_device_1",
                        "connected_account_id": "ca_1",
                        "kind": "lock",
                        "manufacturer": "august",
                        "display_name": "Front Door",
                    }
                ],
            }
        ]
    }
    scenario = parse_scenario(
        "steps:\n  - call: devices.get\n    params: {device_id: august_device_2}\n"
        "  - call: devices.get\n    params: {device_id: august_device_1}\n"
    )
    with ThreadedServer(FakeSeam(seed)) as server:
        result = run_scenario(scenario, against=server.endpoint)
    assert not result.passed and not result.steps
    problem = result.setup_error or ""
    assert "the server's fleet differs from the scenario's" in problem
    assert "workspace seed_workspace_1 has no device august_device_2, " in problem
    assert "august_device_1" not in problem.split("has no device")[1]
    assert "--print-seed" in problem
    assert "steps: 2 not run" in reports.text([result], quiet=True)


def test_against_a_server_that_is_not_there() -> None:
    result = run_scenario(parse_scenario("steps:\n  - settle: true\n"), against="http://127.0.0.1:9")
    assert not result.passed and "cannot reach" in (result.setup_error or "")


# -- recording -----------------------------------------------------------------------------------


def sdk_session(fake: FakeSeam) -> None:
    """A host's client: two guests on the front door, one backup pulled for each."""
    seam = fake.client()
    window = {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-03T11:00:00Z"}
    ana = seam.access_codes.create(
        device_id="august_device_1", name="Ana", use_backup_access_code_pool=True, **window
    )
    ben = seam.access_codes.create(device_id="august_device_1", name="Ben", **window)
    fake.advance(10)  # the codes and the pool's backups land
    seam.access_codes.get(access_code_id=ana.access_code_id)
    backup = seam.access_codes.pull_backup_access_code(access_code_id=ana.access_code_id)
    seam.access_codes.pull_backup_access_code(access_code_id=ben.access_code_id)
    seam.locks.simulate.keypad_code_entry(device_id="august_device_1", code=backup.code)
    seam.access_codes.list(device_id="august_device_1")
    seam.devices.get(device_id="august_device_1")


def test_record_then_replay_green_then_red_when_the_fake_changes(tmp_path: Path) -> None:
    fake = FakeSeam(now="2026-12-01T12:00:00Z", frozen=True)
    recorder = Recorder(fake, tmp_path / "session.yaml")
    sdk_session(fake)
    recorder.save()
    assert recorder.count == 9  # 8 SDK calls, and `fake.advance(10)` from Python

    text = recorder.path.read_text()
    assert text.startswith("# Recorded by fake-seam")
    assert "path: /_fake/clock/advance" in text and "seconds: 10" in text  # the clock moved
    assert "${ana}" in text and "${ana_pin}" not in text.split("capture")[0]  # ids become captures
    assert "created_at" not in text  # timestamps are not compared

    green = run_scenario(load_scenario(recorder.path))
    assert green.passed, reports.text([green])

    # The same session against a front door whose pool holds one backup instead of three.
    document = yaml.safe_load(text)
    document["fleet"] = {"base": "default", "overrides": {"august_device_1": {"pool_size": 1}}}
    changed = tmp_path / "pool-of-one.yaml"
    changed.write_text(yaml.safe_dump(document, sort_keys=False))
    red = run_scenario(load_scenario(changed))
    assert not red.passed
    out = reports.text([red], quiet=True)
    assert "answers HTTP 200" in out
    assert "expected 200, got 400: error no_backup_access_code_available" in out
    assert "POST /access_codes/pull_backup_access_code" in out


def test_recording_a_live_server_over_http(tmp_path: Path) -> None:
    """A real server with a clock that follows the wall: each step waits exactly as long as the
    clock moved, so the replay sees the same history."""
    from seam import Seam

    fake = FakeSeam()
    recorder = Recorder(fake, tmp_path / "live.yaml")
    with ThreadedServer(fake) as server:
        # Health probes (a load balancer's, a script's) are not part of the session.
        assert httpx.head(f"{server.endpoint}/health").status_code == 200
        assert httpx.get(f"{server.endpoint}/health").status_code == 200
        seam = Seam(
            api_key=server.api_key,
            endpoint=server.endpoint,
            wait_for_action_attempt={"polling_interval": 0.001, "timeout": 5},
        )
        code = seam.access_codes.create(device_id="august_device_2", name="Walk-in")
        fake.advance(10)
        seam.access_codes.get(access_code_id=code.access_code_id)
        seam.locks.unlock_door(device_id="august_device_2")
        seam.access_codes.delete(access_code_id=code.access_code_id)
    recorder.save()
    scenario = load_scenario(recorder.path)
    assert [s.arg["path"] for s in scenario.steps][:5] == [
        "/access_codes/create",
        "/_fake/clock/advance",  # `fake.advance(10)` from Python
        "/access_codes/get",
        "/locks/unlock_door",
        "/action_attempts/get",
    ]
    result = run_scenario(scenario)
    assert result.passed, reports.text([result])


def test_record_command_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["record", "--help"])
    out = capsys.readouterr().out
    assert "--out" in out and "--port" in out and "--rng-seed" in out


# -- pytest collection -----------------------------------------------------------------------------

pytest_plugins = ["pytester"]


def test_scenario_dirs_are_collected_as_tests(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_seam_scenario_dirs = stories\ntestpaths = stories\n")
    stories = pytester.mkdir("stories")
    (stories / "green.yaml").write_text("steps:\n  - settle: true\n")
    (stories / "red.yaml").write_text(
        "steps:\n  - call: devices.get\n    params: {device_id: august_device_1}\n"
        "    expect: {result: {display_name: Back Door}}\n"
    )
    (stories / "broken.yaml").write_text("steps:\n  - advance: whenever\n")
    pytester.mkdir("elsewhere").joinpath("ignored.yaml").write_text("not: a scenario\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "stories", "elsewhere")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*broken.yaml:2: step 1 (advance): 'whenever' is not a duration*",
            '*display_name = "Back Door"*',
            '*expected "Back Door", got "Front Door"*',
            "FAILED stories/red.yaml::red*",
        ]
    )


def test_fake_seam_record_command_end_to_end(tmp_path: Path) -> None:
    """`fake-seam record` as a user runs it: a server until Ctrl-C, then a scenario that
    replays green."""
    import os
    import re
    import signal
    import subprocess
    import sys

    from seam import Seam

    out = tmp_path / "session.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_seam", "record", "--out", str(out), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        endpoint = None
        assert process.stdout is not None
        for line in process.stdout:
            found = re.match(r"^export SEAM_ENDPOINT=(\S+) ", line)
            if found:
                endpoint = found.group(1)
                break
        assert endpoint, "the recording server did not start"
        seam = Seam(
            api_key="seam_apikey1_token",
            endpoint=endpoint,
            wait_for_action_attempt={"polling_interval": 0.01, "timeout": 5},
        )
        code = seam.access_codes.create(device_id="august_device_2", name="Walk-in")
        seam.access_codes.get(access_code_id=code.access_code_id)
        with pytest.raises(Exception, match="Device not found"):
            seam.devices.get(device_id="no_such_lock")
    finally:
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert f"fake-seam: recorded 3 calls to {out}" in rest
    scenario = load_scenario(out)
    assert [s.arg["path"] for s in scenario.steps] == [
        "/access_codes/create",
        "/access_codes/get",
        "/devices/get",
    ]
    result = run_scenario(scenario)
    assert result.passed, reports.text([result])


LIST_RULE_STORY = """
    steps:
      - call: access_codes.create
        params: {device_id: august_device_1, name: Ada, code: "1357"}
        expect:
          events: EVENTS
"""


def test_a_bare_list_of_events_still_means_includes_and_warns_with_the_explicit_forms() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        scenario = parse_scenario(LIST_RULE_STORY.replace("EVENTS", "[access_code.created]"))
    message = str(caught[0].message)
    assert "events: {contains: [...]}" in message and "events: {exactly: [...]}" in message
    assert run_scenario(scenario).passed


@pytest.mark.parametrize(
    ("events", "passes"),
    [
        ("{contains: [access_code.created]}", True),
        ("{exactly: [access_code.created]}", True),
        ("{exactly: []}", False),
        ("{exactly: [access_code.created, access_code.set_on_device]}", False),
    ],
)
def test_events_say_includes_or_exactly(events: str, passes: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        result = run_scenario(parse_scenario(LIST_RULE_STORY.replace("EVENTS", events)))
    assert result.passed is passes, reports.text([result])
    if not passes:
        assert "are exactly" in reports.text([result]) and "expected exactly" in reports.text([result])


def test_the_cli_shows_a_deprecated_form_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, LIST_RULE_STORY.replace("EVENTS", "[access_code.created]"))
    assert main(["replay", "--quiet", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"fake-seam: warning: {path}:5: `events: [...]` means `events: {{contains: [...]}}`" in err


def test_failed_contains_and_excludes_say_what_was_there() -> None:
    result = run_scenario(
        parse_scenario("""
        steps:
          - call: access_codes.create
            params: {device_id: august_device_1, name: Ada, code: "1357"}
            expect:
              events:
                contains: [access_code.deleted]
                excludes: [access_code.created]
              access_codes:
                device: august_device_1
                contains: [{name: Grace}]
                excludes: [{name: Ada}]
    """)
    )
    failed = [c for c in result.checks if not c.passed]
    assert len(failed) == 4
    events = [c for c in failed if c.kind == "events"]
    assert len(events) == 2
    assert all(c.detail.startswith("emitted:") and "access_code.created" in c.detail for c in events)
    listing = [c for c in failed if c.kind == "access_codes"]
    assert len(listing) == 2
    assert any("not among" in c.detail for c in listing) and any("found among" in c.detail for c in listing)
