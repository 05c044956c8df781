"""The console's server side: its page, its read routes and its stream follow the control
plane's rules, show no credentials, cost what a page shows, and keep telling the page what
happens (across a reset too). The page itself, in a browser: tests/browser/test_console_page.py."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from test_serve import serve

from fake_seam.fake import FakeSeam
from fake_seam.server import ThreadedServer

FRONT = "august_device_1"
TOKEN = "console-token"
JSON = {"content-type": "application/json"}


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(frozen=True)) as served:
        yield served


@pytest.fixture
def guarded() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(frozen=True), control_token=TOKEN) as served:
        yield served


class Stream:
    """The console's stream read from a thread: `next(kind)` is the next message of that kind."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.messages: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.client = httpx.Client(timeout=10)
        self.response = self.client.send(self.client.build_request("GET", url, headers=headers), stream=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = ""
        try:
            for line in self.response.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    self.messages.put((kind, orjson.loads(line[6:])))
        except httpx.HTTPError:
            pass

    def next(self, kind: str) -> dict[str, Any]:
        while True:
            got, data = self.messages.get(timeout=10)
            if got == kind:
                return data

    def close(self) -> None:
        self.response.close()
        self.client.close()


def test_the_page_and_its_files_are_served_by_the_fake_with_no_outside_resources(server) -> None:
    page = httpx.get(f"{server.endpoint}/_fake/console")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["referrer-policy"] == "no-referrer"
    assert "http://" not in page.text and "https://" not in page.text  # no CDN: all from here
    for name, kind in (("console.js", "text/javascript"), ("console.css", "text/css")):
        served = httpx.get(f"{server.endpoint}/_fake/console/{name}")
        assert served.status_code == 200 and served.headers["content-type"].startswith(kind)
        assert "https://" not in served.text
    assert httpx.get(f"{server.endpoint}/_fake/console/other.js").status_code == 404


def test_the_page_follows_the_loopback_rule_and_answers_get_only(server) -> None:
    rebound = httpx.get(f"{server.endpoint}/_fake/console", headers={"host": "attacker.example"})
    assert rebound.status_code == 403 and rebound.json()["error"]["type"] == "forbidden"
    stream = httpx.get(f"{server.endpoint}/_fake/console/stream", headers={"host": "attacker.example"})
    assert stream.status_code == 403
    posted = httpx.post(f"{server.endpoint}/_fake/console", json={})
    assert posted.status_code == 405 and posted.json()["error"]["type"] == "method_not_allowed"


def test_with_a_token_the_page_is_served_but_what_it_reads_needs_the_token(guarded) -> None:
    page = httpx.get(f"{guarded.endpoint}/_fake/console")
    assert page.status_code == 200 and TOKEN not in page.text
    assert httpx.get(f"{guarded.endpoint}/_fake/console/stream").status_code == 401
    read = httpx.post(f"{guarded.endpoint}/_fake/console/overview", json={})
    assert read.status_code == 401
    allowed = httpx.post(
        f"{guarded.endpoint}/_fake/console/overview", json={}, headers=guarded.control_headers
    )
    assert allowed.status_code == 200
    stream = Stream(f"{guarded.endpoint}/_fake/console/stream", guarded.control_headers)
    try:
        assert stream.response.status_code == 200
        assert stream.next("hello") == {"seq": 0}
    finally:
        stream.close()


def test_the_reads_show_no_credentials_but_do_show_pins(fake: FakeSeam) -> None:
    sdk = fake.client()
    sdk.webhooks.create(url="https://example.com/hook")
    sdk.client_sessions.create(user_identifier_key="guest")
    sdk.access_codes.create(device_id=FRONT, code="4321")
    fake.settle()
    shown = orjson.dumps([fake.console_overview(), fake.console_lock(FRONT)]).decode()
    secret = next(iter(fake.cloud.store.webhooks.values())).secret
    session = next(iter(fake.cloud.store.client_sessions.values())).token
    for hidden in (secret, session, *fake.cloud.store.credentials.api_keys):
        assert hidden not in shown
    assert '"code":"4321"' in shown


def test_a_lock_page_shows_slots_writes_the_pool_and_a_page_of_codes(fake: FakeSeam) -> None:
    sdk = fake.client()
    now = fake.now()
    made = [
        sdk.access_codes.create(
            device_id=FRONT,
            name=f"Stay {i}",
            starts_at=now.isoformat(),
            ends_at=(now.replace(year=now.year + 1)).isoformat(),
            use_backup_access_code_pool=True,
        )
        for i in range(3)
    ]
    fake.settle()
    fake.go_offline(FRONT)
    sdk.access_codes.create(device_id=FRONT, name="Late", code="1357")
    fake.advance(60)  # its write falls due while the lock is offline: held
    page = fake.console_lock(FRONT, limit=2)
    assert page["total_access_codes"] == 4 and len(page["access_codes"]) == 2
    assert [c["name"] for c in page["access_codes"]] == ["Stay 0", "Stay 1"]
    assert page["access_codes"][0]["is_backup_access_code_available"] is True
    assert page["lock"]["online"] is False and page["lock"]["writes_held"] == 1
    assert [w["name"] for w in page["writes"] if w["held"]] == ["Late"]
    assert {e["error_code"] for e in page["lock"]["errors"]} == {"device_offline"}
    assert len(page["lock"]["slots"]) == page["lock"]["slots_used"] == 3 + len(page["backup_pool"]["ready"])
    assert fake.console_lock(FRONT, search="late")["total_access_codes"] == 1

    backup = sdk.access_codes.pull_backup_access_code(access_code_id=made[0].access_code_id)
    pool = fake.console_lock(FRONT)["backup_pool"]
    assert [(b["access_code_id"], b["pulled_for"]) for b in pool["pulled"]] == [
        (backup.access_code_id, made[0].access_code_id)
    ]


def test_the_overview_is_a_page_of_a_workspaces_locks(fake: FakeSeam) -> None:
    for i in range(30):
        fake.create_lock(display_name=f"Unit {i:02}")
    first = fake.console_overview(limit=10)
    assert first["workspace_id"] == "seed_workspace_1" and first["total_locks"] == 36
    assert len(first["locks"]) == 10
    assert [lock["display_name"] for lock in fake.console_overview(search="unit 2", limit=50)["locks"]] == [
        f"Unit {i}" for i in range(20, 30)
    ]
    other = fake.console_overview(workspace_id="seed_workspace_2")
    assert other["total_locks"] == 0 and other["locks"] == []
    assert fake.console_overview()["clock"]["frozen"] is True


def test_bad_reads_get_seam_shaped_errors(server) -> None:
    missing = httpx.post(f"{server.endpoint}/_fake/console/lock", json={"device_id": "nope"})
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "device_not_found"
    too_many = httpx.post(f"{server.endpoint}/_fake/console/overview", json={"limit": 100_000})
    assert too_many.status_code == 400 and "limit" in too_many.json()["error"]["validation_errors"]
    nowhere = httpx.post(f"{server.endpoint}/_fake/console/overview", json={"workspace_id": "nope"})
    assert nowhere.status_code == 404


def test_the_stream_tells_of_events_changes_and_resets(server) -> None:
    stream = Stream(f"{server.endpoint}/_fake/console/stream")
    try:
        assert stream.next("hello") == {"seq": 0}
        httpx.post(f"{server.endpoint}/_fake/devices/go_offline", json={"device_id": FRONT})
        event = stream.next("event")
        assert (event["event_type"], event["device_id"]) == ("device.disconnected", FRONT)
        assert stream.next("change")["path"] == "/_fake/devices/go_offline"
        # Changes that emit no event still say so; the console's own reads do not.
        httpx.post(f"{server.endpoint}/_fake/console/overview", json={})
        httpx.post(f"{server.endpoint}/_fake/clock/freeze", json={"frozen": True})
        assert stream.next("change")["path"] == "/_fake/clock/freeze"

        # A reset builds a new cloud: the stream follows it, and its events still arrive.
        server.fake.reset()
        stream.next("reset")
        server.fake.go_offline(FRONT)
        event = stream.next("event")
        assert (event["seq"], event["event_type"]) == (1, "device.disconnected")
    finally:
        stream.close()


def test_a_server_stops_promptly_with_a_console_open() -> None:
    served = ThreadedServer(FakeSeam(frozen=True)).start()
    stream = Stream(f"{served.endpoint}/_fake/console/stream")
    try:
        stream.next("hello")
        served.stop()
        assert not served._thread or not served._thread.is_alive()  # stopped, not left at its 5 s join
    finally:
        stream.close()


def test_a_recorded_session_leaves_out_what_an_open_console_reads(fake: FakeSeam, tmp_path) -> None:
    from fake_seam.scenarios.recorder import Recorder

    recorder = Recorder(fake, tmp_path / "session.yaml")
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as http:
        http.post("/_fake/console/overview", json={})
        http.post("/_fake/console/lock", json={"device_id": FRONT})
        http.post("/_fake/devices/go_offline", json={"device_id": FRONT})
    assert [call.path for call in recorder.calls] == ["/_fake/devices/go_offline"]


def test_serve_prints_the_consoles_url_next_to_the_export_line() -> None:
    served = serve()
    page = httpx.get(f"{served.endpoint}/_fake/console")
    code, out, _ = served.stop()
    assert code == 0 and page.status_code == 200
    assert f"console {served.endpoint}/_fake/console" in out.splitlines()
