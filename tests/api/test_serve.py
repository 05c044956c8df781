"""`fake-seam serve` as a user runs it: a subprocess on a free port, driven over real HTTP
by the official SDK; plus its failure modes and `ThreadedServer`."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from seam import Seam

from fake_seam.cli import main
from fake_seam.fake import FakeSeam
from fake_seam.server import ThreadedServer

STARTUP_TIMEOUT = 20.0  # seconds; a start takes well under one on an idle machine
FAST = {"polling_interval": 0.01, "timeout": 5.0}
EXPORT = re.compile(
    r"^export SEAM_ENDPOINT=(?P<endpoint>http://127\.0\.0\.1:(?P<port>\d+)) SEAM_API_KEY=(?P<key>\S+)$"
)


def command() -> list[str]:
    script = Path(sys.executable).with_name("fake-seam")
    return [str(script)] if script.exists() else [sys.executable, "-m", "fake_seam"]


@dataclass
class Served:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    endpoint: str = ""
    api_key: str = ""

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        self.process.send_signal(sig)
        out, err = self.process.communicate(timeout=STARTUP_TIMEOUT)
        return self.process.returncode, "\n".join(self.lines) + out, err


def serve(*args: str) -> Served:
    """Start `fake-seam serve --port 0 ...` and read up to its export line."""
    process = subprocess.Popen(
        [*command(), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    served = Served(process)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            lines.put(line.rstrip("\n"))
            if line.startswith("export "):
                break
        else:
            lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            process.kill()
            raise AssertionError(f"fake-seam serve printed no export line; so far: {served.lines}") from None
        if line is None:
            _, err = process.communicate(timeout=STARTUP_TIMEOUT)
            raise AssertionError(f"fake-seam serve exited {process.returncode}: {err}")
        served.lines.append(line)
        match = EXPORT.match(line)
        if match:
            served.endpoint, served.api_key = match["endpoint"], match["key"]
            return served


def fails(*args: str) -> tuple[int, str]:
    """Run a `fake-seam serve` that must not start: its exit code and stderr."""
    done = subprocess.run(
        [*command(), "serve", *args], capture_output=True, text=True, timeout=STARTUP_TIMEOUT
    )
    assert "export SEAM_ENDPOINT" not in done.stdout
    return done.returncode, done.stderr


@pytest.fixture
def default_server() -> Iterator[Served]:
    served = serve()
    yield served
    if served.process.poll() is None:
        served.process.kill()
        served.process.communicate()


def test_serve_prints_the_endpoint_and_serves_the_sdk_over_http(
    default_server: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = default_server
    assert served.lines[0].startswith("fake-seam ") and served.endpoint in served.lines[0]
    assert served.api_key == "seam_apikey1_token"
    assert httpx.get(f"{served.endpoint}/health").status_code == 200

    seam = Seam(api_key=served.api_key, endpoint=served.endpoint, wait_for_action_attempt=FAST)
    assert len(seam.devices.list()) == 8
    assert seam.locks.unlock_door(device_id="august_device_1").status == "success"
    assert seam.locks.get(device_id="august_device_1").properties.locked is False
    code = seam.access_codes.create(device_id="august_device_1", code="8642", name="Over HTTP")
    assert seam.access_codes.get(access_code_id=code.access_code_id).code == "8642"
    assert len(seam.create_paginator(seam.devices.list, {"limit": 3}).flatten_to_list()) == 8
    response = httpx.get(
        f"{served.endpoint}/devices/list",
        params={"device_ids": ""},
        headers={"authorization": f"Bearer {served.api_key}"},
    )
    assert response.json()["devices"] == [] and response.headers["seam-request-id"].startswith("request")

    # The printed line is ready to paste: the SDK reads the same two variables.
    monkeypatch.setenv("SEAM_ENDPOINT", served.endpoint)
    monkeypatch.setenv("SEAM_API_KEY", served.api_key)
    assert Seam(wait_for_action_attempt=FAST).workspaces.get().workspace_id == "seed_workspace_1"

    code, out, err = served.stop(signal.SIGINT)
    assert code == 0, err
    assert "fake-seam stopped" in out
    assert "Traceback" not in err


def test_seed_empty() -> None:
    served = serve("--seed", "empty")
    try:
        seam = Seam(api_key=served.api_key, endpoint=served.endpoint)
        assert seam.devices.list() == []
        assert seam.workspaces.get().workspace_id == "seed_workspace_1"
    finally:
        assert served.stop()[0] == 0


def test_seed_file(tmp_path: Path) -> None:
    seed = {
        "workspaces": [
            {
                "workspace_id": "ws_hotel",
                "name": "Hotel",
                "api_keys": ["seam_hotel_key"],
                "connected_accounts": [{"connected_account_id": "acct_1", "provider": "august"}],
                "devices": [
                    {
                        "device_id": "room_101",
                        "connected_account_id": "acct_1",
                        "display_name": "Room 101",
                        "max_active_codes_supported": 4,
                        "supported_code_lengths": [4, 6],
                    },
                ],
            }
        ]
    }
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(seed))
    served = serve("--seed", str(path))
    try:
        assert served.api_key == "seam_hotel_key"
        seam = Seam(api_key=served.api_key, endpoint=served.endpoint)
        (room,) = seam.devices.list()
        assert (room.device_id, room.display_name, room.properties.max_active_codes_supported) == (
            "room_101",
            "Room 101",
            4,
        )
    finally:
        assert served.stop()[0] == 0


def test_a_port_in_use_is_one_line_and_a_non_zero_exit() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = fails("--port", str(port))
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(port) in lines[0] and lines[0].startswith("fake-seam: ")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"workspaces": "all of them"}', "'workspaces' list"),
        ('{"workspaces": [{"name": "no id"}]}', "workspace_id"),
        (
            '{"workspaces": [{"workspace_id": "w", "devices": [{"device_id": "d", "max_active_codes_supported": "many"}]}]}',
            "max_active_codes_supported: Input should be a valid integer",
        ),
        ('{"workspaces": [{"workspace_id": "w", "devices": ["d"]}]}', "workspaces.0.devices.0:"),
        (
            '{"workspaces": [{"workspace_id": "w", "devices": [{"capacity": 3}]}]}',
            "devices.0.capacity: Extra inputs are not permitted",
        ),
    ],
    ids=["json", "workspaces", "workspace-id", "field-type", "device-entry", "typo"],
)
def test_a_malformed_seed_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str
) -> None:
    # In-process (the CLI's own `main`): the seed is read before anything is bound.
    path = tmp_path / "seed.json"
    path.write_text(content)
    assert main(["serve", "--port", "0", "--seed", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"fake-seam: {path}") and says in lines[0]


def test_a_missing_seed_file_in_a_subprocess(tmp_path: Path) -> None:
    code, err = fails("--port", "0", "--seed", str(tmp_path / "nope.json"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nope.json" in err


def test_beyond_loopback_without_a_control_token_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAKE_SEAM_CONTROL_TOKEN", raising=False)
    # In-process: refused before anything is bound.
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("fake-seam: ") and "--control-token" in lines[0]
    assert "FAKE_SEAM_CONTROL_TOKEN" in lines[0]


@pytest.mark.parametrize("given", ["flag", "environment"])
def test_a_control_token_guards_every_control_route(given: str, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "t0k3n-from-the-" + given
    if given == "flag":
        monkeypatch.delenv("FAKE_SEAM_CONTROL_TOKEN", raising=False)
        served = serve("--control-token", token)
    else:
        monkeypatch.setenv("FAKE_SEAM_CONTROL_TOKEN", token)
        served = serve()
    try:
        clock = f"{served.endpoint}/_fake/clock"
        refused = httpx.get(clock)
        assert refused.status_code == 401 and refused.json()["error"]["type"] == "unauthorized"
        assert httpx.get(clock, headers={"x-fake-seam-control-token": "guess"}).status_code == 401
        assert httpx.get(clock, headers={"x-fake-seam-control-token": token}).status_code == 200
        seam = Seam(api_key=served.api_key, endpoint=served.endpoint, wait_for_action_attempt=FAST)
        assert len(seam.devices.list()) == 8  # Seam's routes take Seam's credentials, as before
    finally:
        code, _, err = served.stop()
    assert code == 0, err


def test_serve_help_documents_the_control_token_and_the_limits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for option in ("--control-token", "FAKE_SEAM_CONTROL_TOKEN", "x-fake-seam-control-token"):
        assert option in shown
    assert "--idle-timeout SECONDS" in shown and "(default 10)" in shown
    assert "--header-timeout SECONDS" in shown


def test_threaded_server_serves_the_sdk_over_http() -> None:
    fake = FakeSeam(frozen=True)
    with ThreadedServer(fake) as server:
        assert server.endpoint.startswith("http://127.0.0.1:")
        seam = Seam(api_key=server.api_key, endpoint=server.endpoint, wait_for_action_attempt=FAST)
        assert seam.locks.lock_door(device_id="august_device_2").status == "success"
        assert fake.cloud.store.devices["august_device_2"].lock.locked is True
        assert httpx.get(f"{server.endpoint}/health").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.endpoint}/health")


@pytest.mark.parametrize("module", ["fake_seam.cli", "fake_seam.fake", "fake_seam.pytest_plugin"])
def test_starting_up_loads_none_of_the_heavy_libraries(module: str) -> None:
    """`fake-seam serve` answers /health before pydantic and the route models load, and a pytest
    session or a `FakeSeam()` pays for YAML, httpx, Starlette and the SDK only when it uses them."""
    heavy = ("pydantic", "yaml", "httpx", "starlette", "uvicorn", "seam")
    probe = f"import sys, {module}; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    loaded = set(done.stdout.split())
    if module == "fake_seam.pytest_plugin":
        loaded -= {"pytest"}
    assert loaded == set(), f"importing {module} loads {sorted(loaded)}"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_recording_is_saved_on_sigint_and_on_sigterm(tmp_path: Path, sig: int) -> None:
    out = tmp_path / "session.yaml"
    served = serve("--record", str(out))
    seam = Seam(api_key=served.api_key, endpoint=served.endpoint, wait_for_action_attempt=FAST)
    seam.access_codes.create(device_id="august_device_2", name="Walk-in")
    code, stdout, err = served.stop(sig)
    assert code == 0, err
    assert f"fake-seam: recorded 1 calls to {out}" in stdout
    assert "/access_codes/create" in out.read_text()


def test_the_port_can_be_taken_again_at_once_after_a_stop_with_a_client_connected() -> None:
    """The server closes a client's connection first, which leaves it in TIME_WAIT; without
    SO_REUSEADDR a restart on the same port fails for about a minute."""
    from fake_seam.server import bind

    listening = bind("127.0.0.1", 0)
    port = listening.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    listening.setblocking(True)
    accepted, _ = listening.accept()
    accepted.close()  # the server side closes first
    client.recv(1)
    client.close()
    listening.close()
    again = bind("127.0.0.1", port)
    again.close()
