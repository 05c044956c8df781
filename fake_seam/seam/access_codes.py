"""Access codes on Seam's side: create, update, delete, and the lifecycle that the clock and
the lock drive (unset -> setting -> set -> removing -> gone)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fake_seam import messages as msgs
from fake_seam.clock import Timeline, ts
from fake_seam.seam.errors import SeamError, invalid_input
from fake_seam.seam.events import EventLog, issue_fields
from fake_seam.seam.hooks import CodeLifecycle
from fake_seam.seam.records import NO_ISSUES, AccessCode, Device
from fake_seam.seam.store import Caller, Settings, Store
from fake_seam.simulator import PinRejected, SimulatedLock, SlotOrigin
from fake_seam.simulator.code_rules import PinsInUse

# The `code_constraints` that look at a code's name rather than its PIN.
NAME_RULES = frozenset({"name_length", "name_must_be_unique"})


def claims_pin(code: AccessCode, besides: str | None) -> bool:
    """Whether a code holds its PIN on the device: not deleted, not being erased (a write
    queued after the erase lands after it), and not the one code being updated."""
    return not code.deleted and code.status != "removing" and code.access_code_id != besides


def waits_for_space(code: AccessCode) -> bool:
    """A code whose write found the lock full and that will try again."""
    return not code.deleted and code.has_job("retry") and "no_space_for_access_code_on_device" in code.errors


class TakenPins:
    """The PINs in use on a device, answered from the indexes one PIN at a time; the whole
    set is gathered only when a lock rule compares against every code."""

    def __init__(self, rules: AccessCodes, device: Device, besides: str | None) -> None:
        self.rules, self.device, self.besides = rules, device, besides

    def __contains__(self, pin: object) -> bool:
        return isinstance(pin, str) and self.rules.pin_taken(self.device, pin, besides=self.besides)

    def __iter__(self) -> Iterator[str]:
        return iter(self.rules.taken_codes(self.device, besides=self.besides))


class AccessCodes:
    """Managed access codes: create, update, delete, and the life the clock and the lock
    drive. What follows a code's life (the backup pools) subscribes through `hooks`."""

    def __init__(self, store: Store, events: EventLog, timeline: Timeline, settings: Settings) -> None:
        self.store = store
        self.events = events
        self.timeline = timeline
        self.settings = settings
        self.hooks: list[CodeLifecycle] = []
        # `reconcile` and `delay_noticed`, bound once: jobs on every code hold them, and a
        # bound method is 64 bytes and one more object for the collector to pass over.
        self._reconcile: Callable[[AccessCode], None] = self.reconcile
        self._delay_noticed: Callable[[AccessCode], None] = self.delay_noticed
        # The timeline's time, read several times per request: bound here, not through the store.
        self.now: Callable[[], float] = timeline.timestamp
        # Per device, the codes whose last write found no free slot (a superset of those still
        # waiting: entries are checked, and dropped, when a slot comes free). Most devices have
        # none, so a freed slot costs nothing instead of a look at every code on the device.
        self.no_space: dict[str, dict[str, AccessCode]] = {}

    # -- lookups ----------------------------------------------------------------------

    def lock_of(self, code: AccessCode) -> SimulatedLock:
        lock = self.store.devices[code.device_id].lock
        assert lock is not None
        return lock

    def taken_codes(self, device: Device, *, besides: str | None = None) -> set[str]:
        """PINs in use on a device: in a slot, being written, or waiting for their start.

        A slot being erased (its code deleted or ended) does not count: a write queued after
        the erase lands after it, so deleting a code and re-using its PIN at once just works.
        `besides` leaves one code's own PIN out (it may keep it on update).
        """
        codes = self.store.codes_by_device.get(device.device_id, {})
        taken = {code.code for code in codes.values() if claims_pin(code, besides)}
        if device.lock is not None:
            taken.update(
                slot.code
                for slot in device.lock.occupied()
                if (owner := codes.get(slot.key)) is None or claims_pin(owner, besides)
            )
        return taken

    def pin_taken(self, device: Device, pin: str, *, besides: str | None = None) -> bool:
        """`pin in taken_codes(device, besides=...)`, from the indexes: no scan of the device."""
        if any(claims_pin(code, besides) for code in self.store.codes_with_pin(device.device_id, pin)):
            return True
        if device.lock is None:
            return False
        codes = self.store.codes_by_device.get(device.device_id, {})
        return any(
            (owner := codes.get(slot.key)) is None or claims_pin(owner, besides)
            for slot in device.lock.slots_with_code(pin)
        )

    def visible_codes(self, device: Device) -> list[AccessCode]:
        """What `access_codes/list` shows: managed codes, and backups once pulled."""
        # `not c.is_hidden_backup`, spelled out: this runs for every code of every list.
        return [
            c
            for c in self.store.codes_by_device.get(device.device_id, {}).values()
            if not c.deleted and (c.pulled or not c.is_backup)
        ]

    # -- create -----------------------------------------------------------------------

    def check_window(self, starts_at: float | None, ends_at: float | None) -> None:
        if starts_at is not None and ends_at is None:
            raise invalid_input("ends_at", msgs.ENDS_AT_NEEDS_STARTS_AT)
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            raise invalid_input("ends_at", msgs.ENDS_AT_BEFORE_STARTS_AT)
        if ends_at is not None and ends_at <= self.now():
            raise invalid_input("ends_at", msgs.ENDS_AT_IN_THE_PAST)

    def check_code(self, device: Device, pin: str, *, besides: str | None = None) -> None:
        lock = device.lock
        assert lock is not None
        if not lock.rules.allows_custom_pin:
            raise invalid_input("code", msgs.CANNOT_SPECIFY_PIN)
        taken = TakenPins(self, device, besides)
        try:
            lock.rules.check_pin(pin, taken)
        except PinRejected as rejected:
            raise invalid_input("code", str(rejected).capitalize()) from None
        if pin in taken:
            raise SeamError(
                "duplicate_access_code",
                msgs.DUPLICATE_ACCESS_CODE,
                409,
                data={"device_id": device.device_id},
            )

    def check_name(self, device: Device, name: str | None, *, besides: str | None = None) -> None:
        lock = device.lock
        assert lock is not None
        if not any(c["constraint_type"] in NAME_RULES for c in lock.rules.code_constraints):
            return  # most locks put no rule on names: skip gathering them
        names = {
            c.name
            for c in self.store.codes_by_device.get(device.device_id, {}).values()
            if c.access_code_id != besides and c.name and not c.deleted
        }
        try:
            lock.rules.check_name(name, names)
        except PinRejected as rejected:
            raise invalid_input("name", str(rejected).capitalize()) from None

    def generate_pin(self, device: Device, length: int | None = None) -> str:
        assert device.lock is not None
        lengths = device.lock.rules.supported_code_lengths
        if length is not None and (length != int(length) or int(length) not in lengths):
            # Seam: "If the device does not support the preferred code length, Seam reverts to
            # using the shortest supported code length."
            length = min(lengths)
        rules = device.lock.rules
        # Asked one PIN at a time from the indexes, unless a rule compares against every code:
        # gathering the whole set made each create cost what the device holds.
        taken: PinsInUse = (
            self.taken_codes(device)
            if "unique_first_four_digits" in rules.kinds()
            else TakenPins(self, device, None)
        )
        try:
            return rules.generate(self.store.pin_rng, taken, int(length) if length else None)
        except PinRejected as rejected:
            raise SeamError("no_code_available", str(rejected).capitalize(), 400) from None

    def access_code_device(self, caller: Caller, device_id: str | None) -> Device:
        device = self.store.device(caller, device_id)
        if device.lock is None:
            raise invalid_input("device_id", msgs.no_access_codes_on(device_id))
        return device

    def create(
        self,
        caller: Caller,
        *,
        device_id: str,
        name: str | None = None,
        code: str | None = None,
        starts_at: float | None = None,
        ends_at: float | None = None,
        use_backup_access_code_pool: bool | None = None,
        common_code_key: str | None = None,
        is_external_modification_allowed: bool = False,
        is_one_time_use: bool = False,
        is_offline_access_code: bool = False,
        preferred_code_length: int | None = None,
        dry_run: bool = False,
    ) -> AccessCode | None:
        """A new code on a device. With `dry_run`, only the checks: raise or return None, so a
        request creating several codes can refuse them all before storing any."""
        device = self.access_code_device(caller, device_id)
        self.check_window(starts_at, ends_at)
        time_bound = ends_at is not None
        if use_backup_access_code_pool:
            device.check_pool_allowed(time_bound)
        self.check_name(device, name)
        if code is None and common_code_key:
            code = next(
                (
                    c.code
                    for c in self.store.access_codes.values()
                    if c.common_code_key == common_code_key
                    and c.workspace_id == caller.workspace_id
                    and not c.deleted
                ),
                None,
            )
        if code is not None:
            self.check_code(device, code)
        elif dry_run:
            return None
        else:
            code = self.generate_pin(device, preferred_code_length)
        if dry_run:
            return None
        if time_bound and starts_at is None:
            starts_at = self.now()
        record = AccessCode(
            access_code_id=self.store.ids.uuid(),
            workspace_id=caller.workspace_id,
            device_id=device.device_id,
            name=name,
            code=code,
            type="time_bound" if time_bound else "ongoing",
            created_at=self.now(),
            starts_at=starts_at,
            ends_at=ends_at,
            common_code_key=common_code_key,
            is_external_modification_allowed=is_external_modification_allowed,
            is_one_time_use=is_one_time_use,
            is_offline_access_code=is_offline_access_code,
        )
        self.store.add_code(record)
        self.emit_code_event(record, "access_code.created")
        # The guest's code is queued before the pool's backups, so on a nearly full lock the
        # backups, not the guest, are the ones left without a slot.
        self.reconcile(record)
        if use_backup_access_code_pool:
            for hooks in self.hooks:
                hooks.pool_requested(device)
        return record

    # -- update -----------------------------------------------------------------------

    def update(
        self, caller: Caller, access_code_id: str, *, dry_run: bool = False, **changes: Any
    ) -> AccessCode:
        """Change a code; every check runs before anything changes. With `dry_run`, only the
        checks (so `update_multiple` can refuse the whole group before touching any code)."""
        record = self.store.code(caller, access_code_id)
        device = self.store.devices[record.device_id]
        if "device_id" in changes and changes["device_id"] not in (None, record.device_id):
            raise invalid_input("device_id", msgs.CODE_CANNOT_MOVE)
        new_type = changes.get("type")
        starts_at = changes.get("starts_at", record.starts_at)
        ends_at = changes.get("ends_at", record.ends_at)
        if new_type == "ongoing":
            starts_at = ends_at = None
        elif new_type == "time_bound" and ends_at is None:
            raise invalid_input("ends_at", msgs.ENDS_AT_REQUIRED_FOR_TIME_BOUND)
        if "starts_at" in changes or "ends_at" in changes or new_type:
            if starts_at is not None or ends_at is not None:
                if starts_at is None:
                    starts_at = self.now()
                self.check_window(
                    None if record.status == "set" and "starts_at" not in changes else starts_at,
                    ends_at,
                )
                if ends_at is not None and starts_at is not None and ends_at <= starts_at:
                    raise invalid_input("ends_at", msgs.ENDS_AT_BEFORE_STARTS_AT)
        if changes.get("use_backup_access_code_pool"):
            device.check_pool_allowed(ends_at is not None)
        if "name" in changes:
            self.check_name(device, changes["name"], besides=record.access_code_id)
        pin = changes.get("code")
        if pin is not None and pin != record.code:
            self.check_code(device, pin, besides=record.access_code_id)
        if dry_run:
            return record
        # Everything checked: now change the record.
        changed = []
        # Seam's event lists each change as {property, from, to} (strings or null).
        changed_properties: list[dict[str, Any]] = []
        if "name" in changes and changes["name"] != record.name:
            changed_properties.append({"property": "name", "from": record.name, "to": changes["name"]})
            record.name = changes["name"]
            changed.append("name")
        if pin is not None and pin != record.code:
            changed_properties.append({"property": "code", "from": record.code, "to": pin})
            record.code = pin
            self.store.index_pin(record)
            changed.append("code")
        if (starts_at, ends_at) != (record.starts_at, record.ends_at):
            for prop, old, new in (
                ("starts_at", record.starts_at, starts_at),
                ("ends_at", record.ends_at, ends_at),
            ):
                if old != new:
                    changed_properties.append({"property": prop, "from": ts(old), "to": ts(new)})
            record.starts_at, record.ends_at = starts_at, ends_at
            record.type = "time_bound" if ends_at is not None else "ongoing"
            changed.append("time_frame")
        for flag in ("is_external_modification_allowed", "is_one_time_use", "is_offline_access_code"):
            if changes.get(flag) is not None:
                setattr(record, flag, changes[flag])
        if changes.get("use_backup_access_code_pool"):
            for hooks in self.hooks:
                hooks.pool_requested(device)
        if changed:
            self.emit_code_event(record, "access_code.changed", changed_properties=changed_properties)
            if "time_frame" in changed:
                for hooks in self.hooks:
                    hooks.time_frame_changed(record)
            self.reconcile(record)
        return record

    # -- delete -----------------------------------------------------------------------

    def delete(self, caller: Caller, access_code_id: str) -> AccessCode:
        record = self.store.code(caller, access_code_id)
        record.deleted = True
        self.emit_code_event(record, "access_code.deleted", code=record.code)
        backup = self.store.pulled_backup_of(record)
        if backup is not None:
            self.remove(backup)
        self.remove(record)
        return record

    # -- lifecycle --------------------------------------------------------------------

    def write_window_opens(self, record: AccessCode, lock: SimulatedLock) -> float | None:
        """When the code must start being written (None: now, for ongoing codes)."""
        if record.type != "time_bound" or record.starts_at is None:
            return None
        if lock.native_scheduling and not record.is_backup:
            return record.starts_at - self.settings.native_preload_seconds
        return record.starts_at

    def reconcile(self, record: AccessCode) -> None:
        """Bring the lock in line with what the code should be now, and book the next change."""
        if record.deleted or record.status == "removing":
            return
        lock = self.lock_of(record)
        now = self.now()
        record.cancel_jobs("start", "end", "activate")
        if record.ends_at is not None and now >= record.ends_at:
            self.remove(record)
            return
        if record.ends_at is not None:
            record.end_job = self.timeline.at(record.ends_at, self._reconcile, arg=record)
        opens = self.write_window_opens(record, lock)
        key = record.access_code_id
        if opens is not None and now < opens:
            record.start_job = self.timeline.at(opens, self._reconcile, arg=record)
            if lock.slot_of(key) is not None or lock.in_flight(key):
                lock.erase(key)
            # Nothing is being written now: no failure to retry, no delay to warn about.
            record.cancel_jobs("retry", "delay")
            record.errors = NO_ISSUES
            record.drop_warning("delay_in_setting_on_device")
            record.status = "unset"
            record.is_scheduled_on_device = False
            return
        native_wait = (
            lock.native_scheduling
            and not record.is_backup
            and record.starts_at is not None
            and now < record.starts_at
        )
        if native_wait and record.starts_at is not None:
            record.activate_job = self.timeline.at(record.starts_at, self.activate, arg=record)
        slot = lock.slot_of(key)
        window = self.window_of(record, lock)
        pending = lock.pending.get(key)
        if pending is not None:
            if not pending.erase and (pending.code, pending.name, pending.window) == (
                record.code,
                record.name,
                window,
            ):
                return  # already being written
            # A different write, or an erase (the code was due later and is due now again):
            # the new write replaces it on the lock's queue.
        elif slot is not None and (slot.code, slot.name, (slot.starts_at, slot.ends_at)) == (
            record.code,
            record.name,
            window,
        ):
            if record.status not in ("set",) and not native_wait:
                self.mark_set(record)
            return
        elif record.has_job("retry"):
            return  # a failed write will be tried again on schedule
        self.write(record)

    def rewound(self, now: float) -> None:
        """The clock was moved back: what has happened stays (events, codes that ended), but
        each time-bound code is judged again at the new time, so one whose `starts_at` is
        ahead again leaves its lock (an erase, landing after the programming delay) and waits
        for its start, and one whose end is ahead again gets its end booked again."""
        for record in list(self.store.access_codes.values()):
            if record.type == "time_bound" and not record.deleted:
                self.reconcile(record)

    def window_of(self, record: AccessCode, lock: SimulatedLock) -> tuple[float | None, float | None]:
        if lock.native_scheduling and not record.is_backup and record.type == "time_bound":
            return (record.starts_at, record.ends_at)
        return (None, None)

    def write(self, record: AccessCode) -> None:
        lock = self.lock_of(record)
        record.cancel_jobs("retry")
        origin = SlotOrigin.BACKUP if record.is_backup else SlotOrigin.MANAGED
        lock.program(
            record.access_code_id,
            record.code,
            record.name_on_lock,
            origin,
            self.window_of(record, lock),
        )
        native_early = (
            lock.native_scheduling and record.starts_at is not None and self.now() < record.starts_at
        )
        record.status = "unset" if native_early else "setting"
        if not record.has_job("delay"):
            record.delay_job = self.timeline.after(
                self.settings.delay_warning_seconds, self._delay_noticed, arg=record
            )

    def delay_noticed(self, record: AccessCode) -> None:
        record.forget_job("delay")
        if record.deleted and record.status != "removing":
            return
        warning = (
            "delay_in_removing_from_device" if record.status == "removing" else "delay_in_setting_on_device"
        )
        if warning not in record.warnings:
            record.warnings = {**record.warnings, warning: (self.now(), msgs.WARNING_MESSAGES[warning])}
            self.emit_code_event(record, f"access_code.{warning}", with_state=True)

    def mark_set(self, record: AccessCode) -> None:
        record.status = "set"
        record.errors = NO_ISSUES
        record.drop_warning("delay_in_setting_on_device")
        self.emit_code_event(record, "access_code.set_on_device", code=record.code)

    def activate(self, record: AccessCode) -> None:
        """A natively scheduled code reaches its start: the lock now honours it."""
        record.forget_job("activate")
        lock = self.lock_of(record)
        if lock.slot_of(record.access_code_id) is not None and not lock.in_flight(record.access_code_id):
            self.mark_set(record)

    def remove(self, record: AccessCode) -> None:
        """Take a code off its lock (at its end, or when deleted); gone once the erase lands."""
        if record.status == "removing":
            return
        lock = self.lock_of(record)
        record.cancel_jobs()
        record.status = "removing"
        record.drop_warning("delay_in_setting_on_device")
        for hooks in self.hooks:
            hooks.leaving(record)
        backup = self.store.pulled_backup_of(record)
        if backup is not None and not backup.deleted:
            self.remove(backup)
        key = record.access_code_id
        if lock.slot_of(key) is not None:
            lock.erase(key)
            record.delay_job = self.timeline.after(
                self.settings.delay_warning_seconds, self._delay_noticed, arg=record
            )
        else:
            lock.cancel(key)
            self.gone(record, had_slot=False)

    def gone(self, record: AccessCode, *, had_slot: bool) -> None:
        if had_slot:
            self.emit_code_event(record, "access_code.removed_from_device")
        if not record.deleted:
            record.deleted = True
            self.emit_code_event(record, "access_code.deleted", code=record.code)
        self.store.drop_code(record)
        waiting = self.no_space.get(record.device_id)
        if waiting is not None:
            waiting.pop(record.access_code_id, None)
        for hooks in self.hooks:
            hooks.gone(record)

    # -- what the lock reports --------------------------------------------------------

    def code_landed(self, record: AccessCode) -> None:
        record.cancel_jobs("delay", "retry")
        record.errors = NO_ISSUES
        record.drop_warning("delay_in_setting_on_device")
        lock = self.lock_of(record)
        if (
            lock.native_scheduling
            and record.starts_at is not None
            and self.now() < record.starts_at
            and not record.is_backup
        ):
            record.status = "unset"
            if not record.is_scheduled_on_device:
                record.is_scheduled_on_device = True
                self.emit_code_event(record, "access_code.scheduled_on_device", code=record.code)
            return
        record.is_scheduled_on_device = (
            lock.native_scheduling and record.type == "time_bound" and not record.is_backup
        )
        self.mark_set(record)
        for hooks in self.hooks:
            hooks.landed(record)

    def code_failed(self, record: AccessCode, error_code: str) -> None:
        record.cancel_jobs("delay")
        message = msgs.ERROR_MESSAGES.get(error_code, msgs.failed_to_set(error_code))
        record.errors = {error_code: (self.now(), message)}
        if error_code == "no_space_for_access_code_on_device":
            self.no_space.setdefault(record.device_id, {})[record.access_code_id] = record
        # The status stays what the write made it: `setting`, or `unset` for a natively
        # scheduled code whose preload failed before its start.
        self.emit_code_event(record, "access_code.failed_to_set_on_device", with_state=True)
        record.retry_job = self.timeline.after(self.settings.retry_seconds, self.retry, arg=record)
        for hooks in self.hooks:
            hooks.failed(record)

    def retry(self, record: AccessCode) -> None:
        record.forget_job("retry")
        if record.deleted or record.status == "removing":
            return
        self.reconcile(record)

    # -- events -----------------------------------------------------------------------

    def emit_code_event(
        self, record: AccessCode, event_type: str, *, with_state: bool = False, **extra: Any
    ) -> None:
        if record.is_hidden_backup:
            # Pool codes are hidden from clients until pulled: no events name them either
            # (a webhook about one would send a client pulling a backup for a backup).
            return
        device = self.store.devices.get(record.device_id)
        fields: dict[str, Any] = {
            "access_code_id": record.access_code_id,
            "device_id": record.device_id,
            "connected_account_id": device.connected_account_id if device else None,
        }
        if with_state and device is not None:
            fields.update(issue_fields(device, record))
        if extra:
            fields.update(extra)
        self.events.emit_fields(record.workspace_id, event_type, fields)

    def slot_freed(self, device: Device) -> None:
        """A slot came free: codes that found none try again now rather than at their retry.

        Guests' codes go first, so a refilling pool never takes the slot a guest is waiting for.
        """
        lock = device.lock
        if lock is None:
            return
        candidates = self.no_space.get(device.device_id)
        if not candidates:
            return
        for key, code in list(candidates.items()):
            if not waits_for_space(code):
                del candidates[key]
        if not candidates:
            del self.no_space[device.device_id]
            return
        # In the device's own order (the index holds them in the order they failed).
        waiting = [
            c for c in self.store.codes_by_device.get(device.device_id, {}).values() if waits_for_space(c)
        ]
        # Only as many as there are slots nobody is already being written into.
        claimed = sum(1 for key, w in lock.pending.items() if not w.erase and lock.slot_of(key) is None)
        room = lock.free_slot_count() - claimed
        for code in sorted(waiting, key=lambda c: c.is_backup)[: max(room, 0)]:
            code.cancel_jobs("retry")
            self.reconcile(code)
