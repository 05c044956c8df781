"""Whatever a session does, its recording replays green: random sessions of official-SDK calls
and controls, over HTTP (`/_fake`) or from Python (`FakeSeam`'s methods) — clock advance, set,
freeze and unfreeze, reset, offline and online, fault plans, keypad, pool size, settle —
recorded by `Recorder` and replayed by the runner, must get the same answers (status, error
type, key fields) at every step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from fake_seam.clock import iso
from fake_seam.fake import DEFAULT_API_KEY, DEFAULT_ENDPOINT, FakeSeam
from fake_seam.scenarios import parse_scenario, run_scenario
from fake_seam.scenarios import report as reports
from fake_seam.scenarios.recorder import Recorder
from fake_seam.seam.errors import SeamError
from fake_seam.strategies import profile_settings

START = "2026-12-01T12:00:00Z"
LOCKS = ("august_device_1", "kwikset_device_1", "salto_device_1", "yale_device_1")
DURATIONS = st.sampled_from([0, 0.25, 1, 5, 10, 90, "1m", "30s", "1h", "2h30m", "500ms"])
OFFSETS = st.sampled_from([0, 60, 3600])  # seconds from the server's now to a code's start

lock = st.sampled_from(LOCKS)
code_index = st.integers(0, 5)

# One step of a session: an SDK call or a control, as a tuple the session below plays.
sdk_calls = st.one_of(
    st.tuples(
        st.just("create"),
        lock,
        st.one_of(st.none(), OFFSETS),  # None: an ongoing code
        st.booleans(),  # use the backup pool
        st.one_of(st.none(), st.sampled_from(["1357", "2468", "97531"])),
    ),
    st.tuples(st.just("get"), code_index),
    st.tuples(st.just("delete"), code_index),
    st.tuples(st.just("pull"), code_index),
    st.tuples(st.just("list"), lock),
    st.tuples(st.just("device"), lock),
    st.tuples(st.just("unlock"), lock),
)
controls = st.one_of(
    # Time passing between requests (a live server's wall clock; here the fake's own `advance`
    # from Python, which no request carries): the recording must wait as long.
    st.tuples(st.just("elapse"), DURATIONS.filter(lambda d: isinstance(d, int | float))),
    st.tuples(st.just("advance"), DURATIONS),
    st.tuples(st.just("set"), st.sampled_from([-3600, 0, 30, 7200])),  # from the server's now
    st.tuples(st.just("freeze"), st.booleans()),
    st.tuples(st.just("reset")),
    st.tuples(st.just("settle")),
    st.tuples(st.just("no_json")),  # a control POST without JSON: the guard refuses it (415)
    st.tuples(st.just("offline"), lock, st.sampled_from([None, "10m"])),
    st.tuples(st.just("online"), lock),
    st.tuples(st.just("fail_next"), lock, st.integers(1, 2)),
    st.tuples(st.just("keypad_entry"), lock, code_index),
    st.tuples(st.just("keypad_code"), lock, st.sampled_from(["4242", "8080"])),
    st.tuples(st.just("pool"), lock, st.integers(0, 3)),
)
# The same controls called from Python (`FakeSeam`'s methods), which no request carries.
python_controls = st.one_of(
    st.tuples(st.just("py_advance"), DURATIONS),
    st.tuples(st.just("py_offline"), lock, st.sampled_from([None, 600])),
    st.tuples(st.just("py_online"), lock),
    st.tuples(st.just("py_fail_next"), lock, st.integers(1, 2)),
    st.tuples(st.just("py_keypad_code"), lock, st.sampled_from(["4242", "8080"])),
    st.tuples(st.just("py_reset")),
    st.tuples(st.just("py_freeze"), st.booleans()),
)
sessions = st.lists(st.one_of(sdk_calls, controls, python_controls), min_size=1, max_size=14)


def play(fake: FakeSeam, session: list[tuple[Any, ...]]) -> None:
    """Run a session as a client would: the SDK for Seam's routes, HTTP for `/_fake`."""
    seam = fake.client()
    http = httpx.Client(
        transport=fake.transport(),
        base_url=DEFAULT_ENDPOINT,
        headers={"authorization": f"Bearer {DEFAULT_API_KEY}"},
    )
    codes: list[str] = []  # access code ids made so far, and PINs seen

    def code(index: int) -> str:
        return codes[index % len(codes)] if codes else "00000000-0000-0000-0000-000000000000"

    def server_now() -> Any:
        return fake.clock.now()  # what a client reads from GET /_fake/clock

    def sdk(method: Any, **params: Any) -> Any:
        try:
            return method(**params)
        except Exception as problem:  # noqa: BLE001 - an API error is part of the session
            if "Seam" not in type(problem).__name__:
                raise
            return None

    for op, *args in session:
        if op == "create":
            device, offset, pool, pin = args
            window: dict[str, Any] = {}
            if offset is not None:
                starts = server_now() + timedelta(seconds=offset)
                window = {"starts_at": iso(starts), "ends_at": iso(starts + timedelta(hours=2))}
            made = sdk(
                seam.access_codes.create,
                device_id=device,
                name=f"Guest {len(codes) + 1}",
                code=pin,
                use_backup_access_code_pool=pool or None,
                **window,
            )
            if made is not None:
                codes.append(made.access_code_id)
        elif op == "get":
            sdk(seam.access_codes.get, access_code_id=code(args[0]))
        elif op == "delete":
            sdk(seam.access_codes.delete, access_code_id=code(args[0]))
        elif op == "pull":
            sdk(seam.access_codes.pull_backup_access_code, access_code_id=code(args[0]))
        elif op == "list":
            sdk(seam.access_codes.list, device_id=args[0])
        elif op == "device":
            sdk(seam.devices.get, device_id=args[0])
        elif op == "unlock":
            sdk(seam.locks.unlock_door, device_id=args[0])
        elif op == "elapse":
            fake.clock.advance(args[0])
        elif op == "advance":
            http.post("/_fake/clock/advance", json={"seconds": args[0]})
        elif op == "set":
            http.post("/_fake/clock/set", json={"now": iso(server_now() + timedelta(seconds=args[0]))})
        elif op == "freeze":
            http.post("/_fake/clock/freeze", json={"frozen": args[0]})
        elif op == "reset":
            http.post("/_fake/reset", json={})
            codes.clear()
        elif op == "no_json":
            http.post("/_fake/reset")
        elif op == "settle":
            http.post("/_fake/settle", json={})
        elif op == "offline":
            http.post("/_fake/devices/go_offline", json={"device_id": args[0], "for_seconds": args[1]})
        elif op == "online":
            http.post("/_fake/devices/go_online", json={"device_id": args[0]})
        elif op == "fail_next":
            http.post("/_fake/devices/set_fault_plan", json={"device_id": args[0], "fail_next": args[1]})
        elif op == "keypad_entry":
            got = sdk(seam.access_codes.get, access_code_id=code(args[1]))
            pin = getattr(got, "code", None) or "0000"
            http.post("/_fake/devices/keypad_entry", json={"device_id": args[0], "code": pin})
        elif op == "keypad_code":
            http.post("/_fake/devices/add_keypad_code", json={"device_id": args[0], "code": args[1]})
        elif op.startswith("py_"):
            python_control(fake, op.removeprefix("py_"), *args)
            if op == "py_reset":
                codes.clear()
        elif op == "pool":
            http.post("/_fake/devices/set_backup_pool", json={"device_id": args[0], "pool_size": args[1]})
    http.close()


def python_control(fake: FakeSeam, op: str, *args: Any) -> None:
    try:
        if op == "advance":
            fake.advance(args[0])
        elif op == "offline":
            fake.go_offline(args[0], for_seconds=args[1])
        elif op == "online":
            fake.go_online(args[0])
        elif op == "fail_next":
            fake.set_fault_plan(args[0], fail_next=args[1])
        elif op == "keypad_code":
            fake.add_keypad_code(args[0], args[1])
        elif op == "reset":
            fake.reset()
        elif op == "freeze":
            fake.freeze(args[0])
    except (ValueError, SeamError):
        pass  # refused (a full lock, a PIN already there): changes nothing, records nothing


@profile_settings(max_examples=60)
@given(session=sessions, frozen=st.booleans())
# Time passes, the fake is reset, and a code starts at the server's "now": the replay must be
# as late as the session was, or the code is `unset` instead of `setting`.
@example(session=[("elapse", 5), ("reset",), ("create", LOCKS[0], 0, False, None)], frozen=True)
@example(session=[("elapse", 90), ("settle",), ("create", LOCKS[1], 0, True, None)], frozen=True)
@example(session=[("freeze", True), ("elapse", 1), ("freeze", False), ("list", LOCKS[0])], frozen=True)
# Hardware changed from Python, not over HTTP: the replay must see it too.
@example(session=[("py_offline", LOCKS[0], None), ("create", LOCKS[0], None, False, None)], frozen=True)
def test_every_recorded_session_replays_green(session: list[tuple[Any, ...]], frozen: bool) -> None:
    fake = FakeSeam(now=START, frozen=frozen, rng_seed=7)
    recorder = Recorder(fake, "unused.yaml")
    play(fake, session)
    recorder.close()
    scenario = parse_scenario(recorder.scenario_text())
    assert len(scenario.steps) == max(1, recorder.count)  # an empty session: one step saying so
    # The freeze switch is part of the session: recorded as the `freeze` action.
    assert [s.arg["frozen"] for s in scenario.steps if s.action == "freeze" and not s.note] == [
        args[0] for op, *args in session if op in ("freeze", "py_freeze")
    ]
    result = run_scenario(scenario)
    assert result.passed, reports.text([result], quiet=True) + recorder.scenario_text()
