"""Backup access code pools through the official SDK, point by point as Seam's guide
(Seam's guide to backup access codes) states them.

Seeded locks used: august_device_1 (20 slots, pool 3, 10 s delay), august_device_2 (pool 2,
4-6 digits), kwikset_device_1 (3 slots, pool 2, 15 s), yale_device_1 (6 digits with
constraints), salto_device_1 (no backup pool support).
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from moments import HOUR, T0, at, events
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import FakeSeam

FAKE_START = T0  # conftest's `fake` starts frozen at this instant

FRONT = "august_device_1"


def stay(sdk: Seam, device_id: str = FRONT, hours: float = 24, **options: Any) -> Any:
    """A guest's time-bound code, asking for the backup pool."""
    options.setdefault("use_backup_access_code_pool", True)
    return sdk.access_codes.create(device_id=device_id, starts_at=at(0), ends_at=at(hours * HOUR), **options)


def conditions(sdk: Seam, device_id: str = FRONT) -> tuple[list[str], list[str]]:
    device = sdk.devices.get(device_id=device_id)
    return [e.error_code for e in device.errors], [w.warning_code for w in device.warnings]


def pool_ids(fake: FakeSeam, device_id: str = FRONT) -> dict[str, list[str]]:
    pool = fake.backup_pool(device_id)
    return {k: [c["access_code_id"] for c in pool[k]] for k in ("ready", "pulled", "in_flight")}


def keypad(sdk: Seam, device_id: str, code: str) -> str:
    sdk.locks.simulate.keypad_code_entry(device_id=device_id, code=code)
    return events(sdk, "lock.unlocked", "lock.access_denied", device_id=device_id)[-1].event_type


# -- 1. activation ----------------------------------------------------------------------


@pytest.mark.guide("check-support")
@pytest.mark.guide("activate")
@pytest.mark.guide("one-pool-per-device")
@pytest.mark.guide("confirm-available")
@pytest.mark.guide("empty-pool-error")
def test_first_create_with_the_option_activates_the_pool(fake: FakeSeam, sdk: Seam) -> None:
    assert sdk.devices.get(device_id=FRONT).properties.supports_backup_access_code_pool is True
    assert sdk.devices.get(device_id=FRONT).properties.backup_access_code_pool_enabled is False
    plain = sdk.access_codes.create(device_id=FRONT, starts_at=at(0), ends_at=at(HOUR))
    assert plain.is_backup_access_code_available is False
    assert fake.backup_pool(FRONT)["in_flight"] == []

    guest = stay(sdk)
    assert sdk.devices.get(device_id=FRONT).properties.backup_access_code_pool_enabled is True
    # Just enabled: nothing is on the lock yet, so the pool is empty (error), not failing (warning).
    assert conditions(sdk) == (["empty_backup_access_code_pool"], [])
    assert len(pool_ids(fake)["in_flight"]) == 3
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).is_backup_access_code_available is False

    fake.settle()
    assert conditions(sdk) == ([], [])
    assert len(pool_ids(fake)["ready"]) == 3
    for code_id in (guest.access_code_id, plain.access_code_id):
        # Every time-bound code on the device uses the same pool.
        assert sdk.access_codes.get(access_code_id=code_id).is_backup_access_code_available is True


@pytest.mark.guide("named-in-the-app")
def test_backups_are_real_codes_on_the_lock_hidden_from_list(fake: FakeSeam, sdk: Seam) -> None:
    guest = stay(sdk, code="4821")
    fake.settle()
    listed = sdk.access_codes.list(device_id=FRONT)
    assert [c.access_code_id for c in listed] == [guest.access_code_id]
    ready = fake.backup_pool(FRONT)["ready"]
    slots = fake.slots(FRONT)
    assert [s["origin"] for s in slots] == ["managed", "backup", "backup", "backup"]
    assert [s["name"] for s in slots[1:]] == [f"Backup {c['access_code_id']} (Seam)" for c in ready]
    assert [s["code"] for s in slots[1:]] == [c["code"] for c in ready]
    for backup in ready:
        assert (backup["is_backup"], backup["pulled"], backup["status"]) == (True, False, "set")
        # A backup PIN already opens the door: that is what makes it a guaranteed fallback.
        assert keypad(sdk, FRONT, backup["code"]) == "lock.unlocked"
    # Pool codes are never named in events before they are pulled.
    backup_ids = {c["access_code_id"] for c in ready}
    assert not [
        e
        for e in fake.database()["events"]
        if e.get("access_code_id") in backup_ids and e["event_type"].startswith("access_code.")
    ]


@pytest.mark.guide("time-bound-only")
@pytest.mark.guide("check-support")
@pytest.mark.guide("supported-brands")
def test_the_option_is_refused_for_ongoing_codes_and_on_salto(fake: FakeSeam, sdk: Seam) -> None:
    before = fake.database()
    with pytest.raises(SeamHttpInvalidInputError) as ongoing:
        sdk.access_codes.create(device_id=FRONT, use_backup_access_code_pool=True)
    assert ongoing.value.get_validation_error_messages("use_backup_access_code_pool") == [
        "Backup access codes are only supported for time_bound access codes"
    ]
    with pytest.raises(SeamHttpInvalidInputError) as salto:
        stay(sdk, "salto_device_1")
    assert (
        "supports_backup_access_code_pool"
        in salto.value.get_validation_error_messages("use_backup_access_code_pool")[0]
    )
    assert sdk.devices.get(device_id="salto_device_1").properties.supports_backup_access_code_pool is False
    with pytest.raises(SeamHttpInvalidInputError):
        sdk.devices.update(device_id="salto_device_1", backup_access_code_pool_enabled=True)
    after = fake.database()
    assert after["access_codes"] == before["access_codes"] == []
    assert after["devices"] == before["devices"]


@pytest.mark.guide("time-bound-only")
@pytest.mark.guide("cannot-turn-off")
def test_a_later_create_without_the_option_leaves_the_pool_on(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.settle()
    later = stay(sdk, use_backup_access_code_pool=False)
    ongoing = sdk.access_codes.create(device_id=FRONT)
    fake.settle()
    assert sdk.devices.get(device_id=FRONT).properties.backup_access_code_pool_enabled is True
    assert len(pool_ids(fake)["ready"]) == 3
    assert sdk.access_codes.get(access_code_id=later.access_code_id).is_backup_access_code_available is True
    assert (
        sdk.access_codes.get(access_code_id=ongoing.access_code_id).is_backup_access_code_available is False
    )


@pytest.mark.guide("unmanage-removes")
def test_unmanaging_the_device_removes_its_backup_codes_and_frees_their_slots(
    fake: FakeSeam, sdk: Seam
) -> None:
    guest = stay(sdk, code="4821")
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert len(fake.slots(FRONT)) == 4  # guest, pulled backup, 2 ready; the refill is in flight
    assert len(pool_ids(fake)["in_flight"]) == 1
    sdk.devices.update(device_id=FRONT, is_managed=False)
    fake.settle()
    assert [s["code"] for s in fake.slots(FRONT)] == ["4821"]
    assert fake.keypad_entry(FRONT, backup.code) is False  # Seam's routes no longer see the device
    assert sdk.devices.unmanaged.get(device_id=FRONT).errors == []
    assert fake.backup_pool(FRONT)["ready"] == [] and fake.backup_pool(FRONT)["pulled"] == []

    sdk.devices.unmanaged.update(device_id=FRONT, is_managed=True)  # the pool was never turned off
    fake.settle()
    assert len(pool_ids(fake)["ready"]) == 3


# -- 2. the pool as real codes on the hardware ----------------------------------------


def test_pool_size_is_configurable_per_lock(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.set_backup_pool(FRONT, pool_size=5)
    fake.settle()
    assert len(pool_ids(fake)["ready"]) == 5
    assert len(fake.slots(FRONT)) == 6
    fake.set_backup_pool(FRONT, pool_size=1)
    assert len(pool_ids(fake)["ready"]) == 1
    fake.settle()
    assert len(fake.slots(FRONT)) == 2
    assert fake.backup_pool("august_device_2")["pool_size"] == 2  # other locks keep theirs


@pytest.mark.guide("partial-pool-warning")
def test_backups_take_the_programming_delay_and_wait_for_an_offline_lock(fake: FakeSeam, sdk: Seam) -> None:
    fake.go_offline(FRONT)
    stay(sdk)
    assert conditions(sdk) == (
        ["device_offline", "empty_backup_access_code_pool"],
        ["partial_backup_access_code_pool"],
    )
    fake.advance(HOUR)
    assert len(pool_ids(fake)["in_flight"]) == 3 and fake.slots(FRONT) == []
    fake.go_online(FRONT)
    assert conditions(sdk) == (["empty_backup_access_code_pool"], [])  # writes in flight, not failing
    fake.advance(9)
    assert pool_ids(fake)["ready"] == []
    fake.advance(1)
    assert len(pool_ids(fake)["ready"]) == 3
    assert conditions(sdk) == ([], [])


@pytest.mark.guide("partial-pool-warning")
def test_a_failed_backup_write_shows_partial_until_its_retry_lands(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.settle()
    fake.set_fault_plan(FRONT, fail_next=1)
    fake.set_backup_pool(FRONT, pool_size=4)  # one more backup to write, and that write fails
    fake.settle()
    pool = fake.backup_pool(FRONT)
    assert len(pool["ready"]) == 3 and len(pool["in_flight"]) == 1
    assert [e["error_code"] for e in pool["in_flight"][0]["errors"]] == ["failed_to_set_on_device"]
    assert conditions(sdk) == ([], ["partial_backup_access_code_pool"])
    fake.advance(300 + 10)
    assert conditions(sdk) == ([], [])
    assert len(pool_ids(fake)["ready"]) == 4


@pytest.mark.parametrize("device_id", ["yale_device_1", "august_device_2", "kwikset_device_1"])
def test_backup_pins_respect_lengths_constraints_and_never_duplicate(
    fake: FakeSeam, sdk: Seam, device_id: str
) -> None:
    stay(sdk, device_id)
    fake.set_backup_pool(device_id, pool_size=2)
    fake.settle()
    properties = sdk.devices.get(device_id=device_id).properties
    pins = [s["code"] for s in fake.slots(device_id)]
    assert len(pins) == len(set(pins)) == 3
    for backup in fake.backup_pool(device_id)["ready"]:
        pin = backup["code"]
        assert len(pin) in properties.supported_code_lengths
        if device_id == "yale_device_1":
            assert not pin.startswith("12") and len(set(pin)) >= 3


def test_a_client_pin_cannot_collide_with_a_hidden_backup(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.settle()
    backup_pin = fake.backup_pool(FRONT)["ready"][0]["code"]
    with pytest.raises(SeamHttpApiError) as duplicate:
        sdk.access_codes.create(device_id=FRONT, code=backup_pin)
    assert duplicate.value.code == "duplicate_access_code"  # the lock holds that PIN already


# -- 3 and 4. availability and pull -----------------------------------------------------


@pytest.mark.guide("retrieve")
@pytest.mark.guide("marked-pulled")
@pytest.mark.guide("associated")
@pytest.mark.guide("refill")
def test_pull_marks_links_and_times_the_backup_then_refills(fake: FakeSeam, sdk: Seam) -> None:
    guest = stay(sdk, hours=30)
    fake.settle()
    ready_before = pool_ids(fake)["ready"]
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert backup.access_code_id == ready_before[0]  # the oldest ready backup
    assert (backup.is_backup, backup.type, backup.ends_at) == (True, "time_bound", at(30 * HOUR))
    assert fake.backup_pool(FRONT)["pulled"][0]["pulled"] is True  # (the SDK's class has no `pulled`)
    assert backup.status == "set"
    original = sdk.access_codes.get(access_code_id=guest.access_code_id)
    assert original.pulled_backup_access_code_id == backup.access_code_id
    assert original.is_backup_access_code_available is True  # a repeat pull returns this backup
    pulled = events(sdk, "access_code.backup_access_code_pulled")
    assert [(e.access_code_id, e.backup_access_code_id, e.occurred_at) for e in pulled] == [
        (guest.access_code_id, backup.access_code_id, at(10))
    ]
    # Taken out of the pool and now listed; the refill is on its way.
    pool = pool_ids(fake)
    assert pool["pulled"] == [backup.access_code_id] and backup.access_code_id not in pool["ready"]
    assert len(pool["ready"]) == 2 and len(pool["in_flight"]) == 1
    assert sorted(c.access_code_id for c in sdk.access_codes.list(device_id=FRONT)) == sorted(
        [guest.access_code_id, backup.access_code_id]
    )
    again = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert again.access_code_id == backup.access_code_id
    assert len(events(sdk, "access_code.backup_access_code_pulled")) == 1
    fake.settle()
    assert len(pool_ids(fake)["ready"]) == 3


@pytest.mark.guide("retrieve")
def test_pull_answers_with_the_backup_under_both_keys(fake: FakeSeam) -> None:
    sdk = fake.client()
    guest = stay(sdk)
    fake.settle()
    headers = {"Authorization": "Bearer seam_apikey1_token"}
    with httpx.Client(transport=fake.transport(), base_url="http://fake", headers=headers) as http:
        body = http.post(
            "/access_codes/pull_backup_access_code", json={"access_code_id": guest.access_code_id}
        ).json()
    assert body["ok"] is True
    assert body["access_code"] == body["backup_access_code"]
    assert body["access_code"]["pulled"] is True


@pytest.mark.guide("time-bound-pulls-only")
def test_pull_errors(fake: FakeSeam, sdk: Seam) -> None:
    ongoing = sdk.access_codes.create(device_id=FRONT)
    no_pool = sdk.access_codes.create(device_id="august_device_2", ends_at=at(HOUR))
    guest = stay(sdk)  # pool just enabled: nothing ready yet
    other_workspace, api_key = fake.create_workspace("Other")
    foreign = fake.create_lock(other_workspace.workspace_id)
    outsider = fake.client(api_key).access_codes.create(device_id=foreign.device_id, ends_at=at(HOUR))
    cases = [
        (ongoing.access_code_id, 400, "access_code_not_time_bound"),
        (no_pool.access_code_id, 400, "backup_access_code_pool_not_enabled"),
        (guest.access_code_id, 400, "no_backup_access_code_available"),
        ("no_such_code", 404, "access_code_not_found"),
        (outsider.access_code_id, 404, "access_code_not_found"),
    ]
    before = fake.database()
    for code_id, status, error_type in cases:
        with pytest.raises(SeamHttpApiError) as refused:
            sdk.access_codes.pull_backup_access_code(access_code_id=code_id)
        assert (refused.value.status_code, refused.value.code) == (status, error_type), code_id
        assert refused.value.data["access_code_id"] == code_id
        assert str(refused.value)
    after = fake.database()
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }


@pytest.mark.guide("associated")
def test_two_clients_pulling_at_once_get_the_same_backup(fake: FakeSeam) -> None:
    guest = stay(fake.client())
    fake.settle()
    clients = [fake.client(), fake.client()]
    barrier = threading.Barrier(len(clients))
    results: list[str] = []

    def pull(client: Seam) -> None:
        barrier.wait()
        results.append(
            client.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id).access_code_id
        )

    threads = [threading.Thread(target=pull, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert len(fake.backup_pool(FRONT)["pulled"]) == 1
    assert len(events(fake.client(), "access_code.backup_access_code_pulled")) == 1


@pytest.mark.guide("one-pool-per-device")
@pytest.mark.guide("confirm-available")
@pytest.mark.guide("refill")
@pytest.mark.guide("empty-pool-error")
def test_pulling_until_empty_then_refilling(fake: FakeSeam, sdk: Seam) -> None:
    guests = [stay(sdk) for _ in range(4)]
    fake.settle()
    pulled = [sdk.access_codes.pull_backup_access_code(access_code_id=g.access_code_id) for g in guests[:3]]
    assert len({b.access_code_id for b in pulled}) == 3
    errors, _ = conditions(sdk)
    assert errors == ["empty_backup_access_code_pool"]  # used up; the refills are still being written
    assert (
        sdk.access_codes.get(access_code_id=guests[3].access_code_id).is_backup_access_code_available is False
    )
    with pytest.raises(SeamHttpApiError) as none_left:
        sdk.access_codes.pull_backup_access_code(access_code_id=guests[3].access_code_id)
    assert none_left.value.code == "no_backup_access_code_available"
    fake.settle()
    assert "empty_backup_access_code_pool" not in conditions(sdk)[0]
    assert len(pool_ids(fake)["ready"]) == 3
    assert (
        sdk.access_codes.get(access_code_id=guests[3].access_code_id).is_backup_access_code_available is True
    )


@pytest.mark.guide("detect-failure")
def test_a_backup_can_be_pulled_while_the_original_is_still_failing(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.settle()
    fake.set_fault_plan(FRONT, fail_next=1)
    guest = stay(sdk, code="4821")
    fake.settle()
    failing = sdk.access_codes.get(access_code_id=guest.access_code_id)
    assert failing.status == "setting" and failing.is_backup_access_code_available is True
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"
    # The original keeps being retried; when it lands both PINs open the door.
    fake.advance(300)
    fake.settle()
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).status == "set"
    assert keypad(sdk, FRONT, "4821") == "lock.unlocked"
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"


# -- 5. ends_at propagation -------------------------------------------------------------


@pytest.mark.guide("ends-at-matches")
def test_the_pulled_backup_follows_the_originals_ends_at(fake: FakeSeam, sdk: Seam) -> None:
    guest = stay(sdk, hours=10)
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    sdk.access_codes.update(access_code_id=guest.access_code_id, ends_at=at(20 * HOUR))
    assert sdk.access_codes.get(access_code_id=backup.access_code_id).ends_at == at(20 * HOUR)
    fake.advance(15 * HOUR)
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"  # past the old end
    sdk.access_codes.update(access_code_id=guest.access_code_id, ends_at=at(16 * HOUR))
    assert sdk.access_codes.get(access_code_id=backup.access_code_id).ends_at == at(16 * HOUR)
    fake.set_time(T0 + timedelta(seconds=16 * HOUR))
    fake.settle()
    assert keypad(sdk, FRONT, backup.code) == "lock.access_denied"


@pytest.mark.guide("ends-at-matches")
def test_original_ending_removes_the_backup_at_the_same_time_and_the_pool_refills(
    fake: FakeSeam, sdk: Seam
) -> None:
    guest = stay(sdk, hours=2)
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    fake.settle()
    assert len(fake.slots(FRONT)) == 5
    fake.set_time(T0 + timedelta(seconds=2 * HOUR))
    assert sdk.access_codes.get(access_code_id=backup.access_code_id).status == "removing"
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).status == "removing"
    fake.settle()
    for code_id in (guest.access_code_id, backup.access_code_id):
        with pytest.raises(SeamHttpApiError):
            sdk.access_codes.get(access_code_id=code_id)
    removed = events(sdk, "access_code.removed_from_device")
    assert {(e.access_code_id, e.occurred_at) for e in removed} == {
        (guest.access_code_id, at(2 * HOUR + 10)),
        (backup.access_code_id, at(2 * HOUR + 10)),
    }
    pool = fake.backup_pool(FRONT)
    assert len(pool["ready"]) == 3 and pool["pulled"] == []
    assert len(fake.slots(FRONT)) == 3


def test_a_code_whose_stay_has_ended_has_no_backup_to_pull(fake: FakeSeam, sdk: Seam) -> None:
    # Past its ends_at but still on an offline lock (its erase waits): the stay is over, so a
    # pull would only hand out a backup that is already being removed and waste a pool code.
    ended, pulled_before = stay(sdk, hours=2), stay(sdk, hours=2)
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=pulled_before.access_code_id)
    fake.settle()
    fake.go_offline(FRONT)
    fake.set_time(T0 + timedelta(seconds=2 * HOUR))
    assert sdk.access_codes.get(access_code_id=ended.access_code_id).status == "removing"
    ready = pool_ids(fake)["ready"]
    before = fake.database()
    for code_id in (ended.access_code_id, pulled_before.access_code_id):
        assert sdk.access_codes.get(access_code_id=code_id).is_backup_access_code_available is False
        assert all(
            c.is_backup_access_code_available is False
            for c in sdk.access_codes.list(device_id=FRONT)
            if c.access_code_id == code_id
        )
        with pytest.raises(SeamHttpApiError) as refused:
            sdk.access_codes.pull_backup_access_code(access_code_id=code_id)
        assert (refused.value.status_code, refused.value.code) == (400, "access_code_ended")
        assert refused.value.data["access_code_id"] == code_id
        assert "ended" in str(refused.value)
    # Nothing was taken from the pool, and no refill started.
    assert pool_ids(fake)["ready"] == ready
    assert events(sdk, "access_code.backup_access_code_pulled")[-1].access_code_id == (
        pulled_before.access_code_id
    )
    after = fake.database()
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }
    # The backup pulled during the stay is leaving with its original.
    assert sdk.access_codes.get(access_code_id=backup.access_code_id).status == "removing"


def test_original_deleted_removes_the_backup_and_a_blocked_refill_takes_the_slot(
    fake: FakeSeam, sdk: Seam
) -> None:
    # Fill kwikset (3 slots): guest + its pool of 2. A pull leaves the refill without a slot.
    guest = stay(sdk, "kwikset_device_1")
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    fake.settle()
    assert conditions(sdk, "kwikset_device_1") == ([], ["partial_backup_access_code_pool"])
    sdk.access_codes.delete(access_code_id=guest.access_code_id)
    assert sdk.access_codes.get(access_code_id=backup.access_code_id).status == "removing"
    fake.settle()
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.get(access_code_id=backup.access_code_id)
    assert conditions(sdk, "kwikset_device_1") == ([], [])
    assert len(pool_ids(fake, "kwikset_device_1")["ready"]) == 2
    assert keypad(sdk, "kwikset_device_1", backup.code) == "lock.access_denied"


@pytest.mark.guide("ends-at-matches")
def test_an_original_made_ongoing_makes_its_backup_ongoing(fake: FakeSeam, sdk: Seam) -> None:
    guest = stay(sdk, hours=2)
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    sdk.access_codes.update(access_code_id=guest.access_code_id, type="ongoing")
    follows = sdk.access_codes.get(access_code_id=backup.access_code_id)
    assert (follows.type, follows.ends_at) == ("ongoing", None)
    fake.advance(5 * HOUR)
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"


# -- 6. device warnings and error -------------------------------------------------------


@pytest.mark.guide("many-active-warning")
def test_many_active_backup_codes_follows_the_threshold(fake: FakeSeam, sdk: Seam) -> None:
    first, second = stay(sdk, hours=2), stay(sdk, hours=4)
    fake.settle()
    sdk.access_codes.pull_backup_access_code(access_code_id=first.access_code_id)
    assert "many_active_backup_codes" not in conditions(sdk)[1]
    sdk.access_codes.pull_backup_access_code(access_code_id=second.access_code_id)
    assert "many_active_backup_codes" in conditions(sdk)[1]  # default threshold 2
    fake.set_backup_pool(FRONT, many_active_backup_codes_threshold=3)
    assert "many_active_backup_codes" not in conditions(sdk)[1]
    fake.set_backup_pool(FRONT, many_active_backup_codes_threshold=2)
    assert "many_active_backup_codes" in conditions(sdk)[1]
    fake.set_time(T0 + timedelta(seconds=2 * HOUR))  # the first stay ends: one backup left active
    assert "many_active_backup_codes" not in conditions(sdk)[1]


@pytest.mark.guide("partial-pool-warning")
def test_partial_pool_on_a_lock_with_too_few_free_slots(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.create(device_id="kwikset_device_1", code="1111")
    cleaner = sdk.access_codes.create(device_id="kwikset_device_1", code="2222")
    guest = stay(sdk, "kwikset_device_1", code="3333")  # the third and last slot
    fake.settle()
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).status == "set"  # guests come first
    assert conditions(sdk, "kwikset_device_1") == (
        ["empty_backup_access_code_pool"],
        ["partial_backup_access_code_pool"],
    )
    in_flight = fake.backup_pool("kwikset_device_1")["in_flight"]
    assert {e["error_code"] for c in in_flight for e in c["errors"]} == {"no_space_for_access_code_on_device"}
    sdk.access_codes.delete(access_code_id=cleaner.access_code_id)
    fake.settle()  # one slot frees: one backup lands at once, not at its next retry
    assert fake.now() < T0 + timedelta(seconds=300)
    assert len(pool_ids(fake, "kwikset_device_1")["ready"]) == 1
    assert conditions(sdk, "kwikset_device_1") == ([], ["partial_backup_access_code_pool"])
    fake.set_backup_pool("kwikset_device_1", pool_size=1)
    assert conditions(sdk, "kwikset_device_1") == ([], [])


def test_conditions_leave_with_the_pool_when_it_is_switched_off(fake: FakeSeam, sdk: Seam) -> None:
    fake.go_offline(FRONT)
    stay(sdk)
    assert "partial_backup_access_code_pool" in conditions(sdk)[1]
    sdk.devices.update(device_id=FRONT, backup_access_code_pool_enabled=False)
    assert conditions(sdk) == (["device_offline"], [])


# -- "Newer than the guide": the explicit off switch ------------------------------------


@pytest.mark.guide("cannot-turn-off")
def test_backup_access_code_pool_enabled_off_and_on(fake: FakeSeam, sdk: Seam) -> None:
    guest, other = stay(sdk, hours=10), stay(sdk, hours=10)
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    fake.settle()
    sdk.devices.update(device_id=FRONT, backup_access_code_pool_enabled=False)
    assert sdk.devices.get(device_id=FRONT).properties.backup_access_code_pool_enabled is False
    fake.settle()
    pool = pool_ids(fake)
    assert pool == {"ready": [], "pulled": [backup.access_code_id], "in_flight": []}
    assert [s["origin"] for s in fake.slots(FRONT)].count("backup") == 1  # only the pulled one stays
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"
    assert sdk.access_codes.get(access_code_id=other.access_code_id).is_backup_access_code_available is False
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).is_backup_access_code_available is True
    with pytest.raises(SeamHttpApiError) as off:
        sdk.access_codes.pull_backup_access_code(access_code_id=other.access_code_id)
    assert off.value.code == "backup_access_code_pool_not_enabled"
    stay(sdk, use_backup_access_code_pool=False)
    with pytest.raises(SeamHttpInvalidInputError):
        stay(sdk, use_backup_access_code_pool=True)  # no access-code parameter turns it back on
    assert sdk.devices.get(device_id=FRONT).properties.backup_access_code_pool_enabled is False
    assert fake.backup_pool(FRONT)["in_flight"] == []

    sdk.devices.update(device_id=FRONT, backup_access_code_pool_enabled=True)
    fake.settle()
    assert len(pool_ids(fake)["ready"]) == 3
    fake.advance(10 * HOUR)
    fake.settle()
    assert pool_ids(fake)["pulled"] == []  # the pulled backup left at its end


def pool_switched_off_before_activation(fake: FakeSeam, sdk: Seam) -> None:
    sdk.devices.update(device_id=FRONT, backup_access_code_pool_enabled=False)


def pool_switched_off_after_activation(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.settle()
    sdk.devices.update(device_id=FRONT, backup_access_code_pool_enabled=False)
    fake.settle()


@pytest.mark.parametrize(
    "switch_off", [pool_switched_off_before_activation, pool_switched_off_after_activation]
)
@pytest.mark.guide("cannot-turn-off")
def test_off_means_off_and_a_request_for_the_pool_says_so(
    fake: FakeSeam, sdk: Seam, raw: httpx.Client, switch_off: Any
) -> None:
    switch_off(fake, sdk)
    plain = sdk.access_codes.create(device_id=FRONT, starts_at=at(0), ends_at=at(HOUR))
    before = fake.database()
    requests = [
        lambda: stay(sdk),
        lambda: sdk.access_codes.create_multiple(
            device_ids=[FRONT, "august_device_2"],
            ends_at=at(HOUR),
            use_backup_access_code_pool=True,
        ),
    ]
    for request in requests:
        # Not honoured, and not silently: the answer names the parameter and says why.
        with pytest.raises(SeamHttpInvalidInputError) as refused:
            request()
        assert refused.value.status_code == 400
        [message] = refused.value.get_validation_error_messages("use_backup_access_code_pool")
        assert "backup_access_code_pool_enabled" in message
    # The spec's access_codes/update takes the option too (the SDK's method does not send it).
    update = raw.post(
        "/access_codes/update",
        json={"access_code_id": plain.access_code_id, "use_backup_access_code_pool": True},
    )
    assert update.status_code == 400
    error = update.json()["error"]
    assert error["type"] == "invalid_input"
    assert "use_backup_access_code_pool" in error["validation_errors"]
    after = fake.database()
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }
    assert sdk.devices.get(device_id=FRONT).properties.backup_access_code_pool_enabled is False
    assert fake.backup_pool(FRONT)["is_active"] is False
    assert [s["origin"] for s in fake.slots(FRONT)].count("backup") == 0
    # Codes that do not ask for the pool are made as usual; switching it on lets them ask again.
    stay(sdk, use_backup_access_code_pool=False)
    sdk.devices.update(device_id=FRONT, backup_access_code_pool_enabled=True)
    guest = stay(sdk)
    fake.settle()
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).is_backup_access_code_available is True


# -- 7. the troubleshooting flow, end to end --------------------------------------------


@pytest.mark.guide("many-active-warning")
def test_troubleshooting_flow(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk, hours=48)  # an earlier booking switched the pool on
    fake.settle()
    fake.set_fault_plan(FRONT, failure_rate=1.0)  # from now on the lock refuses new codes
    guest = sdk.access_codes.create(device_id=FRONT, code="4821", starts_at=at(HOUR), ends_at=at(5 * HOUR))
    fake.advance(HOUR)
    fake.settle()
    # 2. Detect: error on the code, event for the webhook.
    failing = sdk.access_codes.get(access_code_id=guest.access_code_id)
    assert [e.error_code for e in failing.errors] == ["failed_to_set_on_device"]
    assert [e.access_code_id for e in events(sdk, "access_code.failed_to_set_on_device")] == [
        guest.access_code_id
    ]
    # 3. Confirm a backup is available.
    assert failing.is_backup_access_code_available is True
    # 4. Pull it and hand its PIN to the guest.
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert backup.ends_at == at(5 * HOUR)
    assert keypad(sdk, FRONT, "4821") == "lock.access_denied"
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"
    unlocked = [e for e in fake.database()["events"] if e["event_type"] == "lock.unlocked"][-1]
    assert (unlocked["is_backup_code"], unlocked["access_code_id"]) == (True, backup.access_code_id)
    # The refill needs a write, which this lock refuses for now: the pool says so.
    fake.settle()
    assert "partial_backup_access_code_pool" in conditions(sdk)[1]
    fake.set_fault_plan(FRONT, failure_rate=0.0)
    # The backup works until the original's ends_at, and not after.
    fake.set_time(T0 + timedelta(seconds=5 * HOUR - 1))
    assert keypad(sdk, FRONT, backup.code) == "lock.unlocked"
    fake.advance(1)
    fake.settle()
    assert keypad(sdk, FRONT, backup.code) == "lock.access_denied"
    # The pool is full again.
    assert len(pool_ids(fake)["ready"]) == 3
    assert conditions(sdk) == ([], [])


# -- 8. control and inspection ----------------------------------------------------------


def test_backup_pool_control_routes(fake: FakeSeam, sdk: Seam) -> None:
    http = httpx.Client(transport=fake.transport(), base_url="http://fake")
    guest = stay(sdk)
    answer = http.post(
        "/_fake/devices/set_backup_pool",
        json={"device_id": FRONT, "pool_size": 4, "many_active_backup_codes_threshold": 1},
    ).json()
    assert answer["pool_size"] == 4 and answer["many_active_backup_codes_threshold"] == 1
    assert len(answer["in_flight"]) == 4 and answer["ready"] == [] and answer["pulled"] == []
    fake.settle()
    pool = http.get("/_fake/devices/backup_pool", params={"device_id": FRONT}).json()
    assert set(pool) >= {"pool_size", "ready", "pulled", "in_flight"}
    assert len(pool["ready"]) == 4
    assert all(c["is_backup"] and not c["pulled"] and c["device_id"] == FRONT for c in pool["ready"])
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    pool = http.post("/_fake/devices/backup_pool", json={"device_id": FRONT}).json()
    assert [c["access_code_id"] for c in pool["pulled"]] == [backup.access_code_id]
    assert len(pool["in_flight"]) == 1
    assert "many_active_backup_codes" in conditions(sdk)[1]  # threshold 1
    assert fake.backup_pool(FRONT)["pulled"] == pool["pulled"]
    for bad, status in (
        ({"device_id": "nope"}, 404),
        ({"device_id": FRONT, "pool_size": -1}, 400),
        ({}, 400),
    ):
        assert http.post("/_fake/devices/set_backup_pool", json=bad).status_code == status
    assert http.post("/_fake/devices/backup_pool", json={"device_id": "nope"}).status_code == 404
