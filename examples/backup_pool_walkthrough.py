"""Seam's guide to backup access codes, step by step, with the official SDK against fake-seam.

Run it:  python examples/backup_pool_walkthrough.py

Each step quotes the guide (seam-api/backup-access-codes.txt), makes the same calls a client
makes against Seam, and checks what Seam promises. The fake runs in-process on a frozen clock,
so "a few seconds later" and "when the stay ends" are `fake.settle()` / `fake.set_time(...)`
instead of waiting. Against `fake-seam serve`, the same SDK calls work, and the fake's controls
are the `/_fake/...` routes named in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam import FakeSeam
from fake_seam.clock import iso

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
DOOR = "august_device_1"  # "Front Door": 20 slots, pool of 3, 10 s programming delay


def step(title: str) -> None:
    print(f"\n== {title}")


def device_conditions(seam: Seam) -> list[str]:
    device = seam.devices.get(device_id=DOOR)
    return [e.error_code for e in device.errors] + [w.warning_code for w in device.warnings]


def walkthrough(fake: FakeSeam, seam: Seam) -> dict[str, str]:
    step("Before you begin: does the device support backup code pools?")
    device = seam.devices.get(device_id=DOOR)
    print("supports_backup_access_code_pool:", device.properties.supports_backup_access_code_pool)
    assert device.properties.supports_backup_access_code_pool is True
    salto = seam.devices.get(device_id="salto_device_1")
    print("Salto lock supports it:", salto.properties.supports_backup_access_code_pool)
    assert salto.properties.supports_backup_access_code_pool is False

    step("1. Activate the pool: use_backup_access_code_pool=true on a time-bound code")
    first_stay = seam.access_codes.create(
        device_id=DOOR,
        name="Booking 1001",
        starts_at=iso(NOW),
        ends_at=iso(NOW + timedelta(days=2)),
        use_backup_access_code_pool=True,
    )
    print("pool enabled:", seam.devices.get(device_id=DOOR).properties.backup_access_code_pool_enabled)
    print("device right after activation:", device_conditions(seam))  # empty_backup_access_code_pool
    assert device_conditions(seam) == ["empty_backup_access_code_pool"]
    fake.settle()  # POST /_fake/settle: the backups land on the lock
    print("once the backups are on the lock:", device_conditions(seam))
    assert device_conditions(seam) == []
    print("what the lock's app shows:")
    for slot in fake.slots(DOOR):  # POST /_fake/devices/slots
        print(f"  slot {slot['slot']}: {slot['name']!r} ({slot['origin']})")
    backup_names = [s["name"] for s in fake.slots(DOOR) if s["origin"] == "backup"]
    assert len(backup_names) == 3
    assert all(n.startswith("Backup ") and n.endswith(" (Seam)") for n in backup_names)
    listed = seam.access_codes.list(device_id=DOOR)
    print("access_codes.list shows only the guest's code:", [c.name for c in listed])
    assert [c.access_code_id for c in listed] == [first_stay.access_code_id]

    step("2. Detect when an access code has failed to program")
    fake.set_fault_plan(DOOR, fail_next=1)  # POST /_fake/devices/set_fault_plan: the next write fails
    guest = seam.access_codes.create(
        device_id=DOOR,
        name="Booking 1002",
        code="4821",
        starts_at=iso(NOW),
        ends_at=iso(NOW + timedelta(hours=20)),
    )
    fake.settle()
    guest = seam.access_codes.get(access_code_id=guest.access_code_id)
    failures = seam.events.list(
        since=iso(NOW - timedelta(days=1)), event_types=["access_code.failed_to_set_on_device"]
    )
    print("event:", [(e.event_type, e.access_code_id == guest.access_code_id) for e in failures])
    print("errors on the code:", [e.error_code for e in guest.errors])
    assert [e.error_code for e in guest.errors] == ["failed_to_set_on_device"]

    step("3. Confirm the availability of a backup access code")
    print("is_backup_access_code_available:", guest.is_backup_access_code_available)
    assert guest.is_backup_access_code_available is True

    step("4. Retrieve a backup access code")
    backup = seam.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    print(f"share this PIN with the guest: {backup.code} (valid until {backup.ends_at})")
    # - marked as pulled and removed from the pool
    pool = fake.backup_pool(DOOR)  # POST /_fake/devices/backup_pool
    assert [c["access_code_id"] for c in pool["pulled"]] == [backup.access_code_id]
    assert pool["pulled"][0]["pulled"] is True and backup.is_backup is True
    # - associated with the original: a repeat pull returns the same backup
    again = seam.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert again.access_code_id == backup.access_code_id
    original = seam.access_codes.get(access_code_id=guest.access_code_id)
    assert original.pulled_backup_access_code_id == backup.access_code_id
    # - ends_at matches the original's
    assert backup.ends_at == guest.ends_at
    # - Seam refills the pool
    print("pool after the pull:", {k: len(pool[k]) for k in ("ready", "in_flight", "pulled")})
    assert len(pool["in_flight"]) == 1
    fake.settle()
    assert len(fake.backup_pool(DOOR)["ready"]) == 3
    print("refilled:", len(fake.backup_pool(DOOR)["ready"]), "ready")

    seam.locks.simulate.keypad_code_entry(device_id=DOOR, code=backup.code)
    unlocked = seam.events.list(since=iso(NOW - timedelta(days=1)), event_types=["lock.unlocked"])[-1]
    print("the guest types the backup PIN:", unlocked.event_type, "with", unlocked.access_code_id)
    assert unlocked.access_code_id == backup.access_code_id

    step("Only time-bound codes can pull a backup")
    ongoing = seam.access_codes.create(device_id=DOOR, name="Cleaner")
    try:
        seam.access_codes.pull_backup_access_code(access_code_id=ongoing.access_code_id)
    except SeamHttpApiError as refused:
        print("refused:", refused.status_code, refused.code)
        assert refused.code == "access_code_not_time_bound"
    else:
        raise AssertionError("an ongoing code pulled a backup")

    step("Troubleshooting: many_active_backup_codes")
    other = seam.access_codes.create(
        device_id=DOOR, name="Booking 1003", starts_at=iso(NOW), ends_at=iso(NOW + timedelta(hours=30))
    )
    seam.access_codes.pull_backup_access_code(access_code_id=other.access_code_id)
    print("device warnings:", device_conditions(seam))
    assert "many_active_backup_codes" in device_conditions(seam)

    step("Troubleshooting: partial_backup_access_code_pool")
    fake.go_offline(DOOR)  # POST /_fake/devices/go_offline: the refill cannot reach the lock
    third = seam.access_codes.create(
        device_id=DOOR, name="Booking 1004", starts_at=iso(NOW), ends_at=iso(NOW + timedelta(hours=30))
    )
    seam.access_codes.pull_backup_access_code(access_code_id=third.access_code_id)
    print("device:", device_conditions(seam))
    assert "partial_backup_access_code_pool" in device_conditions(seam)
    fake.go_online(DOOR)
    fake.settle()
    print("back online and refilled:", device_conditions(seam))
    assert "partial_backup_access_code_pool" not in device_conditions(seam)

    step("Troubleshooting: empty_backup_access_code_pool")
    fake.go_offline(DOOR)
    for n in range(3):
        stay = seam.access_codes.create(
            device_id=DOOR, name=f"Walk-in {n}", starts_at=iso(NOW), ends_at=iso(NOW + timedelta(hours=12))
        )
        seam.access_codes.pull_backup_access_code(access_code_id=stay.access_code_id)
    print("device:", device_conditions(seam))
    assert "empty_backup_access_code_pool" in device_conditions(seam)
    fake.go_online(DOOR)
    fake.settle()
    assert "empty_backup_access_code_pool" not in device_conditions(seam)

    step("When the stay ends, the backup goes with it")
    fake.set_time(NOW + timedelta(hours=20))  # POST /_fake/clock/set: the original's ends_at
    fake.settle()
    seam.locks.simulate.keypad_code_entry(device_id=DOOR, code=backup.code)
    last = seam.events.list(since=iso(NOW), event_types=["lock.unlocked", "lock.access_denied"])[-1]
    print("the backup PIN after checkout:", last.event_type)
    assert last.event_type == "lock.access_denied"

    step("Unmanaging the device removes its backup codes")
    seam.devices.update(device_id=DOOR, is_managed=False)
    fake.settle()
    left = [s["origin"] for s in fake.slots(DOOR)]
    print("slots left on the lock:", left)
    assert "backup" not in left
    return {"backup_code": backup.code, "guest_code_id": guest.access_code_id}


def main() -> dict[str, str]:
    fake = FakeSeam(now=NOW, frozen=True)
    return walkthrough(fake, fake.client())


if __name__ == "__main__":
    main()
