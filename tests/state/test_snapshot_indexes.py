"""A snapshot leaves out what can be built again (the store's code and PIN indexes, a lock's
empty slots, free-slot heap and slot indexes) and builds it on load: the fake loaded must hold
exactly the indexes the one dumped held, and its codes the same jobs as its timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fake_seam.fake import FakeSeam
from fake_seam.seam.records import JOB_KINDS
from fake_seam.state.journal import dump, load

T0 = "2030-01-01T10:00:00Z"


def driven() -> FakeSeam:
    """A fake whose codes are in every state the indexes must survive."""
    fake = FakeSeam(frozen=True)
    fake.set_time(T0)
    seam = fake.client()
    seam.access_codes.create(device_id="august_device_1", name="set", code="1234")
    seam.access_codes.create(
        device_id="august_device_1",
        name="stay",
        starts_at="2030-01-02T12:00:00Z",
        ends_at="2030-01-04T11:00:00Z",
        use_backup_access_code_pool=True,
    )
    doomed = seam.access_codes.create(device_id="august_device_1", name="gone", code="5791")
    renamed = seam.access_codes.create(device_id="yale_device_1", name="pin changes", code="246813")
    fake.advance(timedelta(minutes=5))
    seam.access_codes.update(access_code_id=renamed.access_code_id, code="864219")
    seam.access_codes.delete(access_code_id=doomed.access_code_id)
    fake.set_fault_plan("kwikset_device_1", fail_next=1)
    seam.access_codes.create(device_id="kwikset_device_1", name="fails", code="1357")
    fake.add_keypad_code("kwikset_device_1", "9753", name="cleaner")
    fake.go_offline("yale_device_1")
    seam.access_codes.create(device_id="yale_device_1", name="held", code="135792")
    fake.advance(timedelta(minutes=1))
    return fake


def indexes(fake: FakeSeam) -> dict[str, Any]:
    store = fake.cloud.store
    locks = {}
    for device_id, device in store.devices.items():
        lock = device.lock
        if lock is None:
            continue
        locks[device_id] = {
            "slots": [None if s is None else s.as_json() for s in lock.slots],
            "free": sorted(lock._free),
            "by_key": {key: slot.slot for key, slot in lock._slot_by_key.items()},
            "by_code": {code: sorted(held) for code, held in lock._by_code.items()},
            "pending": sorted(lock.pending),
        }
    return {
        "codes_by_device": {d: list(codes) for d, codes in store.codes_by_device.items()},
        # Lookups filter PINs a code no longer holds: compare what a lookup answers.
        "pins": {
            (code.device_id, code.code): sorted(
                c.access_code_id for c in store.codes_with_pin(code.device_id, code.code)
            )
            for code in store.access_codes.values()
        },
        "locks": locks,
    }


def test_a_loaded_snapshot_holds_the_same_indexes_as_the_fake_dumped() -> None:
    fake = driven()
    before = indexes(fake)
    assert any(lock["by_key"] for lock in before["locks"].values())  # codes landed on locks
    again = FakeSeam()
    load(again, dump(fake))
    assert indexes(again) == before
    assert again.database(include_credentials=True) == fake.database(include_credentials=True)


def test_each_loaded_code_holds_the_jobs_its_timeline_will_run() -> None:
    fake = driven()
    again = FakeSeam()
    load(again, dump(fake))
    queued = {id(job) for job in again.timeline._jobs}
    booked = 0
    for code in again.cloud.store.access_codes.values():
        for kind in JOB_KINDS:
            job = getattr(code, f"{kind}_job")
            if job is not None:
                booked += 1
                assert id(job) in queued
                assert job.arg is code
    assert booked >= 2  # the stay's start and end, at least


def test_the_fake_loaded_goes_on_as_the_one_dumped() -> None:
    fake = driven()
    again = FakeSeam()
    load(again, dump(fake))
    for each in (fake, again):
        each.go_online("yale_device_1")
        each.advance(timedelta(days=4))
        each.client().access_codes.create(device_id="yale_device_1", name="after", code="579135")
        each.settle()
    assert again.database(include_credentials=True) == fake.database(include_credentials=True)
    assert again.slots("yale_device_1") == fake.slots("yale_device_1")
