"""`fake-seam serve --state`: every answered change survives `kill -9`, and the restarted
server is the fake that never stopped (compared with an in-process twin that ran the same
calls); files it cannot use are refused with one line and exit code 2, and left as they were;
`state check` and `state export`."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from seam import Seam
from test_serve import Served, serve

from fake_seam.cli import main
from fake_seam.fake import FakeSeam
from fake_seam.state import FORMAT_VERSION
from fake_seam.state.journal import open_state

TOKEN = "state-test-token"
FAST = {"polling_interval": 0.01, "timeout": 5.0}
T0 = "2030-01-01T10:00:00.000Z"

Control = Callable[[str, dict[str, Any]], Any]


def fresh_state(path: Path) -> Path:
    """A new state file (the default seed), closed: the server and the twin start from it."""
    _, journal = open_state(path)
    journal.close()
    return path


def twin_of(path: Path, tmp_path: Path) -> FakeSeam:
    """An in-process fake made from a copy of the fresh file, never stopped, never kept."""
    copy = tmp_path / "twin.db"
    shutil.copy(path, copy)
    fake, journal = open_state(copy, create=False)
    journal.file.close()
    return fake


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    servers: list[Served] = []

    def start(path: Path, *args: str) -> Served:
        served = serve("--state", str(path), "--control-token", TOKEN, *args)
        servers.append(served)
        return served

    yield start
    for served in servers:
        if served.process.poll() is None:
            served.process.kill()
            served.process.communicate()


def http_control(endpoint: str) -> Control:
    def control(path: str, body: dict[str, Any]) -> Any:
        answer = httpx.post(endpoint + path, json=body, headers={"x-fake-seam-control-token": TOKEN})
        assert answer.status_code == 200, answer.text
        return answer.json()

    return control


def twin_control(fake: FakeSeam) -> Control:
    client = httpx.Client(transport=fake.transport(), base_url="http://fake-seam.local")

    def control(path: str, body: dict[str, Any]) -> Any:
        answer = client.post(path, json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    return control


def database(endpoint: str) -> dict[str, Any]:
    answer = httpx.post(
        endpoint + "/_fake/database",
        json={"include_credentials": True},
        headers={"x-fake-seam-control-token": TOKEN},
    )
    assert answer.status_code == 200, answer.text
    dump: dict[str, Any] = answer.json()
    dump.pop("ok", None)
    return dump


def slots(control: Control, device_id: str) -> Any:
    return control("/_fake/devices/slots", {"device_id": device_id})


def session(seam: Seam, control: Control) -> list[str]:
    """What a developer's afternoon does: codes, a clock moved, a fault plan, a lock offline."""
    control("/_fake/clock/freeze", {})
    control("/_fake/clock/set", {"now": T0})
    made = [seam.access_codes.create(device_id="august_device_1", name="ongoing", code="1234")]
    made.append(
        seam.access_codes.create(
            device_id="august_device_1",
            name="stay",
            starts_at="2030-01-01T12:00:00Z",
            ends_at="2030-01-02T11:00:00Z",
            use_backup_access_code_pool=True,
        )
    )
    control("/_fake/clock/advance", {"seconds": 30})
    control("/_fake/devices/set_fault_plan", {"device_id": "august_device_2", "fail_next": 1})
    made.append(seam.access_codes.create(device_id="august_device_2", name="will fail"))
    control("/_fake/devices/go_offline", {"device_id": "schlage_device_id", "for_seconds": 7200})
    made.append(seam.access_codes.create(device_id="schlage_device_id", name="held"))
    control("/_fake/clock/advance", {"seconds": 60})
    return [code.access_code_id for code in made]


def after(seam: Seam, control: Control) -> dict[str, Any]:
    """What follows a restart: a new code's id and PIN, and what hours of clock bring."""
    code = seam.access_codes.create(device_id="august_device_2", name="after")
    control("/_fake/clock/advance", {"seconds": 4 * 3600})
    events = seam.events.list(since="2000-01-01T00:00:00.000Z")
    return {
        "code": (code.access_code_id, code.code),
        "events": [(e.event_id, e.event_type, e.occurred_at) for e in events],
        "slots": slots(control, "schlage_device_id"),
    }


def test_a_killed_server_comes_back_as_the_fake_that_never_stopped(
    tmp_path: Path, started: Callable[..., Served]
) -> None:
    path = fresh_state(tmp_path / "state.db")
    twin = twin_of(path, tmp_path)
    twin_seam, twin_ctl = twin.client(wait_for_action_attempt=FAST), twin_control(twin)

    first = started(path)
    seam = Seam(api_key=first.api_key, endpoint=first.endpoint, wait_for_action_attempt=FAST)
    ids = session(seam, http_control(first.endpoint))
    assert session(twin_seam, twin_ctl) == ids
    first.process.send_signal(signal.SIGKILL)  # at once after the last answer
    first.process.wait()

    second = started(path)
    assert database(second.endpoint) == twin.database(include_credentials=True)
    for device in ("august_device_1", "august_device_2", "schlage_device_id"):
        assert slots(http_control(second.endpoint), device) == slots(twin_ctl, device)
    seam = Seam(api_key=second.api_key, endpoint=second.endpoint, wait_for_action_attempt=FAST)
    assert after(seam, http_control(second.endpoint)) == after(twin_seam, twin_ctl)


def test_a_running_clock_keeps_its_offset_from_wall_time_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    fake, journal = open_state(path)
    journal.attach()
    twin_control(fake)("/_fake/clock/set", {"now": "2040-06-01T00:00:00Z"})  # running, years ahead
    journal.file.close()  # gone without a snapshot, as after kill -9: the journal has it
    back, journal = open_state(path, create=False)
    journal.file.close()
    assert not back.clock.frozen
    assert back.clock.now().isoformat().startswith("2040-06-01T00:0")  # on by the time it was down


def test_a_clean_stop_leaves_one_snapshot_and_no_journal(
    tmp_path: Path, started: Callable[..., Served]
) -> None:
    path = tmp_path / "state.db"
    served = started(path)
    seam = Seam(api_key=served.api_key, endpoint=served.endpoint, wait_for_action_attempt=FAST)
    seam.access_codes.create(device_id="august_device_1", name="kept", code="4321")
    code, _, err = served.stop(signal.SIGTERM)
    assert code == 0, err
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM journal").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM snapshot").fetchone() == (1,)
    db.close()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["state", "check", str(path)]) == 0
    assert f"format {FORMAT_VERSION}" in out.getvalue() and "1 access codes" in out.getvalue()
    again = started(path)
    seam = Seam(api_key=again.api_key, endpoint=again.endpoint)
    assert [c.code for c in seam.access_codes.list(device_id="august_device_1")] == ["4321"]


# -- files it cannot use -------------------------------------------------------------------


def refused(path: Path, *args: str) -> tuple[int, str]:
    """`fake-seam serve --state PATH` run in this process: its exit code and stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["serve", "--port", "0", "--state", str(path), *args])
    return code, err.getvalue()


def test_a_file_of_another_format_version_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = fresh_state(tmp_path / "old.db")
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
    db.commit()
    db.close()
    before = path.read_bytes()
    code, err = refused(path)
    assert code == 2
    assert err.count("\n") == 1 and "state format 0" in err and "fake-seam state export" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"not a database at all\n", b"SQLite format 3\x00" + b"\xff" * 200, b""],
    ids=["text", "damaged-header", "empty"],
)
def test_a_corrupt_file_is_refused_and_left_as_it_was(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(content or b"\x00" * 4096)
    code, err = refused(path)
    assert code == 2
    assert err.count("\n") == 1 and str(path) in err
    assert path.read_bytes() == (content or b"\x00" * 4096)


def test_a_sqlite_file_that_is_not_a_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    code, err = refused(path)
    assert (code, err.count("\n")) == (2, 1) and "not a fake-seam state file" in err
    assert path.read_bytes() == before


def test_a_file_held_by_a_running_server_is_refused(tmp_path: Path, started: Callable[..., Served]) -> None:
    path = tmp_path / "state.db"
    first = started(path)
    seam = Seam(api_key=first.api_key, endpoint=first.endpoint, wait_for_action_attempt=FAST)
    code_id = seam.access_codes.create(device_id="august_device_1", name="mine").access_code_id
    code, err = refused(path)
    assert code == 2 and err.count("\n") == 1 and "in use by another fake-seam" in err
    # The first server goes on, and what it answered is still there after it stops.
    seam.access_codes.create(device_id="august_device_1", name="still mine")
    first.stop(signal.SIGTERM)
    again = started(path)
    seam = Seam(api_key=again.api_key, endpoint=again.endpoint)
    assert code_id in [c.access_code_id for c in seam.access_codes.list(device_id="august_device_1")]


# -- state check, state export -------------------------------------------------------------


def test_state_export_is_a_seed_that_makes_the_same_fleet(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    fake, journal = open_state(path)
    journal.attach()
    control = twin_control(fake)
    control("/_fake/devices/set_fault_plan", {"device_id": "august_device_2", "fail_next": 2})
    control(
        "/_fake/devices/add_keypad_code", {"device_id": "kwikset_device_1", "code": "9999", "name": "cleaner"}
    )
    control("/_fake/devices/go_offline", {"device_id": "yale_device_1"})
    control("/_fake/workspaces/create", {"name": "Second site"})
    journal.close()
    out = tmp_path / "seed.json"
    assert main(["state", "export", str(path), "-o", str(out)]) == 0
    seeded = FakeSeam(json.loads(out.read_text()))
    keep = ("workspaces", "connected_accounts", "devices", "unmanaged_access_codes")

    def fleet(fake: FakeSeam) -> dict[str, Any]:
        dump = fake.database(include_credentials=True)
        shown = {key: dump[key] for key in keep}
        shown["api_keys"] = dump["api_keys"]
        return json.loads(json.dumps(shown).replace("created_at", "_"))  # when each was made differs

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("_", "access_code_id")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    assert strip(fleet(seeded)) == strip(fleet(fake))
    plan = seeded.set_fault_plan("august_device_2")
    assert plan["fail_next"] == 2
