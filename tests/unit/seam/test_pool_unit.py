"""The backup pool and the lifecycle rules on `SeamCloud` directly: no HTTP, no SDK."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_seam.clock import Clock, Timeline
from fake_seam.seam import Caller, SeamCloud, SeamError
from fake_seam.seam.records import AccessCode, Device
from fake_seam.simulator import SlotOrigin

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
HOUR = 3600.0
WS = Caller("seed_workspace_1", "api_key")


class World:
    """A SeamCloud on a frozen clock, with a way to let time pass."""

    def __init__(self) -> None:
        self.clock = Clock(T0, frozen=True)
        self.timeline = Timeline(self.clock)
        self.cloud = SeamCloud(self.timeline)

    def now(self) -> float:
        return self.clock.timestamp()

    def wait(self, seconds: float) -> None:
        self.timeline.run_until()
        target = self.clock.timestamp() + seconds
        self.timeline.run_until(target)
        self.clock.set(target)
        self.timeline.run_until()

    def settle(self) -> None:
        """Until no write is in flight (held writes stay held)."""
        for _ in range(100):
            dues = [
                w.job.due
                for d in self.cloud.store.locks_by_id.values()
                for w in d.lock.pending.values()  # type: ignore[union-attr]
                if w.job is not None and not w.held and not w.job.cancelled
            ]
            if not dues:
                return
            self.wait(max(0.0, min(dues) - self.now()))

    def device(self, device_id: str) -> Device:
        return self.cloud.store.devices[device_id]

    def stay(self, device_id: str = "august_device_1", hours: float = 24, **options: object) -> AccessCode:
        options.setdefault("use_backup_access_code_pool", True)
        code = self.cloud.codes.create(
            WS,
            device_id=device_id,
            starts_at=self.now(),
            ends_at=self.now() + hours * HOUR,
            **options,  # type: ignore[arg-type]
        )
        assert code is not None
        return code

    def conditions(self, device_id: str = "august_device_1") -> set[str]:
        device = self.device(device_id)
        return set(device.errors) | set(device.warnings)


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.guide("activate")
def test_activation_fills_the_pool_with_real_backup_writes(world: World) -> None:
    world.stay()
    device = world.device("august_device_1")
    lock = device.lock
    assert lock is not None
    assert device.pool.is_on and len(device.pool.members) == 3
    backups = world.cloud.pools.pool_codes(device)
    assert all(b.is_backup and not b.pulled and b.status == "setting" for b in backups)
    assert all(lock.in_flight(b.access_code_id) for b in backups)
    assert world.conditions() == {"empty_backup_access_code_pool"}
    world.settle()
    assert [b.status for b in backups] == ["set"] * 3
    slots = [lock.slot_of(b.access_code_id) for b in backups]
    assert all(s is not None and s.origin == SlotOrigin.BACKUP for s in slots)
    assert [s.name for s in slots] == [f"Backup {b.access_code_id} (Seam)" for b in backups]  # type: ignore[union-attr]
    assert world.conditions() == set()


@pytest.mark.guide("confirm-available")
def test_availability_rules(world: World) -> None:
    cloud = world.cloud
    ongoing = cloud.codes.create(WS, device_id="august_device_1")
    assert ongoing is not None
    bound = world.stay(use_backup_access_code_pool=False)
    assert not cloud.pools.is_backup_access_code_available(bound)  # pool never activated
    guest = world.stay()
    assert not cloud.pools.is_backup_access_code_available(guest)  # activated, nothing ready yet
    world.settle()
    assert cloud.pools.is_backup_access_code_available(guest) and cloud.pools.is_backup_access_code_available(
        bound
    )
    assert not cloud.pools.is_backup_access_code_available(ongoing)
    backup = cloud.pools.pull(WS, guest.access_code_id)
    assert not cloud.pools.is_backup_access_code_available(backup)  # a backup has no backup
    cloud.pools.set_pool_enabled(world.device("august_device_1"), False)
    assert cloud.pools.is_backup_access_code_available(guest)  # it pulled one already
    assert not cloud.pools.is_backup_access_code_available(bound)


@pytest.mark.guide("marked-pulled")
def test_pull_links_times_and_refills(world: World) -> None:
    cloud = world.cloud
    guest = world.stay(hours=5)
    world.settle()
    device = world.device("august_device_1")
    oldest = device.pool.members[0]
    backup = cloud.pools.pull(WS, guest.access_code_id)
    assert backup.access_code_id == oldest
    assert (backup.pulled, backup.pulled_for, backup.ends_at) == (True, guest.access_code_id, guest.ends_at)
    assert guest.pulled_backup_access_code_id == backup.access_code_id
    assert device.pool.pulled == [backup.access_code_id]
    assert len(device.pool.members) == 3 and oldest not in device.pool.members  # the refill is a member
    assert cloud.pools.pull(WS, guest.access_code_id) is backup
    with pytest.raises(SeamError) as refused:
        cloud.pools.pull(WS, backup.access_code_id)
    assert refused.value.type == "access_code_is_backup"


def test_shrinking_the_pool_sheds_backups_still_being_written_first(world: World) -> None:
    world.stay()
    world.settle()
    device = world.device("august_device_1")
    world.cloud.pools.configure_pool(device, pool_size=5)
    ready = list(device.pool.members[:3])
    world.cloud.pools.configure_pool(device, pool_size=3)  # the two in flight go, the ready stay
    assert device.pool.members == ready
    world.cloud.pools.configure_pool(device, pool_size=1)
    assert device.pool.members == ready[:1]
    world.settle()
    assert len(device.lock.occupied()) == 2  # type: ignore[union-attr]
    world.cloud.pools.configure_pool(device, pool_size=0)
    world.settle()
    assert device.pool.members == [] and world.conditions() == set()  # a pool of 0 is not "empty"


def test_a_freed_slot_goes_to_the_waiting_guest_before_a_waiting_backup(world: World) -> None:
    cloud = world.cloud
    first = cloud.codes.create(WS, device_id="kwikset_device_1", code="1111")
    assert first is not None
    world.stay("kwikset_device_1")  # guest + pool of 2 fill the 3 slots
    world.settle()
    device = world.device("kwikset_device_1")
    guest2 = cloud.codes.create(WS, device_id="kwikset_device_1", code="2222")
    assert guest2 is not None
    world.settle()
    assert "no_space_for_access_code_on_device" in guest2.errors
    assert any("no_space_for_access_code_on_device" in b.errors for b in cloud.pools.pool_codes(device))
    cloud.codes.delete(WS, first.access_code_id)
    world.settle()
    assert guest2.status == "set" and guest2.errors == {}
    blocked = [b for b in cloud.pools.pool_codes(device) if b.status != "set"]
    assert len(blocked) == 1 and "no_space_for_access_code_on_device" in blocked[0].errors
    assert blocked[0].has_job("retry")  # it waits for a later slot, it did not fail again at once


def test_switching_the_pool_off_does_not_refill_and_keeps_pulled_backups(world: World) -> None:
    cloud = world.cloud
    guest = world.stay(hours=2)
    world.settle()
    backup = cloud.pools.pull(WS, guest.access_code_id)
    device = world.device("august_device_1")
    cloud.pools.set_pool_enabled(device, False)
    assert device.pool.members == []  # off the pool at once (being erased or, if in flight, dropped)
    world.settle()
    assert [s.key for s in device.lock.occupied() if s.origin == SlotOrigin.BACKUP] == [backup.access_code_id]  # type: ignore[union-attr]
    assert device.pool.members == [] and world.conditions() == set()
    world.wait(2 * HOUR)
    world.settle()
    assert device.pool.pulled == []


@pytest.mark.guide("unmanage-removes")
def test_unmanaging_with_backups_in_flight_leaves_nothing_behind(world: World) -> None:
    world.stay()
    device = world.device("august_device_1")
    world.cloud.devices.update_device(WS, "august_device_1", is_managed=False)
    world.settle()
    assert device.pool.members == [] and device.pool.pulled == []
    assert [s.origin for s in device.lock.occupied()] == [SlotOrigin.MANAGED]  # type: ignore[union-attr]
    assert world.timeline.next_due() is None or all(
        "backup" not in j.label.lower() for j in world.timeline.pending()
    )


def test_unpulled_backups_emit_no_events(world: World) -> None:
    world.stay()
    world.settle()
    device = world.device("august_device_1")
    world.cloud.pools.configure_pool(device, pool_size=0)
    world.settle()
    backup_events = [
        e
        for e in world.cloud.store.events.values()
        if e.event_type.startswith("access_code.")
        and e.fields.get("access_code_id")
        not in {c.access_code_id for c in world.cloud.store.access_codes.values() if not c.is_backup}
    ]
    assert backup_events == []


def test_dry_run_create_and_update_check_without_storing(world: World) -> None:
    cloud = world.cloud
    before = (len(cloud.store.access_codes), len(cloud.store.events))
    assert cloud.codes.create(WS, device_id="august_device_1", code="4821", dry_run=True) is None
    with pytest.raises(SeamError):
        cloud.codes.create(
            WS,
            device_id="salto_device_1",
            ends_at=world.now() + HOUR,
            use_backup_access_code_pool=True,
            dry_run=True,
        )
    assert (len(cloud.store.access_codes), len(cloud.store.events)) == before
    code = cloud.codes.create(WS, device_id="august_device_1", name="A")
    assert code is not None
    cloud.codes.update(WS, code.access_code_id, name="B", dry_run=True)
    assert code.name == "A"


# -- whatever a client does, these hold --------------------------------------------------


class PoolMachine(RuleBasedStateMachine):
    """Random clients, clocks, faults and radios on two seeded locks; the pool stays sound."""

    DEVICES = ("kwikset_device_1", "august_device_2", "yale_device_1")

    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.codes: list[str] = []

    @rule(
        device=st.sampled_from(DEVICES),
        hours=st.integers(1, 6),
        pool=st.booleans(),
        later=st.sampled_from([0, HOUR, 80 * HOUR]),
    )
    def create(self, device: str, hours: int, pool: bool, later: float) -> None:
        now = self.world.now()
        try:
            code = self.world.cloud.codes.create(
                WS,
                device_id=device,
                starts_at=now + later,
                ends_at=now + later + hours * HOUR,
                use_backup_access_code_pool=pool,
            )
        except SeamError:
            return  # e.g. no PIN left: refused, fine
        assert code is not None
        self.codes.append(code.access_code_id)

    @rule(device=st.sampled_from(DEVICES), data=st.data())
    def keypad(self, device: str, data: st.DataObject) -> None:
        lock = self.world.device(device).lock
        assert lock is not None
        pins = sorted({s.code for s in lock.occupied()} | {"0000"})
        pin = data.draw(st.sampled_from(pins))
        opened = self.world.cloud.locks.keypad_entry(self.world.device(device), pin)
        slot = next((s for s in lock.occupied() if s.code == pin), None)
        assert opened == (slot is not None and slot.active_at(self.world.now()))

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def pull(self, data: st.DataObject) -> None:
        code_id = data.draw(st.sampled_from(self.codes))
        code = self.world.cloud.store.access_codes.get(code_id)
        if code is None or code.deleted:
            return
        available = self.world.cloud.pools.is_backup_access_code_available(code)
        try:
            backup = self.world.cloud.pools.pull(WS, code_id)
        except SeamError as refused:
            assert not available, refused.type
            return
        assert available
        assert backup.pulled and backup.ends_at == code.ends_at

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        code_id = data.draw(st.sampled_from(self.codes))
        try:
            self.world.cloud.codes.delete(WS, code_id)
        except SeamError:
            pass

    @rule(seconds=st.sampled_from([1, 10, 300, 3600]))
    def wait(self, seconds: int) -> None:
        self.world.wait(seconds)

    @rule(device=st.sampled_from(DEVICES), online=st.booleans())
    def radio(self, device: str, online: bool) -> None:
        self.world.cloud.devices.set_online(self.world.device(device), online)

    @rule(device=st.sampled_from(DEVICES), fail=st.integers(0, 2))
    def faults(self, device: str, fail: int) -> None:
        self.world.device(device).lock.set_fault_plan(fail_next=fail)  # type: ignore[union-attr]

    @rule(device=st.sampled_from(DEVICES), size=st.integers(0, 4))
    def resize(self, device: str, size: int) -> None:
        self.world.cloud.pools.configure_pool(self.world.device(device), pool_size=size)

    @rule(device=st.sampled_from(DEVICES), enabled=st.booleans())
    def switch(self, device: str, enabled: bool) -> None:
        self.world.cloud.pools.set_pool_enabled(self.world.device(device), enabled)

    @invariant()
    def pool_is_sound(self) -> None:
        cloud = self.world.cloud
        for device_id in self.DEVICES:
            device = self.world.device(device_id)
            pool, lock = device.pool, device.lock
            assert lock is not None
            members = [cloud.store.access_codes[i] for i in pool.members]
            assert len(members) <= pool.target_size or not pool.is_on
            assert all(m.is_backup and not m.pulled and m.status != "removing" for m in members)
            assert all(
                cloud.store.access_codes[i].pulled for i in pool.pulled if i in cloud.store.access_codes
            )
            if not pool.is_on:
                assert members == []
            pins = [s.code for s in lock.occupied()]
            assert len(pins) == len(set(pins)), "a PIN twice on one lock"
            ready = cloud.pools.ready_backups(device)
            live = pool.is_on and device.is_managed
            assert ("empty_backup_access_code_pool" in device.errors) == (
                live and pool.target_size > 0 and not ready
            )
            # A backup that is `set` is really in its slot with its own PIN.
            for backup in ready:
                slot = lock.slot_of(backup.access_code_id)
                assert slot is not None and slot.code == backup.code
            if "partial_backup_access_code_pool" in device.warnings:
                assert live and len(ready) < pool.target_size
            assert ("device_offline" in device.errors) == (not lock.online)
            for code in cloud.store.codes_by_device[device_id].values():
                if code.deleted:
                    continue
                if code.status == "set":  # what Seam says is on the lock is on the lock
                    slot = lock.slot_of(code.access_code_id)
                    assert slot is not None and slot.code == code.code
                if "delay_in_setting_on_device" in code.warnings:
                    # (a natively scheduled preload can be late while the code is still `unset`)
                    assert code.status in ("setting", "unset")
                    assert lock.in_flight(code.access_code_id) or code.has_job("retry")
                if code.ends_at is not None and code.ends_at <= self.world.now():
                    assert code.status == "removing"


PoolMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None, derandomize=True, database=None
)
test_pool_machine = PoolMachine.TestCase
