"""One fake's Seam data, indexed for the lookups the routes make. Data and lookups only: the
rules that change it live in the services (access codes, backup pools, devices, ...)."""

from __future__ import annotations

import bisect
import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import overload

from fake_seam import messages as msgs
from fake_seam.clock import Timeline
from fake_seam.seam.errors import SeamError, access_code_not_found, device_not_found, not_found
from fake_seam.seam.ids import IdFactory
from fake_seam.seam.records import (
    AccessCode,
    ActionAttempt,
    ClientSession,
    ConnectedAccount,
    ConnectWebview,
    Delivery,
    Device,
    Event,
    UnmanagedAccessCode,
    UserIdentity,
    Webhook,
    Workspace,
)

# How many deliveries `deliveries` keeps for inspection (the oldest go first).
DELIVERY_HISTORY = 10_000
# A device no code was given a PIN on (read only).
NO_PINS: dict[str, list[AccessCode]] = {}


@dataclass
class Settings:
    """Timings of Seam's cloud, in simulated seconds (hardware timings live on each lock)."""

    retry_seconds: float = 300.0  # a failed write is tried again this long after
    delay_warning_seconds: float = 300.0  # a write still not landed gets `delay_in_setting_on_device`
    native_preload_seconds: float = 72 * 3600.0  # natively scheduled codes are written this early
    default_pool_size: int = 3  # backups a device's pool holds ready, until set per device
    default_many_active_threshold: int = 2  # active pulled backups that raise `many_active_backup_codes`
    # How long events and finished action attempts are kept, per workspace: by simulated age
    # and by count (None: no limit). Seam's docs state no retention period for either
    # (https://docs.seam.co/latest/api/events/list says nothing of one, nor does the webhooks
    # guide), so the defaults are the fake's own: no age limit, since a test that freezes
    # time years back and then reads its events at wall time would lose them all, and a
    # count cap that bounds memory whatever the clock does.
    retention_seconds: float | None = None  # events and finished action attempts older than this are dropped
    retention_count: int | None = 10_000  # at most this many of each are kept per workspace, oldest dropped


class EventHistory:
    """One workspace's events in time order: appended at the end, dropped from the front.

    A list with a moving head, so dropping the oldest event is O(1) (amortized: the list is
    compacted once the dropped part outgrows the live part)."""

    __slots__ = ("_items", "_head")

    def __init__(self) -> None:
        self._items: list[Event | None] = []
        self._head = 0

    def __len__(self) -> int:
        return len(self._items) - self._head

    def __bool__(self) -> bool:
        return len(self._items) > self._head

    def __iter__(self) -> Iterator[Event]:
        return self.since_index(self._head)

    def __reversed__(self) -> Iterator[Event]:
        items = self._items
        for index in range(len(items) - 1, self._head - 1, -1):
            event = items[index]
            assert event is not None
            yield event

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):  # a copy, as a list's slice is
            return list(self)[index]
        live = len(self)
        if not -live <= index < live:
            raise IndexError(index)
        event = self._items[index if index < 0 else self._head + index]
        assert event is not None
        return event

    def append(self, event: Event) -> None:
        self._items.append(event)

    def drop_expired(self, cutoff: float, most: int | None) -> list[Event]:
        """Drop, from the front, each event from `cutoff` or before and each past the newest
        `most`; return them, oldest first. (One pass, no method call per look: every event
        emitted asks.)"""
        items, head = self._items, self._head
        # Past the newest `most` means before this index.
        keep_from = head if most is None else len(items) - most
        dropped: list[Event] = []
        while head < len(items):
            event = items[head]
            assert event is not None
            if head >= keep_from and event.occurred_at > cutoff:
                break
            dropped.append(event)
            items[head] = None  # freed now, not at the next compaction
            head += 1
        if dropped:
            self._head = head
            if head >= 64 and head * 2 >= len(items):
                del items[:head]
                self._head = 0
        return dropped

    def first_index(self, at_least: int, key: Callable[[Event], int]) -> int:
        """Where the first event with `key(event) >= at_least` is (for `since_index`)."""
        return bisect.bisect_left(
            self._items,
            at_least,
            lo=self._head,
            key=lambda e: key(e) if e is not None else at_least,
        )

    def since_index(self, index: int) -> Iterator[Event]:
        return (e for e in islice(self._items, max(index, self._head), None) if e is not None)


@dataclass
class Caller:
    """Who made a request: the workspace it acts in, and what it may see there."""

    workspace_id: str
    kind: str  # "api_key" | "personal_access_token" | "client_session_token" | "publishable_key"
    connected_account_ids: frozenset[str] | None = None  # client sessions see only these
    user_workspace_ids: frozenset[str] = frozenset()
    token: str = ""
    client_session_id: str | None = None  # a client session's: it sees what it was granted


@dataclass
class Credentials:
    api_keys: dict[str, str] = field(default_factory=dict)  # token -> workspace_id
    personal_access_tokens: dict[str, set[str]] = field(default_factory=dict)  # token -> ws ids
    publishable_keys: dict[str, str] = field(default_factory=dict)


class Store:
    """Everything one fake holds on Seam's side (what persistence saves), with typed lookups."""

    def __init__(self, timeline: Timeline, seed: int | str = 0, settings: Settings | None = None) -> None:
        self.timeline = timeline
        self.settings = settings or Settings()
        self.rng_seed = seed
        # Separate streams from the one seed, so e.g. a new id never shifts a fault draw.
        self.id_rng = random.Random(f"{seed}/ids")
        self.pin_rng = random.Random(f"{seed}/pins")
        self.fault_rng = random.Random(f"{seed}/faults")
        self.ids = IdFactory(self.id_rng)
        # Client sessions draw from their own stream: seeding them shifts no other id.
        self.session_ids = IdFactory(random.Random(f"{seed}/client_sessions"))
        self.credentials = Credentials()
        self.workspaces: dict[str, Workspace] = {}
        self.connected_accounts: dict[str, ConnectedAccount] = {}
        self.devices: dict[str, Device] = {}
        self.devices_by_workspace: dict[str, dict[str, Device]] = {}
        self.access_codes: dict[str, AccessCode] = {}
        self.codes_by_device: dict[str, dict[str, AccessCode]] = {}
        # device_id -> PIN -> codes that were given that PIN; entries whose code has since
        # changed PIN are checked away on lookup (see `codes_with_pin`).
        self.pins_by_device: dict[str, dict[str, list[AccessCode]]] = {}
        self.unmanaged: dict[str, UnmanagedAccessCode] = {}
        self.unmanaged_by_device: dict[str, dict[str, UnmanagedAccessCode]] = {}
        self.events: dict[str, Event] = {}
        self.events_by_workspace: dict[str, EventHistory] = {}
        self.action_attempts: dict[str, ActionAttempt] = {}
        self.attempts_by_workspace: dict[str, dict[str, ActionAttempt]] = {}
        # Finished attempts per workspace, oldest first: what retention drops. A pending
        # attempt waits outside it until it is polled (`release_attempt`).
        self.finished_attempts: dict[str, deque[ActionAttempt]] = {}
        self.locks_by_id: dict[str, Device] = {}
        self.client_sessions: dict[str, ClientSession] = {}
        self.client_sessions_by_workspace: dict[str, dict[str, ClientSession]] = {}
        # A client session's token is its credential: auth finds the session by it.
        self.client_sessions_by_token: dict[str, ClientSession] = {}
        self.connect_webviews: dict[str, ConnectWebview] = {}
        self.user_identities: dict[str, UserIdentity] = {}
        self.seed_aliases: dict[str, str] = {}
        self.event_seq = 0
        # Webhooks draw ids and secrets from their own stream: registering one shifts no other id.
        self.webhook_rng = random.Random(f"{seed}/webhooks")
        self.webhook_ids = IdFactory(self.webhook_rng)
        self.webhooks: dict[str, Webhook] = {}
        self.webhooks_by_workspace: dict[str, dict[str, Webhook]] = {}
        # Per webhook, the deliveries not yet taken or given up, in event order (only the first
        # is tried: a receiver gets a workspace's events in the order they happened).
        self.outbox: dict[str, deque[Delivery]] = {}
        # Every delivery made or on its way, newest last, for inspection; bounded like a log.
        self.deliveries: deque[Delivery] = deque(maxlen=DELIVERY_HISTORY)
        # The latest `occurred_at` of any event: events never go below it, so a clock moved
        # back cannot put a new event before one a client has already seen.
        self.latest_event_at = float("-inf")

    # A state file's snapshot leaves out the code indexes (about a third of the time to load
    # 100,000 codes) and builds them again from the codes, in the codes' order.
    _DERIVED = ("codes_by_device", "pins_by_device")

    def __getstate__(self) -> dict[str, object]:
        return {name: value for name, value in vars(self).items() if name not in self._DERIVED}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        by_device: dict[str, dict[str, AccessCode]] = {device_id: {} for device_id in self.devices}
        pins: dict[str, dict[str, list[AccessCode]]] = {}
        for code in self.access_codes.values():
            by_device.setdefault(code.device_id, {})[code.access_code_id] = code
            pins.setdefault(code.device_id, {}).setdefault(code.code, []).append(code)
        self.codes_by_device, self.pins_by_device = by_device, pins

    def clear(self) -> None:
        """Let go of everything held (a reset replaces this store): what refers to the old
        store, even a cycle the collector never visits, then holds nothing big."""
        for held in vars(self).values():
            if isinstance(held, dict | list | deque):
                held.clear()
        self.credentials = Credentials()

    # -- time -------------------------------------------------------------------------

    def now(self) -> float:
        return self.timeline.timestamp()

    # -- indexes ----------------------------------------------------------------------

    def add_workspace(self, workspace: Workspace) -> None:
        self.workspaces[workspace.workspace_id] = workspace
        self.devices_by_workspace.setdefault(workspace.workspace_id, {})
        self.events_by_workspace.setdefault(workspace.workspace_id, EventHistory())
        self.attempts_by_workspace.setdefault(workspace.workspace_id, {})
        self.finished_attempts.setdefault(workspace.workspace_id, deque())
        self.client_sessions_by_workspace.setdefault(workspace.workspace_id, {})

    def add_device(self, device: Device) -> None:
        self.devices[device.device_id] = device
        self.devices_by_workspace[device.workspace_id][device.device_id] = device
        self.codes_by_device.setdefault(device.device_id, {})
        self.unmanaged_by_device.setdefault(device.device_id, {})
        if device.lock is not None:
            self.locks_by_id[device.lock.lock_id] = device

    def drop_device(self, device: Device) -> None:
        self.devices.pop(device.device_id, None)
        self.devices_by_workspace.get(device.workspace_id, {}).pop(device.device_id, None)
        self.pins_by_device.pop(device.device_id, None)
        for code in list(self.codes_by_device.pop(device.device_id, {}).values()):
            code.cancel_jobs()
            self.access_codes.pop(code.access_code_id, None)
        for unmanaged in self.unmanaged_by_device.pop(device.device_id, {}).values():
            self.unmanaged.pop(unmanaged.access_code_id, None)
        if device.lock is not None:
            for key in list(device.lock.pending):
                device.lock.cancel(key)
            self.locks_by_id.pop(device.lock.lock_id, None)

    # -- history: events and action attempts, kept as `Settings.retention_*` say ----------

    def event_time(self) -> float:
        """The time a new event gets: the clock's, or the latest event's if the clock was
        moved back below it."""
        return max(self.now(), self.latest_event_at)

    def retention_cutoff(self) -> float:
        """Events and finished attempts from this time or before are gone (as old as the
        limit, or older)."""
        keep = self.settings.retention_seconds
        return float("-inf") if keep is None else self.event_time() - keep

    def add_event(self, event: Event) -> None:
        self.events[event.event_id] = event
        self.latest_event_at = max(self.latest_event_at, event.occurred_at)
        log = self.events_by_workspace.get(event.workspace_id)
        if log is None:
            log = self.events_by_workspace[event.workspace_id] = EventHistory()
        log.append(event)
        self.prune_events(event.workspace_id)

    def workspace_events(self, workspace_id: str) -> EventHistory:
        """A workspace's events as retention leaves them now (call before reading them)."""
        self.prune_events(workspace_id)
        return self.events_by_workspace.get(workspace_id) or EventHistory()

    def prune_events(self, workspace_id: str) -> None:
        """Drop the workspace's events past their age or count: each event is dropped once,
        from the front, so this costs O(1) per event over a run."""
        log = self.events_by_workspace.get(workspace_id)
        if not log:
            return
        events = self.events
        for event in log.drop_expired(self.retention_cutoff(), self.settings.retention_count):
            events.pop(event.event_id, None)

    def add_attempt(self, attempt: ActionAttempt) -> None:
        self.action_attempts[attempt.action_attempt_id] = attempt
        self.attempts_by_workspace.setdefault(attempt.workspace_id, {})[attempt.action_attempt_id] = attempt
        self.release_attempt(attempt)

    def release_attempt(self, attempt: ActionAttempt) -> None:
        """A finished attempt joins its workspace's history, which retention trims. A pending
        one is kept out of it (an SDK may be polling it) until it is polled or steered."""
        if attempt.status == "pending" or attempt.retained:
            return
        attempt.retained = True
        self.finished_attempts.setdefault(attempt.workspace_id, deque()).append(attempt)
        self.prune_attempts(attempt.workspace_id)

    def prune_attempts(self, workspace_id: str) -> None:
        finished = self.finished_attempts.get(workspace_id)
        if not finished:
            return
        cutoff = self.retention_cutoff()
        most = self.settings.retention_count
        by_id = self.attempts_by_workspace.get(workspace_id, {})
        while finished and (finished[0].created_at <= cutoff or (most is not None and len(finished) > most)):
            gone = finished.popleft().action_attempt_id
            self.action_attempts.pop(gone, None)
            by_id.pop(gone, None)

    def drop_history(self, workspace_id: str) -> None:
        """Forget a workspace's events and action attempts (a sandbox reset)."""
        for event in self.events_by_workspace.get(workspace_id, EventHistory()):
            self.events.pop(event.event_id, None)
        self.events_by_workspace[workspace_id] = EventHistory()
        for attempt_id in self.attempts_by_workspace.get(workspace_id, {}):
            self.action_attempts.pop(attempt_id, None)
        self.attempts_by_workspace[workspace_id] = {}
        self.finished_attempts[workspace_id] = deque()

    def add_client_session(self, session: ClientSession) -> None:
        self.client_sessions[session.client_session_id] = session
        self.client_sessions_by_workspace[session.workspace_id][session.client_session_id] = session
        self.client_sessions_by_token[session.token] = session

    def drop_client_session(self, session: ClientSession) -> None:
        self.client_sessions.pop(session.client_session_id, None)
        self.client_sessions_by_workspace.get(session.workspace_id, {}).pop(session.client_session_id, None)
        self.client_sessions_by_token.pop(session.token, None)

    def drop_client_sessions(self, workspace_id: str) -> None:
        for session in self.client_sessions_by_workspace.pop(workspace_id, {}).values():
            self.client_sessions.pop(session.client_session_id, None)
            self.client_sessions_by_token.pop(session.token, None)

    def add_webhook(self, webhook: Webhook) -> None:
        self.webhooks[webhook.webhook_id] = webhook
        self.webhooks_by_workspace.setdefault(webhook.workspace_id, {})[webhook.webhook_id] = webhook

    def drop_webhook(self, webhook: Webhook) -> None:
        self.webhooks.pop(webhook.webhook_id, None)
        self.outbox.pop(webhook.webhook_id, None)
        self.webhooks_by_workspace.get(webhook.workspace_id, {}).pop(webhook.webhook_id, None)

    def add_code(self, code: AccessCode) -> None:
        self.access_codes[code.access_code_id] = code
        self.codes_by_device[code.device_id][code.access_code_id] = code
        self.index_pin(code)

    def index_pin(self, code: AccessCode) -> None:
        """Call after a code gets a PIN (created, updated, edited at the keypad)."""
        holders = self.pins_by_device.setdefault(code.device_id, {}).setdefault(code.code, [])
        if not any(c is code for c in holders):
            holders.append(code)

    def codes_with_pin(self, device_id: str, pin: str) -> tuple[AccessCode, ...]:
        """The device's codes whose PIN is `pin` now: costs what the answer costs. (Asked at
        every create and update: the entries are rebuilt only when one is stale, and a PIN
        no code was given answers without building anything.)"""
        holders = self.pins_by_device.get(device_id, NO_PINS).get(pin)
        if not holders:
            return ()
        for code in holders:
            if code.code != pin:
                holders[:] = [c for c in holders if c.code == pin]
                break
        return tuple(holders)

    def drop_code(self, code: AccessCode) -> None:
        code.cancel_jobs()
        self.access_codes.pop(code.access_code_id, None)
        self.codes_by_device.get(code.device_id, {}).pop(code.access_code_id, None)
        pins = self.pins_by_device.get(code.device_id, {})
        holders = pins.get(code.code)
        if holders is not None:
            holders[:] = [c for c in holders if c is not code]
            if not holders:  # a PIN no code holds leaves the index (else it grows with every PIN used)
                del pins[code.code]

    def known_device(self, device_id: str) -> Device:
        """A device in any workspace (the controls' view: they act on the hardware); 404 when
        it is unknown or was removed."""
        device = self.devices.get(device_id)
        if device is None or device.removed:
            raise device_not_found(device_id)
        return device

    # -- scoped lookups: another workspace's objects do not exist -----------------------

    def device(self, caller: Caller, device_id: str | None, *, managed: bool | None = True) -> Device:
        device = self.devices.get(device_id or "")
        if device is None or device.workspace_id != caller.workspace_id or device.removed:
            raise device_not_found(device_id)
        if (
            caller.connected_account_ids is not None
            and device.connected_account_id not in caller.connected_account_ids
        ):
            raise device_not_found(device_id)
        if managed is not None and device.is_managed != managed:
            raise device_not_found(device_id)
        return device

    def lock_device(self, caller: Caller, device_id: str | None) -> Device:
        device = self.device(caller, device_id)
        if device.lock is None:
            raise SeamError(
                "device_not_lock" if device_id else "invalid_input",
                msgs.not_a_lock(device_id),
                400,
                data={"device_id": device_id},
            )
        return device

    def code(self, caller: Caller, access_code_id: str | None) -> AccessCode:
        code = self.access_codes.get(access_code_id or "")
        if code is None or code.deleted or code.workspace_id != caller.workspace_id:
            raise access_code_not_found(access_code_id)
        if code.is_hidden_backup:
            raise access_code_not_found(access_code_id)  # not the client's until pulled
        device = self.devices.get(code.device_id)
        if device is None or not device.is_managed:
            raise access_code_not_found(access_code_id)
        if (
            caller.connected_account_ids is not None
            and device.connected_account_id not in caller.connected_account_ids
        ):
            raise access_code_not_found(access_code_id)
        return code

    def connected_account(self, caller: Caller, connected_account_id: str | None) -> ConnectedAccount:
        account = self.connected_accounts.get(connected_account_id or "")
        if (
            account is None
            or account.workspace_id != caller.workspace_id
            or (
                caller.connected_account_ids is not None
                and account.connected_account_id not in caller.connected_account_ids
            )
        ):
            raise not_found(
                "connected_account",
                msgs.CONNECTED_ACCOUNT_NOT_FOUND,
                connected_account_id=connected_account_id,
            )
        return account

    def webhook(self, caller: Caller, webhook_id: str | None) -> Webhook:
        webhook = self.webhooks.get(webhook_id or "")
        if webhook is None or webhook.workspace_id != caller.workspace_id:
            raise not_found("webhook", msgs.WEBHOOK_NOT_FOUND, webhook_id=webhook_id)
        return webhook

    def granted(self, caller: Caller) -> ClientSession | None:
        """The client session a caller acts for (None: the caller sees the whole workspace)."""
        if caller.client_session_id is None:
            return None
        return self.client_sessions.get(caller.client_session_id)

    def sees_granted(self, caller: Caller, grant: str, object_id: str) -> bool:
        """Whether a client session was granted the object (`grant`: `connect_webview_ids` or
        `user_identity_ids`); every other caller sees the whole workspace."""
        if caller.kind != "client_session_token":
            return True
        session = self.granted(caller)
        return session is not None and object_id in getattr(session, grant)

    def connect_webview(self, caller: Caller, connect_webview_id: str | None) -> ConnectWebview:
        webview = self.connect_webviews.get(connect_webview_id or "")
        if (
            webview is None
            or webview.workspace_id != caller.workspace_id
            or not self.sees_granted(caller, "connect_webview_ids", webview.connect_webview_id)
        ):
            raise not_found(
                "connect_webview", msgs.CONNECT_WEBVIEW_NOT_FOUND, connect_webview_id=connect_webview_id
            )
        return webview

    def user_identity(self, caller: Caller, user_identity_id: str | None) -> UserIdentity:
        identity = self.user_identities.get(user_identity_id or "")
        if (
            identity is None
            or identity.workspace_id != caller.workspace_id
            or not self.sees_granted(caller, "user_identity_ids", identity.user_identity_id)
        ):
            raise not_found("user_identity", msgs.USER_IDENTITY_NOT_FOUND, user_identity_id=user_identity_id)
        return identity

    def sees_account(self, caller: Caller, connected_account_id: object) -> bool:
        """Whether the caller may see what belongs to that account (a client session sees only
        its own accounts' devices, codes, events and attempts)."""
        allowed = caller.connected_account_ids
        return allowed is None or connected_account_id in allowed

    def sees_attempt(self, caller: Caller, attempt: ActionAttempt) -> bool:
        if caller.connected_account_ids is None:
            return True
        device = self.devices.get(attempt.device_id or "")
        return device is not None and device.connected_account_id in caller.connected_account_ids

    def visible_devices(self, caller: Caller) -> list[Device]:
        devices = self.devices_by_workspace.get(caller.workspace_id, {}).values()
        allowed = caller.connected_account_ids
        return [
            d for d in devices if not d.removed and (allowed is None or d.connected_account_id in allowed)
        ]

    def pulled_backup_of(self, record: AccessCode) -> AccessCode | None:
        """The live backup pulled for an original code, if any."""
        backup_id = record.pulled_backup_access_code_id
        backup = self.access_codes.get(backup_id) if backup_id else None
        if backup is None or backup.deleted:
            return None
        return backup
