"""The access code lifecycle through the official SDK, driven by the fake's clock.

Seeded locks used (seam/seed.py): august_device_1 (20 slots, 10 s programming delay),
august_device_2 (10 slots, 4-6 digits), kwikset_device_1 (3 slots, 15 s), yale_device_1
(6 digits with constraints, native scheduling, 10 s), salto_device_1 (6 digits, no zeros).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from moments import HOUR, T0, at, events
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import FakeSeam

FAKE_START = T0  # conftest's `fake` starts frozen at this instant


def kinds(sdk: Seam, **filters: Any) -> list[str]:
    """Event types in order, leaving out keypad use (lock.*) so lifecycles read cleanly."""
    return [e.event_type for e in events(sdk, **filters) if not e.event_type.startswith("lock.")]


def raw_events(fake: FakeSeam, event_type: str) -> list[dict[str, Any]]:
    """Events as sent on the wire (the SDK's dataclasses drop fields they do not know)."""
    return [e for e in fake.database()["events"] if e["event_type"] == event_type]


def enter(sdk: Seam, device_id: str, code: str) -> None:
    sdk.locks.simulate.keypad_code_entry(device_id=device_id, code=code)


def last_keypad_result(sdk: Seam, device_id: str) -> str:
    found = events(sdk, "lock.unlocked", "lock.access_denied", device_id=device_id)
    return found[-1].event_type


# -- ongoing codes ----------------------------------------------------------------------


def test_ongoing_code_is_setting_then_set_after_the_programming_delay(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", name="Guest")
    assert (code.status, code.type, code.code, code.name) == ("setting", "ongoing", "4821", "Guest")
    assert code.errors == [] and code.warnings == []
    fake.advance(9)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "setting"
    assert fake.slots("august_device_1") == []
    fake.advance(1)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert fake.slots("august_device_1") == [
        {"slot": 0, "code": "4821", "name": "Guest", "origin": "managed"}
    ]
    found = events(sdk, access_code_id=code.access_code_id)
    assert [(e.event_type, e.occurred_at) for e in found] == [
        ("access_code.created", at(0)),
        ("access_code.set_on_device", at(10)),
    ]
    assert found[1].code == "4821"


def test_create_answers_with_a_successful_create_action_attempt(fake: FakeSeam) -> None:
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as http:
        answer = http.post(
            "/access_codes/create",
            json={"device_id": "august_device_1", "code": "4821"},
            headers={"Authorization": "Bearer seam_apikey1_token"},
        ).json()
    attempt = answer["action_attempt"]
    assert attempt["action_type"] == "CREATE_ACCESS_CODE" and attempt["status"] == "success"
    assert attempt["result"]["access_code"]["access_code_id"] == answer["access_code"]["access_code_id"]


# -- time-bound codes -------------------------------------------------------------------


def test_time_bound_code_unset_then_set_then_removed_then_gone(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(
        device_id="august_device_1", code="4821", starts_at=at(HOUR), ends_at=at(2 * HOUR)
    )
    code_id = code.access_code_id
    assert (code.status, code.type, code.starts_at, code.ends_at) == (
        "unset",
        "time_bound",
        at(HOUR),
        at(2 * HOUR),
    )
    enter(sdk, "august_device_1", "4821")
    assert last_keypad_result(sdk, "august_device_1") == "lock.access_denied"

    fake.advance(HOUR - 1)
    assert sdk.access_codes.get(access_code_id=code_id).status == "unset"
    fake.advance(1)
    assert sdk.access_codes.get(access_code_id=code_id).status == "setting"
    fake.advance(10)
    assert sdk.access_codes.get(access_code_id=code_id).status == "set"
    enter(sdk, "august_device_1", "4821")
    assert last_keypad_result(sdk, "august_device_1") == "lock.unlocked"

    fake.advance(HOUR - 10)  # exactly ends_at
    assert sdk.access_codes.get(access_code_id=code_id).status == "removing"
    assert [c.access_code_id for c in sdk.access_codes.list(device_id="august_device_1")] == [code_id]
    fake.advance(10)
    with pytest.raises(SeamHttpApiError) as gone:
        sdk.access_codes.get(access_code_id=code_id)
    assert gone.value.code == "access_code_not_found"
    assert sdk.access_codes.list(device_id="august_device_1") == []
    assert fake.slots("august_device_1") == []
    enter(sdk, "august_device_1", "4821")
    assert last_keypad_result(sdk, "august_device_1") == "lock.access_denied"

    history = [(e.event_type, e.occurred_at) for e in events(sdk, access_code_id=code_id)]
    assert [h for h in history if not h[0].startswith("lock.")] == [
        ("access_code.created", at(0)),
        ("access_code.set_on_device", at(HOUR + 10)),
        ("access_code.removed_from_device", at(2 * HOUR + 10)),
        ("access_code.deleted", at(2 * HOUR + 10)),
    ]


def test_events_carry_the_simulated_time_even_when_the_clock_jumps(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", starts_at=at(HOUR), ends_at=at(3 * HOUR))
    fake.advance(10 * HOUR)  # one jump over the whole stay
    history = [(e.event_type, e.occurred_at) for e in events(sdk, access_code_id=code.access_code_id)]
    assert history == [
        ("access_code.created", at(0)),
        ("access_code.set_on_device", at(HOUR + 10)),
        ("access_code.removed_from_device", at(3 * HOUR + 10)),
        ("access_code.deleted", at(3 * HOUR + 10)),
    ]
    assert Counter(kinds(sdk, access_code_id=code.access_code_id)).most_common(1)[0][1] == 1


def test_time_bound_code_that_already_started_is_written_at_once(fake: FakeSeam, sdk: Seam) -> None:
    fake.advance(HOUR)
    code = sdk.access_codes.create(device_id="august_device_1", starts_at=at(0), ends_at=at(2 * HOUR))
    assert code.status == "setting"
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"


def test_time_bound_code_without_starts_at_starts_now(sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", ends_at=at(HOUR))
    assert code.type == "time_bound" and code.starts_at == at(0) and code.status == "setting"


# -- native scheduling ------------------------------------------------------------------


def test_native_scheduling_preloads_72h_ahead_and_the_lock_enforces_the_window(
    fake: FakeSeam, sdk: Seam
) -> None:
    start, end = 100 * HOUR, 110 * HOUR
    code = sdk.access_codes.create(
        device_id="yale_device_1", code="583920", starts_at=at(start), ends_at=at(end)
    )
    code_id = code.access_code_id
    assert (code.status, code.is_scheduled_on_device) == ("unset", False)

    fake.advance(start - 72 * HOUR - 1)
    assert fake.slots("yale_device_1") == []
    fake.advance(1 + 10)  # the preload is sent 72 h ahead and lands
    code = sdk.access_codes.get(access_code_id=code_id)
    assert (code.status, code.is_scheduled_on_device) == ("unset", True)
    assert [s["code"] for s in fake.slots("yale_device_1")] == ["583920"]
    scheduled = events(sdk, "access_code.scheduled_on_device", access_code_id=code_id)
    assert [(e.occurred_at, e.code) for e in scheduled] == [(at(start - 72 * HOUR + 10), "583920")]
    enter(sdk, "yale_device_1", "583920")
    assert last_keypad_result(sdk, "yale_device_1") == "lock.access_denied"  # on the lock, not yet valid

    fake.set_time(T0 + timedelta(seconds=start))
    code = sdk.access_codes.get(access_code_id=code_id)
    assert (code.status, code.is_scheduled_on_device) == ("set", True)
    assert [e.occurred_at for e in events(sdk, "access_code.set_on_device", access_code_id=code_id)] == [
        at(start)
    ]
    enter(sdk, "yale_device_1", "583920")
    assert last_keypad_result(sdk, "yale_device_1") == "lock.unlocked"

    fake.set_time(T0 + timedelta(seconds=end))
    enter(sdk, "yale_device_1", "583920")  # the lock itself stops honouring it at ends_at
    assert last_keypad_result(sdk, "yale_device_1") == "lock.access_denied"
    assert sdk.access_codes.get(access_code_id=code_id).status == "removing"
    fake.settle()
    assert sdk.access_codes.list(device_id="yale_device_1") == []
    assert Counter(kinds(sdk, access_code_id=code_id)) == Counter(
        {
            "access_code.created": 1,
            "access_code.scheduled_on_device": 1,
            "access_code.set_on_device": 1,
            "access_code.removed_from_device": 1,
            "access_code.deleted": 1,
        }
    )


def test_native_code_starting_within_72h_is_preloaded_at_once(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="yale_device_1", starts_at=at(HOUR), ends_at=at(2 * HOUR))
    assert code.status == "unset"
    fake.settle()
    code = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (code.status, code.is_scheduled_on_device) == ("unset", True)
    assert len(code.code) == 6


def test_a_failed_preload_keeps_a_native_code_unset_and_is_retried(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan("yale_device_1", fail_next=1)
    code = sdk.access_codes.create(device_id="yale_device_1", starts_at=at(HOUR), ends_at=at(2 * HOUR))
    fake.settle()
    failed = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (failed.status, [e.error_code for e in failed.errors]) == ("unset", ["failed_to_set_on_device"])
    fake.advance(300)
    fake.settle()
    scheduled = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (scheduled.status, scheduled.errors, scheduled.is_scheduled_on_device) == ("unset", [], True)
    fake.set_time(T0 + timedelta(seconds=HOUR))
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"


# -- capacity ---------------------------------------------------------------------------


def test_a_full_lock_refuses_the_next_code_with_no_space(fake: FakeSeam, sdk: Seam) -> None:
    codes = [
        sdk.access_codes.create(device_id="kwikset_device_1", code=pin) for pin in ("1111", "2222", "3333")
    ]
    fake.advance(15)
    assert {sdk.access_codes.get(access_code_id=c.access_code_id).status for c in codes} == {"set"}
    extra = sdk.access_codes.create(device_id="kwikset_device_1", code="4444")
    fake.advance(15)
    extra = sdk.access_codes.get(access_code_id=extra.access_code_id)
    assert extra.status == "setting"
    assert [e.error_code for e in extra.errors] == ["no_space_for_access_code_on_device"]
    failed = events(sdk, "access_code.failed_to_set_on_device", access_code_id=extra.access_code_id)
    assert [e.occurred_at for e in failed] == [at(30)]
    assert [e.error_code for e in failed[0].access_code_errors] == ["no_space_for_access_code_on_device"]
    enter(sdk, "kwikset_device_1", "4444")
    assert last_keypad_result(sdk, "kwikset_device_1") == "lock.access_denied"

    # A slot comes free: the waiting code takes it without waiting for its next retry.
    sdk.access_codes.delete(access_code_id=codes[0].access_code_id)
    fake.advance(15)  # the erase lands
    fake.advance(15)  # the waiting write lands
    extra = sdk.access_codes.get(access_code_id=extra.access_code_id)
    assert (extra.status, extra.errors) == ("set", [])
    assert sorted(s["code"] for s in fake.slots("kwikset_device_1")) == ["2222", "3333", "4444"]


def test_a_full_lock_keeps_retrying_while_nothing_frees(fake: FakeSeam, sdk: Seam) -> None:
    for pin in ("1111", "2222", "3333", "4444"):
        last = sdk.access_codes.create(device_id="kwikset_device_1", code=pin)
    fake.advance(15 + 300 + 15)  # first failure, then the retry 300 s later fails again
    failed = events(sdk, "access_code.failed_to_set_on_device", access_code_id=last.access_code_id)
    assert [e.occurred_at for e in failed] == [at(15), at(330)]
    assert sdk.access_codes.get(access_code_id=last.access_code_id).status == "setting"


# -- offline locks ----------------------------------------------------------------------


def test_offline_lock_holds_codes_then_programs_them_when_back(fake: FakeSeam, sdk: Seam) -> None:
    sdk.devices.simulate.disconnect(device_id="august_device_1")
    device = sdk.devices.get(device_id="august_device_1")
    assert device.properties.online is False
    assert [e.error_code for e in device.errors] == ["device_offline"]
    disconnected = events(sdk, "device.disconnected", device_id="august_device_1")
    assert [(e.occurred_at, e.error_code) for e in disconnected] == [(at(0), "device_disconnected")]

    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    code_id = code.access_code_id
    assert code.status == "setting"
    assert [e.error_code for e in code.errors] == ["device_offline"]

    fake.advance(299)
    assert sdk.access_codes.get(access_code_id=code_id).warnings == []
    fake.advance(1)  # Settings.delay_warning_seconds
    code = sdk.access_codes.get(access_code_id=code_id)
    assert [w.warning_code for w in code.warnings] == ["delay_in_setting_on_device"]
    assert [e.occurred_at for e in events(sdk, "access_code.delay_in_setting_on_device")] == [at(300)]
    fake.advance(HOUR)
    assert sdk.access_codes.get(access_code_id=code_id).status == "setting"

    sdk.devices.simulate.connect(device_id="august_device_1")
    device = sdk.devices.get(device_id="august_device_1")
    assert device.errors == [] and device.properties.online is True
    assert [e.occurred_at for e in events(sdk, "device.connected")] == [at(HOUR + 300)]
    code = sdk.access_codes.get(access_code_id=code_id)
    assert code.status == "setting" and code.errors == []  # the device error went with its cause
    assert [w.warning_code for w in code.warnings] == ["delay_in_setting_on_device"]
    fake.advance(10)
    code = sdk.access_codes.get(access_code_id=code_id)
    assert (code.status, code.errors, code.warnings) == ("set", [], [])
    assert [e.occurred_at for e in events(sdk, "access_code.set_on_device")] == [at(HOUR + 310)]


def test_no_delay_warning_when_the_lock_is_back_in_time(fake: FakeSeam, sdk: Seam) -> None:
    fake.go_offline("august_device_1", for_seconds=100)
    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.advance(HOUR)
    code = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (code.status, code.warnings) == ("set", [])
    assert events(sdk, "access_code.delay_in_setting_on_device") == []
    assert kinds(sdk, device_id="august_device_1")[:3] == [
        "device.disconnected",
        "access_code.created",
        "device.connected",
    ]


def test_an_offline_lock_keeps_honouring_a_code_past_its_end_until_it_hears_the_erase(
    fake: FakeSeam, sdk: Seam
) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", ends_at=at(HOUR))
    fake.settle()
    sdk.devices.simulate.disconnect(device_id="august_device_1")
    fake.advance(2 * HOUR)
    removing = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert removing.status == "removing"
    assert [w.warning_code for w in removing.warnings] == ["delay_in_removing_from_device"]
    enter(sdk, "august_device_1", "4821")  # realistic hardware: the PIN is still in its slot
    assert last_keypad_result(sdk, "august_device_1") == "lock.unlocked"
    sdk.devices.simulate.connect(device_id="august_device_1")
    fake.settle()
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.get(access_code_id=code.access_code_id)
    enter(sdk, "august_device_1", "4821")
    assert last_keypad_result(sdk, "august_device_1") == "lock.access_denied"


def test_time_bound_code_ending_before_an_offline_lock_ever_got_it(fake: FakeSeam, sdk: Seam) -> None:
    sdk.devices.simulate.disconnect(device_id="august_device_1")
    code = sdk.access_codes.create(device_id="august_device_1", ends_at=at(HOUR))
    fake.advance(HOUR)
    assert kinds(sdk, access_code_id=code.access_code_id) == [
        "access_code.created",
        "access_code.delay_in_setting_on_device",
        "access_code.deleted",  # never on the lock: no removed_from_device
    ]
    sdk.devices.simulate.connect(device_id="august_device_1")
    fake.settle()
    assert fake.slots("august_device_1") == []


# -- the keypad -------------------------------------------------------------------------


def test_keypad_entry_of_a_set_pin_unlocks_and_of_a_removed_pin_is_denied(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", name="Guest")
    fake.settle()
    attempt = sdk.locks.simulate.keypad_code_entry(device_id="august_device_1", code="4821")
    assert attempt.status == "success"
    unlocked = events(sdk, "lock.unlocked")[-1]
    assert (unlocked.method, unlocked.access_code_id, unlocked.code, unlocked.access_code_is_managed) == (
        "keycode",
        code.access_code_id,
        "4821",
        True,
    )
    assert raw_events(fake, "lock.unlocked")[-1]["is_backup_code"] is False
    assert sdk.locks.get(device_id="august_device_1").properties.locked is False
    sdk.locks.simulate.manual_lock_via_keypad(device_id="august_device_1")
    assert sdk.locks.get(device_id="august_device_1").properties.locked is True
    assert events(sdk, "lock.locked")[-1].method == "manual"

    sdk.access_codes.delete(access_code_id=code.access_code_id)
    fake.settle()
    enter(sdk, "august_device_1", "4821")
    denied = events(sdk, "lock.access_denied")
    assert len(denied) == 1 and denied[0].reason.reason_code == "unknown_code"
    assert sdk.locks.get(device_id="august_device_1").properties.locked is True


def test_keypad_entry_of_a_pin_still_being_written_is_denied(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.create(device_id="august_device_1", code="4821")
    enter(sdk, "august_device_1", "4821")
    assert last_keypad_result(sdk, "august_device_1") == "lock.access_denied"


def test_keypad_entry_of_an_unmanaged_code(fake: FakeSeam, sdk: Seam) -> None:
    unmanaged = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id="august_device_1", code="7777", name="Cleaner"
    )
    enter(sdk, "august_device_1", "7777")
    unlocked = events(sdk, "lock.unlocked")[-1]
    assert (unlocked.access_code_id, unlocked.access_code_is_managed) == (unmanaged.access_code_id, False)


# -- duplicates -------------------------------------------------------------------------


def test_duplicate_pin_on_a_lock_is_409(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.create(device_id="august_device_1", code="4821")
    with pytest.raises(SeamHttpApiError) as duplicate:
        sdk.access_codes.create(device_id="august_device_1", code="4821")
    assert (duplicate.value.code, duplicate.value.status_code) == ("duplicate_access_code", 409)
    assert duplicate.value.data == {"device_id": "august_device_1"}
    # Another lock is another slot table.
    sdk.access_codes.create(device_id="august_device_2", code="4821")


def test_duplicate_counts_unmanaged_keypad_codes(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id="august_device_1", code="7777", name="Cleaner"
    )
    fake.add_keypad_code("august_device_1", "8888", "Owner")
    for pin in ("7777", "8888"):
        with pytest.raises(SeamHttpApiError) as duplicate:
            sdk.access_codes.create(device_id="august_device_1", code=pin)
        assert (duplicate.value.code, duplicate.value.status_code) == ("duplicate_access_code", 409)
    with pytest.raises(SeamHttpApiError) as duplicate:
        sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id="august_device_1", code="7777", name="x"
        )
    assert duplicate.value.status_code == 409


def test_duplicate_counts_codes_not_yet_started_and_updates(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.create(
        device_id="august_device_1", code="4821", starts_at=at(HOUR), ends_at=at(2 * HOUR)
    )
    with pytest.raises(SeamHttpApiError) as duplicate:
        sdk.access_codes.create(device_id="august_device_1", code="4821")
    assert duplicate.value.status_code == 409
    other = sdk.access_codes.create(device_id="august_device_1", code="1357")
    with pytest.raises(SeamHttpApiError) as duplicate:
        sdk.access_codes.update(access_code_id=other.access_code_id, code="4821")
    assert duplicate.value.status_code == 409
    sdk.access_codes.update(access_code_id=other.access_code_id, code="1357")  # its own PIN is fine


def test_a_deleted_codes_pin_can_be_reused_at_once(fake: FakeSeam, sdk: Seam) -> None:
    old = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.settle()
    sdk.access_codes.delete(access_code_id=old.access_code_id)
    new = sdk.access_codes.create(device_id="august_device_1", code="4821")  # the erase is still in flight
    fake.settle()
    new = sdk.access_codes.get(access_code_id=new.access_code_id)
    assert (new.status, new.errors) == ("set", [])
    assert [s["code"] for s in fake.slots("august_device_1")] == ["4821"]


# -- update -----------------------------------------------------------------------------


def test_update_name_rewrites_the_slot(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", name="Guest")
    fake.settle()
    sdk.access_codes.update(access_code_id=code.access_code_id, name="Guest 2")
    updated = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert updated.name == "Guest 2"
    fake.settle()
    assert fake.slots("august_device_1")[0]["name"] == "Guest 2"
    changed = events(sdk, "access_code.changed", access_code_id=code.access_code_id)
    assert [[(c.property, c.from_, c.to) for c in e.changed_properties] for e in changed] == [
        [("name", "Guest", "Guest 2")]
    ]


def test_update_code_switches_the_pin_on_the_lock_when_the_write_lands(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.settle()
    sdk.access_codes.update(access_code_id=code.access_code_id, code="9753")
    updated = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (updated.code, updated.status) == ("9753", "setting")
    enter(sdk, "august_device_1", "4821")  # the old PIN is on the lock until the write lands
    assert last_keypad_result(sdk, "august_device_1") == "lock.unlocked"
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    enter(sdk, "august_device_1", "4821")
    assert last_keypad_result(sdk, "august_device_1") == "lock.access_denied"
    enter(sdk, "august_device_1", "9753")
    assert last_keypad_result(sdk, "august_device_1") == "lock.unlocked"


def test_update_ends_at_moves_the_removal(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", ends_at=at(HOUR))
    fake.settle()
    sdk.access_codes.update(access_code_id=code.access_code_id, ends_at=at(3 * HOUR))
    fake.advance(2 * HOUR)  # past the old end
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    fake.set_time(T0 + timedelta(seconds=3 * HOUR))
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "removing"


def test_update_starts_at_later_takes_the_code_off_and_back_on(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", ends_at=at(5 * HOUR))
    fake.settle()
    sdk.access_codes.update(access_code_id=code.access_code_id, starts_at=at(HOUR), ends_at=at(5 * HOUR))
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "unset"
    fake.settle()
    assert fake.slots("august_device_1") == []
    fake.advance(HOUR)
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert [s["code"] for s in fake.slots("august_device_1")] == ["4821"]


def test_moving_the_start_back_while_the_erase_is_in_flight_keeps_the_code(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", ends_at=at(5 * HOUR))
    fake.settle()
    code_id = code.access_code_id
    sdk.access_codes.update(access_code_id=code_id, starts_at=at(HOUR), ends_at=at(5 * HOUR))
    fake.advance(2)  # the erase is on its way
    sdk.access_codes.update(access_code_id=code_id, starts_at=at(0), ends_at=at(5 * HOUR))
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code_id).status == "set"
    assert [s["code"] for s in fake.slots("august_device_1")] == ["4821"]  # not erased behind Seam's back


def test_update_type_between_ongoing_and_time_bound(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", ends_at=at(HOUR))
    fake.settle()
    sdk.access_codes.update(access_code_id=code.access_code_id, type="ongoing")
    ongoing = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (ongoing.type, ongoing.ends_at, ongoing.starts_at) == ("ongoing", None, None)
    fake.advance(2 * HOUR)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"

    sdk.access_codes.update(access_code_id=code.access_code_id, type="time_bound", ends_at=at(3 * HOUR))
    bound = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (bound.type, bound.ends_at) == ("time_bound", at(3 * HOUR))
    fake.advance(HOUR)
    fake.settle()
    assert sdk.access_codes.list(device_id="august_device_1") == []


# -- linked codes -----------------------------------------------------------------------


def test_create_multiple_shares_one_pin_and_update_multiple_changes_them_all(
    fake: FakeSeam, sdk: Seam
) -> None:
    devices = ["august_device_1", "august_device_2", "schlage_device_id"]
    codes = sdk.access_codes.create_multiple(device_ids=devices, name="Stay 42", ends_at=at(HOUR))
    assert [c.device_id for c in codes] == devices
    assert len({c.code for c in codes}) == 1
    assert len({c.common_code_key for c in codes}) == 1 and codes[0].common_code_key
    key = codes[0].common_code_key

    sdk.access_codes.update_multiple(common_code_key=key, name="Stay 42b", ends_at=at(3 * HOUR))
    for code in codes:
        updated = sdk.access_codes.get(access_code_id=code.access_code_id)
        assert (updated.name, updated.ends_at) == ("Stay 42b", at(3 * HOUR))
    fake.advance(2 * HOUR)
    assert len(sdk.access_codes.list(device_id="august_device_1")) == 1


def test_common_code_key_on_create_reuses_the_pin(sdk: Seam) -> None:
    first = sdk.access_codes.create(device_id="august_device_1", common_code_key="family")
    second = sdk.access_codes.create(device_id="august_device_2", common_code_key="family")
    assert first.code == second.code and second.common_code_key == "family"


def test_create_multiple_picks_a_pin_every_lock_accepts(sdk: Seam) -> None:
    codes = sdk.access_codes.create_multiple(device_ids=["yale_device_1", "salto_device_1"])
    pin = codes[0].code
    assert {c.code for c in codes} == {pin} and len(pin) == 6 and "0" not in pin


# -- delete -----------------------------------------------------------------------------


def test_delete_hides_the_code_at_once_and_erases_it_in_the_background(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.settle()
    assert sdk.access_codes.delete(access_code_id=code.access_code_id) is None
    with pytest.raises(SeamHttpApiError) as gone:
        sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (gone.value.status_code, gone.value.code, str(gone.value), gone.value.data) == (
        404,
        "access_code_not_found",
        "Could not find an access_code with device_id or access_code_id",
        {"access_code_id": code.access_code_id},
    )
    assert [s["code"] for s in fake.slots("august_device_1")] == ["4821"]  # erase still in flight
    fake.settle()
    assert fake.slots("august_device_1") == []
    assert [(e.event_type, e.occurred_at) for e in events(sdk, access_code_id=code.access_code_id)][-2:] == [
        ("access_code.deleted", at(10)),
        ("access_code.removed_from_device", at(20)),
    ]
    with pytest.raises(SeamHttpApiError) as again:
        sdk.access_codes.delete(access_code_id=code.access_code_id)
    assert again.value.status_code == 404


def test_delete_of_a_code_never_on_the_lock_emits_no_removed_from_device(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", starts_at=at(HOUR), ends_at=at(2 * HOUR))
    sdk.access_codes.delete(access_code_id=code.access_code_id)
    fake.advance(3 * HOUR)
    assert kinds(sdk, access_code_id=code.access_code_id) == ["access_code.created", "access_code.deleted"]
    deleted = events(sdk, "access_code.deleted", access_code_id=code.access_code_id)[0]
    assert deleted.code == code.code


def test_delete_answers_with_a_delete_action_attempt(fake: FakeSeam) -> None:
    headers = {"Authorization": "Bearer seam_apikey1_token"}
    with httpx.Client(transport=fake.transport(), base_url="http://fake", headers=headers) as http:
        created = http.post("/access_codes/create", json={"device_id": "august_device_1"}).json()
        answer = http.post(
            "/access_codes/delete", json={"access_code_id": created["access_code"]["access_code_id"]}
        ).json()
    assert answer["action_attempt"] == {
        "action_attempt_id": answer["action_attempt"]["action_attempt_id"],
        "action_type": "DELETE_ACCESS_CODE",
        "status": "success",
        "result": {},
        "error": None,
    }


# -- generate_code and report_device_constraints ----------------------------------------


def test_generate_code_respects_lengths_constraints_and_codes_in_use(fake: FakeSeam, sdk: Seam) -> None:
    for _ in range(30):
        pin = sdk.access_codes.generate_code(device_id="yale_device_1").code
        assert len(pin) == 6 and not pin.startswith("12") and len(set(pin)) >= 3
        digits = [int(d) for d in pin]
        steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
        assert steps not in ({1}, {-1})
    salto = {sdk.access_codes.generate_code(device_id="salto_device_1").code for _ in range(30)}
    assert all(len(p) == 6 and "0" not in p for p in salto)
    taken = {
        sdk.access_codes.create(device_id="august_device_2", preferred_code_length=4).code for _ in range(9)
    }
    for _ in range(30):
        assert sdk.access_codes.generate_code(device_id="august_device_2").code not in taken


def test_preferred_code_length_falls_back_to_the_shortest_supported(sdk: Seam) -> None:
    assert len(sdk.access_codes.create(device_id="august_device_1", preferred_code_length=7).code) == 7
    assert len(sdk.access_codes.create(device_id="yale_device_1", preferred_code_length=4).code) == 6


@pytest.mark.parametrize("preferred", [-1, 0, 5.5, 100, 1e6])
def test_a_preferred_length_no_lock_supports_gets_the_shortest_supported(sdk: Seam, preferred: float) -> None:
    # Seam's spec: "If the affected device does not support the preferred code length, Seam
    # reverts to using the shortest supported code length" (august_device_1 takes 4 to 8).
    assert (
        len(sdk.access_codes.create(device_id="august_device_1", preferred_code_length=preferred).code) == 4
    )


def test_report_device_constraints_changes_the_lengths_the_lock_takes(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.report_device_constraints(device_id="august_device_1", supported_code_lengths=[6])
    assert sdk.devices.get(device_id="august_device_1").properties.supported_code_lengths == [6]
    assert len(sdk.access_codes.generate_code(device_id="august_device_1").code) == 6
    with pytest.raises(SeamHttpInvalidInputError) as wrong:
        sdk.access_codes.create(device_id="august_device_1", code="4821")
    assert wrong.value.get_validation_error_messages("code")
    sdk.access_codes.report_device_constraints(
        device_id="august_device_1", min_code_length=4, max_code_length=5
    )
    assert sdk.devices.get(device_id="august_device_1").properties.supported_code_lengths == [4, 5]


# -- Seam's sandbox routes --------------------------------------------------------------


def test_simulate_remove_takes_the_device_and_its_codes_away(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_2")
    sdk.devices.simulate.remove(device_id="august_device_2")
    with pytest.raises(SeamHttpApiError) as missing:
        sdk.devices.get(device_id="august_device_2")
    assert missing.value.code == "device_not_found"
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.get(access_code_id=code.access_code_id)
    assert "august_device_2" not in [d.device_id for d in sdk.devices.list()]
    assert [e.device_id for e in events(sdk, "device.removed")] == ["august_device_2"]
    fake.advance(HOUR)  # nothing left behind to run


def test_connected_account_disconnect_takes_its_devices_offline(fake: FakeSeam, sdk: Seam) -> None:
    sdk.connected_accounts.simulate.disconnect(connected_account_id="jane_connected_account_id")
    account = sdk.connected_accounts.get(connected_account_id="jane_connected_account_id")
    assert [e.error_code for e in account.errors] == ["account_disconnected"]
    for device_id in ("schlage_device_id", "kwikset_device_1", "yale_device_1", "salto_device_1"):
        device = sdk.devices.get(device_id=device_id)
        assert device.properties.online is False, device_id
        assert "device_offline" in [e.error_code for e in device.errors]
    assert sdk.devices.get(device_id="august_device_1").properties.online is True
    gone = events(sdk, "device.disconnected")
    assert {e.device_id for e in gone} >= {"schlage_device_id", "kwikset_device_1"}
    assert {e.error_code for e in gone} == {"account_disconnected"}
    assert [e.event_type for e in events(sdk, "connected_account.disconnected")] == [
        "connected_account.disconnected"
    ]
    code = sdk.access_codes.create(device_id="kwikset_device_1")
    fake.advance(HOUR)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "setting"


# -- settle -----------------------------------------------------------------------------


def test_settle_lands_writes_in_flight_but_stops_before_later_starts(fake: FakeSeam, sdk: Seam) -> None:
    now_code = sdk.access_codes.create(device_id="kwikset_device_1")  # 15 s delay
    later = sdk.access_codes.create(device_id="august_device_1", starts_at=at(HOUR), ends_at=at(2 * HOUR))
    assert fake.settle() == T0 + timedelta(seconds=15)
    assert sdk.access_codes.get(access_code_id=now_code.access_code_id).status == "set"
    assert sdk.access_codes.get(access_code_id=later.access_code_id).status == "unset"
    assert fake.settle() == T0 + timedelta(seconds=15)  # nothing in flight: time stays


def test_settle_leaves_an_offline_lock_offline_and_counts_a_failed_write_as_done(
    fake: FakeSeam, sdk: Seam
) -> None:
    fake.go_offline("kwikset_device_1", for_seconds=HOUR)
    held = sdk.access_codes.create(device_id="kwikset_device_1")
    fake.set_fault_plan("august_device_1", fail_next=1)
    failing = sdk.access_codes.create(device_id="august_device_1")
    assert fake.settle() == T0 + timedelta(seconds=10)
    assert sdk.access_codes.get(access_code_id=held.access_code_id).status == "setting"
    assert sdk.devices.get(device_id="kwikset_device_1").properties.online is False
    failed = sdk.access_codes.get(access_code_id=failing.access_code_id)
    assert [e.error_code for e in failed.errors] == ["failed_to_set_on_device"]
