"""/events/* and /connected_accounts/* through the official SDK."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import FakeSeam

SINCE = "2000-01-01T00:00:00Z"


def iso(moment: Any) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def history(fake: FakeSeam, sdk: Any) -> dict[str, Any]:
    """Two moments, a minute apart, each with a lock action and a new code; then the codes land."""
    start = fake.now()
    sdk.locks.unlock_door(device_id="august_device_1")
    first = sdk.access_codes.create(device_id="august_device_1", code="1111", name="First")
    fake.advance(60)
    middle = fake.now()
    sdk.locks.lock_door(device_id="schlage_device_id")
    second = sdk.access_codes.create(device_id="schlage_device_id", code="2222", name="Second")
    fake.advance(60)
    return {"start": start, "middle": middle, "end": fake.now(), "first": first, "second": second}


def kinds(events: list[Any]) -> list[tuple[str, str | None]]:
    return [(e.event_type, getattr(e, "device_id", None)) for e in events]


# -- events/list --------------------------------------------------------------------------


def test_since_or_between_is_required(fake: FakeSeam) -> None:
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as client:
        response = client.get(
            "/events/list",
            params={"device_id": "august_device_1"},
            headers={"authorization": "Bearer seam_apikey1_token"},
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_input"
    assert "since" in error["validation_errors"]
    assert "since" in error["message"] and "between" in error["message"]


def test_the_sdk_raises_invalid_input_naming_since(sdk: Any) -> None:
    with pytest.raises(SeamHttpInvalidInputError) as raised:
        sdk.events.list(device_id="august_device_1")
    assert raised.value.get_validation_error_messages("since")


def test_since(sdk: Any, history: dict[str, Any]) -> None:
    everything = sdk.events.list(since=iso(history["start"]))
    assert kinds(everything) == [
        ("lock.unlocked", "august_device_1"),
        ("access_code.created", "august_device_1"),
        ("access_code.set_on_device", "august_device_1"),
        ("lock.locked", "schlage_device_id"),
        ("access_code.created", "schlage_device_id"),
        ("access_code.set_on_device", "schlage_device_id"),
    ]
    assert kinds(sdk.events.list(since=iso(history["middle"]))) == kinds(everything)[3:]
    assert sdk.events.list(since=iso(history["end"] + timedelta(seconds=1))) == []
    # Every event is timestamped and in time order.
    stamps = [e.occurred_at for e in everything]
    assert stamps == sorted(stamps) and all(s.endswith("Z") for s in stamps)


def test_since_a_clock_reading_includes_events_at_that_instant() -> None:
    # The clock holds sub-microsecond floats; its ISO reading rounds them (here, up).
    fake = FakeSeam(frozen=True, now="2026-11-26T10:00:00Z")
    fake.advance(0.0000006)
    sdk = fake.client()
    now = iso(fake.now())
    assert now == "2026-11-26T10:00:00.000001Z"
    sdk.locks.unlock_door(device_id="august_device_1")
    assert [e.event_type for e in sdk.events.list(since=now)] == ["lock.unlocked"]
    assert [e.event_type for e in sdk.events.list(between=[now, now])] == ["lock.unlocked"]
    shown = sdk.events.list(since=now)[0].occurred_at
    assert shown == "2026-11-26T10:00:00.000Z"
    assert len(sdk.events.list(since=shown)) == 1


def test_between(sdk: Any, history: dict[str, Any]) -> None:
    window = [iso(history["start"]), iso(history["middle"] - timedelta(seconds=1))]
    assert kinds(sdk.events.list(between=window)) == [
        ("lock.unlocked", "august_device_1"),
        ("access_code.created", "august_device_1"),
        ("access_code.set_on_device", "august_device_1"),
    ]
    with pytest.raises(SeamHttpInvalidInputError) as raised:
        sdk.events.list(between=[iso(history["start"])])
    assert raised.value.get_validation_error_messages("between")


def test_filters(sdk: Any, history: dict[str, Any]) -> None:
    first, second = history["first"].access_code_id, history["second"].access_code_id
    by_device = sdk.events.list(since=SINCE, device_id="schlage_device_id")
    assert {e.device_id for e in by_device} == {"schlage_device_id"} and len(by_device) == 3
    both = sdk.events.list(since=SINCE, device_ids=["schlage_device_id", "august_device_1"])
    assert len(both) == 6
    assert [e.access_code_id for e in sdk.events.list(since=SINCE, access_code_id=first)] == [first, first]
    assert len(sdk.events.list(since=SINCE, access_code_ids=[first, second])) == 4
    created = sdk.events.list(since=SINCE, event_type="access_code.created")
    assert [e.access_code_id for e in created] == [first, second]
    locks = sdk.events.list(since=SINCE, event_types=["lock.locked", "lock.unlocked"])
    assert kinds(locks) == [("lock.unlocked", "august_device_1"), ("lock.locked", "schlage_device_id")]
    assert len(sdk.events.list(since=SINCE, limit=2)) == 2
    combined = sdk.events.list(
        since=SINCE, device_id="august_device_1", event_type="access_code.set_on_device"
    )
    assert [e.access_code_id for e in combined] == [first]


def test_bad_filters(sdk: Any) -> None:
    with pytest.raises(SeamHttpInvalidInputError) as bad_type:
        sdk.events.list(since=SINCE, event_type="lock.exploded")
    assert bad_type.value.get_validation_error_messages("event_type")[0].startswith("Invalid enum value.")
    with pytest.raises(SeamHttpInvalidInputError) as bad_since:
        sdk.events.list(since="yesterday")
    assert bad_since.value.get_validation_error_messages("since") == ["Invalid datetime"]


# -- events/get ---------------------------------------------------------------------------


def test_get(sdk: Any, history: dict[str, Any]) -> None:
    events = sdk.events.list(since=SINCE)
    got = sdk.events.get(event_id=events[3].event_id)
    assert (got.event_id, got.event_type, got.device_id) == (
        events[3].event_id,
        "lock.locked",
        "schlage_device_id",
    )
    latest = sdk.events.get(device_id="august_device_1", event_type="access_code.created")
    assert latest.access_code_id == history["first"].access_code_id
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.events.get(event_id="no_such_event")
    assert raised.value.code == "event_not_found"
    assert raised.value.status_code == 404


# -- connected accounts -------------------------------------------------------------------


ACCOUNTS = ["john_connected_account_id", "jane_connected_account_id", "john_assa_cs_connected_account_id"]


def test_accounts_get_and_list(sdk: Any) -> None:
    assert [a.connected_account_id for a in sdk.connected_accounts.list()] == ACCOUNTS
    jane = sdk.connected_accounts.get(connected_account_id="jane_connected_account_id")
    assert (jane.account_type, jane.user_identifier.email, jane.errors) == ("schlage", "jane@example.com", [])
    assert (
        sdk.connected_accounts.get(email="jane@example.com").connected_account_id
        == "jane_connected_account_id"
    )
    pages = sdk.create_paginator(sdk.connected_accounts.list, {"limit": 1}).flatten()
    assert [a.connected_account_id for a in pages] == ACCOUNTS
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.connected_accounts.get(connected_account_id="no_such_account")
    assert raised.value.code == "connected_account_not_found"


def test_accounts_update(sdk: Any) -> None:
    sdk.connected_accounts.update(
        connected_account_id="jane_connected_account_id",
        custom_metadata={"tenant": "acme", "billing": True},
        automatically_manage_new_devices=False,
    )
    jane = sdk.connected_accounts.get(connected_account_id="jane_connected_account_id")
    assert jane.custom_metadata == {"tenant": "acme", "billing": True}
    assert jane.automatically_manage_new_devices is False
    found = sdk.connected_accounts.list(custom_metadata_has={"tenant": "acme"})
    assert [a.connected_account_id for a in found] == ["jane_connected_account_id"]
    with pytest.raises(SeamHttpInvalidInputError) as raised:
        sdk.connected_accounts.update(
            connected_account_id="jane_connected_account_id", automatically_manage_new_devices="no"
        )
    assert raised.value.get_validation_error_messages("automatically_manage_new_devices") == [
        "Expected boolean, received string"
    ]


def test_accounts_delete_takes_their_devices(sdk: Any) -> None:
    sdk.connected_accounts.delete(connected_account_id="jane_connected_account_id")
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.connected_accounts.get(connected_account_id="jane_connected_account_id")
    assert raised.value.code == "connected_account_not_found"
    assert [a.connected_account_id for a in sdk.connected_accounts.list()] == [ACCOUNTS[0], ACCOUNTS[2]]
    assert {d.connected_account_id for d in sdk.devices.list()} == {"john_connected_account_id"}
    with pytest.raises(SeamHttpApiError):
        sdk.devices.get(device_id="schlage_device_id")
    deleted = sdk.events.list(since=SINCE, event_type="connected_account.deleted")
    assert [e.connected_account_id for e in deleted] == ["jane_connected_account_id"]
