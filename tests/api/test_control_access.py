"""Who may drive a served fake through `/_fake`: anyone on this machine while it listens on
loopback (requests addressed by a loopback name), only holders of the control token once one
is set; changes by POST with a JSON body only, so no page on another site can make a browser
reset the fake or move its clock; and no credentials in `/_fake/database` unless asked for
with the token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from repo import SCENARIOS
from seam import Seam

from fake_seam.controls import CONTROLS
from fake_seam.fake import DEFAULT_API_KEY, FakeSeam
from fake_seam.scenarios.model import load_scenario
from fake_seam.scenarios.runner import run_scenario
from fake_seam.server import ThreadedServer

TOKEN = "control-token-for-tests"
HEADER = "x-fake-seam-control-token"
FAST = {"polling_interval": 0.01, "timeout": 5.0}
READS = {
    "now",
    "default_seed",
    "database",
    "backup_pool",
    "slots",
    "webhook_deliveries",
    "console_overview",
    "console_lock",
}
# A request a page on any site may send without the browser asking the server first.
SIMPLE_BODIES = {
    "text/plain": {"content": b'{"seconds": 3600}', "headers": {"content-type": "text/plain"}},
    "form": {"data": {"seconds": "3600"}},
    "multipart": {"files": {"seconds": ("s", b"3600")}},
    "no content type": {"content": b'{"seconds": 3600}'},
}


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(frozen=True)) as served:
        yield served


@pytest.fixture
def guarded() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(frozen=True), control_token=TOKEN) as served:
        yield served


def sdk(server: ThreadedServer, key: str = DEFAULT_API_KEY) -> Any:
    return Seam(api_key=key, endpoint=server.endpoint, wait_for_action_attempt=FAST)


# -- changes take POST with JSON -----------------------------------------------------------


def test_only_pure_reads_answer_get() -> None:
    assert {name for name, c in CONTROLS.items() if "GET" in c.methods} == READS
    assert all(c.methods <= {"GET", "POST"} and "POST" in c.methods for c in CONTROLS.values())


@pytest.mark.parametrize("name", sorted(set(CONTROLS) - READS))
def test_a_get_changes_nothing(name: str, server: ThreadedServer) -> None:
    """An `<img src=".../_fake/reset">` on any page makes the browser send this GET."""
    code = sdk(server).access_codes.create(device_id="august_device_1", code="2468")
    before = server.fake.database()
    answer = httpx.get(f"{server.endpoint}{CONTROLS[name].path}", params={"seconds": "3600"})
    assert answer.status_code == 405
    assert answer.json()["error"]["type"] == "method_not_allowed"
    assert server.fake.database() == before
    assert sdk(server).access_codes.get(access_code_id=code.access_code_id).code == "2468"


@pytest.mark.parametrize("how", sorted(SIMPLE_BODIES))
def test_a_post_that_is_not_json_changes_nothing(how: str, server: ThreadedServer) -> None:
    before = server.fake.now()
    answer = httpx.post(f"{server.endpoint}/_fake/clock/advance", **SIMPLE_BODIES[how])
    assert answer.status_code == 415
    error = answer.json()["error"]
    assert error["type"] == "unsupported_media_type"
    assert "application/json" in error["message"]
    assert server.fake.now() == before


def test_a_json_post_moves_the_clock(server: ThreadedServer) -> None:
    before = server.fake.clock.timestamp()
    for content_type in ("application/json", "application/json; charset=utf-8"):
        answer = httpx.post(
            f"{server.endpoint}/_fake/clock/advance",
            content=b'{"seconds": 60}',
            headers={"content-type": content_type},
        )
        assert answer.status_code == 200, answer.text
    assert server.fake.clock.timestamp() == before + 120
    # A control without parameters takes an empty JSON body (or none, labelled JSON).
    reset = httpx.post(f"{server.endpoint}/_fake/reset", headers={"content-type": "application/json"})
    assert reset.status_code == 200, reset.text


# -- loopback: only loopback names ----------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "app.localhost"])
def test_loopback_names_reach_the_controls(host: str, server: ThreadedServer) -> None:
    answer = httpx.get(f"{server.endpoint}/_fake/clock", headers={"host": f"{host}:{server.port}"})
    assert answer.status_code == 200, answer.text


def test_a_rebound_name_is_refused_but_seam_routes_still_answer(server: ThreadedServer) -> None:
    """DNS rebinding: a page at attacker.example whose name now points at 127.0.0.1 sends its
    own name as Host."""
    host = {"host": f"attacker.example:{server.port}"}
    before = server.fake.now()
    for answer in (
        httpx.get(f"{server.endpoint}/_fake/database", headers=host),
        httpx.post(f"{server.endpoint}/_fake/clock/advance", json={"seconds": 60}, headers=host),
    ):
        assert answer.status_code == 403
        assert answer.json()["error"]["type"] == "forbidden"
    assert server.fake.now() == before
    devices = httpx.get(
        f"{server.endpoint}/devices/list", headers={**host, "authorization": f"Bearer {DEFAULT_API_KEY}"}
    )
    assert devices.status_code == 200


# -- the control token ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_with_a_token_every_control_needs_it(name: str, guarded: ThreadedServer) -> None:
    path = f"{guarded.endpoint}{CONTROLS[name].path}"
    before = guarded.fake.database()
    for headers in ({}, {HEADER: "wrong"}, {HEADER: TOKEN + "x"}, {HEADER: TOKEN[:-1]}):
        answer = httpx.post(path, json={}, headers=headers)
        assert answer.status_code == 401, answer.text
        error = answer.json()["error"]
        assert error["type"] == "unauthorized" and HEADER in error["message"]
    assert guarded.fake.database() == before


def test_with_a_token_the_controls_work_and_the_sdk_needs_nothing_new(guarded: ThreadedServer) -> None:
    assert guarded.control_headers == {HEADER: TOKEN}
    moved = httpx.post(
        f"{guarded.endpoint}/_fake/clock/advance", json={"seconds": 60}, headers=guarded.control_headers
    )
    assert moved.status_code == 200, moved.text
    # With a token, the token is what counts: any Host name will do.
    named = httpx.get(
        f"{guarded.endpoint}/_fake/clock", headers={**guarded.control_headers, "host": "fake-seam.example"}
    )
    assert named.status_code == 200
    assert len(sdk(guarded).devices.list()) == 8


def test_beyond_loopback_a_token_is_required() -> None:
    with pytest.raises(ValueError, match="--control-token"):
        ThreadedServer(FakeSeam(), host="0.0.0.0")  # refused before anything is bound
    with pytest.raises(ValueError, match="printable ASCII"):
        ThreadedServer(FakeSeam(), control_token="two words")


# -- credentials in /_fake/database --------------------------------------------------------


def test_the_database_shows_no_credentials_but_shows_pins(server: ThreadedServer) -> None:
    seam = sdk(server)
    seam.access_codes.create(device_id="august_device_1", code="2468")
    sessions = seam.client_sessions.list()
    assert sessions, "the seed has a client session"
    answer = httpx.get(f"{server.endpoint}/_fake/database")
    assert answer.status_code == 200
    text, db = answer.text, answer.json()
    assert "api_keys" not in db
    assert all("token" not in s for s in db["client_sessions"])
    assert {s["client_session_id"] for s in db["client_sessions"]} == {s.client_session_id for s in sessions}
    for secret in (DEFAULT_API_KEY, "seam_apikey2_token", *(s.token for s in sessions)):
        assert secret not in text
    assert [c["code"] for c in db["access_codes"]] == ["2468"]

    asked = httpx.get(f"{server.endpoint}/_fake/database", params={"include_credentials": "true"})
    assert asked.status_code == 403, "without a configured token, nobody may ask for them"
    assert "include_credentials" in asked.json()["error"]["message"]


def test_the_token_holder_may_ask_for_credentials(guarded: ThreadedServer) -> None:
    sessions = sdk(guarded).client_sessions.list()
    db = httpx.post(
        f"{guarded.endpoint}/_fake/database",
        json={"include_credentials": True},
        headers=guarded.control_headers,
    ).json()
    assert {k["token"] for k in db["api_keys"]} == {DEFAULT_API_KEY, "seam_apikey2_token"}
    assert {s["token"] for s in db["client_sessions"]} == {s.token for s in sessions}
    # The Python owner of the fake may always ask.
    assert guarded.fake.database(include_credentials=True) == {k: v for k, v in db.items() if k != "ok"}
    assert "api_keys" not in guarded.fake.database()


def test_default_seed_keeps_the_seeds_names_and_values(guarded: ThreadedServer) -> None:
    """SDK test suites read the seed's well-known keys from it: they stay as they are."""
    seed = httpx.get(f"{guarded.endpoint}/_fake/default_seed", headers=guarded.control_headers).json()
    assert seed["seam_apikey1_token"] == DEFAULT_API_KEY
    assert seed == guarded.fake.default_seed()


# -- callers: scenario replay against a guarded server ------------------------------------


def test_replay_against_a_guarded_fake_sends_the_token() -> None:
    path = SCENARIOS / "04-backup-pull.yaml"
    scenario = load_scenario(path)
    with ThreadedServer(FakeSeam(scenario.seed, rng_seed=scenario.rng_seed), control_token=TOKEN) as served:
        refused = run_scenario(scenario, against=served.endpoint)
        assert not refused.passed
        assert HEADER in (refused.setup_error or ""), "says the server wants its token"
        result = run_scenario(scenario, against=served.endpoint, control_token=TOKEN)
    assert result.passed, result
    assert result.target == f"fake-seam at {served.endpoint}"


# -- the ASGI app, served by someone else's server ----------------------------------------


def asgi_get(fake: FakeSeam, path: str, server: tuple[str, int | None], host: str) -> tuple[int, Any]:
    """One GET through `fake.app`, as an ASGI server that accepted it on `server` hands it over."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host.encode())],
        "server": server,
        "client": ("203.0.113.9", 50000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(fake.app(scope, receive, send))
    return sent[0]["status"], json.loads(sent[1]["body"])


@pytest.mark.parametrize(
    ("server", "host", "status"),
    [
        (("127.0.0.1", 8080), "localhost:8080", 200),
        (("::ffff:127.0.0.1", 8080), "127.0.0.1:8080", 200),
        (("127.0.0.1", 8080), "attacker.example", 403),  # DNS rebinding
        (("192.0.2.10", 8080), "192.0.2.10:8080", 403),  # listening beyond loopback, no token
        (("testserver", 80), "testserver", 200),  # an in-memory test client: no socket at all
        (("/run/fake-seam.sock", None), "localhost", 200),  # a Unix socket
    ],
    ids=["loopback", "dual-stack-loopback", "rebound-name", "beyond-loopback", "test-client", "unix-socket"],
)
def test_the_asgi_app_guards_its_controls_wherever_it_is_served(
    server: tuple[str, int | None], host: str, status: int
) -> None:
    fake = FakeSeam()
    answer_status, body = asgi_get(fake, "/_fake/clock", server, host)
    assert answer_status == status, body
    if status == 403:
        assert body["error"]["type"] == "forbidden"
    # Seam's routes are the API key's business, wherever the app is served.
    assert asgi_get(fake, "/health", server, host)[0] == 200
