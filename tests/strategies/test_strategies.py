"""The public Hypothesis strategies (fake_seam.strategies): what they draw, and that each
value does what it says when applied to a fake, as seen through the official SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from fake_seam.fake import FakeSeam
from fake_seam.strategies import (
    BRANDS,
    HOUR,
    FaultSchedule,
    Fleet,
    KeypadEdit,
    LockPlan,
    Offline,
    Scenario,
    Stay,
    Stays,
    WritesFail,
    fault_schedules,
    fleets,
    guest_stays,
    lock_plans,
    profile_name,
    profile_settings,
    scenarios,
)

ORIGIN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SMALL = profile_settings(max_examples=25)


def empty_fake() -> FakeSeam:
    return FakeSeam(seed="empty", frozen=True, now=ORIGIN)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


# -- fleets -----------------------------------------------------------------------------


@SMALL
@given(fleet=fleets(max_locks=4))
def test_a_fleet_applies_in_one_call_and_the_sdk_sees_each_lock_as_planned(fleet: Fleet) -> None:
    fake = empty_fake()
    device_ids = fleet.apply(fake)
    assert len(device_ids) == len(set(device_ids)) == len(fleet)
    seam = fake.client()
    for device_id, plan in zip(device_ids, fleet.locks, strict=True):
        properties = seam.devices.get(device_id=device_id).properties
        assert properties.max_active_codes_supported == plan.capacity
        assert list(properties.supported_code_lengths) == list(plan.code_lengths)
        assert {c.constraint_type for c in properties.code_constraints} == set(plan.constraints)
        assert properties.supports_backup_access_code_pool == plan.supports_backup_access_code_pool
        assert fake.backup_pool(device_id)["pool_size"] == plan.pool_size


@SMALL
@given(plan=lock_plans(max_capacity=4, max_pool_size=2, max_programming_delay=10))
def test_lock_plans_keep_to_their_bounds_and_their_brand(plan: LockPlan) -> None:
    assert plan.brand in BRANDS
    assert 1 <= plan.capacity <= 4 and 0 <= plan.pool_size <= 2 and plan.programming_delay <= 10
    assert plan.code_lengths in BRANDS[plan.brand]["code_lengths"]
    if plan.brand == "salto":  # Seam's guide: every brand supports the pool, except Salto
        assert not plan.supports_backup_access_code_pool and plan.pool_size == 0
        assert "no_zeros" in plan.constraints
    if plan.native_scheduling:
        assert BRANDS[plan.brand]["native"]


@SMALL
@given(plan=lock_plans())
def test_every_planned_lock_accepts_a_seam_generated_pin(plan: LockPlan) -> None:
    fake = empty_fake()
    (device_id,) = Fleet((plan,)).apply(fake)
    code = fake.client().access_codes.create(device_id=device_id, name="Guest")
    assert len(code.code) in plan.code_lengths
    fake.settle()
    assert fake.keypad_entry(device_id, code.code)


def test_fleets_shrink_to_the_one_lock_that_matters() -> None:
    """What a user relies on: a fleet that makes their test fail shrinks to the locks that
    matter, and its repr says what about them matters.

    Hypothesis promises a local minimum, not a global one, and how far its shrinker gets within
    its budget differs between versions and runs. So the search is pinned here (whatever profile
    is loaded): a full budget, derandomized, no database. The result is then checked as the
    strategy's minimum: no lock can go (a fleet has at least one), and the lock left has the
    smallest capacity that still fails (capacities shrink towards 1)."""

    def fails(fleet: Fleet) -> bool:
        return any(lock.capacity >= 5 for lock in fleet.locks)

    search = settings(
        max_examples=2000, derandomize=True, database=None, phases=[Phase.generate, Phase.shrink]
    )
    found = find(fleets(max_locks=4), fails, settings=search)
    assert fails(found)
    assert len(found) == 1 and found.locks[0].capacity == 5
    assert "capacity=5" in repr(found)


# -- fault schedules --------------------------------------------------------------------


def test_failing_writes_start_at_their_time() -> None:
    fake = empty_fake()
    device_ids = Fleet((LockPlan(pool_size=0),)).apply(fake)
    FaultSchedule((WritesFail(0, at=HOUR, count=1),)).apply(fake, device_ids)
    seam = fake.client()
    before = seam.access_codes.create(device_id=device_ids[0], name="before")
    fake.advance(HOUR)
    after = seam.access_codes.create(device_id=device_ids[0], name="after")
    fake.settle()
    assert seam.access_codes.get(access_code_id=before.access_code_id).status == "set"
    failed = seam.access_codes.get(access_code_id=after.access_code_id)
    assert failed.status == "setting"
    assert [e.error_code for e in failed.errors] == ["failed_to_set_on_device"]


def test_an_outage_starts_and_ends_on_schedule() -> None:
    fake = empty_fake()
    device_ids = Fleet((LockPlan(),)).apply(fake)
    FaultSchedule((Offline(0, at=2 * HOUR, seconds=HOUR),)).apply(fake, device_ids)
    seam = fake.client()
    fake.advance(2 * HOUR - 1)
    assert seam.devices.get(device_id=device_ids[0]).properties.online
    fake.advance(1)
    device = seam.devices.get(device_id=device_ids[0])
    assert not device.properties.online
    assert [e.error_code for e in device.errors] == ["device_offline"]
    fake.advance(HOUR)
    assert seam.devices.get(device_id=device_ids[0]).properties.online
    kinds = [e.event_type for e in seam.events.list(since=iso(ORIGIN)) if e.event_type.startswith("device.")]
    assert kinds[-2:] == ["device.disconnected", "device.connected"]


def test_keypad_edits_add_change_and_delete_codes_behind_seams_back() -> None:
    fake = empty_fake()
    device_ids = Fleet((LockPlan(capacity=4, pool_size=0),)).apply(fake)
    seam = fake.client()
    guest = seam.access_codes.create(device_id=device_ids[0], name="Guest")
    fake.settle()
    FaultSchedule(
        (
            KeypadEdit(0, at=60, action="add", pin_seed=1),
            KeypadEdit(0, at=120, action="change", slot=0, pin_seed=2),
        )
    ).apply(fake, device_ids)
    fake.advance(60)
    (made,) = seam.access_codes.unmanaged.list(device_id=device_ids[0])
    assert fake.keypad_entry(device_ids[0], made.code)
    fake.advance(60)
    # The guest's PIN was changed at the lock: Seam notices and is putting it back.
    assert seam.access_codes.get(access_code_id=guest.access_code_id).status == "setting"
    assert not fake.keypad_entry(device_ids[0], guest.code)
    fake.settle()
    assert fake.keypad_entry(device_ids[0], guest.code)
    FaultSchedule((KeypadEdit(0, at=0, action="delete", slot=1),)).apply(fake, device_ids)
    fake.advance(1)
    assert seam.access_codes.unmanaged.list(device_id=device_ids[0]) == []


def test_a_fault_on_a_lock_that_is_gone_does_nothing() -> None:
    fake = FakeSeam(frozen=True, now=ORIGIN)
    device_ids = Fleet((LockPlan(),)).apply(fake)
    FaultSchedule((Offline(0, at=60, seconds=60), KeypadEdit(0, at=60))).apply(fake, device_ids)
    fake.client().devices.simulate.remove(device_id=device_ids[0])
    events = len(fake.cloud.store.events_by_workspace["seed_workspace_1"])
    fake.advance(120)  # the faults fall due on a lock that no longer exists: no effect, no crash
    assert len(fake.cloud.store.events_by_workspace["seed_workspace_1"]) == events


@SMALL
@given(schedule=fault_schedules(max_faults=5, max_lock=2, horizon=10 * HOUR))
def test_fault_schedules_are_in_time_order_within_the_horizon(schedule: FaultSchedule) -> None:
    times = [f.at for f in schedule.faults]
    assert times == sorted(times) and all(0 <= t <= 10 * HOUR for t in times)
    assert all(0 <= f.lock < 2 for f in schedule.faults)
    assert len(schedule.describe()) == len(schedule)
    fake = empty_fake()
    device_ids = Fleet((LockPlan(capacity=2), LockPlan(capacity=2))).apply(fake)
    schedule.apply(fake, device_ids)
    fake.advance(11 * HOUR)  # every fault falls due; none of them breaks the fake
    for device_id in device_ids:
        assert len(fake.slots(device_id)) <= 2


# -- guest stays ------------------------------------------------------------------------


@SMALL
@given(stays=guest_stays(max_stays=5, max_lock=2))
def test_stays_have_distinct_guests_and_sane_windows(stays: Stays) -> None:
    guests = [s.guest for s in stays]
    assert len(set(guests)) == len(guests)
    for stay in stays:
        assert stay.starts_at(ORIGIN) < stay.leaves_at(ORIGIN) <= stay.ends_at(ORIGIN)
        assert stay.check_in >= HOUR and 0 <= stay.lock < 2


def test_guest_stays_can_overlap_on_one_lock() -> None:
    def overlapping(stays: Stays) -> bool:
        return any(
            a.lock == b.lock and a.check_in < b.check_in + b.duration and b.check_in < a.check_in + a.duration
            for i, a in enumerate(stays.stays)
            for b in stays.stays[i + 1 :]
        )

    found = find(guest_stays(max_lock=2), overlapping)
    assert len(found) == 2


@SMALL
@given(stays=guest_stays(max_stays=3, max_lock=2))
def test_stays_apply_as_time_bound_codes_through_the_sdk(stays: Stays) -> None:
    fake = empty_fake()
    plans = (
        LockPlan(capacity=10),
        LockPlan("salto", code_lengths=(6,), constraints=("no_zeros",), pool_size=0),
    )
    device_ids = Fleet(plans).apply(fake)
    codes = stays.apply(fake, device_ids)
    assert len(codes) == len(stays)
    for code, stay in zip(codes, stays, strict=True):
        assert code.type == "time_bound" and code.name == stay.guest
        assert code.device_id == device_ids[stay.lock % 2]
        assert code.starts_at == iso(stay.starts_at(ORIGIN)) and code.ends_at == iso(stay.ends_at(ORIGIN))
    # The pool was asked for where the lock has one, and not on the Salto.
    assert fake.backup_pool(device_ids[1])["is_active"] is False
    assert fake.backup_pool(device_ids[0])["is_active"] == any(s.lock % 2 == 0 for s in stays)


def test_stays_do_not_ask_a_switched_off_pool() -> None:
    fake = empty_fake()
    device_ids = Fleet((LockPlan(capacity=10),)).apply(fake)
    fake.client().devices.update(device_id=device_ids[0], backup_access_code_pool_enabled=False)
    (code,) = Stays((Stay(0, check_in=HOUR, duration=2 * HOUR),)).apply(fake, device_ids)
    assert code.type == "time_bound"  # made, not refused for asking the switched-off pool
    assert fake.backup_pool(device_ids[0])["is_active"] is False


def test_a_stay_runs_its_course() -> None:
    fake = empty_fake()
    device_ids = Fleet((LockPlan(pool_size=0),)).apply(fake)
    stay = Stay(0, check_in=HOUR, duration=2 * HOUR)
    (code,) = Stays((stay,)).apply(fake, device_ids)
    assert not fake.keypad_entry(device_ids[0], code.code)
    fake.set_time(stay.starts_at(ORIGIN) + timedelta(minutes=1))
    assert fake.keypad_entry(device_ids[0], code.code)
    fake.set_time(stay.ends_at(ORIGIN) + timedelta(minutes=1))
    assert not fake.keypad_entry(device_ids[0], code.code)


# -- scenarios and profiles -------------------------------------------------------------


@SMALL
@given(scenario=scenarios(max_locks=2, max_faults=2, max_stays=2))
def test_a_scenario_applies_its_fleet_and_faults(scenario: Scenario) -> None:
    fake = empty_fake()
    device_ids = scenario.apply(fake)
    assert len(device_ids) == len(scenario.fleet)
    assert all(0 <= s.lock < len(device_ids) for s in scenario.stays)
    assert scenario.size() == len(scenario.fleet) + len(scenario.faults) + len(scenario.stays)
    due = [job for job in fake.timeline.pending() if job.label.startswith("_apply_fault")]
    assert len(due) == len(scenario.faults)


def test_profiles_ci_is_bounded_and_deterministic_and_long_runs_longer() -> None:
    ci, long = settings.get_profile("ci"), settings.get_profile("long")
    assert ci.derandomize and ci.database is None and ci.deadline is None
    assert long.max_examples > ci.max_examples and long.stateful_step_count > ci.stateful_step_count


def test_profile_is_chosen_by_hypothesis_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "long")
    assert profile_name() == "long"
    assert profile_settings().max_examples == settings.get_profile("long").max_examples
    monkeypatch.delenv("HYPOTHESIS_PROFILE")
    monkeypatch.setattr(settings, "_current_profile", "default")
    assert profile_name() == "ci"
    assert profile_settings(max_examples=3).max_examples == 3
    # `pytest --hypothesis-profile=long` works too (tests/conftest.py registers the profiles).
    monkeypatch.setattr(settings, "_current_profile", "long")
    assert profile_name() == "long"


@given(st.data())
@SMALL
def test_strategies_draw_plain_values(data: st.DataObject) -> None:
    scenario = data.draw(scenarios())
    # Frozen dataclasses: hashable, comparable, and printed in full when a test fails.
    assert hash(scenario) == hash(scenario) and scenario == scenario
    assert repr(scenario).startswith("Scenario(fleet=Fleet(")
