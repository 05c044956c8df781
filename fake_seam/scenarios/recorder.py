"""Recording a live session as a scenario that replays green (like moto's recorder).

`Recorder(fake, path)` watches every request the fake answers (through `fake.api.observers`),
and every control called from Python (`fake.go_offline(...)`, through `fake.control_observers`)
as the `/_fake` request that does the same, and `save()` writes them as `request:` steps whose
expectations are the answers given:

- the clock: the scenario starts at the fake's clock when recording began, and each step
  `wait`s from where the replay's clock stands to the moment the request began (time that
  passed on a live server's wall clock, or a frozen fake moved from Python), rounded up to the
  millisecond, so the replay never runs a request earlier than it was made; `/_fake` clock
  routes replay as they ran (advance, set, settle), and time before a `reset` is kept;
- `/_fake/clock/freeze` becomes the `freeze` action: a replay answers it but its clock moves
  only by its steps, so it is the same every run;
- ids the fake minted (access codes, action attempts, ...) and PINs it generated become named
  captures (`${guest}`, `${guest_pin}`), used wherever the session sent them back;
- expectations: the HTTP status, the error type of error answers, and key fields of each
  object (status, type, flags, error and warning codes, ids). Timestamps (`*_at`) are left out:
  the replay's clock matches to the millisecond, not the microsecond.

Calls replay with the scenario workspace's API key: the observer does not see which key a
call used, so a session spanning several workspaces records as if made in the first.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from fake_seam.clock import format_duration, iso, parse_duration, to_datetime
from fake_seam.seam.seed import load_seed

# Reads of the fake's own state: nothing to replay.
SKIPPED_ROUTES = {
    "/_fake/database",
    "/_fake/default_seed",
    "/_fake/clock",
    # The console's reads: an open console reads on every change.
    "/_fake/console/overview",
    "/_fake/console/lock",
}
# How the guard of the `/_fake` routes refuses a request for its headers (api/control_access).
GUARD_REFUSALS = {401, 403, 415}
# Controls that only read (from Python: `fake.slots(...)`): nothing to replay.
READ_CONTROLS = {
    "now",
    "database",
    "default_seed",
    "slots",
    "backup_pool",
    "webhook_deliveries",
    "console_overview",
    "console_lock",
}
# Written as the `freeze` action, which a replay answers without letting its clock run.
FREEZE_ROUTE = "/_fake/clock/freeze"
ID_NAMES = {
    "access_code_id": "access_code",
    "backup_access_code_id": "access_code",
    "pulled_backup_access_code_id": "access_code",
    "action_attempt_id": "action_attempt",
    "device_id": "device",
    "workspace_id": "workspace",
    "connected_account_id": "connected_account",
    "webhook_id": "webhook",
    "event_id": "event",
}
# Objects by the key they come under, and the fields of each worth expecting.
SINGULAR = {
    "access_codes": "access_code",
    "backup_access_code": "access_code",
    "devices": "device",
    "lock": "device",
    "locks": "device",
    "events": "event",
    "action_attempts": "action_attempt",
    "workspaces": "workspace",
    "connected_accounts": "connected_account",
}
KEY_FIELDS = {
    "access_code": (
        "access_code_id",
        "name",
        "code",
        "type",
        "status",
        "is_backup",
        "pulled",
        "is_backup_access_code_available",
        "pulled_backup_access_code_id",
        "errors",
        "warnings",
    ),
    "device": (
        "device_id",
        "device_type",
        "is_managed",
        "properties.online",
        "properties.locked",
        "properties.supports_backup_access_code_pool",
        "properties.backup_access_code_pool_enabled",
        "errors",
        "warnings",
    ),
    "action_attempt": ("action_attempt_id", "action_type", "status", "error.type"),
    "event": ("event_type", "device_id", "access_code_id"),
    "workspace": ("workspace_id", "name", "is_sandbox"),
    "connected_account": ("connected_account_id", "account_type"),
    "generated_code": ("device_id", "code"),
}
LIST_ITEM_FIELDS = {
    "access_code": ("access_code_id", "status", "errors"),
    "device": ("device_id", "errors"),
    "event": ("event_type",),
    "action_attempt": ("action_attempt_id", "status"),
    "workspace": ("workspace_id",),
    "connected_account": ("connected_account_id",),
}
MAX_LIST_ITEMS = 25
PIN_KEYS = ("code", "new_code")


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, Any]
    status: int
    body: bytes
    wait: float


class Recorder:
    def __init__(self, fake: Any, path: str | Path, *, name: str | None = None) -> None:
        self.fake = fake
        self.path = Path(path)
        self.name = name
        # Milliseconds, as the scenario's `start:` is written; the gaps carry the rest.
        now = fake.clock.now()
        self.start = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self.calls: list[Call] = []
        self._replay = self.start.timestamp()  # the replay's clock, step by step
        self._guard = threading.Lock()
        fake.api.observers.append(self.observe)
        observers = getattr(fake, "control_observers", None)
        if observers is not None:
            observers.append(self.observe_control)

    @property
    def count(self) -> int:
        return len(self.calls)

    def observe(self, method: str, path: str, params: dict[str, Any], status: int, body: bytes) -> None:
        """Called by the fake after each request: keep it cheap, the work is done in `save`."""
        self.keep(method, path, params, status, body, self.fake.api.started or self.fake.clock.timestamp())

    def observe_control(self, declared: Any, params: Any, result: Any, began: float) -> None:
        """Called after a control run from Python (`fake.go_offline(...)`): kept as the
        request to its `/_fake` route that would have done the same."""
        if declared.path in SKIPPED_ROUTES or declared.name in READ_CONTROLS:
            return
        wire = params.model_dump(mode="json", exclude_none=True)
        answer = {**declared.answer(self.fake, params, result), "ok": True}
        body = json.dumps(answer, default=str).encode()
        self.keep("POST", declared.path, wire, 200, body, began)

    def keep(
        self, method: str, path: str, params: dict[str, Any], status: int, body: bytes, began: float
    ) -> None:
        path = "/" + path.strip("/")
        if path in SKIPPED_ROUTES:
            return
        if path.startswith("/_fake/") and status in GUARD_REFUSALS:
            # Refused by the control plane's guard for its headers (no JSON content type, no
            # or a wrong control token), which a recording does not keep: nothing changed,
            # and a replay sends its own.
            return
        with self._guard:
            ended = self.fake.clock.timestamp()
            # The replay's clock stands still between steps: each step waits from where the
            # replay's clock is to the moment this request began, in whole milliseconds rounded
            # up, so the replay never runs a request earlier than it was made (a code whose
            # `starts_at` is the server's "now" must start in the replay too).
            wait = max(0.0, math.ceil((began - self._replay) * 1000 - 1e-6) / 1000)
            self._replay += wait
            if status < 400:
                self._replay = self.moved(path, params, self._replay, ended - began)
            clean = {k: v for k, v in params.items() if k != "_strict"}
            self.calls.append(Call(method, path, clean, status, bytes(body), wait))

    @staticmethod
    def moved(path: str, params: dict[str, Any], replay: float, took: float) -> float:
        """Where the replay's clock stands after a call that began at `replay`: the clock
        routes move it as they moved the fake's (`took`: how far the fake's moved meanwhile)."""
        if path == "/_fake/clock/advance":
            try:
                return replay + parse_duration(params.get("seconds"))
            except ValueError:
                return replay + took
        if path == "/_fake/clock/set":
            try:
                return to_datetime(str(params.get("now"))).timestamp()
            except ValueError:
                return replay + took
        if path == "/_fake/settle":
            return replay + took
        return replay

    def close(self) -> None:
        if self.observe in self.fake.api.observers:
            self.fake.api.observers.remove(self.observe)
        observers = getattr(self.fake, "control_observers", None)
        if observers is not None and self.observe_control in observers:
            observers.remove(self.observe_control)

    def save(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.scenario_text(), encoding="utf-8")
        return self.path

    # -- writing the scenario --------------------------------------------------------------

    def scenario_text(self) -> str:
        seed = self.fake.seed
        if seed in (None, "default", "empty"):
            fleet: Any = seed or "default"
            seed_dict = load_seed(seed)
        else:
            seed_dict = load_seed(seed)
            fleet = {"seed": seed_dict}
        namer = Namer(_strings(seed_dict))
        steps = [self.step(call, namer) for call in self.calls]
        prune_captures(steps)
        if not steps:  # nothing was called: still a scenario that replays (and passes)
            steps = [{"note": "no API calls were recorded", "freeze": True}]
        rng_seed = self.fake.rng_seed
        document: dict[str, Any] = {
            "name": self.name or f"Recorded session ({self.count} calls)",
            "start": iso(self.start),
            "rng_seed": int(rng_seed) if isinstance(rng_seed, str) and rng_seed.isdigit() else rng_seed,
            "fleet": fleet,
            "steps": steps,
        }
        header = [
            f"# Recorded by fake-seam on {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}: "
            f"{self.count} API calls, replayed as made.",
            "# Each step expects the answer the fake gave then (status, error type, key fields);",
            "# ids and PINs the fake made are captured by name. Timestamps are not compared.",
            "",
        ]
        body = yaml.safe_dump(
            document, sort_keys=False, default_flow_style=None, width=110, allow_unicode=True
        )
        return "\n".join(header) + body

    def step(self, call: Call, namer: Namer) -> dict[str, Any]:
        try:
            answer = json.loads(call.body) if call.body.strip() else None
        except ValueError:
            answer = call.body.decode("utf-8", "replace")
        params = namer.substitute(call.params)
        step: dict[str, Any] = {}
        if call.wait:
            step["wait"] = format_duration(call.wait)
        if call.path == FREEZE_ROUTE and call.status < 400 and isinstance(answer, dict):
            # The replay's clock moves only by its steps; the switch is kept, and its answer.
            frozen = bool(answer.get("frozen"))
            return {**step, "freeze": frozen, "expect": {"result": {"frozen": frozen}}}
        request: dict[str, Any] = {"method": call.method, "path": call.path}
        if params:
            request["params"] = params
        step["request"] = request
        expect: dict[str, Any] = {"http_status": call.status}
        fields: dict[str, Any] = {}
        captures: dict[str, str] = {}
        if isinstance(answer, dict):
            if call.status >= 400 and isinstance(answer.get("error"), dict):
                fields["error.type"] = answer["error"].get("type")
            elif call.status < 400 and not call.path.startswith("/_fake/"):
                self.expectations(answer, call.params, namer, fields, captures)
            elif call.status < 400:
                namer.mint_all(answer, "", captures, call.params)
        if captures:
            step["capture"] = captures
        if fields:
            expect["result"] = fields
        step["expect"] = expect
        return step

    def expectations(
        self,
        answer: dict[str, Any],
        params: dict[str, Any],
        namer: Namer,
        fields: dict[str, Any],
        captures: dict[str, str],
    ) -> None:
        for key, value in answer.items():
            if key in ("ok", "pagination"):
                continue
            kind = SINGULAR.get(key, key)
            if isinstance(value, dict):
                if key == "backup_access_code" and answer.get("access_code") == value:
                    continue  # the same backup as `access_code`
                self.object_fields(value, key, kind, KEY_FIELDS.get(kind), params, namer, fields, captures)
            elif isinstance(value, list):
                fields[f"{key}.length"] = len(value)
                item_fields = LIST_ITEM_FIELDS.get(kind, ())
                for index, item in enumerate(value[:MAX_LIST_ITEMS]):
                    if isinstance(item, dict):
                        self.object_fields(
                            item, f"{key}.{index}", kind, item_fields, params, namer, fields, captures
                        )

    def object_fields(
        self,
        obj: dict[str, Any],
        prefix: str,
        kind: str,
        keys: tuple[str, ...] | None,
        params: dict[str, Any],
        namer: Namer,
        fields: dict[str, Any],
        captures: dict[str, str],
    ) -> None:
        # Ids and PINs first, so a later field of the same object can refer to them.
        namer.mint_object(obj, prefix, kind, captures, params)
        if keys is None:  # an object we know nothing about: its plain fields
            keys = tuple(
                k
                for k, v in obj.items()
                if not isinstance(v, dict | list) and not k.endswith("_at") and k != "message"
            )
        for key in keys:
            value = _dig(obj, key)
            if value is _ABSENT or key.endswith("_at"):
                continue
            path = f"{prefix}.{key}"
            if path in captures.values():
                continue  # minted here: captured, not expected
            if key in ("errors", "warnings") and isinstance(value, list):
                fields[path] = [
                    e.get("error_code") or e.get("warning_code") for e in value if isinstance(e, dict)
                ]
            elif isinstance(value, str):
                fields[path] = namer.reference(value, key)
            elif not isinstance(value, dict | list):
                fields[path] = value


class Namer:
    """Names for minted ids and PINs, and their replacement by `${name}` wherever they recur."""

    def __init__(self, known: set[str]) -> None:
        self.known = known  # ids from the seed: literal, never captured
        self.names: dict[str, str] = {}  # value -> capture name
        self.pins: dict[str, str] = {}
        self.taken: set[str] = set()

    def fresh(self, base: str) -> str:
        base = re.sub(r"[^a-z0-9_]+", "_", base.lower()).strip("_") or "value"
        if base[0].isdigit():
            base = f"x_{base}"
        name, n = base, 1
        while name in self.taken or name in ("now", "start"):
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name

    def mint_object(
        self, obj: dict[str, Any], prefix: str, kind: str, captures: dict[str, str], params: dict[str, Any]
    ) -> None:
        sent = {str(v) for v in params.values() if isinstance(v, str | int)}
        for key, base in ID_NAMES.items():
            value = obj.get(key)
            if not isinstance(value, str) or value in self.names or value in self.known or value in sent:
                continue
            if key == "event_id":
                continue  # events are expected by type, never by id
            if base == "access_code" and key == "access_code_id":
                label = obj.get("name") if not obj.get("is_backup") else "backup"
                base = label if isinstance(label, str) and label and not label.startswith("Backup ") else base
            name = self.fresh(base)
            self.names[value] = name
            captures[name] = f"{prefix}.{key}" if prefix else key
        pin = obj.get("code")
        owner = self.names.get(str(obj.get("access_code_id")))
        if (
            kind in ("access_code", "generated_code")
            and isinstance(pin, str)
            and pin not in self.pins
            and pin not in sent
        ):
            name = self.fresh(f"{owner or kind}_pin")
            self.pins[pin] = name
            captures[name] = f"{prefix}.code" if prefix else "code"

    def mint_all(self, answer: Any, prefix: str, captures: dict[str, str], params: dict[str, Any]) -> None:
        """Ids in a control route's answer (e.g. a device /_fake/devices/create made)."""
        if isinstance(answer, dict):
            self.mint_object(answer, prefix, SINGULAR.get(prefix.rsplit(".", 1)[-1], ""), captures, params)
            for key, value in answer.items():
                if isinstance(value, dict | list):
                    self.mint_all(value, f"{prefix}.{key}" if prefix else key, captures, params)

    def reference(self, value: str, key: str) -> str:
        if key in PIN_KEYS and value in self.pins:
            return f"${{{self.pins[value]}}}"
        if value in self.names:
            return f"${{{self.names[value]}}}"
        # An id inside text, e.g. a backup's name "Backup {id} (Seam)".
        for match in _UUID.findall(value):
            if match in self.names:
                value = value.replace(match, f"${{{self.names[match]}}}")
        return value

    def substitute(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.substitute(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v, key) for v in value]
        if isinstance(value, str):
            return self.reference(value, key)
        return value


_ABSENT: Any = object()
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def prune_captures(steps: list[dict[str, Any]]) -> None:
    """Drop captures no later step refers to: the recording reads better without them."""
    used = set(
        _REFERENCE.findall(json.dumps([{k: v for k, v in s.items() if k != "capture"} for s in steps]))
    )
    for step in steps:
        captures = step.get("capture")
        if captures is None:
            continue
        for name in [n for n in captures if n not in used]:
            del captures[name]
        if not captures:
            del step["capture"]
            # Keep the key order readable: capture sits before expect.


def _dig(obj: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return _ABSENT
        obj = obj[part]
    return obj


def _strings(value: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for item in value.values():
            out |= _strings(item)
    elif isinstance(value, list):
        for item in value:
            out |= _strings(item)
    elif isinstance(value, str):
        out.add(value)
    return out
