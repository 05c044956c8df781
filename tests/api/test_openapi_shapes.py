"""Every object and every response body the fake sends matches Seam's OpenAPI schemas.

The schemas come from Seam's own document (@seamapi/types), trimmed into
fake_seam/api/seam_schemas.json by tools/extract_schemas.py. A scenario drives the fake through
the official SDK into as many states as it has (offline locks, failed writes, time-bound and
backup codes, unmanaged devices and codes, disconnected accounts...), records every response
the API sent, and validates each against its route's response schema; then it validates
every object in `/_fake/database` against its component schema.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

from fake_seam.api.openapi import seam_schemas
from fake_seam.fake import FakeSeam

SCHEMAS = seam_schemas()
# Ids are Seam's fake's fixed seed ids (`august_device_1`), not UUIDs, so the `uuid` format
# is not checked; timestamps are.
FORMATS = FormatChecker(formats=["date-time"])


def validator(schema: dict[str, Any]) -> OAS30Validator:
    return OAS30Validator({**schema, "components": SCHEMAS["components"]}, format_checker=FORMATS)


KEYS = ("event_type", "action_type", "status")


def problems(schema: dict[str, Any], obj: Any, at: str = "") -> list[str]:
    """Readable errors. Where an object fails a `oneOf` of Seam's (events, action attempts,
    errors), the errors of the variants whose `event_type` / `action_type` / `status` match
    it, rather than the union's one-line summary."""
    out = []
    for error in validator(schema).iter_errors(obj):
        path = "/".join(filter(None, [at, *map(str, error.absolute_path)])) or "."
        variants = error.schema.get("oneOf") if error.validator == "oneOf" else None
        if variants and isinstance(error.instance, dict):
            matching = [
                v
                for v in variants
                if all(
                    error.instance.get(key) in v["properties"][key]["enum"]
                    for key in KEYS
                    if "enum" in v.get("properties", {}).get(key, {})
                )
            ]
            if matching:
                out += min((problems(v, error.instance, path) for v in matching), key=len)
                continue
        out.append(f"{path}: {error.message[:300]}")
    return out


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


@pytest.fixture(scope="module")
def world() -> tuple[FakeSeam, list[tuple[str, str, int, Any]], dict[str, Any]]:
    """A fake driven through every state the issue's routes can show, and what it answered."""
    fake = FakeSeam(frozen=True, now="2026-11-26T10:00:00Z")
    answers: list[tuple[str, str, int, Any]] = []
    fake.api.observers.append(
        lambda method, path, params, status, body: answers.append((method, path, status, body))
    )
    seam = fake.client()
    pat = fake.client(personal_access_token="seam_at1_longtoken", workspace_id="seed_workspace_1")

    # Workspaces.
    seam.workspaces.get()
    seam.workspaces.list()
    pat.workspaces.create(name="Second", company_name="Co")
    # Devices: every kind, an update, an unmanaged one, providers.
    seam.devices.list()
    seam.devices.get(device_id="ecobee_device_1")
    seam.devices.get(device_id="minut_device_1")
    seam.devices.update(
        device_id="august_device_2", name="Side Door", custom_metadata={"unit": "4B", "vip": True}
    )
    seam.devices.update(device_id="kwikset_device_1", is_managed=False)
    seam.devices.unmanaged.list()
    seam.devices.unmanaged.get(device_id="kwikset_device_1")
    seam.devices.unmanaged.update(device_id="kwikset_device_1", custom_metadata={"x": "y"})
    seam.devices.list_device_providers()
    seam.devices.list_device_providers(provider_category="stable")
    # Batteries: every status, and the events a drop emits.
    fake.set_battery_level("ecobee_device_1", 0.05)
    fake.set_battery_level("minut_device_1", 0.2)
    fake.set_battery_level("august_device_1", 1.0)
    seam.devices.get(device_id="minut_device_1")
    # Locks and action attempts, pending, success and error.
    seam.locks.list()
    seam.locks.get(device_id="august_device_1")
    unlocked = seam.locks.unlock_door(device_id="august_device_1")
    pending = seam.locks.lock_door(device_id="august_device_1", wait_for_action_attempt=False)
    seam.client.post("/locks/unlock_door", json={"device_id": "schlage_device_id", "sync": True})
    fake.go_offline("yale_device_1")
    with pytest.raises(Exception, match="offline"):
        seam.locks.unlock_door(device_id="yale_device_1")
    # Access codes: ongoing, time-bound, failing, backup pool, unmanaged.
    seam.access_codes.create(device_id="august_device_1", code="1234", name="Guest")
    seam.access_codes.create(device_id="yale_device_1", name="Held while offline")
    fake.set_fault_plan("august_device_2", fail_next=1)
    seam.access_codes.create(device_id="august_device_2", code="5678", name="Fails once")
    timed = seam.access_codes.create(
        device_id="august_device_1",
        name="Stay",
        starts_at="2026-11-26T12:00:00Z",
        ends_at="2026-11-27T12:00:00Z",
        use_backup_access_code_pool=True,
    )
    fake.add_keypad_code("schlage_device_id", "9999", "Cleaner")
    fake.advance(3600)
    seam.access_codes.pull_backup_access_code(access_code_id=timed.access_code_id)
    seam.access_codes.list(device_id="august_device_1")
    seam.access_codes.list(device_id="august_device_2")
    seam.access_codes.list(device_id="yale_device_1")
    seam.access_codes.get(access_code_id=timed.access_code_id)
    seam.access_codes.unmanaged.list(device_id="schlage_device_id")
    seam.access_codes.generate_code(device_id="august_device_1")
    seam.locks.simulate.keypad_code_entry(device_id="august_device_1", code="1234")
    seam.locks.simulate.manual_lock_via_keypad(device_id="august_device_1")
    seam.locks.simulate.keypad_code_entry(device_id="august_device_1", code="0000")  # denied
    fake.go_online("yale_device_1")
    guest = seam.access_codes.list(device_id="august_device_1")[0]
    seam.access_codes.update(access_code_id=guest.access_code_id, name="Guest 2")
    seam.access_codes.delete(access_code_id=guest.access_code_id)
    unmanaged = seam.access_codes.unmanaged.list(device_id="schlage_device_id")[0]
    seam.access_codes.unmanaged.get(access_code_id=unmanaged.access_code_id)
    seam.access_codes.unmanaged.convert_to_managed(access_code_id=unmanaged.access_code_id)
    fake.advance(2 * 86400)  # the time-bound code and its pulled backup end
    # Connected accounts, a disconnected one, a removed device.
    seam.connected_accounts.list()
    seam.connected_accounts.get(connected_account_id="jane_connected_account_id")
    seam.connected_accounts.update(
        connected_account_id="jane_connected_account_id", custom_metadata={"a": "b"}
    )
    seam.connected_accounts.simulate.disconnect(connected_account_id="jane_connected_account_id")
    seam.connected_accounts.get(connected_account_id="jane_connected_account_id")
    seam.devices.simulate.disconnect(device_id="august_device_2")
    seam.devices.get(device_id="august_device_2")
    seam.devices.simulate.remove(device_id="minut_device_1")
    seam.client.post("/devices/delete", json={"device_id": "ecobee_device_1"})  # not in SDK 3.18
    seam.connected_accounts.delete(connected_account_id="john_assa_cs_connected_account_id")
    # Events and attempts.
    seam.action_attempts.get(action_attempt_id=pending.action_attempt_id)
    seam.action_attempts.list(action_attempt_ids=[unlocked.action_attempt_id, pending.action_attempt_id])
    events = seam.events.list(since="2026-01-01T00:00:00Z")
    seam.events.get(event_id=events[0].event_id)
    # Webhooks.
    hook = seam.webhooks.create(url="https://example.test/seam", event_types=["lock.locked"])
    seam.webhooks.get(webhook_id=hook.webhook_id)
    seam.webhooks.update(webhook_id=hook.webhook_id, event_types=["lock.unlocked"])
    seam.webhooks.list()
    # Onboarding: a connect webview signed in, a failed one, client sessions, user identities.
    webview = seam.connect_webviews.create(
        accepted_providers=["august"], custom_redirect_url="https://a.example/"
    )
    fake.complete_connect_webview(webview.connect_webview_id, lock_count=1)
    failed = seam.connect_webviews.create()
    fake.complete_connect_webview(failed.connect_webview_id, succeed=False)
    seam.connect_webviews.get(connect_webview_id=webview.connect_webview_id)
    seam.connect_webviews.list()
    session = seam.client_sessions.create(
        user_identifier_key="k", connect_webview_ids=[webview.connect_webview_id]
    )
    seam.client_sessions.get(client_session_id=session.client_session_id)
    seam.client_sessions.get_or_create(user_identifier_key="k")
    identity = seam.user_identities.create(user_identity_key="ui", email_address="u@example.com")
    seam.user_identities.get(user_identity_id=identity.user_identity_id)
    seam.user_identities.list()
    seam.user_identities.grant_access_to_device(
        user_identity_id=identity.user_identity_id, device_id="august_device_1"
    )
    seam.user_identities.list_accessible_devices(user_identity_id=identity.user_identity_id)
    seam.client_sessions.revoke(client_session_id=session.client_session_id)
    # Client sessions.
    seam.client_sessions.list()
    pat.client_sessions.list(without_user_identifier_key=True)
    snapshot = fake.database(include_credentials=True)
    seam.workspaces.reset_sandbox()
    return fake, answers, snapshot


RESPONSE_ROUTES = sorted(SCHEMAS["responses"])


# Routes whose body knowingly departs from its schema, and why.
RESPONSE_DEVIATIONS = {
    # The spec types `generated_code` as a whole access_code; Seam answers {device_id, code}
    # (no code is created), and so does the fake.
    "/access_codes/generate_code",
}


def test_every_success_body_matches_its_route_schema(world: tuple[FakeSeam, list[Any], Any]) -> None:
    _, answers, _ = world
    checked = set()
    failures = []
    for method, path, status, body in answers:
        if status != 200 or path not in SCHEMAS["responses"] or path in RESPONSE_DEVIATIONS:
            continue
        checked.add(path)
        data = json.loads(body)
        for problem in problems(SCHEMAS["responses"][path], data):
            failures.append(f"{method} {path}: {problem}")
    assert not failures, "\n".join(failures[:40])
    # The scenario reached the routes (a route dropped from it would go unchecked).
    expected = {
        "/workspaces/get",
        "/workspaces/list",
        "/workspaces/create",
        "/workspaces/reset_sandbox",
        "/devices/get",
        "/devices/list",
        "/devices/update",
        "/devices/list_device_providers",
        "/devices/unmanaged/get",
        "/devices/unmanaged/list",
        "/devices/unmanaged/update",
        "/locks/get",
        "/locks/list",
        "/locks/lock_door",
        "/locks/unlock_door",
        "/action_attempts/get",
        "/action_attempts/list",
        "/events/get",
        "/events/list",
        "/connected_accounts/get",
        "/connected_accounts/list",
        "/connected_accounts/update",
        "/access_codes/create",
        "/access_codes/get",
        "/access_codes/list",
        "/access_codes/pull_backup_access_code",
        "/access_codes/unmanaged/list",
        "/client_sessions/list",
        "/webhooks/create",
        "/webhooks/get",
        "/webhooks/list",
        "/connect_webviews/create",
        "/connect_webviews/get",
        "/connect_webviews/list",
        "/client_sessions/create",
        "/client_sessions/get",
        "/client_sessions/get_or_create",
        "/user_identities/create",
        "/user_identities/get",
        "/user_identities/list",
    }
    assert expected <= checked, sorted(expected - checked)


OBJECTS = [
    ("workspaces", "workspace"),
    ("connected_accounts", "connected_account"),
    ("devices", None),  # device or unmanaged_device, by is_managed
    ("access_codes", "access_code"),
    ("unmanaged_access_codes", "unmanaged_access_code"),
    ("action_attempts", "action_attempt"),
    ("events", "event"),
    ("client_sessions", "client_session"),
    ("webhooks", "webhook"),
    ("connect_webviews", "connect_webview"),
    ("user_identities", "user_identity"),
]


@pytest.mark.parametrize(("kind", "schema_name"), OBJECTS, ids=[k for k, _ in OBJECTS])
def test_every_object_in_the_database_matches_its_schema(
    world: tuple[FakeSeam, list[Any], Any], kind: str, schema_name: str | None
) -> None:
    fake, answers, snapshot = world
    # The state before reset_sandbox wiped workspace 1, what is left after it, and every
    # object the routes sent on the way.
    objects = snapshot[kind] + fake.database(include_credentials=True)[kind] + collected(answers, kind)
    assert objects, f"the scenario produced no {kind}"
    failures = []
    for obj in objects:
        name = schema_name or ("device" if obj.get("is_managed") else "unmanaged_device")
        for problem in problems(component(name), obj):
            failures.append(f"{name} {obj.get(name + '_id', obj.get('device_id'))}: {problem}")
    assert not failures, "\n".join(failures[:40])


def collected(answers: list[tuple[str, str, int, Any]], kind: str) -> list[dict[str, Any]]:
    """Objects of one kind found anywhere in the recorded success bodies."""
    singular = {
        "workspaces": "workspace",
        "connected_accounts": "connected_account",
        "devices": "device",
        "access_codes": "access_code",
        "unmanaged_access_codes": "access_code",
        "action_attempts": "action_attempt",
        "events": "event",
        "client_sessions": "client_session",
        "webhooks": "webhook",
        "connect_webviews": "connect_webview",
        "user_identities": "user_identity",
    }[kind]
    out = []
    for _, path, status, body in answers:
        if status != 200 or path.startswith("/_fake"):
            continue
        unmanaged_route = path.startswith("/access_codes/unmanaged/")
        if (kind == "unmanaged_access_codes") != unmanaged_route and kind in (
            "access_codes",
            "unmanaged_access_codes",
        ):
            continue
        data = json.loads(body)
        for key in (singular, kind if kind != "unmanaged_access_codes" else "access_codes"):
            value = data.get(key)
            if isinstance(value, dict):
                out.append(value)
            elif isinstance(value, list):
                out += [v for v in value if isinstance(v, dict)]
    return out


def test_the_schema_check_can_fail() -> None:
    """A device without a required field, or with a wrong enum, is caught."""
    fake = FakeSeam(frozen=True)
    device = fake.database()["devices"][0]
    assert problems(component("device"), device) == []
    broken = {k: v for k, v in device.items() if k != "capabilities_supported"}
    assert any("capabilities_supported" in p for p in problems(component("device"), broken))
    wrong = {**device, "device_type": "toaster"}
    assert problems(component("device"), wrong)
    event = {
        "event_id": "e",
        "event_type": "lock.unlocked",
        "workspace_id": "w",
        "created_at": "x",
        "occurred_at": "2026-11-26T10:00:00.000Z",
        "connected_account_id": "c",
        "method": "remote",
    }
    assert any("created_at" in p for p in problems(component("event"), event))
