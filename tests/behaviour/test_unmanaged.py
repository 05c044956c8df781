"""Unmanaged access codes (codes on the lock that Seam did not make) through the SDK."""

from __future__ import annotations

from typing import Any

import pytest
from moments import T0
from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam.fake import FakeSeam

FAKE_START = T0  # conftest's `fake` starts frozen at this instant

FRONT = "august_device_1"


def event_types(sdk: Seam, **filters: Any) -> list[str]:
    return [e.event_type for e in sdk.events.list(since="2000-01-01T00:00:00.000Z", **filters)]


def test_simulated_unmanaged_code_takes_a_slot_at_once(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=FRONT, code="7777", name="Cleaner"
    )
    assert (code.code, code.name, code.is_managed, code.status, code.device_id) == (
        "7777",
        "Cleaner",
        False,
        "set",
        FRONT,
    )
    assert fake.slots(FRONT) == [{"slot": 0, "code": "7777", "name": "Cleaner", "origin": "keypad"}]
    assert event_types(sdk, access_code_id=code.access_code_id) == ["access_code.unmanaged.created"]
    assert sdk.access_codes.list(device_id=FRONT) == []  # managed codes only


def test_get_and_list(fake: FakeSeam, sdk: Seam) -> None:
    cleaner = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=FRONT, code="7777", name="Cleaner"
    )
    owner = fake.add_keypad_code(FRONT, "8888", "Owner")  # made on the lock itself
    listed = sdk.access_codes.unmanaged.list(device_id=FRONT)
    assert [(c.access_code_id, c.code) for c in listed] == [
        (cleaner.access_code_id, "7777"),
        (owner["access_code_id"], "8888"),
    ]
    assert sdk.access_codes.unmanaged.list(device_id=FRONT, search="clean")[0].code == "7777"
    assert sdk.access_codes.unmanaged.get(access_code_id=owner["access_code_id"]).name == "Owner"
    assert (
        sdk.access_codes.unmanaged.get(device_id=FRONT, code="7777").access_code_id == cleaner.access_code_id
    )
    assert sdk.access_codes.unmanaged.list(device_id="august_device_2") == []
    with pytest.raises(SeamHttpApiError) as missing:
        sdk.access_codes.unmanaged.get(access_code_id="nope")
    assert (missing.value.status_code, missing.value.code) == (404, "access_code_not_found")
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.unmanaged.get(device_id=FRONT, code="0000")


def test_update_is_managed_converts_to_managed(fake: FakeSeam, sdk: Seam) -> None:
    unmanaged = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=FRONT, code="7777", name="Cleaner"
    )
    sdk.access_codes.unmanaged.update(access_code_id=unmanaged.access_code_id, is_managed=True)
    managed = sdk.access_codes.get(access_code_id=unmanaged.access_code_id)
    assert (managed.is_managed, managed.status, managed.code, managed.type) == (
        True,
        "set",
        "7777",
        "ongoing",
    )
    assert sdk.access_codes.unmanaged.list(device_id=FRONT) == []
    assert fake.slots(FRONT)[0]["origin"] == "managed"
    assert "access_code.unmanaged.converted_to_managed" in event_types(
        sdk, access_code_id=unmanaged.access_code_id
    )


def test_convert_to_managed_then_manage_it_like_any_code(fake: FakeSeam, sdk: Seam) -> None:
    unmanaged = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=FRONT, code="7777", name="Cleaner"
    )
    sdk.access_codes.unmanaged.convert_to_managed(
        access_code_id=unmanaged.access_code_id, is_external_modification_allowed=True
    )
    managed = sdk.access_codes.get(access_code_id=unmanaged.access_code_id)
    assert managed.is_external_modification_allowed is True
    sdk.access_codes.update(access_code_id=managed.access_code_id, code="7778")
    fake.settle()
    assert fake.slots(FRONT)[0]["code"] == "7778"
    sdk.access_codes.delete(access_code_id=managed.access_code_id)
    fake.settle()
    assert fake.slots(FRONT) == []
    with pytest.raises(SeamHttpApiError) as gone:
        sdk.access_codes.unmanaged.convert_to_managed(access_code_id=unmanaged.access_code_id)
    assert gone.value.status_code == 404


def test_delete_frees_the_slot(fake: FakeSeam, sdk: Seam) -> None:
    unmanaged = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=FRONT, code="7777", name="Cleaner"
    )
    sdk.access_codes.unmanaged.delete(access_code_id=unmanaged.access_code_id)
    assert fake.slots(FRONT) == []
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.unmanaged.get(access_code_id=unmanaged.access_code_id)
    assert event_types(sdk, access_code_id=unmanaged.access_code_id) == [
        "access_code.unmanaged.created",
        "access_code.unmanaged.removed",
    ]
    sdk.locks.simulate.keypad_code_entry(device_id=FRONT, code="7777")
    assert event_types(sdk, device_id=FRONT)[-1] == "lock.access_denied"


def test_deleting_a_keypad_code_lets_a_waiting_code_in(fake: FakeSeam, sdk: Seam) -> None:
    for pin in ("1111", "2222", "3333"):
        sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id="kwikset_device_1", code=pin, name=pin
        )
    waiting = sdk.access_codes.create(device_id="kwikset_device_1", code="4444")
    fake.settle()
    assert [e.error_code for e in sdk.access_codes.get(access_code_id=waiting.access_code_id).errors] == [
        "no_space_for_access_code_on_device"
    ]
    first = sdk.access_codes.unmanaged.list(device_id="kwikset_device_1")[0]
    sdk.access_codes.unmanaged.delete(access_code_id=first.access_code_id)
    fake.settle()
    assert sdk.access_codes.get(access_code_id=waiting.access_code_id).status == "set"


def test_unmanaged_codes_of_another_workspace_are_not_found(fake: FakeSeam, sdk: Seam) -> None:
    workspace, api_key = fake.create_workspace("Other")
    lock = fake.create_lock(workspace.workspace_id)
    foreign = fake.client(api_key).access_codes.simulate.create_unmanaged_access_code(
        device_id=lock.device_id, code="5555", name="x"
    )
    with pytest.raises(SeamHttpApiError) as hidden:
        sdk.access_codes.unmanaged.get(access_code_id=foreign.access_code_id)
    assert hidden.value.status_code == 404
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.unmanaged.delete(access_code_id=foreign.access_code_id)
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.unmanaged.list(device_id=lock.device_id)
    assert len(fake.slots(lock.device_id)) == 1
