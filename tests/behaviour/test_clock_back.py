"""Moving the clock back: events keep their order so a polling client misses none, and
time-bound codes are judged again at the earlier time (docs/faults-and-time.md, "Moving time in tests")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_seam.fake import FakeSeam

START = "2030-01-01T12:00:00Z"
SINCE = "2000-01-01T00:00:00Z"
DEVICE = "schlage_device_id"  # writes land 30 s after they start


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_event_after_a_move_back_is_not_dated_before_the_last_one() -> None:
    fake = FakeSeam(frozen=True, now=START)
    sdk = fake.client()
    first = sdk.access_codes.create(device_id=DEVICE, name="First")
    fake.advance(3600)
    seen = sdk.events.list(since=SINCE)
    cursor = seen[-1].occurred_at
    fake.set_time("2030-01-01T06:00:00Z")
    sdk.access_codes.delete(access_code_id=first.access_code_id)
    new = [e for e in sdk.events.list(since=cursor) if e.event_id not in {s.event_id for s in seen}]
    assert [e.event_type for e in new] == ["access_code.deleted"]
    assert new[0].occurred_at == cursor  # held at the latest event's time, not 06:00
    listed = sdk.events.list(since=SINCE)
    assert [e.occurred_at for e in listed] == sorted(e.occurred_at for e in listed)
    assert fake.now() == at("2030-01-01T06:00:00Z")  # the clock itself did move back


def test_a_set_code_whose_start_is_ahead_again_stops_opening() -> None:
    fake = FakeSeam(frozen=True, now=START)
    sdk = fake.client()
    code = sdk.access_codes.create(
        device_id=DEVICE, name="Stay", starts_at="2030-01-01T14:00:00Z", ends_at="2030-01-02T10:00:00Z"
    )
    fake.set_time("2030-01-01T15:00:00Z")
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert fake.keypad_entry(DEVICE, code.code)

    fake.set_time("2030-01-01T13:00:00Z")  # before its start again
    fake.settle()  # the erase reaches the lock after its programming delay
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "unset"
    assert not fake.keypad_entry(DEVICE, code.code)

    fake.set_time("2030-01-01T14:00:00Z")  # its start, again: written again
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert fake.keypad_entry(DEVICE, code.code)
    fake.set_time("2030-01-02T10:00:00Z")  # and its end still comes
    fake.settle()
    assert not fake.keypad_entry(DEVICE, code.code)


def test_freezegun_going_back_is_a_move_back_too() -> None:
    fake = FakeSeam()
    sdk = fake.client()
    with freeze_time("2030-01-01 15:00:00", tick=False) as frozen:
        code = sdk.access_codes.create(
            device_id=DEVICE, name="Stay", starts_at="2030-01-01T14:00:00Z", ends_at="2030-01-02T10:00:00Z"
        )
        frozen.tick(60)
        assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
        frozen.move_to("2030-01-01 13:00:00")
        assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "unset"
        frozen.tick(60)  # the erase has reached the lock
        assert not fake.keypad_entry(DEVICE, code.code)


# -- property: a client polling `since` the last event it saw sees every event ------------------

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("ongoing"), st.sampled_from([DEVICE, "yale_device_1", "august_device_1"])),
        st.tuples(st.just("stay"), st.integers(0, 7200), st.integers(60, 7200)),  # start, length
        st.tuples(st.just("delete"), st.integers(0, 100)),
        st.tuples(st.just("keypad"), st.integers(0, 100)),
        st.tuples(st.just("unlock"), st.sampled_from(["august_device_1", "yale_device_1"])),
        st.tuples(st.just("offline"), st.sampled_from(["august_device_1", "yale_device_1"])),
        st.tuples(st.just("advance"), st.integers(0, 4 * 3600)),
        st.tuples(st.just("back"), st.integers(1, 6 * 3600)),
        st.tuples(st.just("poll"), st.integers(0, 0)),
    ),
    max_size=30,
)


class Poller:
    """A client as Seam's docs show one: `events.list(since=...)`, here since the
    `occurred_at` of the last event it saw; an event listed again is known by its id."""

    def __init__(self, sdk: Any) -> None:
        self.sdk = sdk
        self.since = SINCE
        self.seen: list[str] = []
        self.known: set[str] = set()

    def poll(self) -> None:
        listed = self.sdk.events.list(since=self.since)
        times = [e.occurred_at for e in listed]
        assert times == sorted(times)  # ISO 8601 in one format: sorts as time
        for event in listed:
            if event.event_id not in self.known:
                self.known.add(event.event_id)
                self.seen.append(event.event_id)
        if listed:
            self.since = listed[-1].occurred_at


@settings(max_examples=60, deadline=None)
@given(steps=STEPS)
def test_a_client_polling_since_the_last_event_it_saw_misses_none(steps: list[Any]) -> None:
    """At-least-once: an event may be listed again (same millisecond as the cursor), and the
    client keeps it once by its id; none is ever skipped, whichever way the clock moves."""
    fake = FakeSeam(frozen=True, now=START)
    sdk = fake.client()
    client = Poller(sdk)
    codes: list[Any] = []
    for step in steps:
        kind = step[0]
        if kind == "ongoing":
            codes.append(sdk.access_codes.create(device_id=step[1], name=f"G{len(codes)}"))
        elif kind == "stay":
            starts = fake.now() + timedelta(seconds=step[1])
            codes.append(
                sdk.access_codes.create(
                    device_id=DEVICE,
                    name=f"G{len(codes)}",
                    starts_at=starts.isoformat(),
                    ends_at=(starts + timedelta(seconds=step[2])).isoformat(),
                )
            )
        elif kind == "delete" and codes:
            code = codes.pop(step[1] % len(codes))
            if code.access_code_id in fake.cloud.store.access_codes:
                sdk.access_codes.delete(access_code_id=code.access_code_id)
        elif kind == "keypad" and codes:
            code = codes[step[1] % len(codes)]
            fake.keypad_entry(code.device_id, code.code)
        elif kind == "unlock":
            sdk.locks.unlock_door(device_id=step[1], wait_for_action_attempt=False)
        elif kind == "offline":
            device = fake.device(step[1])
            (fake.go_online if device.lock and not device.lock.online else fake.go_offline)(step[1])
        elif kind == "advance":
            fake.advance(step[1])
        elif kind == "back":
            fake.set_time(fake.now() - timedelta(seconds=step[1]))
        else:
            client.poll()
    fake.settle()
    client.poll()
    emitted = sorted(
        (e for e in fake.cloud.store.events.values() if e.workspace_id == "seed_workspace_1"),
        key=lambda e: e.seq,
    )
    # Every event, each once, first seen in the order it happened.
    assert client.seen == [e.event_id for e in emitted]
