"""Fault plans aimed at some writes: guests' codes, backup codes, one code by id or by name,
or every write (the default). Through the official SDK, `FakeSeam`'s method, the HTTP control
and a scenario; a property test checks an aimed fault never hits a write outside its aim."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moments import HOUR, T0, at, events
from seam import Seam

from fake_seam.clock import iso
from fake_seam.fake import FakeSeam
from fake_seam.scenarios import ScenarioError, parse_scenario, run_scenario
from fake_seam.scenarios import report as reports
from fake_seam.simulator import LockListener, SimulatedLock
from fake_seam.strategies import profile_settings

FAKE_START = T0  # conftest's `fake` starts frozen at this instant
FRONT = "august_device_1"  # 20 slots, a pool of 3 backups, 10 s programming delay


def later_stay(sdk: Seam, name: str = "Grace Hopper", **options: Any) -> Any:
    """A guest's stay starting in two hours, with the backup pool."""
    options.setdefault("use_backup_access_code_pool", True)
    return sdk.access_codes.create(
        device_id=FRONT, name=name, starts_at=at(2 * HOUR), ends_at=at(50 * HOUR), **options
    )


def failed_ids(sdk: Seam) -> list[str]:
    return [e.access_code_id for e in events(sdk, "access_code.failed_to_set_on_device")]


def failing_backups(fake: FakeSeam) -> int:
    """Backups whose write failed (they emit no events: they are hidden from the API)."""
    return sum(1 for c in fake.backup_pool(FRONT)["in_flight"] if c["errors"])


def pool(fake: FakeSeam, part: str) -> list[str]:
    return [c["access_code_id"] for c in fake.backup_pool(FRONT)[part]]


# -- the case that asked for aims -------------------------------------------------------------


def test_aimed_at_guest_codes_the_guest_code_fails_and_the_backups_land(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan(FRONT, fail_next=1, aim="guest_codes")
    guest = later_stay(sdk)

    fake.settle()  # the pool's three backups are written now, the guest's code at its start
    assert len(pool(fake, "ready")) == 3 and failed_ids(sdk) == []
    assert fake.set_fault_plan(FRONT)["fail_next"] == 1  # backups used none of it

    fake.advance(2 * HOUR + 10)
    code = sdk.access_codes.get(access_code_id=guest.access_code_id)
    assert (code.status, [e.error_code for e in code.errors]) == ("setting", ["failed_to_set_on_device"])
    assert failed_ids(sdk) == [guest.access_code_id]
    assert code.is_backup_access_code_available is True
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert fake.keypad_entry(FRONT, backup.code)


def test_unaimed_the_first_backup_takes_the_failure_and_the_guest_code_lands(
    fake: FakeSeam, sdk: Seam
) -> None:
    # What a plan without an aim does (and did before aims existed): it is used up by any write.
    assert fake.set_fault_plan(FRONT, fail_next=1)["aim"] == "all_writes"
    guest = later_stay(sdk)
    fake.settle()
    assert failing_backups(fake) == 1 and len(pool(fake, "ready")) == 2
    fake.advance(2 * HOUR + 10)
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).status == "set"
    assert failed_ids(sdk) == []


# -- each aim ---------------------------------------------------------------------------------


def test_aimed_at_backup_codes_guest_codes_land(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan(FRONT, fail_next=1, aim="backup_codes")
    ongoing = sdk.access_codes.create(device_id=FRONT, name="Cleaner")
    fake.settle()
    assert sdk.access_codes.get(access_code_id=ongoing.access_code_id).status == "set"
    assert failed_ids(sdk) == []

    guest = later_stay(sdk)
    fake.settle()
    assert failing_backups(fake) == 1 and failed_ids(sdk) == []
    fake.advance(2 * HOUR + 10)
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).status == "set"
    assert failing_backups(fake) == 0  # retried 300 s after failing; the plan is used up


def test_aimed_at_one_code_by_id(fake: FakeSeam, sdk: Seam) -> None:
    first = sdk.access_codes.create(device_id=FRONT, name="First")
    second = sdk.access_codes.create(device_id=FRONT, name="Second")
    plan = fake.set_fault_plan(FRONT, fail_next=5, access_code_id=second.access_code_id)
    assert (plan["aim"], plan["access_code_id"]) == ("all_writes", second.access_code_id)
    fake.advance(10)  # both writes land now, in the order they were sent
    assert sdk.access_codes.get(access_code_id=first.access_code_id).status == "set"
    assert failed_ids(sdk) == [second.access_code_id]
    assert fake.set_fault_plan(FRONT)["fail_next"] == 4


def test_aimed_at_one_code_by_name(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan(FRONT, fail_next=1, access_code_name="Grace Hopper")
    ada = sdk.access_codes.create(device_id=FRONT, name="Ada Lovelace")
    grace = sdk.access_codes.create(device_id=FRONT, name="Grace Hopper")
    fake.advance(10)
    assert sdk.access_codes.get(access_code_id=ada.access_code_id).status == "set"
    assert failed_ids(sdk) == [grace.access_code_id]


def test_failure_rate_aimed_at_guest_codes_spares_backups(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan(FRONT, failure_rate=1.0, aim="guest_codes")
    guests = [later_stay(sdk, name=f"Guest {n}") for n in range(3)]
    fake.advance(2 * HOUR + 10)
    assert len(pool(fake, "ready")) == 3
    assert sorted(failed_ids(sdk)) == sorted(g.access_code_id for g in guests)


def test_the_aim_is_kept_until_one_is_given_and_set_as_a_whole(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan(FRONT, aim="guest_codes", access_code_name="Grace Hopper")
    plan = fake.set_fault_plan(FRONT, fail_next=2)  # no aim given: the aim stays
    assert (plan["aim"], plan["access_code_name"]) == ("guest_codes", "Grace Hopper")
    plan = fake.set_fault_plan(FRONT, aim="backup_codes")  # the name goes with the old aim
    assert (plan["aim"], plan["access_code_id"], plan["access_code_name"]) == ("backup_codes", None, None)
    plan = fake.set_fault_plan(FRONT, aim="all_writes")
    assert (plan["aim"], plan["fail_next"]) == ("all_writes", 2)


def test_a_lock_made_with_an_aimed_plan(fake: FakeSeam, sdk: Seam) -> None:
    lock = fake.create_lock(pool_size=2, fault_plan={"fail_next": 1, "aim": "guest_codes"})
    guest = sdk.access_codes.create(device_id=lock.device_id, name="Guest")
    fake.settle()
    assert failed_ids(sdk) == [guest.access_code_id]


def test_a_seeded_lock_with_an_aimed_plan() -> None:
    seed = {
        "workspaces": [
            {
                "workspace_id": "ws",
                "api_keys": ["seam_key1_token"],
                "devices": [
                    {"device_id": "porch", "fault_plan": {"fail_next": 1, "aim": "backup_codes"}},
                ],
            }
        ]
    }
    fake = FakeSeam(seed, frozen=True)
    assert fake.set_fault_plan("porch")["aim"] == "backup_codes"


# -- over HTTP, and refused input -------------------------------------------------------------


@pytest.fixture
def http(fake: FakeSeam) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url="http://fake-seam.local")


def test_over_http(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    answer = http.post(
        "/_fake/devices/set_fault_plan", json={"device_id": FRONT, "fail_next": 1, "aim": "guest_codes"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["fault_plan"]["aim"] == "guest_codes"
    guest = later_stay(sdk)
    fake.advance(2 * HOUR + 10)
    assert failed_ids(sdk) == [guest.access_code_id]


def test_bad_aims_are_refused_and_change_nothing(fake: FakeSeam, http: httpx.Client) -> None:
    before = fake.set_fault_plan(FRONT)
    bad_aim = http.post(
        "/_fake/devices/set_fault_plan", json={"device_id": FRONT, "aim": "guests", "fail_next": 3}
    )
    assert bad_aim.status_code == 400
    assert bad_aim.json()["error"]["type"] == "invalid_input"
    assert "aim" in bad_aim.json()["error"]["validation_errors"]
    unknown = http.post(
        "/_fake/devices/set_fault_plan", json={"device_id": FRONT, "access_code_id": "nope", "fail_next": 3}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["type"] == "access_code_not_found"
    assert fake.set_fault_plan(FRONT) == before


# -- in a scenario ----------------------------------------------------------------------------

SCENARIO = """
name: The guest's code fails, the backups land
start: 2026-12-01T12:00:00Z
steps:
  - set_fault_plan: {device: august_device_1, fail_next: 1, aim: guest_codes}
  - call: access_codes.create
    params:
      device_id: august_device_1
      name: Guest
      starts_at: "${now+2h}"
      ends_at: "${now+2d}"
      use_backup_access_code_pool: true
    as: guest
  - settle: true
    expect:
      device: {id: august_device_1, errors: [], warnings: []}
  - advance: 2h                  # the stay starts; its write lands 10 s later
    expect:
      events: [{event_type: access_code.failed_to_set_on_device, access_code_id: "${guest.access_code_id}"}]
      access_code: {id: "${guest.access_code_id}", status: setting, errors: [failed_to_set_on_device]}
"""


def test_in_a_scenario() -> None:
    result = run_scenario(parse_scenario(SCENARIO))
    assert result.passed, reports.text([result])
    assert "fails its next 1 write(s) of guests' codes" in reports.text([result])


def test_a_scenario_fleet_lock_with_an_aimed_plan() -> None:
    result = run_scenario(
        parse_scenario("""
        fleet:
          base: empty
          locks:
            - {id: porch, capacity: 6, pool_size: 1, faults: {fail_next: 1, aim: guest_codes}}
        steps:
          - call: access_codes.create
            params: {device_id: porch, name: Guest}
            as: guest
          - settle: true
            expect:
              access_code: {id: "${guest.access_code_id}", status: setting, errors: [failed_to_set_on_device]}
        """)
    )
    assert result.passed, reports.text([result])


def test_a_scenario_fleet_refuses_an_unknown_aim() -> None:
    with pytest.raises(ScenarioError, match="aim must be one of all_writes, guest_codes, backup_codes"):
        parse_scenario("fleet: {base: empty, locks: [{id: porch, faults: {aim: guests}}]}\nsteps: []\n")


# -- the invariant ----------------------------------------------------------------------------

AIMS = st.one_of(
    st.fixed_dictionaries({"aim": st.sampled_from(["guest_codes", "backup_codes"])}),
    st.fixed_dictionaries({"access_code_name": st.sampled_from(["Guest 0", "Guest 1", "Guest 2"])}),
)
WRITES = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(["stay", "ongoing", "pull"]), st.integers(0, 3 * HOUR)),
    min_size=1,
    max_size=8,
)


class FailedWrites:
    """Passes what the lock reports on to the Seam layer, noting the keys of failed writes
    (backups' failures emit no event, so the API alone would not show them)."""

    def __init__(self, listener: LockListener) -> None:
        self.listener = listener
        self.keys: list[str] = []

    def write_failed(self, lock: SimulatedLock, key: str, error_code: str) -> None:
        if error_code == "failed_to_set_on_device":  # the plan's; a full lock's is not
            self.keys.append(key)
        self.listener.write_failed(lock, key, error_code)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.listener, name)


@profile_settings(max_examples=25)
@given(aim=AIMS, fail_next=st.integers(0, 4), failure_rate=st.sampled_from([0.0, 0.5]), writes=WRITES)
def test_an_aimed_fault_never_hits_a_write_outside_its_aim(
    aim: dict[str, str], fail_next: int, failure_rate: float, writes: list[tuple[int, str, int]]
) -> None:
    fake = FakeSeam(frozen=True, now=T0)
    sdk = fake.client()
    lock = fake.lock_of(FRONT)
    assert lock.listener is not None
    failures = FailedWrites(lock.listener)
    lock.listener = failures
    fake.set_fault_plan(FRONT, fail_next=fail_next, failure_rate=failure_rate, **aim)
    guests: dict[str, str] = {}  # every code the client made; any other write is a backup's
    for guest, kind, wait in writes:
        name = f"Guest {guest}"
        if kind == "ongoing":
            code = sdk.access_codes.create(device_id=FRONT, name=name)
            guests[code.access_code_id] = name
        elif kind == "stay":
            now = fake.now()
            code = sdk.access_codes.create(
                device_id=FRONT,
                name=name,
                starts_at=iso(now),
                ends_at=iso(now + timedelta(hours=30)),
                use_backup_access_code_pool=True,
            )
            guests[code.access_code_id] = name
        else:
            stays = [c for c in sdk.access_codes.list(device_id=FRONT) if c.is_backup_access_code_available]
            if stays:
                sdk.access_codes.pull_backup_access_code(access_code_id=stays[0].access_code_id)
        fake.advance(wait)
    fake.settle()

    for failed in failures.keys:
        if aim.get("aim") == "guest_codes":
            assert failed in guests
        elif aim.get("aim") == "backup_codes":
            assert failed not in guests
        else:
            assert guests.get(failed) == aim["access_code_name"]
