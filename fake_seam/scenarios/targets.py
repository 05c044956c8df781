"""Where a scenario runs: a fresh in-process fake (the default), or a server given by URL.

An in-process target drives the fake directly: SDK calls through `FakeSeam.client()`, raw
requests through the in-process transport, controls (`fake_seam.controls`) run on the fake.
A remote target sends everything over HTTP. When the server is a fake-seam (it answers
`/_fake/clock`), each control goes to its `/_fake` route; against Seam itself a control
uses the sandbox's simulate route where one exists (`SANDBOX`) and is skipped where none does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from fake_seam.api.control_access import CONTROL_TOKEN_HEADER
from fake_seam.clock import iso, to_datetime
from fake_seam.controls import CONTROLS, Control
from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam
from fake_seam.seam import Settings
from fake_seam.seam.errors import SeamError
from fake_seam.wire import shapes

EVENTS_SINCE = "2000-01-01T00:00:00.000Z"
SDK_POLLING = {"polling_interval": 0.05, "timeout": 10.0}


class Failure(Exception):
    """An API call or a hardware action answered with an error (as Seam words it)."""

    def __init__(
        self, type: str, status: int | None, message: str, data: Any = None, validation_errors: Any = None
    ) -> None:
        super().__init__(message)
        self.type = type
        self.status = status
        self.message = message
        self.data = data
        self.validation_errors = validation_errors

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "status": self.status, "message": self.message}
        if self.data is not None:
            out["data"] = self.data
        if self.validation_errors:
            out["validation_errors"] = self.validation_errors
        return out

    def __str__(self) -> str:
        status = f" ({self.status})" if self.status else ""
        return f"{self.type}{status}: {self.message}"


class Skipped(Exception):
    """This target cannot do that (e.g. move Seam's clock); the step is reported as skipped."""


def failure_from(problem: BaseException) -> Failure | None:
    """The SDK's (or the fake's) exception as a `Failure`, or None if it is not an API answer."""
    if isinstance(problem, Failure):
        return problem
    if isinstance(problem, SeamError):
        return Failure(problem.type, problem.status, problem.message, problem.data, problem.validation_errors)
    if isinstance(problem, httpx.HTTPStatusError):
        return Failure("http_error", problem.response.status_code, str(problem))
    try:
        from seam.exceptions import SeamActionAttemptError, SeamHttpApiError  # the optional `sdk` extra
    except ImportError:  # pragma: no cover
        return None
    if isinstance(problem, SeamHttpApiError):
        return Failure(
            str(problem.code),
            problem.status_code,
            str(problem),
            problem.data,
            getattr(problem, "_validation_errors", None),
        )
    if isinstance(problem, SeamActionAttemptError):
        code = getattr(problem, "code", None) or "action_attempt_timeout"
        return Failure(str(code), None, str(problem))
    return None


def query_params(params: dict[str, Any]) -> list[tuple[str, str]]:
    """Parameters as Seam reads them from a query string: arrays repeat, objects are dotted."""
    out: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        elif isinstance(value, list):
            for item in value:
                add(key, item)
        elif isinstance(value, dict):
            for sub, item in value.items():
                add(f"{key}.{sub}", item)
        else:
            out.append((key, str(value)))

    for key, value in params.items():
        add(key, value)
    return out


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


class Target:
    kind = "target"
    can_inspect_hardware = True

    def __init__(self, api_keys: dict[str, str], default_workspace: str) -> None:
        self.api_keys = dict(api_keys)
        self.default_workspace = default_workspace
        self._clients: dict[str, Any] = {}
        self.http: httpx.Client
        self.control_headers: dict[str, str] = {}

    # -- the API ----------------------------------------------------------------------------

    def api_key(self, workspace: str | None) -> str:
        workspace = workspace or self.default_workspace
        key = self.api_keys.get(workspace)
        if key is None:
            raise Failure("no_api_key", None, f"no API key is known for workspace {workspace!r}")
        return key

    def sdk(self, workspace: str | None) -> Any:
        key = self.api_key(workspace)
        if key not in self._clients:
            self._clients[key] = self.make_client(key)
        return self._clients[key]

    def make_client(self, api_key: str) -> Any:
        raise NotImplementedError

    def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        workspace: str | None = None,
        auth: bool = True,
    ) -> tuple[int, Any]:
        headers = {"authorization": f"Bearer {self.api_key(workspace)}"} if auth else {}
        if path.startswith("/_fake/"):
            headers.update(self.control_headers)
        method = method.upper()
        if method in ("GET", "DELETE"):
            query: list[tuple[str, str | int | float | bool | None]] = list(query_params(params or {}))
            response = self.http.request(method, path, params=query, headers=headers)
        else:
            response = self.http.request(method, path, json=params or {}, headers=headers)
        return response.status_code, _body(response)

    def api(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        workspace: str | None = None,
        auth: bool = True,
    ) -> Any:
        """A request whose error answer raises `Failure`."""
        status, body = self.request(method, path, params, workspace, auth)
        if status >= 400:
            raise failure_of(status, body)
        return body

    def close(self) -> None:
        for client in self._clients.values():
            close = getattr(client, "close", None)
            if close is not None:
                close()
        self.http.close()

    # -- events -----------------------------------------------------------------------------

    def event_marker(self, workspaces: set[str]) -> Any:
        return {w: {e["event_id"] for e in self.list_events(w)} for w in workspaces}

    def events_since(self, marker: Any, workspace: str) -> list[dict[str, Any]]:
        seen = marker.get(workspace)
        if seen is None:
            raise Skipped(f"events of workspace {workspace} were not watched before this step")
        return [e for e in self.list_events(workspace) if e["event_id"] not in seen]

    def list_events(self, workspace: str) -> list[dict[str, Any]]:
        body = self.api("GET", "/events/list", {"since": EVENTS_SINCE, "limit": 10000}, workspace)
        events = body.get("events", []) if isinstance(body, dict) else []
        return sorted(events, key=lambda e: e.get("occurred_at") or "")

    # -- the clock and the hardware (each target says what it can) --------------------------

    def now(self) -> datetime:
        raise NotImplementedError

    def prepare(self) -> None:
        """Ready for a scenario run (a fresh fake, or a reset server)."""

    def control(self, declared: Control[Any, Any], params: Any) -> tuple[dict[str, Any], str]:
        """Run a control: its answer (the route's JSON) and a note for the report."""
        raise NotImplementedError

    def run(self, name: str, **values: Any) -> dict[str, Any]:
        declared = CONTROLS[name]
        return self.control(declared, declared.params_of(**values))[0]

    def advance(self, seconds: float) -> None:
        self.run("advance", seconds=seconds)

    def backup_pool(self, device: str) -> dict[str, Any]:
        return self.run("backup_pool", device_id=device)

    def slots(self, device: str) -> tuple[list[dict[str, Any]], int]:
        """The lock's occupied slots and its capacity (targets that can look inside a lock)."""
        raise NotImplementedError

    def pin_opens(self, device: str, code: str) -> bool | None:
        """Whether a PIN opens the lock (None: this target cannot tell)."""
        raise NotImplementedError


def failure_of(status: int, body: Any) -> Failure:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        return Failure(
            str(error.get("type")),
            status,
            str(error.get("message")),
            error.get("data"),
            error.get("validation_errors"),
        )
    return Failure("http_error", status, str(body)[:200])


class InProcessTarget(Target):
    """A fresh `FakeSeam` with a frozen clock, built from the scenario's fleet."""

    kind = "in-process"

    def __init__(
        self,
        seed: dict[str, Any],
        *,
        start: datetime,
        rng_seed: int | str,
        settings: dict[str, Any],
        api_keys: dict[str, str],
        default_workspace: str,
    ) -> None:
        super().__init__(api_keys, default_workspace)
        self.fake = FakeSeam(seed, rng_seed=rng_seed, now=start, frozen=True, settings=Settings(**settings))
        self.http = httpx.Client(transport=self.fake.transport(), base_url=DEFAULT_ENDPOINT)

    def make_client(self, api_key: str) -> Any:
        return self.fake.client(api_key)

    def now(self) -> datetime:
        return self.fake.now()

    # The fake's own bookkeeping makes "events since" exact and cheap.
    def event_marker(self, workspaces: set[str]) -> Any:
        return self.fake.cloud.store.event_seq

    def events_since(self, marker: Any, workspace: str | None = None) -> list[dict[str, Any]]:
        with self.fake.lock:
            self.fake.run_due()
            return [
                shapes.event(e)
                for e in self.fake.cloud.store.events.values()
                if e.seq > marker and (workspace is None or e.workspace_id == workspace)
            ]

    # -- controls ---------------------------------------------------------------------------

    def control(self, declared: Control[Any, Any], params: Any) -> tuple[dict[str, Any], str]:
        return declared.respond(self.fake, params), ""

    # -- inspection -------------------------------------------------------------------------

    def slots(self, device: str) -> tuple[list[dict[str, Any]], int]:
        return self.run("slots", device_id=device)["slots"], self.fake.lock_of(device).capacity

    def pin_opens(self, device: str, code: str) -> bool | None:
        """Would this PIN open the door now? Asked of the lock without typing it (no event, no unlock)."""
        with self.fake.lock:
            self.fake.run_due()
            lock = self.fake.lock_of(device)
            moment = self.fake.timeline.timestamp()
            return any(slot.code == code and slot.active_at(moment) for slot in lock.occupied())


class RemoteTarget(Target):
    """A server reached over HTTP: another `fake-seam serve`, or Seam (a sandbox workspace)."""

    def __init__(
        self,
        url: str,
        *,
        api_keys: dict[str, str],
        default_workspace: str,
        start: datetime,
        reset: bool = True,
        control_token: str | None = None,
    ) -> None:
        super().__init__(api_keys, default_workspace)
        self.url = url.rstrip("/")
        self.start = start
        self.reset = reset
        # Sent to /_fake routes only: a fake-seam's secret has no business reaching Seam.
        self.control_headers = {CONTROL_TOKEN_HEADER: control_token} if control_token else {}
        self.http = httpx.Client(base_url=self.url, timeout=30.0)
        self.is_fake = self._probe_fake()
        self.kind = "fake-seam" if self.is_fake else "seam"
        self.can_inspect_hardware = self.is_fake

    def _probe_fake(self) -> bool:
        try:
            response = self.http.get("/_fake/clock", headers=self.control_headers)
        except httpx.HTTPError as problem:
            raise Failure("unreachable", None, f"cannot reach {self.url}: {problem}") from None
        body = _body(response)
        if response.status_code in (401, 403) and CONTROL_TOKEN_HEADER in str(body):
            # A fake-seam that wants its control token (or another one): say so, rather than
            # take it for Seam and skip every control.
            raise failure_of(response.status_code, body)
        if response.status_code != 200:
            return False
        return isinstance(body, dict) and "now" in body

    def make_client(self, api_key: str) -> Any:
        from seam import Seam  # the optional `sdk` extra

        return Seam(api_key=api_key, endpoint=self.url, wait_for_action_attempt=SDK_POLLING)

    def control(self, declared: Control[Any, Any], params: Any) -> tuple[dict[str, Any], str]:
        if not self.is_fake:
            sandbox = SANDBOX.get(declared.name)
            if sandbox is None:
                raise Skipped(
                    f"{declared.path} exists only on a fake-seam server; Seam's sandbox has no such route"
                )
            return sandbox(self, params)
        body = self.api("POST", declared.path, params.model_dump(mode="json", exclude_unset=True), auth=False)
        if isinstance(body, dict) and declared.ok:
            body.pop("ok", None)
        return body, ""

    def prepare(self) -> None:
        if self.is_fake and self.reset:
            # Freeze first, so the scenario starts exactly at its start time; then the seed again.
            self.run("freeze", frozen=True)
            self.run("set_time", now=iso(self.start))
            self.run("reset")

    def now(self) -> datetime:
        if self.is_fake:
            return to_datetime(self.run("now")["now"])
        return datetime.now(UTC)

    # -- Seam's sandbox: its simulate routes, where it has one for a control ---------------

    def sandbox_connectivity(self, params: Any, online: bool) -> tuple[dict[str, Any], str]:
        route = "connect" if online else "disconnect"
        self.api("POST", f"/devices/simulate/{route}", {"device_id": params.device_id})
        stays = getattr(params, "for_seconds", None)
        note = " (Seam's sandbox cannot schedule the reconnection: it stays offline)" if stays else ""
        return {"device_id": params.device_id, "online": online}, note

    def sandbox_keypad_entry(self, params: Any) -> tuple[dict[str, Any], str]:
        device, code = params.device_id, params.code
        marker = {e["event_id"] for e in self._device_events(device)}
        self.api("POST", "/locks/simulate/keypad_code_entry", {"device_id": device, "code": code})
        opened = None  # the server did not say (yet)
        for event in self._device_events(device):
            if event["event_id"] in marker:
                continue
            if event.get("event_type") == "lock.unlocked":
                opened = True
                break
            if event.get("event_type") == "lock.access_denied":
                opened = False
                break
        return {"device_id": device, "code": code, "opened": opened}, ""

    def _device_events(self, device: str) -> list[dict[str, Any]]:
        body = self.api("GET", "/events/list", {"since": EVENTS_SINCE, "device_id": device, "limit": 10000})
        return body.get("events", []) if isinstance(body, dict) else []

    def sandbox_keypad_code(self, params: Any) -> tuple[dict[str, Any], str]:
        body = self.api(
            "POST",
            "/access_codes/simulate/create_unmanaged_access_code",
            {"device_id": params.device_id, "code": params.code, "name": params.name or "Keypad code"},
        )
        return body.get("access_code", body), ""

    def keypad_entry(self, device: str, code: str) -> bool | None:
        """Type a PIN: through /_fake on a fake-seam, through the sandbox's simulate route on Seam."""
        return self.run("keypad_entry", device_id=device, code=code)["opened"]

    # -- inspection -------------------------------------------------------------------------

    def slots(self, device: str) -> tuple[list[dict[str, Any]], int]:
        slots = self.run("slots", device_id=device)["slots"]
        status, answer = self.request("GET", "/devices/get", {"device_id": device})
        if status == 404:  # an unmanaged device is only found among the unmanaged
            status, answer = self.request("GET", "/devices/unmanaged/get", {"device_id": device})
        if status >= 400:
            raise failure_of(status, answer)
        capacity = answer["device"]["properties"].get("max_active_codes_supported", 0)
        return slots, int(capacity)

    def pin_opens(self, device: str, code: str) -> bool | None:
        # A server cannot be asked without typing the PIN: this leaves an event (and unlocks).
        try:
            return self.keypad_entry(device, code)
        except Failure as failure:
            if failure.status != 404 or not self.is_fake:
                raise
        # Seam no longer manages the device, so its keypad cannot be simulated: read the slots.
        slots, _ = self.slots(device)
        return any(slot.get("code") == code for slot in slots)


# Controls Seam's sandbox can do too, through its own simulate routes.
SANDBOX: dict[str, Callable[[RemoteTarget, Any], tuple[dict[str, Any], str]]] = {
    "go_offline": lambda target, params: target.sandbox_connectivity(params, online=False),
    "go_online": lambda target, params: target.sandbox_connectivity(params, online=True),
    "keypad_entry": RemoteTarget.sandbox_keypad_entry,
    "add_keypad_code": RemoteTarget.sandbox_keypad_code,
}


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
