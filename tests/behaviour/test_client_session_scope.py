"""A client session token acts for one user: it sees and changes only its own connected
accounts' objects. Every Seam route is tried with the default seed's `seam_cst1_token` (john's
account) against every kind of id of jane's account, in the same workspace."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from moments import T0

from fake_seam.api.handler import load_routes
from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam
from fake_seam.wire.params import ROUTES

CLIENT_SESSION = "seam_cst1_token"
JANE_LOCK = "schlage_device_id"
JOHN_LOCK = "august_device_1"
# Required parameters besides the ids, so each route gets as far as its lookups.
EXTRA: dict[str, dict[str, Any]] = {
    "/events/list": {"since": "2000-01-01T00:00:00Z"},
    "/access_codes/create_multiple": {"code": "5678"},
    "/devices/update": {"name": "Mine now"},
    "/access_codes/update": {"name": "Mine now"},
}


class Jane:
    """Objects of jane's account, made with the workspace's API key."""

    def __init__(self, fake: FakeSeam) -> None:
        sdk = fake.client()
        code = sdk.access_codes.create(device_id=JANE_LOCK, code="4821", name="Guest")
        unmanaged = sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id=JANE_LOCK, code="7777", name="Cleaner"
        )
        attempt = sdk.locks.unlock_door(device_id=JANE_LOCK)
        fake.settle()
        event = next(e for e in sdk.events.list(since="2000-01-01T00:00:00Z") if e.device_id == JANE_LOCK)
        self.ids: dict[str, str] = {
            "device_id": JANE_LOCK,
            "access_code_id": code.access_code_id,
            "unmanaged access_code_id": unmanaged.access_code_id,
            "action_attempt_id": attempt.action_attempt_id,
            "event_id": event.event_id,
            "connected_account_id": "jane_connected_account_id",
        }
        self.secrets = {*self.ids.values(), "4821", "7777"}

    def state(self, fake: FakeSeam) -> Any:
        store = fake.cloud.store
        device = store.devices[JANE_LOCK]
        codes = sorted(
            (c.access_code_id, c.name, c.code, c.deleted) for c in store.codes_by_device[JANE_LOCK].values()
        )
        return device.display_name, device.is_managed, device.custom_metadata, codes, len(store.unmanaged)


def cases() -> list[tuple[str, str, str]]:
    handlers = load_routes()
    out = []
    for path, spec in sorted(ROUTES.items()):
        if path not in handlers:
            continue
        fields = spec.params.model_fields
        for kind in (
            "device_id",
            "access_code_id",
            "unmanaged access_code_id",
            "action_attempt_id",
            "event_id",
            "connected_account_id",
        ):
            name = kind.split()[-1]
            for param in (name, name + "s"):
                if param in fields:
                    out.append((path, param, kind))
    return out


CASES = cases()


@pytest.fixture(scope="module")
def world() -> tuple[FakeSeam, Jane]:
    fake = FakeSeam(frozen=True, now=T0)
    return fake, Jane(fake)


@pytest.mark.parametrize("path, param, kind", CASES, ids=[f"{p} {k}" for p, _, k in CASES])
def test_a_client_session_neither_sees_nor_changes_another_accounts_objects(
    world: tuple[FakeSeam, Jane], path: str, param: str, kind: str
) -> None:
    fake, jane = world
    value = jane.ids[kind]
    body = {**EXTRA.get(path, {}), param: [value] if param.endswith("s") else value}
    before = jane.state(fake)
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as raw:
        answer = raw.post(path, json=body, headers={"authorization": f"Bearer {CLIENT_SESSION}"})
    assert answer.status_code < 500, answer.text
    if answer.status_code == 200:
        shown = json.dumps(answer.json())
        leaked = sorted(secret for secret in jane.secrets if secret in shown)
        assert not leaked, f"{path} showed {leaked} to john's client session"
    else:
        assert (
            answer.json()["error"]["type"] in ("unauthorized", "invalid_input") or answer.status_code == 404
        )
    assert jane.state(fake) == before, f"{path} changed jane's objects for john's client session"


def test_the_routing_covers_every_id_kind() -> None:
    assert {kind for _, _, kind in CASES} == {
        "device_id",
        "access_code_id",
        "unmanaged access_code_id",
        "action_attempt_id",
        "event_id",
        "connected_account_id",
    }
    assert len(CASES) > 40


def test_a_client_session_still_works_on_its_own_accounts(world: tuple[FakeSeam, Jane]) -> None:
    """(The Python SDK takes no client session token, so over raw HTTP, as a front end's JS SDK
    would call.)"""
    fake, _ = world
    with httpx.Client(
        transport=fake.transport(),
        base_url=DEFAULT_ENDPOINT,
        headers={"authorization": f"Bearer {CLIENT_SESSION}"},
    ) as mine:
        devices = mine.post("/devices/list", json={}).json()["devices"]
        assert {d["device_id"] for d in devices} == {
            "august_device_1",
            "august_device_2",
            "ecobee_device_1",
            "minut_device_1",
        }
        attempt = mine.post("/locks/lock_door", json={"device_id": JOHN_LOCK}).json()["action_attempt"]
        polled = mine.post("/action_attempts/get", json={"action_attempt_id": attempt["action_attempt_id"]})
        assert polled.json()["action_attempt"]["status"] == "success"  # its own attempt, as the SDK polls
        code = mine.post("/access_codes/create", json={"device_id": JOHN_LOCK, "code": "9753"}).json()
        got = mine.post("/access_codes/get", json={"access_code_id": code["access_code"]["access_code_id"]})
        assert got.json()["access_code"]["code"] == "9753"
        events = mine.post("/events/list", json={"since": "2000-01-01T00:00:00Z"}).json()["events"]
        assert events and all(e.get("connected_account_id") == "john_connected_account_id" for e in events)


@pytest.mark.parametrize(
    "path", [p for p, spec in sorted(ROUTES.items()) if not spec.client_sessions and p in load_routes()]
)
def test_routes_whose_security_names_no_client_session_refuse_one(
    world: tuple[FakeSeam, Jane], path: str
) -> None:
    fake, _ = world
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as raw:
        answer = raw.post(path, json={}, headers={"authorization": f"Bearer {CLIENT_SESSION}"})
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "unauthorized"
