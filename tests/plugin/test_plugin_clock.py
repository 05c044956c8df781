"""The clock tools people already use move the fixtures' fake: freezegun and time-machine (its
context manager and its pytest fixture), in-process and over real HTTP, and the fake's own
API does the same. In every case a job that falls due (a time-bound code's start, a write
landing, the end of a stay) has happened by the next SDK call.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from freezegun import freeze_time
from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam import FakeSeam
from fake_seam.server import ThreadedServer

DEVICE = "august_device_1"  # seed lock: writes land 10 s after they start
STARTS, ENDS = "T14:00:00Z", "T10:00:00Z"


def status(client, code) -> str:
    return client.access_codes.get(access_code_id=code.access_code_id).status


def create_stay(client, day: str, next_day: str):
    return client.access_codes.create(
        device_id=DEVICE, name="Stay", starts_at=day + STARTS, ends_at=next_day + ENDS
    )


def events_of(client, code) -> list[tuple[str, str]]:
    events = client.events.list(access_code_id=code.access_code_id, since="2000-01-01T00:00:00Z")
    return [(e.event_type, e.occurred_at) for e in events if e.event_type.startswith("access_code.")]


# -- freezegun -----------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2031-03-01", "2021-03-01"], ids=["future", "past"])
def test_freezegun_moves_the_fake_through_a_stay(seam, fake_seam, day):
    next_day = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
    with freeze_time(f"{day} 12:00:00", tick=False) as frozen:
        assert fake_seam.now() == datetime.fromisoformat(f"{day}T12:00:00+00:00")
        code = create_stay(seam, day, next_day)
        assert code.status == "unset"

        frozen.tick(timedelta(hours=2))  # 14:00: the start falls due, the write goes out
        assert status(seam, code) == "setting"
        frozen.tick(10)  # the lock's programming delay
        assert status(seam, code) == "set"
        assert fake_seam.keypad_entry(DEVICE, code.code)

        frozen.move_to(f"{next_day} 10:00:00")  # the stay ends
        assert status(seam, code) == "removing"
        frozen.tick(10)
        with pytest.raises(SeamHttpApiError):
            status(seam, code)
        assert not fake_seam.keypad_entry(DEVICE, code.code)

    assert events_of(seam, code) == [
        ("access_code.created", f"{day}T12:00:00.000Z"),
        ("access_code.set_on_device", f"{day}T14:00:10.000Z"),
        ("access_code.removed_from_device", f"{next_day}T10:00:10.000Z"),
        ("access_code.deleted", f"{next_day}T10:00:10.000Z"),
    ]


@freeze_time("2031-03-01 12:00:00")
def test_freezegun_as_a_decorator(seam, fake_seam):
    assert fake_seam.now() == datetime(2031, 3, 1, 12, tzinfo=UTC)
    code = seam.access_codes.create(device_id=DEVICE, name="Now", code="8642")
    assert code.created_at == "2031-03-01T12:00:00.000Z"
    assert code.status == "setting"  # frozen time: the 10 s never pass on their own...
    fake_seam.advance(10)  # ...until the fake's own clock moves on top of it
    assert status(seam, code) == "set"


def test_freezegun_with_the_http_server(fake_seam_server):
    client = fake_seam_server.client()
    with freeze_time("2031-03-01 12:00:00", tick=False) as frozen:
        code = create_stay(client, "2031-03-01", "2031-03-02")
        assert code.status == "unset"
        frozen.tick(timedelta(hours=2, seconds=10))
        assert status(client, code) == "set"
    assert events_of(client, code)[-1] == ("access_code.set_on_device", "2031-03-01T14:00:10.000Z")


def test_a_server_started_under_freezegun_still_serves_and_stops():
    # freezegun also freezes time.monotonic, which asyncio's timers read: the server's loop
    # must keep real time, or it stalls and stop() hangs.
    with freeze_time("2031-03-01 12:00:00", tick=False):
        server = ThreadedServer(FakeSeam()).start()
        with Seam(api_key=server.api_key, endpoint=server.endpoint) as http:
            assert http.workspaces.get().workspace_id == "seed_workspace_1"
    server.stop()
    assert server._thread is not None and not server._thread.is_alive()


# -- time-machine --------------------------------------------------------------------------


def test_time_machine_travel_and_shift(seam, fake_seam):
    with time_machine.travel(datetime(2031, 3, 1, 12, tzinfo=UTC), tick=False) as traveller:
        assert fake_seam.now() == datetime(2031, 3, 1, 12, tzinfo=UTC)
        code = create_stay(seam, "2031-03-01", "2031-03-02")
        assert code.status == "unset"
        traveller.shift(timedelta(hours=2))
        assert status(seam, code) == "setting"
        traveller.shift(10)
        assert status(seam, code) == "set"
        traveller.move_to(datetime(2031, 3, 2, 10, 0, 10, tzinfo=UTC))
        with pytest.raises(SeamHttpApiError):
            status(seam, code)


def test_time_machine_fixture(seam, fake_seam, time_machine):
    time_machine.move_to(datetime(2031, 3, 1, 12, tzinfo=UTC), tick=False)
    code = create_stay(seam, "2031-03-01", "2031-03-02")
    time_machine.shift(timedelta(hours=2, seconds=10))
    assert status(seam, code) == "set"
    assert fake_seam.now() == datetime(2031, 3, 1, 14, 0, 10, tzinfo=UTC)


def test_time_machine_with_the_http_server(fake_seam_server):
    client = fake_seam_server.client()
    with time_machine.travel(datetime(2031, 3, 1, 12, tzinfo=UTC), tick=False) as traveller:
        code = create_stay(client, "2031-03-01", "2031-03-02")
        traveller.shift(timedelta(hours=2, seconds=10))
        assert status(client, code) == "set"


# -- the fake's own clock ------------------------------------------------------------------


def test_the_fakes_own_clock_api(seam, fake_seam):
    start = datetime(2031, 3, 1, 12, tzinfo=UTC)
    fake_seam.set_time(start)
    fake_seam.freeze()
    code = create_stay(seam, "2031-03-01", "2031-03-02")

    fake_seam.advance(timedelta(hours=2))
    assert status(seam, code) == "setting"
    fake_seam.settle()  # just far enough for the write in flight to land
    assert status(seam, code) == "set"
    assert fake_seam.now() == start + timedelta(hours=2, seconds=10)

    fake_seam.set_time("2031-03-02T10:00:10Z")
    with pytest.raises(SeamHttpApiError):
        status(seam, code)


def test_the_fakes_own_clock_over_http(fake_seam_server):
    client = fake_seam_server.client()
    fake = fake_seam_server.fake
    fake.set_time("2031-03-01T12:00:00Z")
    fake.freeze()
    code = create_stay(client, "2031-03-01", "2031-03-02")
    fake.advance(timedelta(hours=2, seconds=10))
    assert status(client, code) == "set"
