"""/locks/* and /action_attempts/* through the official SDK."""

from __future__ import annotations

import time
from typing import Any

import pytest
from seam.exceptions import SeamActionAttemptFailedError, SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import FakeSeam

LOCKS = [
    "august_device_1",
    "august_device_2",
    "schlage_device_id",
    "salto_device_1",
    "kwikset_device_1",
    "yale_device_1",
]
SINCE = "2000-01-01T00:00:00Z"


def locked(sdk: Any, device_id: str) -> bool:
    return sdk.locks.get(device_id=device_id).properties.locked


# -- get, list ----------------------------------------------------------------------------


def test_get(sdk: Any) -> None:
    lock = sdk.locks.get(device_id="august_device_1")
    assert (lock.device_id, lock.display_name, lock.properties.locked) == (
        "august_device_1",
        "Front Door",
        True,
    )
    assert sdk.locks.get(device_id="august_device_2").properties.locked is False


def test_get_something_that_is_not_a_lock_or_not_there(sdk: Any) -> None:
    for device_id in ("ecobee_device_1", "no_such_lock"):
        with pytest.raises(SeamHttpApiError) as raised:
            sdk.locks.get(device_id=device_id)
        assert raised.value.code == "device_not_found"


def test_list_only_locks_with_filters(sdk: Any) -> None:
    assert [d.device_id for d in sdk.locks.list()] == LOCKS
    assert [d.device_id for d in sdk.locks.list(manufacturer="schlage")] == ["schlage_device_id"]
    assert [d.device_id for d in sdk.locks.list(connected_account_id="john_connected_account_id")] == [
        "august_device_1",
        "august_device_2",
    ]
    assert [d.device_id for d in sdk.locks.list(device_type="yale_lock")] == ["yale_device_1"]
    assert [d["device_id"] for d in sdk.client.get("/locks/list", params={"limit": 2})["locks"]] == LOCKS[:2]


# -- unlock and lock ----------------------------------------------------------------------


def test_unlock_and_lock_wait_for_success_and_change_the_lock(sdk: Any) -> None:
    started = time.perf_counter()
    attempt = sdk.locks.unlock_door(device_id="august_device_1")
    assert (attempt.status, attempt.action_type, attempt.error) == ("success", "UNLOCK_DOOR", None)
    assert locked(sdk, "august_device_1") is False
    attempt = sdk.locks.lock_door(device_id="august_device_1")
    assert (attempt.status, attempt.action_type) == ("success", "LOCK_DOOR")
    assert locked(sdk, "august_device_1") is True
    # The SDK polled once per attempt, without slowing down: no real waiting anywhere.
    assert time.perf_counter() - started < 0.5


def test_lock_and_unlock_emit_events_with_method_remote(sdk: Any) -> None:
    unlock = sdk.locks.unlock_door(device_id="schlage_device_id")
    lock = sdk.locks.lock_door(device_id="schlage_device_id")
    events = sdk.events.list(since=SINCE, device_id="schlage_device_id")
    assert [(e.event_type, e.method) for e in events] == [
        ("lock.unlocked", "remote"),
        ("lock.locked", "remote"),
    ]
    assert [e.action_attempt_id for e in events] == [unlock.action_attempt_id, lock.action_attempt_id]
    assert all(e.connected_account_id == "jane_connected_account_id" for e in events)


def test_the_answer_is_pending_until_polled(fake: FakeSeam, sdk: Any) -> None:
    attempt = sdk.locks.unlock_door(device_id="august_device_1", wait_for_action_attempt=False)
    assert (attempt.status, attempt.result, attempt.error) == ("pending", None, None)
    polled = sdk.action_attempts.get(
        action_attempt_id=attempt.action_attempt_id, wait_for_action_attempt=False
    )
    assert polled.status == "success"
    assert polled.action_type == "UNLOCK_DOOR"


def test_sync_true_answers_success_at_once(raw: Any, sdk: Any) -> None:
    # SDK 3.18 does not expose `sync`; Seam's spec does, and other clients send it.
    body = raw.post("/locks/unlock_door", json={"device_id": "august_device_1", "sync": True}).json()
    assert body["action_attempt"]["status"] == "success"
    assert body["action_attempt"]["result"] == {}
    assert locked(sdk, "august_device_1") is False
    pending = raw.post("/locks/lock_door", json={"device_id": "august_device_1", "sync": False}).json()
    assert pending["action_attempt"]["status"] == "pending"


def test_an_offline_lock_fails_the_attempt(fake: FakeSeam, sdk: Any) -> None:
    fake.go_offline("august_device_1")
    assert sdk.devices.get(device_id="august_device_1").properties.online is False
    with pytest.raises(SeamActionAttemptFailedError) as raised:
        sdk.locks.unlock_door(device_id="august_device_1")
    assert raised.value.code == "device_offline"
    assert raised.value.action_attempt.error.type == "device_offline"
    assert raised.value.action_attempt.status == "error"
    assert locked(sdk, "august_device_1") is True
    assert sdk.events.list(since=SINCE, event_type="lock.unlocked") == []
    # The stored attempt says the same.
    stored = sdk.action_attempts.get(
        action_attempt_id=raised.value.action_attempt.action_attempt_id, wait_for_action_attempt=False
    )
    assert (stored.status, stored.error.type) == ("error", "device_offline")
    fake.go_online("august_device_1")
    assert sdk.locks.unlock_door(device_id="august_device_1").status == "success"


def test_an_unmanaged_lock_cannot_be_unlocked(sdk: Any) -> None:
    sdk.devices.update(device_id="yale_device_1", is_managed=False)
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.locks.unlock_door(device_id="yale_device_1")
    assert raised.value.code == "device_not_found"


def test_unlock_needs_a_lock(sdk: Any) -> None:
    with pytest.raises(SeamHttpApiError) as not_there:
        sdk.locks.unlock_door(device_id="no_such_lock")
    assert not_there.value.code == "device_not_found"
    with pytest.raises(SeamHttpApiError) as thermostat:
        sdk.locks.unlock_door(device_id="ecobee_device_1")
    assert thermostat.value.status_code == 400
    with pytest.raises(SeamHttpInvalidInputError) as missing:
        sdk.client.post("/locks/unlock_door", json={})
    assert missing.value.get_validation_error_messages("device_id") == ["Required"]
    with pytest.raises(SeamHttpInvalidInputError) as wrong_type:
        sdk.locks.lock_door(device_id=42)
    assert wrong_type.value.get_validation_error_messages("device_id") == ["Expected string, received number"]


# -- action attempts ----------------------------------------------------------------------


def test_action_attempts_get_and_list(sdk: Any) -> None:
    first = sdk.locks.unlock_door(device_id="august_device_1")
    second = sdk.locks.lock_door(device_id="schlage_device_id", wait_for_action_attempt=False)
    third = sdk.locks.lock_door(device_id="august_device_1")
    got = sdk.action_attempts.get(action_attempt_id=first.action_attempt_id)
    assert (got.action_attempt_id, got.status, got.action_type) == (
        first.action_attempt_id,
        "success",
        "UNLOCK_DOOR",
    )
    listed = sdk.action_attempts.list(
        action_attempt_ids=[third.action_attempt_id, second.action_attempt_id, "nope"]
    )
    assert [a.action_attempt_id for a in listed] == [third.action_attempt_id, second.action_attempt_id]
    assert all(a.status == "success" for a in listed)
    by_device = sdk.action_attempts.list(device_id="august_device_1")
    assert [a.action_attempt_id for a in by_device] == [first.action_attempt_id, third.action_attempt_id]
    everything = sdk.create_paginator(sdk.action_attempts.list, {"limit": 1}).flatten()
    assert [a.action_attempt_id for a in everything] == [
        first.action_attempt_id,
        second.action_attempt_id,
        third.action_attempt_id,
    ]


def test_action_attempts_get_unknown(sdk: Any) -> None:
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.action_attempts.get(action_attempt_id="no_such_attempt")
    assert raised.value.code == "action_attempt_not_found"
    assert raised.value.status_code == 404


def test_an_access_code_attempt_keeps_the_code_as_it_was_then(fake: FakeSeam, sdk: Any, raw: Any) -> None:
    """CREATE/UPDATE_ACCESS_CODE attempts are records of what happened: later changes to the
    code (it gets set, renamed) do not rewrite them."""
    created = raw.post(
        "/access_codes/create", json={"device_id": "august_device_1", "code": "4821", "name": "a"}
    )
    answer = created.json()
    attempt_id = answer["action_attempt"]["action_attempt_id"]
    assert answer["action_attempt"]["result"] == {"access_code": answer["access_code"]}
    code_id = answer["access_code"]["access_code_id"]
    updated = raw.post("/access_codes/update", json={"access_code_id": code_id, "name": "b"}).json()
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code_id).status == "set"

    stored = raw.post("/action_attempts/get", json={"action_attempt_id": attempt_id}).json()["action_attempt"]
    assert stored["action_type"] == "CREATE_ACCESS_CODE" and stored["status"] == "success"
    assert stored["result"] == {"access_code": answer["access_code"]}  # name "a", status as created
    later = raw.post(
        "/action_attempts/get", json={"action_attempt_id": updated["action_attempt"]["action_attempt_id"]}
    ).json()["action_attempt"]
    assert later["result"]["access_code"]["name"] == "b"
    assert later["result"]["access_code"]["status"] != "set"
    assert later["result"]["access_code"]["errors"] == [] and later["result"]["access_code"]["warnings"] == []
