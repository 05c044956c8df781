"""A stateful model test of the fake: whatever a client does, through the official SDK, the
hardware and Seam's rules stay consistent.

Hypothesis drives `FakeSeamMachine` with random programs of client calls (create, update,
delete, pull backups), hardware events (outages, failing writes, keypad codes and edits),
device management and calls from a second workspace, moving the clock in between. After every
step the invariants below are checked against the simulator's slot tables, the Seam layer's
records and what the SDK reads back. A failure shrinks to a short program of named steps.

Runs under the `ci` profile by default; `HYPOTHESIS_PROFILE=long pytest tests/behaviour/test_stateful.py`
runs it much longer (see fake_seam/strategies.py for the profiles).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)
from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam.api.control_access import IN_PROCESS
from fake_seam.api.handler import header_dict
from fake_seam.clock import iso
from fake_seam.fake import DEFAULT_API_KEY, DEFAULT_ENDPOINT, FAST_POLLING, FakeSeam
from fake_seam.seam.errors import SeamError
from fake_seam.simulator import PinRejected, SimulatedLock, SlotOrigin
from fake_seam.strategies import lock_plans, profile_settings

NOW = "2026-01-05T09:00:00.000Z"
# Seeded locks in workspace 1: roomy, tiny (3 slots), natively scheduled, and no pool (Salto).
SEEDED_LOCKS = ("august_device_1", "kwikset_device_1", "yale_device_1", "salto_device_1")
POOL_LOCKS = SEEDED_LOCKS[:3]
ADVANCES = (1, 5, 10, 30, 60, 301, 3600, 6 * 3600, 3 * 86400 + 1)  # seconds
STARTS_IN = (0, 1, 10, 60, 24 * 60, 4 * 24 * 60)  # minutes; 4 days is past the 72 h native preload
LASTS = (1, 10, 60, 24 * 60)  # minutes
KEYPAD_PINS = ("2580", "1397", "468024", "13579")
# Events after which a code may legitimately be announced `set` again.
LEAVES_SET = {
    "access_code.changed",
    "access_code.modified_external_to_seam",
    "access_code.deleted_external_to_seam",
    "access_code.failed_to_set_on_device",
}
AFTER_DELETED = {"access_code.removed_from_device", "access_code.delay_in_removing_from_device"}


class ReadAgain(httpx.BaseTransport):
    """Hands each request to the fake's `Api.handle`, as the in-process transport of
    `fake.client()` does, and also answers the SDK reads the invariants repeat after every
    step without parsing the same bytes twice.

    `read(call, **params)` makes the SDK call and keeps the one request it sent, the fake's answer
    and what the SDK made of it. Next time the fake answers that same request again; when the
    answer is byte for byte the one the SDK read, the SDK's reading of it is returned (reading
    the same bytes again gives the same objects); any other answer is read by the SDK anew.
    The fake answers every time, so the check sees the world as it is after each step; only
    the SDK's own cost (httpx, `from_dict`: ~90% of a read) is saved on answers that did not
    change."""

    def __init__(
        self,
        fake: FakeSeam,
        server_errors: list[tuple[str, str, int]],
        kept: dict[Hashable, tuple[tuple[Any, ...], int, bytes, Any]],
    ) -> None:
        self.api = fake.api
        self.server_errors = server_errors  # every 5xx the fake answered, re-asked reads included
        self.sent: list[tuple[tuple[Any, ...], int, bytes]] | None = None  # while `read` runs
        # Shared by the machines of a run: a new fake from the same seed answers the same
        # requests with the same bytes, which it is asked for again all the same.
        self.kept = kept

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        asked = (
            request.method,
            url.path,
            url.query.decode("latin-1"),
            header_dict(request.headers.raw),
            request.read(),
            f"{url.scheme}://{url.netloc.decode('ascii')}",
            IN_PROCESS,
        )
        status, headers, payload = self.api.handle(*asked)
        if status >= 500:
            self.server_errors.append((asked[0], asked[1], status))
        if self.sent is not None:
            self.sent.append((asked, status, payload))
        return httpx.Response(status, headers=headers, content=payload, request=request)

    def read(self, call: Callable[..., Any], **params: Any) -> Any:
        """`call(**params)`, an SDK read of this transport's client (kept per call and params)."""
        key = (call.__qualname__, *sorted(params.items()))
        kept = self.kept.get(key)
        if kept is not None:
            asked, status, payload, reading = kept
            again, _, answer = self.api.handle(*asked)
            if again >= 500:
                self.server_errors.append((asked[0], asked[1], again))
            if again == status and answer == payload:
                return reading
        self.sent = sent = []
        try:
            reading = call(**params)
        finally:
            self.sent = None
        if len(sent) == 1 and sent[0][1] == 200:
            asked, status, payload = sent[0]
            self.kept[key] = (asked, status, payload, reading)
        else:
            self.kept.pop(key, None)
        return reading


# What the SDK made of the invariants' reads, kept from one machine to the next (see `ReadAgain`).
READINGS: dict[Hashable, tuple[tuple[Any, ...], int, bytes, Any]] = {}


def sdk_client(transport: ReadAgain, api_key: str) -> Seam:
    """The official SDK on the fake's in-process transport, set up as `fake.client()` does."""
    return Seam(
        api_key=api_key,
        endpoint=DEFAULT_ENDPOINT,
        wait_for_action_attempt=FAST_POLLING,
        httpx_options={"transport": transport},
    )


class FakeSeamMachine(RuleBasedStateMachine):
    devices = Bundle("devices")
    codes = Bundle("codes")
    backups = Bundle("backups")

    def __init__(self) -> None:
        super().__init__()
        # No call log: nothing here reads it, and every request would pay for keeping it.
        self.fake = FakeSeam(frozen=True, now=NOW, call_log_size=0)
        # Every request the fake answers comes through these two transports, which note its 5xx.
        self.server_errors: list[tuple[str, str, int]] = []
        self.transport = ReadAgain(self.fake, self.server_errors, READINGS)
        self.seam = sdk_client(self.transport, DEFAULT_API_KEY)
        self.seam2 = sdk_client(ReadAgain(self.fake, self.server_errors, {}), "seam_apikey2_token")
        other = self.fake.create_lock(
            "seed_workspace_2", display_name="Other workspace's lock", max_active_codes_supported=4
        )
        self.ws2_lock = other.device_id
        self.ws2_codes: list[str] = []
        # The model: what the client knows from its own calls.
        self.capacity: dict[str, int] = {self.ws2_lock: 4}
        self.supports_pool: dict[str, bool] = {}
        self.pool_switched_off: set[str] = set()  # devices/update {backup_access_code_pool_enabled: false}
        self.unmanaged: set[str] = set()
        self.unmanaged_order: list[str] = []
        self.code_device: dict[str, str] = {}  # every code id the client saw -> its device
        self.created: set[str] = set()  # codes made by access_codes/create
        self.handed: dict[str, str] = {}  # pulled backup id -> the original it was handed to
        self.backups_of: dict[str, list[str]] = {}  # original id -> backups pulled for it, in order
        self.names = 0
        # Event bookkeeping, advanced incrementally after every step.
        self.event_cursor: dict[str, int] = {}
        self.code_events: dict[str, Counter[str]] = {}
        self.online_announced: dict[str, bool] = {}
        self.step_started = self.fake.clock.timestamp()

    # -- helpers ----------------------------------------------------------------------

    def attempt(self, call: Callable[[], Any], *expected: str) -> tuple[Any, SeamHttpApiError | None]:
        """Run an SDK call; a Seam error must be a 4xx of one of the `expected` types."""
        try:
            return call(), None
        except SeamHttpApiError as error:
            assert error.status_code < 500, f"{error.status_code} {error.code}: {error}"
            assert error.code in expected, f"unexpected {error.code} ({error.status_code}): {error}"
            return None, error

    def name(self) -> str:
        self.names += 1
        return f"c{self.names}"

    def now(self) -> float:
        return self.fake.clock.timestamp()

    def record(self, code_id: str) -> Any:
        """The Seam layer's record of a code, or None once it is gone."""
        return self.fake.cloud.store.access_codes.get(code_id)

    def visible(self, code_id: str) -> bool:
        """Whether the API should still find this code (not deleted, device managed)."""
        rec = self.record(code_id)
        return rec is not None and not rec.deleted and rec.device_id not in self.unmanaged

    def lock(self, device_id: str) -> SimulatedLock:
        return self.fake.cloud.store.devices[device_id].lock  # type: ignore[return-value]

    # -- setting up -------------------------------------------------------------------

    @initialize(target=devices)
    def seeded_locks(self) -> Any:
        for device_id in SEEDED_LOCKS:
            properties = self.transport.read(self.seam.devices.get, device_id=device_id).properties
            self.capacity[device_id] = int(properties.max_active_codes_supported)
            self.supports_pool[device_id] = bool(properties.supports_backup_access_code_pool)
        return multiple(*SEEDED_LOCKS)

    @initialize(
        target=codes,
        device=st.sampled_from(POOL_LOCKS),
        pool=st.booleans(),
        threshold=st.sampled_from([2, 1]),
    )
    def first_stay(self, device: str, pool: bool, threshold: int) -> str:
        """A day-long stay from now, so pulls and ends have something to work on from step one
        (with the `many_active_backup_codes` threshold at 1, a single pull raises the warning)."""
        self.fake.set_backup_pool(device, many_active_backup_codes_threshold=threshold)
        code = self.seam.access_codes.create(
            device_id=device,
            name=self.name(),
            starts_at=iso_at(self.now()),
            ends_at=iso_at(self.now() + 86400),
            use_backup_access_code_pool=pool or None,
        )
        self.fake.advance(60)  # the code and the pool's backups land
        self.created.add(code.access_code_id)
        self.code_device[code.access_code_id] = device
        return code.access_code_id

    @rule(target=devices, plan=lock_plans(max_capacity=4, max_pool_size=2, max_programming_delay=30))
    def add_lock(self, plan: Any) -> str:
        device = self.fake.create_lock(display_name="Added lock", **plan.spec())
        self.capacity[device.device_id] = plan.capacity
        self.supports_pool[device.device_id] = plan.supports_backup_access_code_pool
        return device.device_id

    # -- access codes -----------------------------------------------------------------

    def not_found_if_unmanaged(self, device: str) -> tuple[str, ...]:
        return ("device_not_found",) if device in self.unmanaged else ()

    @rule(target=codes, device=devices)
    def create_ongoing(self, device: str) -> Any:
        code, error = self.attempt(
            lambda: self.seam.access_codes.create(device_id=device, name=self.name()),
            *self.not_found_if_unmanaged(device),
        )
        assert (error is None) == (device not in self.unmanaged)
        if code is None:
            return multiple()
        assert code.type == "ongoing" and code.status in ("setting", "set")
        assert code.is_backup_access_code_available is False
        self.created.add(code.access_code_id)
        self.code_device[code.access_code_id] = device
        return code.access_code_id

    @rule(
        target=codes,
        device=devices,
        starts_in=st.sampled_from(STARTS_IN),
        lasts=st.sampled_from(LASTS),
        pool=st.booleans(),
    )
    def create_time_bound(self, device: str, starts_in: int, lasts: int, pool: bool) -> Any:
        starts = self.now() + starts_in * 60
        ends = starts + lasts * 60
        expected = self.not_found_if_unmanaged(device)
        refused = (
            device not in self.unmanaged
            and pool
            and (not self.supports_pool[device] or device in self.pool_switched_off)
        )
        if refused:
            expected = ("invalid_input",)
        code, error = self.attempt(
            lambda: self.seam.access_codes.create(
                device_id=device,
                name=self.name(),
                starts_at=iso_at(starts),
                ends_at=iso_at(ends),
                use_backup_access_code_pool=pool or None,
            ),
            *expected,
        )
        if refused:
            assert error is not None and "use_backup_access_code_pool" in error_parameters(error)
        if code is None:
            return multiple()
        assert code.type == "time_bound"
        assert code.starts_at == iso_at(starts) and code.ends_at == iso_at(ends)
        assert code.status == ("unset" if starts_in else "setting")
        self.created.add(code.access_code_id)
        self.code_device[code.access_code_id] = device
        return code.access_code_id

    @rule(device=devices)
    def ongoing_code_cannot_use_the_pool(self, device: str) -> None:
        expected = self.not_found_if_unmanaged(device) or ("invalid_input",)
        code, error = self.attempt(
            lambda: self.seam.access_codes.create(
                device_id=device, name=self.name(), use_backup_access_code_pool=True
            ),
            *expected,
        )
        assert code is None and error is not None
        if error.code == "invalid_input":
            assert "use_backup_access_code_pool" in error_parameters(error)

    @rule(code=codes, change=st.sampled_from(["rename", "extend", "shorten", "to_ongoing", "start_later"]))
    def update_code(self, code: str, change: str) -> None:
        now = self.now()
        rec = self.record(code)
        params: dict[str, Any] = {}
        valid = True
        if change == "rename":
            params["name"] = self.name()
        elif change == "extend":
            base = rec.ends_at if rec is not None and rec.ends_at is not None else now
            params["ends_at"] = iso_at(max(base, now) + 3600)
        elif change == "shorten":
            params["ends_at"] = iso_at(now + 120)
            valid = rec is None or rec.starts_at is None or rec.starts_at < now + 120
        elif change == "to_ongoing":
            params["type"] = "ongoing"
        else:
            params["starts_at"] = iso_at(now + 600)
            valid = rec is not None and rec.ends_at is not None and rec.ends_at > now + 600
        if not self.visible(code):
            self.attempt(
                lambda: self.seam.access_codes.update(access_code_id=code, **params), "access_code_not_found"
            )
            return
        _, error = self.attempt(
            lambda: self.seam.access_codes.update(access_code_id=code, **params),
            *(() if valid else ("invalid_input",)),
        )
        assert (error is None) == valid
        if error is not None:
            return
        after = self.seam.access_codes.get(access_code_id=code)
        if "name" in params:
            assert after.name == params["name"]
        if "ends_at" in params:
            assert after.type == "time_bound" and after.ends_at == params["ends_at"]
        if "starts_at" in params:
            assert after.starts_at == params["starts_at"]
        if change == "to_ongoing":
            assert after.type == "ongoing" and after.ends_at is None

    @rule(code=codes)
    def delete_code(self, code: str) -> None:
        visible = self.visible(code)
        _, error = self.attempt(
            lambda: self.seam.access_codes.delete(access_code_id=code),
            *(() if visible else ("access_code_not_found",)),
        )
        assert (error is None) == visible
        # Deleted means gone from the API at once, whatever the lock is doing.
        self.attempt(lambda: self.seam.access_codes.get(access_code_id=code), "access_code_not_found")
        assert not self.visible(code)

    @rule(target=backups, code=codes)
    def pull_backup(self, code: str) -> Any:
        if not self.visible(code):
            self.attempt(
                lambda: self.seam.access_codes.pull_backup_access_code(access_code_id=code),
                "access_code_not_found",
            )
            return multiple()
        original = self.seam.access_codes.get(access_code_id=code)
        backup, error = self.attempt(
            lambda: self.seam.access_codes.pull_backup_access_code(access_code_id=code),
            "access_code_not_time_bound",
            "backup_access_code_pool_not_enabled",
            "no_backup_access_code_available",
        )
        # The flag a client reads first says whether a pull will work.
        assert (error is None) == bool(original.is_backup_access_code_available), (
            f"is_backup_access_code_available={original.is_backup_access_code_available} "
            f"but the pull {'failed: ' + error.code if error else 'worked'}"
        )
        if backup is None:
            return multiple()
        backup_id = backup.access_code_id
        assert backup.is_backup and backup_id != code
        assert backup.ends_at == original.ends_at
        earlier = [b for b in self.backups_of.get(code, []) if self.visible(b)]
        if earlier:
            assert backup_id == earlier[-1], "a repeat pull must return the same backup"
        assert self.handed.get(backup_id, code) == code, "a backup was handed to a second original"
        if backup_id in self.handed:
            return multiple()
        self.handed[backup_id] = code
        self.backups_of.setdefault(code, []).append(backup_id)
        self.code_device[backup_id] = self.code_device[code]
        again = self.seam.access_codes.pull_backup_access_code(access_code_id=code)
        assert again.access_code_id == backup_id and again.code == backup.code
        return backup_id

    @rule(backup=backups)
    def pull_for_a_backup(self, backup: str) -> None:
        expected = ("access_code_is_backup",) if self.visible(backup) else ("access_code_not_found",)
        result, _ = self.attempt(
            lambda: self.seam.access_codes.pull_backup_access_code(access_code_id=backup), *expected
        )
        assert result is None

    @rule(backup=backups)
    def delete_backup(self, backup: str) -> None:
        self.delete_code(backup)

    # -- the clock and the hardware ---------------------------------------------------

    @rule(seconds=st.sampled_from(ADVANCES))
    def advance(self, seconds: int) -> None:
        self.fake.advance(seconds)

    @rule()
    def let_writes_land(self) -> None:
        """Move the clock just far enough for every write in flight to land or fail."""
        self.fake.settle()

    @rule(device=devices)
    def disconnect(self, device: str) -> None:
        self.seam.devices.simulate.disconnect(device_id=device)
        assert not self.lock(device).online

    @rule(device=devices)
    def connect(self, device: str) -> None:
        self.seam.devices.simulate.connect(device_id=device)
        assert self.lock(device).online

    @rule(device=devices, minutes=st.sampled_from([1, 10, 60]))
    def outage(self, device: str, minutes: int) -> None:
        self.fake.go_offline(device, for_seconds=minutes * 60)

    @rule(device=devices, count=st.integers(1, 3))
    def writes_fail(self, device: str, count: int) -> None:
        self.fake.set_fault_plan(device, fail_next=count)

    def type_pin(self, device: str, pin: str) -> None:
        """A PIN typed on the keypad through the sandbox route: one event says what happened."""
        lock = self.lock(device)
        now = self.now()
        opener = next((s for s in lock.occupied() if s.code == pin and s.active_at(now)), None)
        log = self.fake.cloud.store.events_by_workspace["seed_workspace_1"]
        before = len(log)
        _, error = self.attempt(
            lambda: self.seam.locks.simulate.keypad_code_entry(device_id=device, code=pin),
            *self.not_found_if_unmanaged(device),
        )
        if error is not None:
            return
        new = [e for e in log[before:] if e.fields.get("device_id") == device]
        assert [e.event_type for e in new] == ["lock.unlocked" if opener else "lock.access_denied"]
        if opener is not None:
            owner = self.record(opener.key)
            if owner is not None and owner.is_backup and not owner.pulled:
                # A backup still in the pool opens the door but is not named until pulled.
                assert not {"access_code_id", "is_backup_code"} & set(new[0].fields)
            else:
                assert new[0].fields.get("access_code_id") == opener.key
                assert new[0].fields.get("is_backup_code") == (opener.origin == SlotOrigin.BACKUP)
            assert not lock.locked

    @rule(code=st.one_of(codes, backups))
    def keypad_entry(self, code: str) -> None:
        rec = self.record(code)
        pin = rec.code if rec is not None else "0000"
        self.type_pin(self.code_device[code], pin)

    @rule(device=devices, pin=st.sampled_from(KEYPAD_PINS))
    def keypad_entry_of_a_stranger(self, device: str, pin: str) -> None:
        self.type_pin(device, pin)

    @rule(device=devices, pin=st.sampled_from(KEYPAD_PINS))
    def add_keypad_code(self, device: str, pin: str) -> None:
        lock = self.lock(device)
        had_room = lock.free_slot_count() > 0
        taken = pin in self.fake.cloud.codes.taken_codes(self.fake.cloud.store.devices[device])
        made, error = self.attempt(
            lambda: self.seam.access_codes.simulate.create_unmanaged_access_code(
                device_id=device, code=pin, name=f"Keypad {pin}"
            ),
            *(self.not_found_if_unmanaged(device) or ("invalid_input", "duplicate_access_code")),
        )
        if made is not None:
            assert had_room and not taken
            assert any(s.code == pin and s.origin == SlotOrigin.KEYPAD for s in lock.occupied())
        elif error is not None and error.code == "duplicate_access_code":
            assert taken, f"{pin} refused as a duplicate but no code on {device} uses it"
        elif error is not None and error.code == "invalid_input":
            try:
                lock.rules.check_pin(pin)
                breaks_rules = False
            except PinRejected:
                breaks_rules = True
            assert not had_room or breaks_rules, f"{pin} refused on {device} with room and a valid PIN"

    @rule(device=devices, slot=st.integers(0, 3), delete=st.booleans())
    def edit_at_the_keypad(self, device: str, slot: int, delete: bool) -> None:
        lock = self.lock(device)
        occupied = lock.occupied()
        if not occupied:
            return
        target = occupied[slot % len(occupied)]
        try:
            taken = self.fake.cloud.codes.taken_codes(self.fake.cloud.store.devices[device])
            new_pin = None if delete else lock.rules.generate(random.Random(slot), taken)
            self.fake.edit_keypad_code(device, target.code, new_pin)
        except PinRejected:
            return  # no PIN left that this lock takes: nobody can type a new one
        except SeamError as error:
            assert error.status < 500

    # -- devices ----------------------------------------------------------------------

    @rule(device=devices)
    def unmanage(self, device: str) -> None:
        managed = device not in self.unmanaged
        _, error = self.attempt(
            lambda: self.seam.devices.update(device_id=device, is_managed=False),
            *(() if managed else ("device_not_found",)),
        )
        assert (error is None) == managed
        if managed:
            self.unmanaged.add(device)
            self.unmanaged_order.append(device)
        self.attempt(lambda: self.seam.devices.get(device_id=device), "device_not_found")
        # An unmanaged device's codes are out of the API's reach until it is managed again.
        self.attempt(lambda: self.seam.access_codes.list(device_id=device), "device_not_found")
        for code_id, on in self.code_device.items():
            if on == device:
                self.attempt(
                    lambda c=code_id: self.seam.access_codes.get(access_code_id=c), "access_code_not_found"
                )

    @precondition(lambda self: bool(self.unmanaged))
    @rule()
    def manage_again(self) -> None:
        """Re-manage the device unmanaged last (no argument: every call does something)."""
        device = self.unmanaged_order[-1]
        self.seam.devices.unmanaged.update(device_id=device, is_managed=True)
        self.unmanaged.discard(device)
        self.unmanaged_order.remove(device)
        assert self.seam.devices.get(device_id=device).is_managed
        listed = {c.access_code_id for c in self.seam.access_codes.list(device_id=device)}
        for code_id, on in self.code_device.items():
            if on == device:
                assert (code_id in listed) == self.visible(code_id), f"{code_id} after re-managing"
        self.attempt(
            lambda: self.seam.devices.unmanaged.update(device_id=device, is_managed=True), "device_not_found"
        )

    @rule(device=devices, size=st.integers(0, 3), threshold=st.integers(1, 3))
    def configure_pool(self, device: str, size: int, threshold: int) -> None:
        self.fake.set_backup_pool(device, pool_size=size, many_active_backup_codes_threshold=threshold)

    @rule(device=devices, enabled=st.booleans())
    def switch_pool(self, device: str, enabled: bool) -> None:
        expected = self.not_found_if_unmanaged(device)
        if not expected and enabled and not self.supports_pool[device]:
            expected = ("invalid_input",)
        _, error = self.attempt(
            lambda: self.seam.devices.update(device_id=device, backup_access_code_pool_enabled=enabled),
            *expected,
        )
        assert (error is None) == (not expected)
        if error is None:
            # Off means off whether or not the pool was ever activated; only this turns it on.
            (self.pool_switched_off.discard if enabled else self.pool_switched_off.add)(device)

    # -- a second workspace -----------------------------------------------------------

    @precondition(lambda self: len(self.ws2_codes) < 3)
    @rule()
    def other_workspace_creates_a_code(self) -> None:
        code = self.seam2.access_codes.create(device_id=self.ws2_lock, name=self.name())
        self.ws2_codes.append(code.access_code_id)

    @rule(code=codes, device=devices)
    def other_workspace_reaches_in(self, code: str, device: str) -> None:
        ws1_events = len(self.fake.cloud.store.events_by_workspace["seed_workspace_1"])
        before = self.snapshot(code)
        s2 = self.seam2
        for call in (
            lambda: s2.access_codes.get(access_code_id=code),
            lambda: s2.access_codes.update(access_code_id=code, name="stolen"),
            lambda: s2.access_codes.pull_backup_access_code(access_code_id=code),
            lambda: s2.access_codes.delete(access_code_id=code),
        ):
            self.attempt(call, "access_code_not_found")
        for call in (
            lambda: s2.devices.get(device_id=device),
            lambda: s2.access_codes.list(device_id=device),
            lambda: s2.locks.simulate.keypad_code_entry(device_id=device, code="2580"),
            lambda: s2.access_codes.create(device_id=device, name="intruder"),
            lambda: s2.devices.update(device_id=device, is_managed=False),
        ):
            self.attempt(call, "device_not_found")
        assert {c.access_code_id for c in s2.access_codes.list(device_id=self.ws2_lock)} <= set(
            self.ws2_codes
        )
        assert {d.device_id for d in s2.devices.list()} == {self.ws2_lock}
        for event in s2.events.list(since=NOW):
            assert event.workspace_id == "seed_workspace_2"
        for other in self.ws2_codes:
            self.attempt(
                lambda other=other: self.seam.access_codes.get(access_code_id=other), "access_code_not_found"
            )
        assert self.ws2_lock not in {d.device_id for d in self.seam.devices.list()}
        # None of it touched workspace 1.
        assert len(self.fake.cloud.store.events_by_workspace["seed_workspace_1"]) == ws1_events
        assert self.snapshot(code) == before

    def snapshot(self, code: str) -> Any:
        rec = self.record(code)
        return (
            None
            if rec is None
            else (rec.name, rec.status, rec.deleted, rec.ends_at, rec.pulled_backup_access_code_id)
        )

    @rule()
    def read_events(self) -> None:
        """The event log as the SDK lists it: this workspace only, in time order."""
        events = self.seam.events.list(since=NOW)
        times = [e.occurred_at for e in events]
        assert times == sorted(times) and all(t <= iso_at(self.now()) for t in times)
        assert all(e.workspace_id == "seed_workspace_1" for e in events)
        assert all(getattr(e, "device_id", None) != self.ws2_lock for e in events)

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def all_invariants(self) -> None:
        # One invariant that runs every check, so a shrunk program prints one line per step.
        self.no_request_got_a_5xx()
        self.slots_fit_and_pins_are_distinct()
        self.every_slot_is_accounted_for()
        self.keypad_opens_exactly_for_pins_in_slots()
        self.pulled_backups_stay_with_their_original()
        self.what_the_sdk_shows_agrees_with_the_pool()
        self.events_once_per_transition_in_time_order()
        self.workspaces_keep_to_themselves()

    def no_request_got_a_5xx(self) -> None:
        assert not self.server_errors, f"server errors: {self.server_errors}"

    def slots_fit_and_pins_are_distinct(self) -> None:
        for device in self.fake.cloud.store.locks_by_id.values():
            lock = device.lock
            assert lock is not None
            occupied = lock.occupied()
            capacity = self.capacity.get(device.device_id, lock.capacity)
            assert len(occupied) <= capacity, f"{device.device_id} holds {len(occupied)} codes > {capacity}"
            pins = [s.code for s in occupied]
            assert len(pins) == len(set(pins)), f"{device.device_id} holds one PIN twice: {pins}"
            for slot in occupied:
                assert lock.slots[slot.slot] is slot and lock.slot_of(slot.key) is slot

    def every_slot_is_accounted_for(self) -> None:
        cloud = self.fake.cloud
        for device in cloud.store.locks_by_id.values():
            lock = device.lock
            assert lock is not None
            for slot in lock.occupied():
                where = f"{device.device_id} slot {slot.slot} ({slot.origin}, {slot.key})"
                if slot.origin == SlotOrigin.KEYPAD:
                    made = cloud.store.unmanaged.get(slot.key)
                    assert made is not None and made.device_id == device.device_id, f"{where}: no keypad code"
                    assert made.code == slot.code, f"{where}: keypad code {made.code} vs slot {slot.code}"
                    continue
                rec = cloud.store.access_codes.get(slot.key)
                assert rec is not None, f"{where}: held by no access code"
                assert rec.device_id == device.device_id, f"{where}: code of {rec.device_id}"
                assert rec.is_backup == (slot.origin == SlotOrigin.BACKUP), where
                if rec.deleted or rec.status == "removing":
                    # Deleted or ended: its erase must be on its way to the lock.
                    assert rec.status == "removing" and lock.in_flight(slot.key), (
                        f"{where}: code is {rec.status} (deleted={rec.deleted}) yet nothing erases it"
                    )
            for rec in cloud.store.codes_by_device.get(device.device_id, {}).values():
                if rec.status == "set" and not rec.deleted:
                    holders = [s for s in lock.occupied() if s.code == rec.code]
                    assert len(holders) == 1 and holders[0].key == rec.access_code_id, (
                        f"set code {rec.access_code_id} ({rec.code}) on {device.device_id}: slots {holders}"
                    )

    def keypad_opens_exactly_for_pins_in_slots(self) -> None:
        cloud = self.fake.cloud
        now = self.now()
        seen_on: dict[str, list[str]] = {}  # device -> every code id the client saw on it
        for code_id, device_id in self.code_device.items():
            seen_on.setdefault(device_id, []).append(code_id)
        for device in cloud.store.locks_by_id.values():
            lock = device.lock
            assert lock is not None
            occupied = lock.occupied()
            pins = {s.code for s in occupied}
            for code_id in seen_on.get(device.device_id, ()):
                rec = cloud.store.access_codes.get(code_id)
                if rec is not None:
                    pins.add(rec.code)
            pins.update(KEYPAD_PINS)
            active_pins = {s.code for s in occupied if s.active_at(now)}
            for pin in pins:
                active = pin in active_pins
                assert (lock.slot_that_opens(pin) is not None) == active, f"PIN {pin} on {device.device_id}"
            for rec in cloud.store.codes_by_device.get(device.device_id, {}).values():
                if rec.deleted:
                    continue
                if rec.status == "set":
                    assert lock.slot_that_opens(rec.code) is not None, (
                        f"set code {rec.access_code_id} does not open"
                    )
                slot = lock.slot_of(rec.access_code_id)
                if rec.type == "time_bound" and rec.starts_at is not None and now < rec.starts_at:
                    # Not before its start, unless its start just moved later and the write
                    # telling the lock (an erase, or a new native window) is still on its way,
                    # or failed (the code shows the error; the lock keeps the old window).
                    telling = lock.in_flight(rec.access_code_id) or bool(rec.errors)
                    assert slot is None or not slot.active_at(now) or telling, (
                        f"{rec.access_code_id} opens before it starts"
                    )
                if rec.ends_at is not None and now >= rec.ends_at:
                    assert rec.status == "removing", f"{rec.access_code_id} ended but is {rec.status}"
        for code_id, device_id in self.code_device.items():
            if code_id not in cloud.store.access_codes and device_id in cloud.store.devices:
                assert self.lock(device_id).slot_of(code_id) is None, f"gone code {code_id} still in a slot"

    def pulled_backups_stay_with_their_original(self) -> None:
        cloud = self.fake.cloud
        pool_members = {m for d in cloud.store.locks_by_id.values() for m in d.pool.members}
        for backup_id, original_id in self.handed.items():
            assert backup_id not in pool_members, f"pulled backup {backup_id} went back to a pool"
            backup = cloud.store.access_codes.get(backup_id)
            if backup is None or backup.deleted:
                continue
            assert backup.is_backup and backup.pulled and backup.pulled_for == original_id
            original = cloud.store.access_codes.get(original_id)
            if original is None or original.deleted:
                assert backup.status == "removing", f"backup {backup_id} outlives its deleted original"
                continue
            assert original.pulled_backup_access_code_id == backup_id
            assert backup.ends_at == original.ends_at, "a pulled backup must end with its original"
        links = [
            c.pulled_backup_access_code_id
            for c in cloud.store.access_codes.values()
            if c.pulled_backup_access_code_id and not c.deleted
        ]
        assert len(links) == len(set(links)), "one backup linked to two originals"
        for rec in cloud.store.access_codes.values():
            if rec.pulled:
                assert rec.access_code_id in self.handed, f"{rec.access_code_id} pulled by nobody"

    def ready_backups(self, device_id: str) -> list[str]:
        """Backups waiting in the pool and already on the lock, judged from the slot table."""
        lock = self.lock(device_id)
        ready = []
        for rec in self.fake.cloud.store.codes_by_device.get(device_id, {}).values():
            if rec.is_backup and not rec.pulled and not rec.deleted and rec.status == "set":
                slot = lock.slot_of(rec.access_code_id)
                if slot is not None and slot.code == rec.code:
                    ready.append(rec.access_code_id)
        return ready

    def devices_in_play(self) -> list[str]:
        return [d for d in self.capacity if d != self.ws2_lock and d in self.fake.cloud.store.devices]

    def what_the_sdk_shows_agrees_with_the_pool(self) -> None:
        cloud = self.fake.cloud
        for device_id in self.devices_in_play():
            device = cloud.store.devices[device_id]
            managed = device_id not in self.unmanaged
            assert device.is_managed == managed
            if managed:
                shown = self.transport.read(self.seam.devices.get, device_id=device_id)
            else:
                shown = self.transport.read(self.seam.devices.unmanaged.get, device_id=device_id)
            lock = self.lock(device_id)
            # The unmanaged device shape does not carry the pool flag; its pool is not live anyway.
            pool_on = bool(getattr(shown.properties, "backup_access_code_pool_enabled", False))
            ready = self.ready_backups(device_id)
            assert sorted(ready) == sorted(c.access_code_id for c in cloud.pools.ready_backups(device)), (
                device_id
            )
            assert bool(shown.properties.online) == lock.online
            self.check_device_conditions(device, shown, pool_on and managed, ready)
            if not managed:
                continue
            listed = self.transport.read(self.seam.access_codes.list, device_id=device_id)
            ends = {c.access_code_id: c.ends_at for c in listed}
            for code in listed:
                assert code.workspace_id == "seed_workspace_1"
                assert (code.type == "time_bound") == (code.ends_at is not None), (
                    f"{code.access_code_id} is {code.type} with ends_at={code.ends_at}"
                )
                rec = cloud.store.access_codes[code.access_code_id]
                if code.is_backup:
                    assert rec.pulled, "an unpulled pool backup is listed"
                    original = self.handed[code.access_code_id]
                    if original in ends:
                        assert code.ends_at == ends[original], "pulled backup ends apart from its original"
                    continue
                has_backup = any(self.visible(b) for b in self.backups_of.get(code.access_code_id, []))
                expected = code.type == "time_bound" and (has_backup or (pool_on and bool(ready)))
                assert code.is_backup_access_code_available == expected, (
                    f"{code.access_code_id}: is_backup_access_code_available="
                    f"{code.is_backup_access_code_available}, pool on={pool_on}, ready={len(ready)}, "
                    f"pulled={has_backup}"
                )

    def check_device_conditions(self, device: Any, shown: Any, live: bool, ready: list[str]) -> None:
        """Each device error and warning is there exactly while its cause holds."""
        lock = device.lock
        pool = device.pool
        codes = self.fake.cloud.store.codes_by_device.get(device.device_id, {}).values()
        waiting = [
            c for c in codes if c.is_backup and not c.pulled and not c.deleted and c.status != "removing"
        ]
        stuck = any(c.errors or lock.is_held(c.access_code_id) for c in waiting)
        pulled_active = [
            c for c in codes if c.is_backup and c.pulled and not c.deleted and c.status != "removing"
        ]
        expected_errors = set()
        expected_warnings = set()
        if not lock.online:
            expected_errors.add("device_offline")
        # A pool sized 0 is one the user turned down, not one that ran dry (fake-seam's choice).
        if live and pool.target_size > 0 and not ready:
            expected_errors.add("empty_backup_access_code_pool")
        if live and len(ready) < pool.target_size and (stuck or len(waiting) < pool.target_size):
            expected_warnings.add("partial_backup_access_code_pool")
        if len(pulled_active) >= max(pool.many_active_threshold, 1):
            expected_warnings.add("many_active_backup_codes")
        errors = {e.error_code for e in shown.errors}
        warnings = {w.warning_code for w in shown.warnings}
        assert errors == expected_errors, (
            f"{device.device_id} errors {sorted(errors)}, causes say {sorted(expected_errors)} "
            f"(online={lock.online}, pool live={live}, ready={len(ready)})"
        )
        assert warnings == expected_warnings, (
            f"{device.device_id} warnings {sorted(warnings)}, causes say {sorted(expected_warnings)} "
            f"(ready={len(ready)}/{pool.target_size}, waiting={len(waiting)}, stuck={stuck}, "
            f"pulled active={len(pulled_active)})"
        )

    def events_once_per_transition_in_time_order(self) -> None:
        cloud = self.fake.cloud
        now = self.now()
        for workspace_id, log in cloud.store.events_by_workspace.items():
            start = self.event_cursor.get(workspace_id, 0)
            previous = log[start - 1].occurred_at if start else float("-inf")
            for event in log[start:]:
                kind = event.event_type
                assert event.workspace_id == workspace_id
                assert previous <= event.occurred_at <= now, f"{kind} out of time order"
                assert event.occurred_at >= self.step_started, f"{kind} dated before this step"
                previous = event.occurred_at
                device_id = event.fields.get("device_id")
                if device_id in cloud.store.devices:
                    assert cloud.store.devices[device_id].workspace_id == workspace_id, (
                        f"{kind} in the wrong workspace"
                    )
                code_id = event.fields.get("access_code_id")
                if code_id and kind.startswith("access_code."):
                    self.count_code_event(code_id, kind)
                if kind in ("device.connected", "device.disconnected"):
                    was_online = self.online_announced.get(device_id, True)
                    assert was_online == (kind == "device.disconnected"), f"{kind} twice for {device_id}"
                    self.online_announced[device_id] = kind == "device.connected"
            self.event_cursor[workspace_id] = len(log)
        for device in cloud.store.locks_by_id.values():
            online = device.lock is not None and device.lock.online
            assert self.online_announced.get(device.device_id, True) == online, (
                f"{device.device_id} went {'online' if online else 'offline'} unannounced"
            )
        for code_id in self.created:
            counts = self.code_events.get(code_id, Counter())
            assert counts["access_code.created"] == 1, (
                f"{code_id} created {counts['access_code.created']} times"
            )
            rec = cloud.store.access_codes.get(code_id)
            if rec is None:
                assert counts["access_code.deleted"] == 1, f"{code_id} left without one access_code.deleted"
            elif rec.status == "set" and not rec.deleted:
                assert counts["access_code.set_on_device"] >= 1, f"{code_id} is set, never announced"
        self.step_started = now

    def count_code_event(self, code_id: str, kind: str) -> None:
        counts = self.code_events.setdefault(code_id, Counter())
        if counts["access_code.deleted"]:
            assert kind in AFTER_DELETED, f"{kind} for {code_id} after it was deleted"
        counts[kind] += 1
        for once in ("access_code.created", "access_code.deleted", "access_code.removed_from_device"):
            assert counts[once] <= 1, f"{once} emitted {counts[once]} times for {code_id}"
        leaves = sum(counts[k] for k in LEAVES_SET)
        assert counts["access_code.set_on_device"] <= 1 + leaves, f"set_on_device repeated for {code_id}"
        pulled = counts["access_code.backup_access_code_pulled"]
        assert pulled <= len(self.backups_of.get(code_id, [])), f"pull of {code_id} announced twice"

    def workspaces_keep_to_themselves(self) -> None:
        cloud = self.fake.cloud
        for rec in cloud.store.access_codes.values():
            device = cloud.store.devices.get(rec.device_id)
            assert device is not None and device.workspace_id == rec.workspace_id
        for made in cloud.store.unmanaged.values():
            assert cloud.store.devices[made.device_id].workspace_id == made.workspace_id


def iso_at(seconds: float) -> str:
    from fake_seam.clock import to_datetime

    return iso(to_datetime(seconds))  # type: ignore[return-value]


def error_parameters(error: SeamHttpApiError) -> set[str]:
    return {v.parameter_name for v in getattr(error, "validation_errors", None) or []}


# The benchmark (benchmarks/stateful_hook.py) measures this machine.
BENCHMARK_MACHINE = FakeSeamMachine

TestFakeSeamModel = FakeSeamMachine.TestCase
TestFakeSeamModel.settings = profile_settings()


def test_found_by_the_machine_a_keypad_edit_of_the_last_ready_backup_empties_the_pool() -> None:
    """A program the `long` profile found (shrunk), kept as a regression test: someone re-types
    the pool's only ready backup at the keypad; Seam re-writes it, so the pool has no ready
    backup until the write lands, and the device must say `empty_backup_access_code_pool`."""
    state = FakeSeamMachine()
    devices = state.seeded_locks().values
    state.configure_pool(device=devices[2], size=1, threshold=2)
    state.create_time_bound(device=devices[2], lasts=1, pool=True, starts_in=0)
    state.advance(seconds=10)
    state.all_invariants()
    state.edit_at_the_keypad(delete=False, device=devices[2], slot=1)
    state.all_invariants()
    assert "empty_backup_access_code_pool" in state.fake.device(devices[2]).errors


def test_found_by_the_machine_a_keypad_edit_does_not_put_back_a_code_before_its_start() -> None:
    """Another `long`-profile find: a started code's start moves later (Seam erases it), then
    someone edits it at the keypad. Seam must not write it back before its new start."""
    state = FakeSeamMachine()
    devices = state.seeded_locks().values
    code = state.first_stay(device="august_device_1", pool=False, threshold=2)
    state.update_code(change="start_later", code=code)
    state.edit_at_the_keypad(delete=False, device=devices[0], slot=0)
    state.let_writes_land()
    state.all_invariants()
    assert not state.fake.keypad_entry("august_device_1", state.record(code).code)
    state.advance(seconds=3600)  # past its new start: written, and it opens
    state.all_invariants()
    assert state.fake.keypad_entry("august_device_1", state.record(code).code)
