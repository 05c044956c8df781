"""The objects Seam keeps, as plain records. Their JSON shapes live in `shapes.py`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal

from fake_seam import messages as msgs
from fake_seam.clock import Job, ts
from fake_seam.seam.errors import BACKUP_ONLY_TIME_BOUND, BACKUP_POOL_UNSUPPORTED, invalid_input
from fake_seam.simulator import SimulatedLock

ACCOUNT_DISCONNECTED = "account_disconnected"
JobKind = Literal["start", "end", "activate", "retry", "delay"]
JOB_KINDS: tuple[JobKind, ...] = ("start", "end", "activate", "retry", "delay")
# Where a code keeps each kind of job (`start` -> `start_job`): looked up, not formatted, per call.
_JOB_FIELD: dict[str, str] = {kind: f"{kind}_job" for kind in JOB_KINDS}
EMPTY: tuple[()] = ()


class _NoIssues(dict[str, tuple[float, str]]):
    """An access code's errors and warnings until it has some: one shared, empty, read-only
    dict (two empty dicts per code add up over 100k codes). Code replaces it, never writes
    into it; it still copies, pickles and serializes like the empty dict it is."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("NO_ISSUES is shared by every access code: assign a new dict instead")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self) -> _NoIssues:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _NoIssues:
        return self

    def __reduce__(self) -> str:
        return "NO_ISSUES"  # pickles as a reference to this module's one instance


NO_ISSUES = _NoIssues()
_KEY_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


@dataclass(slots=True)
class Snapshot:
    """A flat JSON object frozen: its values in a tuple, its keys in a tuple shared by every
    snapshot of that shape. Most values are strings the live record shares, so an access
    code's snapshot costs about a quarter of a dict copy (a big fleet keeps one per code)."""

    keys: tuple[str, ...]
    values: tuple[Any, ...]

    @classmethod
    def of(cls, shape: dict[str, Any]) -> Snapshot:
        keys = tuple(shape)
        keys = _KEY_TUPLES.setdefault(keys, keys)
        return cls(keys, tuple([EMPTY if isinstance(v, list) and not v else v for v in shape.values()]))

    def thaw(self) -> dict[str, Any]:
        return {k: ([] if v is EMPTY else v) for k, v in zip(self.keys, self.values, strict=True)}


def warning_list(warnings: Mapping[str, tuple[float, str]]) -> list[dict[str, Any]]:
    """Warnings (code -> (created_at, message)) as Seam lists them, on devices and codes alike."""
    if not warnings:  # the usual case, on every object of every list
        return []
    return [
        {"warning_code": code, "message": message, "created_at": ts(at)}
        for code, (at, message) in warnings.items()
    ]


@dataclass
class Workspace:
    workspace_id: str
    name: str
    company_name: str
    is_sandbox: bool = True
    connect_partner_name: str | None = None
    created_at: float = 0.0
    # The slice of the seed this workspace came from, for `workspaces/reset_sandbox`.
    seed: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConnectedAccount:
    connected_account_id: str
    workspace_id: str
    provider: str
    created_at: float
    user_identifier: dict[str, Any] = field(default_factory=dict)
    custom_metadata: dict[str, Any] = field(default_factory=dict)
    automatically_manage_new_devices: bool = True
    disconnected_at: float | None = None


@dataclass
class ClientSession:
    """A client session: a token for a user's app that sees only some connected accounts of
    its workspace (what `Caller.connected_account_ids` scopes a request to)."""

    client_session_id: str
    workspace_id: str
    token: str
    created_at: float
    expires_at: float
    user_identifier_key: str | None = None
    connected_account_ids: list[str] = field(default_factory=list)
    connect_webview_ids: list[str] = field(default_factory=list)
    user_identity_ids: list[str] = field(default_factory=list)


@dataclass
class BackupPool:
    """A device's backup access code pool (see seam-api/backup-access-codes.txt)."""

    active: bool = False  # ever activated; a create option never turns it off
    # `devices/update {backup_access_code_pool_enabled: false}`, before or after activation:
    # off until switched on the same way; no create or update turns it on.
    switched_off: bool = False
    target_size: int = 3
    many_active_threshold: int = 2
    members: list[str] = field(default_factory=list)  # unpulled backup code ids, oldest first
    pulled: list[str] = field(default_factory=list)  # pulled backups still alive

    @property
    def is_on(self) -> bool:
        """Activated and not switched off: what `backup_access_code_pool_enabled` reports."""
        return self.active and not self.switched_off


# Seam names a battery's status from its level (`critical`, `low`, `good`, `full`) without
# publishing the cut-offs; these are the fake's, one place for the shape and the events.
BatteryStatus = Literal["critical", "low", "good", "full"]
BATTERY_CRITICAL_BELOW = 0.1
BATTERY_LOW_BELOW = 0.25
BATTERY_FULL_FROM = 0.95
DEFAULT_BATTERY_LEVEL = 0.86  # what every device reported before batteries could change


def battery_status(level: float) -> BatteryStatus:
    if level < BATTERY_CRITICAL_BELOW:
        return "critical"
    if level < BATTERY_LOW_BELOW:
        return "low"
    if level >= BATTERY_FULL_FROM:
        return "full"
    return "good"


@dataclass
class Device:
    device_id: str
    workspace_id: str
    connected_account_id: str
    device_type: str
    manufacturer: str
    display_name: str
    created_at: float
    properties: dict[str, Any] = field(default_factory=dict)
    custom_metadata: dict[str, Any] = field(default_factory=dict)
    nickname: str | None = None
    is_managed: bool = True
    lock: SimulatedLock | None = None  # the hardware, for devices with a keypad
    supports_backup_access_code_pool: bool = False
    pool: BackupPool = field(default_factory=BackupPool)
    # Device-level errors and warnings: code -> (created_at, message), kept while the cause lasts.
    errors: dict[str, tuple[float, str]] = field(default_factory=dict)
    warnings: dict[str, tuple[float, str]] = field(default_factory=dict)
    removed: bool = False
    battery_level: float = DEFAULT_BATTERY_LEVEL  # 0 to 1, as the device reports it

    @property
    def battery_status(self) -> BatteryStatus:
        return battery_status(self.battery_level)

    @property
    def is_lock(self) -> bool:
        return self.lock is not None

    def check_pool_allowed(self, time_bound: bool) -> None:
        """Whether a code on this device may use the backup pool (Seam's guide: time-bound
        codes only, and not on devices without pool support such as Salto's; nor while the
        pool is switched off, which a request must not silently override or ignore)."""
        if not time_bound:
            raise invalid_input("use_backup_access_code_pool", BACKUP_ONLY_TIME_BOUND)
        if not self.supports_backup_access_code_pool:
            raise invalid_input("use_backup_access_code_pool", BACKUP_POOL_UNSUPPORTED)
        if self.pool.switched_off:
            raise invalid_input("use_backup_access_code_pool", msgs.pool_switched_off(self.device_id))

    def set_error(self, code: str, present: bool, message: str, now: float) -> None:
        """Keep a device error while its cause lasts (created when it appears)."""
        if present and code not in self.errors:
            self.errors[code] = (now, message)
        elif not present:
            self.errors.pop(code, None)

    def error_list(self) -> list[dict[str, Any]]:
        """The device's errors as Seam lists them (on the device and in events)."""
        if not self.errors:  # the usual case, on every device of every devices/list
            return []
        return [
            {"error_code": code, "message": message, "is_device_error": True, "created_at": ts(at)}
            if code != ACCOUNT_DISCONNECTED
            # The account's error, shown on each of its devices as Seam does.
            else {
                "error_code": code,
                "message": message,
                "is_device_error": False,
                "is_connected_account_error": True,
                "created_at": ts(at),
            }
            for code, (at, message) in self.errors.items()
        ]

    def warning_list(self) -> list[dict[str, Any]]:
        return warning_list(self.warnings)


@dataclass(slots=True)  # one per code/event: no per-instance __dict__
class AccessCode:
    access_code_id: str
    workspace_id: str
    device_id: str
    name: str | None
    code: str
    type: str  # "ongoing" | "time_bound"
    created_at: float
    starts_at: float | None = None
    ends_at: float | None = None
    status: str = "unset"
    common_code_key: str | None = None
    is_external_modification_allowed: bool = False
    is_one_time_use: bool = False
    is_offline_access_code: bool = False
    is_scheduled_on_device: bool = False
    is_backup: bool = False
    pulled: bool = False
    pulled_backup_access_code_id: str | None = None  # on an original: its backup
    pulled_for: str | None = None  # on a pulled backup: its original
    # code -> (created_at, message); errors come from failed writes, warnings from delays.
    errors: Mapping[str, tuple[float, str]] = field(default_factory=lambda: NO_ISSUES)
    warnings: Mapping[str, tuple[float, str]] = field(default_factory=lambda: NO_ISSUES)
    deleted: bool = False  # gone from the API; its slot may still be being erased
    # The jobs booked for this code, one of each kind at most (slots, not a dict: 100k codes).
    start_job: Job | None = None  # its write window opens
    end_job: Job | None = None  # it ends
    activate_job: Job | None = None  # a natively scheduled code becomes active
    retry_job: Job | None = None  # a failed write is tried again
    delay_job: Job | None = None  # a slow write earns its delay warning

    @property
    def name_on_lock(self) -> str | None:
        """The name written into the lock's slot: Seam names its backups itself."""
        if self.is_backup:
            return msgs.backup_name_on_lock(self.access_code_id)
        return self.name

    @property
    def is_hidden_backup(self) -> bool:
        """A backup still in its pool (or erased from it): no Seam route or event shows it
        until it is pulled."""
        return self.is_backup and not self.pulled

    def has_ended(self, now: float) -> bool:
        """Past its `ends_at` (its erase may still be waiting for an offline lock)."""
        return self.ends_at is not None and self.ends_at <= now

    def has_job(self, kind: JobKind) -> bool:
        return getattr(self, _JOB_FIELD[kind]) is not None

    def forget_job(self, kind: JobKind) -> None:
        """The job has run (or is running): drop it without cancelling."""
        setattr(self, _JOB_FIELD[kind], None)

    def cancel_jobs(self, *kinds: JobKind) -> None:
        for kind in kinds or JOB_KINDS:
            name = _JOB_FIELD[kind]
            job = getattr(self, name)
            if job is not None:
                job.cancel()
                setattr(self, name, None)

    def describe(self) -> str:
        """How a job on this code is labelled: its id, marked when it is a backup."""
        return f"backup {self.access_code_id}" if self.is_backup else self.access_code_id

    def error_list(self) -> list[dict[str, Any]]:
        """The code's own errors as Seam lists them (on the code and in events)."""
        if not self.errors:  # NO_ISSUES, for most codes on every list
            return []
        return [
            {"error_code": code, "message": message, "is_access_code_error": True, "created_at": ts(at)}
            for code, (at, message) in self.errors.items()
        ]

    def warning_list(self) -> list[dict[str, Any]]:
        return warning_list(self.warnings)

    def drop_warning(self, warning_code: str) -> None:
        if warning_code in self.warnings:
            self.warnings = {k: v for k, v in self.warnings.items() if k != warning_code}

    def __reduce__(self) -> tuple[Any, ...]:
        # A state file's snapshot holds every code: pickled as its constructor's arguments
        # (no field names, about half the time to load), its jobs set after it is made, since
        # each job refers back to its code (see docs/persistent-state.md).
        jobs = {name: job for name, job in zip(_JOB_FIELDS, _code_jobs(self), strict=True) if job is not None}
        return (AccessCode, _code_values(self), (None, jobs) if jobs else None)


_JOB_FIELDS = tuple(f"{kind}_job" for kind in JOB_KINDS)
_code_jobs = attrgetter(*_JOB_FIELDS)
# The jobs come last among the fields: the others are the constructor's leading arguments.
_code_values = attrgetter(*(f.name for f in fields(AccessCode) if f.name not in _JOB_FIELDS))
assert [f.name for f in fields(AccessCode)][-len(_JOB_FIELDS) :] == list(_JOB_FIELDS)


@dataclass(slots=True)  # one per code/event: no per-instance __dict__
class UnmanagedAccessCode:
    """A code Seam found on the lock that it did not make (keypad, another app)."""

    access_code_id: str
    workspace_id: str
    device_id: str
    name: str | None
    code: str
    created_at: float
    is_managed: bool = False


@dataclass(slots=True)  # one per code/event: no per-instance __dict__
class Event:
    event_id: str
    workspace_id: str
    event_type: str
    occurred_at: float
    created_at: float
    fields: dict[str, Any] = field(default_factory=dict)
    seq: int = 0


@dataclass(slots=True)  # one per code/event: no per-instance __dict__
class ActionAttempt:
    action_attempt_id: str
    workspace_id: str
    action_type: str
    status: str = "pending"
    stored_result: dict[str, Any] | None = None  # read and set through `result`
    error: dict[str, Any] | None = None
    # What a poll turns a pending attempt into, unless a test steers it.
    outcome: tuple[str, dict[str, Any] | None, dict[str, Any] | None] | None = None
    steered: bool = False
    device_id: str | None = None  # the device acted on (action_attempts/list?device_id=)
    # The access code an attempt acted on, as it was then (see `Snapshot`), instead of a dict.
    snapshot: Snapshot | None = None
    created_at: float = 0.0  # when it was made, for retention (not part of Seam's shape)
    retained: bool = False  # in its workspace's history, which retention trims (once finished)

    @property
    def result(self) -> dict[str, Any] | None:
        if self.snapshot is not None:
            return {"access_code": self.snapshot.thaw()}
        return self.stored_result

    @result.setter
    def result(self, value: dict[str, Any] | None) -> None:
        self.stored_result, self.snapshot = value, None

    def settle(self) -> None:
        """The device has answered: a pending attempt takes its outcome, unless a test steers it."""
        if self.status == "pending" and not self.steered and self.outcome:
            self.status, self.result, self.error = self.outcome

    def steer(
        self, status: str, result: dict[str, Any] | None = None, error: dict[str, Any] | None = None
    ) -> None:
        """A test decides how the attempt ends (Seam's fake's `/_fake/update_action_attempt`)."""
        self.steered = True
        self.status = status
        self.result = result if status == "success" else None
        self.error = error if status == "error" else None
        if status == "success" and self.result is None:
            self.result = {}
        if status == "error" and self.error is None:
            self.error = {"type": "unknown_error", "message": msgs.ACTION_ATTEMPT_FAILED}


@dataclass
class Webhook:
    """Where a workspace wants its events POSTed, and the secret they are signed with."""

    webhook_id: str
    workspace_id: str
    url: str
    event_types: list[str]
    secret: str

    def wants(self, event_type: str) -> bool:
        """Every event when no types are given (or `*`, Seam's default), else the listed ones."""
        return not self.event_types or "*" in self.event_types or event_type in self.event_types


@dataclass
class DeliveryAttempt:
    number: int  # 1 for the first try
    attempted_at: float  # the fake's time the attempt was due
    status_code: int | None  # the receiver's HTTP status, or None when it could not be reached
    error: str | None  # why it was not delivered (a status that is not 2xx, a refused connection)


@dataclass
class Delivery:
    """One event on its way to one webhook: tried until the receiver takes it or the retry
    schedule runs out, always under the same message id (`webhook-id`)."""

    message_id: str
    webhook: Webhook
    event: Event
    due_at: float  # when the next attempt is due (the fake's time)
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    state: Literal["pending", "sending", "delivered", "failed"] = "pending"


@dataclass
class ConnectWebview:
    """A sign-in page a user is sent to, to connect their lock brand's account to Seam."""

    connect_webview_id: str
    workspace_id: str
    created_at: float
    url: str
    accepted_providers: list[str]
    device_selection_mode: str = "none"
    custom_redirect_url: str | None = None
    custom_redirect_failure_url: str | None = None
    custom_metadata: dict[str, Any] = field(default_factory=dict)
    automatically_manage_new_devices: bool = True
    wait_for_device_creation: bool = False
    customer_key: str | None = None
    status: Literal["pending", "failed", "authorized"] = "pending"
    connected_account_id: str | None = None
    authorized_at: float | None = None
    selected_provider: str | None = None


@dataclass
class UserIdentity:
    """A user of the workspace's own app (Seam's user identity), and the devices granted to them."""

    user_identity_id: str
    workspace_id: str
    created_at: float
    user_identity_key: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    full_name: str | None = None
    device_ids: list[str] = field(default_factory=list)
