"""Property: whatever a client does and wherever the server dies, the fake brought back from
its state file answers every later call exactly as a fake that never stopped.

Each example runs a random program of calls on a fake kept in a state file and, at a random
point, drops it without a snapshot (what `kill -9` leaves: the committed journal); the fake
opened again from the file runs the rest. A twin made from the same fresh file runs the whole
program in memory. Every answer (status and body) and the final state must match. Snapshots
are taken after every call in some examples, never in others.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from fake_seam.fake import FakeSeam
from fake_seam.state import journal as state_journal
from fake_seam.state.journal import open_state
from fake_seam.strategies import profile_settings

AUTH = {"authorization": "Bearer seam_apikey1_token"}
LOCKS = ("august_device_1", "kwikset_device_1", "yale_device_1", "salto_device_1")
T0 = "2030-01-01T10:00:00.000Z"

Call = tuple[str, dict[str, Any]]

calls: st.SearchStrategy[Call] = st.one_of(
    st.tuples(
        st.just("/access_codes/create"),
        st.fixed_dictionaries(
            {"device_id": st.sampled_from(LOCKS), "name": st.sampled_from(["a", "b", "c"])},
            optional={"code": st.sampled_from(["1234", "5791", "246813"])},
        ),
    ),
    st.tuples(
        st.just("/access_codes/create"),
        st.builds(
            lambda device, start, length, pool: {
                "device_id": device,
                "name": "stay",
                "starts_at": f"2030-01-0{1 + start}T12:00:00Z",
                "ends_at": f"2030-01-0{1 + start + length}T11:00:00Z",
                "use_backup_access_code_pool": pool,
            },
            st.sampled_from(LOCKS),
            st.integers(0, 3),
            st.integers(1, 3),
            st.booleans(),
        ),
    ),
    st.tuples(
        st.just("/_fake/clock/advance"),
        st.builds(lambda s: {"seconds": s}, st.sampled_from([5, 30, 600, 86400])),
    ),
    st.tuples(
        st.just("/_fake/devices/set_fault_plan"),
        st.builds(lambda d, n: {"device_id": d, "fail_next": n}, st.sampled_from(LOCKS), st.integers(1, 2)),
    ),
    st.tuples(
        st.just("/_fake/devices/go_offline"),
        st.builds(
            lambda d, s: {"device_id": d, "for_seconds": s},
            st.sampled_from(LOCKS),
            st.sampled_from([60, 3600]),
        ),
    ),
    st.tuples(
        st.just("/_fake/devices/go_online"), st.builds(lambda d: {"device_id": d}, st.sampled_from(LOCKS))
    ),
    st.tuples(st.just("/access_codes/list"), st.builds(lambda d: {"device_id": d}, st.sampled_from(LOCKS))),
    st.tuples(
        st.just("/access_codes/generate_code"), st.builds(lambda d: {"device_id": d}, st.sampled_from(LOCKS))
    ),
    st.tuples(st.just("/locks/unlock_door"), st.builds(lambda d: {"device_id": d}, st.sampled_from(LOCKS))),
    st.tuples(st.just("/workspaces/reset_sandbox"), st.just({})),
)


def client(fake: FakeSeam) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url="http://fake-seam.local", headers=AUTH)


def answer(http: httpx.Client, call: Call) -> tuple[int, Any]:
    path, body = call
    response = http.post(path, json=body)
    return response.status_code, response.json()


def state_of(fake: FakeSeam) -> dict[str, Any]:
    dump = fake.database(include_credentials=True)
    dump["slots"] = {d: fake.slots(d) for d in LOCKS}
    dump["jobs"] = [(job.due, job.label) for job in fake.timeline.pending()]
    dump["clock"] = (fake.clock.now(), fake.clock.frozen)
    return dump


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One fresh state file with the clock frozen at T0, copied for each example."""
    path = tmp_path_factory.mktemp("state") / "fresh.db"
    fake, journal = open_state(path)
    journal.attach()
    http = client(fake)
    assert http.post("/_fake/clock/freeze", json={}).status_code == 200
    assert http.post("/_fake/clock/set", json={"now": T0}).status_code == 200
    journal.close()
    return path


@profile_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=st.lists(calls, min_size=1, max_size=14), data=st.data(), every_call=st.booleans())
def test_a_fake_dropped_at_any_point_comes_back_as_the_one_that_never_stopped(
    fresh: Path,
    tmp_path_factory: pytest.TempPathFactory,
    program: list[Call],
    data: st.DataObject,
    every_call: bool,
) -> None:
    crash_at = data.draw(st.integers(0, len(program)), label="crash after call")
    folder = tmp_path_factory.mktemp("example")
    kept_path, twin_path = folder / "kept.db", folder / "twin.db"
    shutil.copy(fresh, kept_path)
    shutil.copy(fresh, twin_path)
    twin, twin_journal = open_state(twin_path, create=False)
    twin_journal.file.close()  # the twin lives in memory only
    twin_http = client(twin)

    saved = state_journal.MIN_TAIL_SECONDS
    state_journal.MIN_TAIL_SECONDS = 0.0 if every_call else 1e9
    try:
        kept, journal = open_state(kept_path, create=False)
        journal.attach()
        kept_http = client(kept)
        for call in program[:crash_at]:
            assert answer(kept_http, call) == answer(twin_http, call)
        journal.file.close()  # dropped: no snapshot of what the journal holds
        back, journal = open_state(kept_path, create=False)
        journal.attach()
        back_http = client(back)
        for call in program[crash_at:]:
            assert answer(back_http, call) == answer(twin_http, call)
        assert state_of(back) == state_of(twin)
        journal.close()
    finally:
        state_journal.MIN_TAIL_SECONDS = saved


def test_webhook_delivery_outcomes_are_kept_and_a_dropped_fake_retries_on_the_same_schedule(
    fresh: Path, tmp_path: Path
) -> None:
    """Deliveries are sent outside the fake's lock, and each try changes the outbox: each is
    kept, so the fake brought back neither sends a delivered event again nor forgets a retry."""
    answers = iter([500, 204, 500])

    def receiver(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        status = next(answers, 204)
        start_response(f"{status} X", [("content-type", "text/plain")])
        return [b""]

    fakes = {}
    for name in ("kept", "twin"):
        shutil.copy(fresh, tmp_path / f"{name}.db")
        fake, journal = open_state(tmp_path / f"{name}.db", create=False)
        if name == "twin":
            journal.file.close()
        else:
            journal.attach()
            kept_journal = journal
        fakes[name] = fake
    answers_by_fake = {}
    for name, fake in fakes.items():
        answers = iter([500, 204, 500])
        http = client(fake)
        url = fake.webhooks.deliver_to(receiver, "/hooks", interface="wsgi")
        assert http.post("/webhooks/create", json={"url": url}).status_code == 200
        http.post("/access_codes/create", json={"device_id": "august_device_1", "name": "x", "code": "1234"})
        fake.webhooks.flush()
        http.post("/_fake/clock/advance", json={"seconds": 5})
        fake.webhooks.flush()
        answers_by_fake[name] = fake.webhooks.deliveries()
    assert answers_by_fake["kept"] == answers_by_fake["twin"]
    assert [d["outcome"] for d in answers_by_fake["kept"]][:2] == ["retried", "delivered"]
    kept_journal.file.close()  # dropped
    back, journal = open_state(tmp_path / "kept.db", create=False)
    journal.file.close()
    assert back.webhooks.deliveries() == answers_by_fake["twin"]
    assert state_of(back) == state_of(fakes["twin"])
