"""Events and action attempts are kept as the retention settings say, through the official SDK:
by count and by simulated age, per workspace; what retention dropped is not found, like an
unknown id; a pending attempt is kept until it is polled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seam.exceptions import SeamHttpApiError

from fake_seam.fake import FakeSeam
from fake_seam.seam import Settings

SINCE = "2000-01-01T00:00:00Z"
START = "2030-01-01T00:00:00Z"
WS = "seed_workspace_1"


def kept(count: int | None = None, seconds: float | None = None) -> FakeSeam:
    return FakeSeam(
        frozen=True, now=START, settings=Settings(retention_count=count, retention_seconds=seconds)
    )


def not_found(call: Any) -> str:
    with pytest.raises(SeamHttpApiError) as raised:
        call()
    assert raised.value.status_code == 404
    return str(raised.value.code)


def make_codes(sdk: Any, n: int, device_id: str = "schlage_device_id") -> list[Any]:
    return [sdk.access_codes.create(device_id=device_id, name=f"Guest {i}") for i in range(n)]


def test_the_newest_events_are_kept_up_to_the_count() -> None:
    fake = kept(count=5)
    sdk = fake.client()
    make_codes(sdk, 6)  # six access_code.created events
    events = sdk.events.list(since=SINCE)
    assert len(events) == 5
    everything = [e for e in fake.cloud.store.events.values() if e.workspace_id == WS]
    assert [e.event_id for e in events] == [e.event_id for e in everything]
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)


def test_a_dropped_event_is_not_found_like_an_unknown_one() -> None:
    fake = kept(count=3)
    sdk = fake.client()
    make_codes(sdk, 1)
    first = sdk.events.list(since=SINCE)[0]
    assert sdk.events.get(event_id=first.event_id).event_id == first.event_id
    make_codes(sdk, 3)
    assert not_found(lambda: sdk.events.get(event_id=first.event_id)) == "event_not_found"
    assert first.event_id not in {e.event_id for e in sdk.events.list(since=SINCE)}
    assert sdk.events.list(since=SINCE, event_ids=[first.event_id]) == []


def test_events_older_than_the_age_limit_are_gone() -> None:
    fake = kept(seconds=3600)
    sdk = fake.client()
    make_codes(sdk, 2)
    old = sdk.events.list(since=SINCE)
    assert [e.event_type for e in old] == ["access_code.created"] * 2
    fake.advance(1800)  # their codes landed on the lock 30 s later: two more events
    make_codes(sdk, 1)
    fake.advance(1800)  # the first two are an hour old now: gone, though nothing new happened
    listed = sdk.events.list(since=SINCE)
    assert [e.event_type for e in listed] == [
        "access_code.set_on_device",  # 00:00:30, younger than an hour
        "access_code.set_on_device",
        "access_code.created",  # 00:30:00
        "access_code.set_on_device",
    ]
    assert not {e.event_id for e in listed} & {e.event_id for e in old}
    assert not_found(lambda: sdk.events.get(event_id=old[0].event_id)) == "event_not_found"
    fake.advance(3600)
    assert sdk.events.list(since=SINCE) == []
    assert not_found(lambda: sdk.events.get(device_id="schlage_device_id")) == "event_not_found"


def test_each_workspace_keeps_its_own_count() -> None:
    fake = kept(count=2)
    sdk = fake.client()
    other = fake.client("seam_apikey2_token")
    before = other.events.list(since=SINCE)
    make_codes(sdk, 5)
    assert len(sdk.events.list(since=SINCE)) == 2
    assert other.events.list(since=SINCE) == before


def test_dropped_action_attempts_are_not_found() -> None:
    fake = kept(count=2)
    sdk = fake.client()
    first = sdk.locks.unlock_door(device_id="august_device_1")
    assert sdk.action_attempts.get(action_attempt_id=first.action_attempt_id).status == "success"
    sdk.locks.lock_door(device_id="august_device_1")
    sdk.locks.unlock_door(device_id="august_device_1")
    code = not_found(lambda: sdk.action_attempts.get(action_attempt_id=first.action_attempt_id))
    assert code == "action_attempt_not_found"
    listed = sdk.action_attempts.list(action_attempt_ids=[first.action_attempt_id])
    assert listed == []
    assert len(sdk.action_attempts.list(device_id="august_device_1")) == 2


def test_action_attempts_older_than_the_age_limit_are_gone() -> None:
    fake = kept(seconds=60)
    sdk = fake.client()
    attempt = sdk.locks.unlock_door(device_id="august_device_1")
    fake.advance(59)
    assert sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id).status == "success"
    fake.advance(1)
    code = not_found(lambda: sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id))
    assert code == "action_attempt_not_found"


def test_a_pending_attempt_is_kept_until_it_is_polled() -> None:
    fake = kept(count=1, seconds=60)
    sdk = fake.client()
    pending = sdk.locks.unlock_door(device_id="august_device_1", wait_for_action_attempt=False)
    assert pending.status == "pending"
    make_codes(sdk, 3)  # three finished CREATE_ACCESS_CODE attempts after it
    fake.advance(3600)  # and far past the age limit
    # The SDK polls it as `wait_for_action_attempt` does: it is there, and finishes.
    polled = sdk.action_attempts.get(action_attempt_id=pending.action_attempt_id)
    assert polled.status == "success"
    # Once finished it is history like any other attempt: the next one pushes it out.
    sdk.locks.lock_door(device_id="august_device_1")
    gone = not_found(lambda: sdk.action_attempts.get(action_attempt_id=pending.action_attempt_id))
    assert gone == "action_attempt_not_found"


def test_retention_off_keeps_everything() -> None:
    fake = kept(count=None, seconds=None)
    sdk = fake.client()
    make_codes(sdk, 30)
    fake.advance(10 * 365 * 86400)
    assert len(sdk.events.list(since=SINCE, event_type="access_code.created")) == 30


def test_the_default_keeps_ten_thousand_and_no_age_limit() -> None:
    assert (Settings().retention_count, Settings().retention_seconds) == (10_000, None)


# -- property: whatever happens, what is held stays bounded and the indexes agree -------------

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(["schlage_device_id", "yale_device_1"])),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("unlock"), st.booleans()),  # polled or left pending
        st.tuples(st.just("advance"), st.integers(1, 4000)),
        st.tuples(st.just("back"), st.integers(1, 4000)),
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(1, 6),
    seconds=st.one_of(st.none(), st.integers(60, 7200)),
    actions=ACTIONS,
)
def test_what_is_held_stays_within_the_limits(count: int, seconds: int | None, actions: list[Any]) -> None:
    fake = kept(count=count, seconds=seconds)
    sdk = fake.client()
    store = fake.cloud.store
    made: list[str] = []
    left_pending: set[str] = set()
    for kind, arg in actions:
        if kind == "create":
            made.append(sdk.access_codes.create(device_id=arg, name=f"Guest {len(made)}").access_code_id)
        elif kind == "delete" and made:
            sdk.access_codes.delete(access_code_id=made.pop(arg % len(made)))
        elif kind == "unlock":
            attempt = sdk.locks.unlock_door(device_id="august_device_1", wait_for_action_attempt=arg)
            if not arg:
                left_pending.add(attempt.action_attempt_id)
        elif kind == "advance":
            fake.advance(arg)
        elif kind == "back":
            fake.set_time(fake.now() - timedelta(seconds=arg))
        listed = sdk.events.list(since=SINCE)
        cutoff = store.retention_cutoff()
        # What a client sees: at most `count` events, none past the age limit, in time order.
        assert len(listed) <= count
        shown = [e.occurred_at for e in listed]  # ISO 8601 in one format: sorts as time
        assert shown == sorted(shown)
        for workspace_id, log in store.events_by_workspace.items():
            store.prune_events(workspace_id)
            assert len(log) <= count
            assert all(e.occurred_at > cutoff and e.workspace_id == workspace_id for e in log)
        # The id index holds exactly what the logs hold: nothing dropped lingers there.
        assert {e.event_id for log in store.events_by_workspace.values() for e in log} == set(store.events)
        for workspace_id, finished in store.finished_attempts.items():
            store.prune_attempts(workspace_id)
            assert len(finished) <= count
            assert all(a.status != "pending" for a in finished)
        by_workspace = {i for attempts in store.attempts_by_workspace.values() for i in attempts}
        assert by_workspace == set(store.action_attempts)
        # Attempts held beyond the finished history are only the pending ones no one polled.
        assert len(store.action_attempts) <= count * len(store.finished_attempts) + len(left_pending)
        assert left_pending <= set(store.action_attempts)


# -- a reset gives back what the old world held ------------------------------------------------


def test_a_reset_lets_go_of_the_old_world() -> None:
    fake = FakeSeam(frozen=True, now=START)
    sdk = fake.client()
    seeded_jobs = fake.timeline.queued
    make_codes(sdk, 20)
    old_cloud, old_timeline = fake.cloud, fake.timeline
    fake.reset()
    assert not old_cloud.store.events and not old_cloud.store.access_codes
    assert not old_cloud.store.action_attempts and not old_cloud.store.devices
    assert old_timeline.queued == 0
    assert fake.timeline.queued == seeded_jobs
    assert sdk.access_codes.list(device_id="schlage_device_id") == []


def test_cancelled_jobs_do_not_pile_up_in_the_queue() -> None:
    """A time-bound code booked far ahead and deleted must not stay queued until its end."""
    fake = FakeSeam(frozen=True, now=START)
    sdk = fake.client()
    for i in range(600):
        code = sdk.access_codes.create(
            device_id="schlage_device_id",
            name=f"Guest {i}",
            starts_at="2031-01-01T00:00:00Z",
            ends_at="2031-01-02T00:00:00Z",
        )
        sdk.access_codes.delete(access_code_id=code.access_code_id)
    fake.settle()
    assert fake.timeline.queued < 200


def test_the_pin_index_forgets_pins_no_code_holds() -> None:
    fake = FakeSeam(frozen=True, now=START)
    sdk = fake.client()
    for i in range(50):
        code = sdk.access_codes.create(device_id="schlage_device_id", name=f"G{i}", code=f"{1000 + i}")
        sdk.access_codes.delete(access_code_id=code.access_code_id)
        fake.settle()  # the removal lands: the code is gone
    assert fake.cloud.store.pins_by_device["schlage_device_id"] == {}
