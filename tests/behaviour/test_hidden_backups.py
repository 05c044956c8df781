"""Unpulled backup codes are invisible to every Seam route and every event.

Seam's guide keeps the pool to itself until a pull hands a backup out: before that, no answer
and no event names a backup. What real hardware does still happens (the PIN is programmed, so
typing it opens the door), but the event says only what a lock reports of a code Seam does not
know: `method: "keycode"` and the PIN, no `access_code_id`. `/_fake` controls may show them.

The first tests state it route by route; the state machine then runs random pool activity
(stays, pulls, outages, failing writes, resizes, the off switch, deletes, keypad entries) and,
after every step, checks that no answer of a Seam route and no event so far names a backup
that has not been pulled, and probes the routes that take an id with a hidden one.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from moments import HOUR, T0, at, events
from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam.fake import FakeSeam
from fake_seam.strategies import profile_settings

FAKE_START = T0
FRONT = "august_device_1"


def stay(sdk: Seam, device_id: str = FRONT, hours: float = 24) -> Any:
    return sdk.access_codes.create(
        device_id=device_id, starts_at=at(0), ends_at=at(hours * HOUR), use_backup_access_code_pool=True
    )


def hidden_backups(fake: FakeSeam, device_id: str = FRONT) -> list[dict[str, Any]]:
    pool = fake.backup_pool(device_id)  # a control: it may show them
    return [*pool["ready"], *pool["in_flight"]]


def refused(call: Any) -> tuple[int, str]:
    with pytest.raises(SeamHttpApiError) as error:
        call()
    return error.value.status_code, error.value.code


def test_every_route_that_takes_an_id_answers_404_for_a_hidden_backup(
    fake: FakeSeam, sdk: Seam, raw: httpx.Client
) -> None:
    guest = stay(sdk)
    fake.settle()
    backup = hidden_backups(fake)[0]
    code_id, pin = backup["access_code_id"], backup["code"]
    not_found = (404, "access_code_not_found")
    assert refused(lambda: sdk.access_codes.get(access_code_id=code_id)) == not_found
    assert refused(lambda: sdk.access_codes.get(device_id=FRONT, code=pin)) == not_found
    assert refused(lambda: sdk.access_codes.update(access_code_id=code_id, name="Mine now")) == not_found
    assert refused(lambda: sdk.access_codes.delete(access_code_id=code_id)) == not_found
    assert refused(lambda: sdk.access_codes.pull_backup_access_code(access_code_id=code_id)) == not_found
    assert refused(lambda: sdk.access_codes.unmanaged.get(access_code_id=code_id))[0] == 404
    assert sdk.access_codes.list(access_code_ids=[code_id]) == []
    assert [c.access_code_id for c in sdk.access_codes.list(device_id=FRONT)] == [guest.access_code_id]
    assert sdk.access_codes.list(device_id=FRONT, search=pin) == []
    assert all(c.access_code_id != code_id for c in sdk.access_codes.unmanaged.list(device_id=FRONT))
    assert sdk.events.list(since=at(-HOUR), access_code_id=code_id) == []
    # Nothing changed: the backup is still in the pool, on the lock, ready.
    assert backup in fake.backup_pool(FRONT)["ready"]
    # Once pulled it is the client's like any code: found, listed, named.
    pulled = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert sdk.access_codes.get(access_code_id=pulled.access_code_id).is_backup is True
    assert raw.post("/access_codes/get", json={"access_code_id": pulled.access_code_id}).status_code == 200


def test_a_hidden_backups_pin_opens_the_door_without_naming_it(fake: FakeSeam, sdk: Seam) -> None:
    stay(sdk)
    fake.settle()
    backup = hidden_backups(fake)[0]
    sdk.locks.lock_door(device_id=FRONT)
    # Programmed on the lock, so the lock opens, as real hardware would.
    assert fake.keypad_entry(FRONT, backup["code"]) is True
    assert sdk.locks.get(device_id=FRONT).properties.locked is False
    sdk.locks.lock_door(device_id=FRONT)
    sdk.locks.simulate.keypad_code_entry(device_id=FRONT, code=backup["code"])
    assert sdk.locks.get(device_id=FRONT).properties.locked is False
    unlocks = [e for e in fake.database()["events"] if e["event_type"] == "lock.unlocked"]
    keypad = [e for e in unlocks if e.get("method") == "keycode"]
    assert len(keypad) == 2
    for event in keypad:
        # What a lock reports of a PIN Seam does not know: the method and the PIN, no code.
        assert event["code"] == backup["code"]
        assert not {"access_code_id", "access_code_is_managed", "is_backup_code"} & set(event)
    assert backup["access_code_id"] not in json.dumps(fake.database()["events"])
    assert [e.event_type for e in events(sdk, device_id=FRONT)][-1] == "lock.unlocked"


def test_a_pulled_backups_pin_names_it(fake: FakeSeam, sdk: Seam) -> None:
    guest = stay(sdk)
    fake.settle()
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    sdk.locks.simulate.keypad_code_entry(device_id=FRONT, code=backup.code)
    unlocked = [e for e in fake.database()["events"] if e["event_type"] == "lock.unlocked"][-1]
    assert (unlocked["access_code_id"], unlocked["is_backup_code"]) == (backup.access_code_id, True)


# -- random pool activity ---------------------------------------------------------------

LOCKS = ("august_device_1", "kwikset_device_1")  # roomy (pool 3), and 3 slots (pool 2)
SEAM_ERRORS = (
    "invalid_input",
    "access_code_not_found",
    "access_code_ended",
    "access_code_is_backup",
    "access_code_not_time_bound",
    "backup_access_code_pool_not_enabled",
    "no_backup_access_code_available",
)


class HiddenBackups(RuleBasedStateMachine):
    codes = Bundle("codes")

    def __init__(self) -> None:
        super().__init__()
        self.fake = FakeSeam(frozen=True, now="2026-11-26T10:00:00Z")
        # (route, what the client sent if refused, the answer) for every call of a Seam route
        self.answers: list[tuple[str, str, str]] = []
        self.fake.api.observers.append(self.observe)
        self.seam = self.fake.client()
        self.pulled: dict[str, bool] = {}  # every backup seen -> pulled (kept once it is gone)
        self.answers_checked = 0
        self.events_checked = 0

    def observe(self, method: str, path: str, params: dict[str, Any], status: int, body: bytes) -> None:
        if not path.startswith("/_fake"):
            # A refusal may repeat the id the client asked for: that tells it nothing.
            echo = json.dumps(params, default=str) if status >= 400 else ""
            self.answers.append((f"{method} {path}", echo, body.decode()))

    def attempt(self, call: Any) -> Any:
        try:
            return call()
        except SeamHttpApiError as error:
            assert error.status_code < 500 and error.code in SEAM_ERRORS, f"{error.code}: {error}"
            return None

    def hidden(self) -> list[str]:
        """Backups never pulled, including those since erased while still in the pool."""
        for record in self.fake.cloud.store.access_codes.values():
            if record.is_backup:
                self.pulled[record.access_code_id] = record.pulled
        return [code_id for code_id, pulled in self.pulled.items() if not pulled]

    @initialize(target=codes)
    def first_stays(self) -> Any:
        first = stay(self.seam, LOCKS[0], hours=6)
        return first.access_code_id

    @rule(target=codes, device=st.sampled_from(LOCKS), hours=st.sampled_from([1, 6, 48]))
    def new_stay(self, device: str, hours: int) -> Any:
        code = self.attempt(lambda: stay(self.seam, device, hours=hours))
        return code.access_code_id if code is not None else "no_such_code"

    @rule(code=codes)
    def pull(self, code: str) -> None:
        self.attempt(lambda: self.seam.access_codes.pull_backup_access_code(access_code_id=code))

    @rule(code=codes)
    def delete(self, code: str) -> None:
        self.attempt(lambda: self.seam.access_codes.delete(access_code_id=code))

    @rule(seconds=st.sampled_from([1, 10, 300, HOUR, 6 * HOUR]))
    def wait(self, seconds: int) -> None:
        self.fake.advance(seconds)

    @rule(device=st.sampled_from(LOCKS), online=st.booleans())
    def radio(self, device: str, online: bool) -> None:
        (self.fake.go_online if online else self.fake.go_offline)(device)

    @rule(device=st.sampled_from(LOCKS), count=st.integers(1, 2))
    def writes_fail(self, device: str, count: int) -> None:
        self.fake.set_fault_plan(device, fail_next=count)

    @rule(device=st.sampled_from(LOCKS), size=st.integers(0, 4))
    def resize(self, device: str, size: int) -> None:
        self.fake.set_backup_pool(device, pool_size=size)

    @rule(device=st.sampled_from(LOCKS), enabled=st.booleans())
    def switch(self, device: str, enabled: bool) -> None:
        self.seam.devices.update(device_id=device, backup_access_code_pool_enabled=enabled)

    @rule(device=st.sampled_from(LOCKS), pick=st.integers(0, 5))
    def type_a_backup_pin(self, device: str, pick: int) -> None:
        """A PIN of a backup slot typed at the lock, hidden or pulled."""
        lock = self.fake.cloud.store.devices[device].lock
        assert lock is not None
        slots = [s for s in lock.occupied() if str(s.origin) == "backup"]
        if not slots:
            return
        slot = slots[pick % len(slots)]
        log = self.fake.cloud.store.events_by_workspace["seed_workspace_1"]
        before = len(log)
        self.seam.locks.simulate.keypad_code_entry(device_id=device, code=slot.code)
        [event] = [e for e in log[before:] if e.fields.get("device_id") == device]
        if event.event_type == "lock.unlocked":  # a slot whose window has not begun stays shut
            record = self.fake.cloud.store.access_codes.get(slot.key)
            named = record is not None and record.pulled
            assert ("access_code_id" in event.fields) == named
            assert event.fields["method"] == "keycode" and event.fields["code"] == slot.code

    @rule(pick=st.integers(0, 20))
    def probe_a_hidden_backup(self, pick: int) -> None:
        """Every route that takes an access code id answers as if the backup did not exist."""
        hidden = self.hidden()
        if not hidden:
            return
        code_id = hidden[pick % len(hidden)]
        record = self.fake.cloud.store.access_codes.get(code_id)
        seam = self.seam
        for call in (
            lambda: seam.access_codes.get(access_code_id=code_id),
            lambda: seam.access_codes.update(access_code_id=code_id, name="taken over"),
            lambda: seam.access_codes.delete(access_code_id=code_id),
            lambda: seam.access_codes.pull_backup_access_code(access_code_id=code_id),
            lambda: seam.access_codes.unmanaged.get(access_code_id=code_id),
            lambda: seam.access_codes.unmanaged.convert_to_managed(access_code_id=code_id),
        ):
            with pytest.raises(SeamHttpApiError) as error:
                call()
            assert error.value.status_code == 404, error.value
        assert seam.access_codes.list(access_code_ids=[code_id]) == []
        assert seam.events.list(since=at(-HOUR), access_code_id=code_id) == []
        if record is not None:
            try:
                found = seam.access_codes.get(device_id=record.device_id, code=record.code)
            except SeamHttpApiError as error:
                assert error.status_code == 404
            else:
                assert found.access_code_id != code_id

    @rule()
    def sweep(self) -> None:
        """Every list a client can read (the observer checks what they say)."""
        seam = self.seam
        seam.access_codes.list(access_code_ids=list(self.fake.cloud.store.access_codes)[-50:])
        for device in LOCKS:
            seam.access_codes.list(device_id=device)
            seam.access_codes.unmanaged.list(device_id=device)
        seam.devices.list()
        seam.events.list(since=at(-HOUR))
        attempts = list(self.fake.cloud.store.attempts_by_workspace.get("seed_workspace_1", {}))
        if attempts:
            seam.action_attempts.list(action_attempt_ids=attempts[-20:])

    @invariant()
    def no_answer_or_event_names_a_hidden_backup(self) -> None:
        hidden = self.hidden()
        if not hidden:
            return
        for route, echo, body in self.answers[self.answers_checked :]:
            leaked = [code_id for code_id in hidden if code_id in body and code_id not in echo]
            assert not leaked, f"{route} named hidden backup {leaked}: {body[:400]}"
        self.answers_checked = len(self.answers)
        log = self.fake.cloud.store.events_by_workspace.get("seed_workspace_1", [])
        for event in log[self.events_checked :]:
            text = json.dumps(event.fields, default=str)
            leaked = [code_id for code_id in hidden if code_id in text]
            assert not leaked, f"event {event.event_type} named hidden backup {leaked}"
        self.events_checked = len(log)


TestHiddenBackups = HiddenBackups.TestCase
TestHiddenBackups.settings = profile_settings(max_examples=40, stateful_step_count=25)
