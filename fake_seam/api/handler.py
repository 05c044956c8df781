"""Request handling, whatever carries the request: authenticate, parse, call the Seam layer,
serialize. The Starlette app (`app.py`) and the in-process transports (`transport.py`) both
hand requests to `Api.handle`; this module does not import Starlette."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

import orjson

from fake_seam import messages as msgs
from fake_seam.api.calls import DEFAULT_CALL_LOG_SIZE, CallLog
from fake_seam.api.control_access import CONTROL_TOKEN_HEADER, IN_PROCESS, ControlAccess
from fake_seam.api.routing import HANDLERS, Context, Endpoint, Page
from fake_seam.seam.errors import SeamError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from fake_seam.controls import Bench
    from fake_seam.wire.validation import Route

log = logging.getLogger("fake_seam")
JSON = b"application/json"
# The fake's limits (Seam publishes none): a request body, and any one string parameter. Far
# above what a client sends, low enough that no request can make every later answer huge.
MAX_BODY_BYTES = 1 << 20
HEALTHY = b'{"ok":true,"msg":"I\'m one with the Force"}'
UNRECORDED = frozenset({"/health", "/openapi.json"})
# Answers given before any handler ran (control access refused, method or media type not
# accepted, body too large): nothing changed, and a replay over another transport would not
# be refused the same way, so a journal does not keep them.
REFUSED = frozenset({401, 403, 405, 413, 415})


@dataclass(frozen=True, slots=True)
class KeptCall:
    """A request that may have changed the fake, as a journal keeps it: what was sent, the
    clock before it (`offset`, `frozen_at`, the wall time it was handled at), the horizon
    up to which jobs had run, and the request counter."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    base_url: str
    status: int
    wall: float
    offset: float
    frozen_at: float | None
    horizon: float | None
    request_number: int


class Journal(Protocol):
    """Where a fake's changes are kept as they happen (`fake_seam.state`): `keeps` says which
    requests may change the fake; `record` must have made the call durable when it returns."""

    def keeps(self, method: str, path: str) -> bool: ...

    def record(self, call: KeptCall) -> None: ...


def dumps(body: Any) -> bytes:
    return orjson.dumps(body)


def loads(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        # A UTF-8 BOM or a UTF-16/32 body, which JSON readers may accept: decoded, then parsed by
        # the same strict parser, so what it refuses (Infinity, NaN, lone surrogates, nesting
        # past 1,024 levels) stays a 400. UnicodeError and JSONDecodeError are ValueErrors.
        encoding = json.detect_encoding(body)
        if encoding == "utf-8":
            raise
        return orjson.loads(body.decode(encoding).lstrip("\ufeff").encode("utf-8"))


ROUTE_MODULES = (
    "access_codes",
    "client_sessions",
    "connect_webviews",
    "connected_accounts",
    "control",
    "devices",
    "events",
    "locks",
    "user_identities",
    "webhooks",
    "workspaces",
)


def load_routes() -> dict[str, Endpoint]:
    """The route table, filled by importing the route modules (they register by decorator).

    Loaded on first use, not at import: they bring pydantic and the models, which `/health`
    does not need, so a server answers sooner and warms these up beside (`server.py`).
    """
    global _routes_loaded
    if not _routes_loaded:
        with _loading:  # a request and the warm-up thread may ask at once; neither sees half a table
            if not _routes_loaded:
                for name in ROUTE_MODULES:
                    import_module(f"fake_seam.api.{name}")
                # pydantic and the generated models (~110 ms of imports), after the server listens.
                from fake_seam.wire import (
                    params,  # noqa: F401
                    validation,
                )

                global _invalid_input, _validate_params
                _invalid_input, _validate_params = validation.InvalidInput, validation.validate_params
                _routes_loaded = True
    return HANDLERS


_routes_loaded = False
_loading = threading.Lock()
# `validation.InvalidInput` and `validation.validate_params`, bound by `load_routes` (pydantic
# is not imported before): a request reads two globals instead of running two imports.
_invalid_input: Any = None
_validate_params: Any = None


class Api:
    """One fake's request handling, independent of the transport that carries it."""

    def __init__(self, fake: Bench, call_log_size: int = DEFAULT_CALL_LOG_SIZE) -> None:
        self.fake = fake
        self.requests = 0
        self.calls = CallLog(call_log_size)
        # Called after each request with (method, path, params, status, body): the recorder.
        self.observers: list[Callable[[str, str, dict[str, Any], int, bytes], None]] = []
        # The clock when the request being answered began (what observers time it by).
        self.started = 0.0
        # Set by `fake-seam serve --state`: each request that may change the fake is kept
        # there before it is answered.
        self.journal: Journal | None = None

    def next_request_id(self) -> str:
        """`request1`, `request2`, ... as Seam's fake numbers them (tests check the prefix)."""
        with self.fake.lock:
            self.requests += 1
            return f"request{self.requests}"

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        base_url: str = "",
        access: ControlAccess = IN_PROCESS,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Answer one request. `headers` has lower-case names (see `header_dict`); `access`
        is who may use the `/_fake` routes over the transport that carried it."""
        with contextlib.nullcontext() if self.waits_outside(path) else self.fake.lock:
            request_id = self.next_request_id()
            if self.observers:
                self.started = self.fake.clock.timestamp()
            # `/health` and `/openapi.json` are about the server, not API calls: neither a
            # journal, the call log nor a recorder keeps them.
            about_the_server = method in ("GET", "HEAD") and path in UNRECORDED
            journal = self.journal
            if journal is not None and not about_the_server and journal.keeps(method, path):
                status, payload, content_type = self._kept(
                    journal, method, path, query, headers, body, base_url, access
                )
            else:
                status, payload, content_type = self._respond(
                    method, path, query, headers, body, base_url, access
                )
            if self.calls.maxlen and not about_the_server:
                self.calls.record(method, path, query, body, status, payload, content_type, request_id)
            if self.observers and not about_the_server:
                params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
                with contextlib.suppress(ValueError):
                    parsed = loads(body)
                    if isinstance(parsed, dict):
                        params.update(parsed)
                for observer in self.observers:
                    observer(method, path, params, status, payload)
        return status, [(b"content-type", content_type), (b"seam-request-id", request_id.encode())], payload

    def _respond(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        base_url: str,
        access: ControlAccess,
    ) -> tuple[int, bytes, bytes]:
        if len(body) > MAX_BODY_BYTES:
            too_large = SeamError("payload_too_large", msgs.payload_too_large(MAX_BODY_BYTES), 413)
            return 413, dumps(too_large.body()), JSON
        if method in ("GET", "HEAD"):
            if path == "/health":
                # What Seam's fake answers: no auth, no Seam layer (a load balancer's probes).
                return 200, HEALTHY, JSON
            if path == "/openapi.json":
                # The fake's own OpenAPI document: no auth, made once per process.
                from fake_seam.api.openapi import document_bytes

                return 200, document_bytes(), JSON
        return self._answer(method, path, query, headers, body, base_url, access)

    def _kept(
        self,
        journal: Journal,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        base_url: str,
        access: ControlAccess,
    ) -> tuple[int, bytes, bytes]:
        """A request answered with the wall clock held still, and kept in `journal` before the
        answer leaves: a replay at the same instant does exactly what it did."""
        fake = self.fake
        clock = fake.clock
        offset, frozen_at = clock.reading()
        horizon, number = fake.timeline.horizon, self.requests
        wall = clock.pin()
        try:
            status, payload, content_type = self._respond(
                method, path, query, headers, body, base_url, access
            )
        finally:
            clock.unpin()
        if status not in REFUSED:
            journal.record(
                KeptCall(
                    method,
                    path,
                    query,
                    {k: v for k, v in headers.items() if k != CONTROL_TOKEN_HEADER},
                    body,
                    base_url,
                    status,
                    wall,
                    offset,
                    frozen_at,
                    horizon,
                    number,
                )
            )
        return status, payload, content_type

    def waits_outside(self, path: str) -> bool:
        """Whether the route waits on something outside the fake (a webhook receiver): it takes
        the fake's lock only while it touches the fake, and a server runs it off its loop. So
        does a route that runs in steps (a long clock advance), unless a journal keeps the
        requests: then it runs whole, under the lock, in the order the journal keeps."""
        if not path.startswith("/_fake/"):
            return False
        endpoint = load_routes().get(path.rstrip("/"))
        if endpoint is None:
            return False
        return not endpoint.locked or (endpoint.sliced and self.journal is None)

    def _answer(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        base_url: str,
        access: ControlAccess,
    ) -> tuple[int, bytes, bytes]:
        path = path.rstrip("/") or "/"
        endpoint = load_routes().get(path)  # a flag check once loaded
        if endpoint is None:
            missing = SeamError("not_found", msgs.route_not_found(path), 404, data={"path": path})
            return 404, dumps(missing.body()), JSON
        try:
            return self._call(endpoint, method, path, query, headers, body, base_url, access)
        except SeamError as error:
            return error.status, dumps(error.body()), JSON
        except Exception:  # pragma: no cover - a bug in the fake, reported Seam-style
            log.error("fake-seam failed on %s %s\n%s", method, path, traceback.format_exc())
            failure = SeamError("internal_server_error", msgs.internal_error(path), 500)
            return 500, dumps(failure.body()), JSON

    def _call(
        self,
        endpoint: Endpoint,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        base_url: str,
        access: ControlAccess,
    ) -> tuple[int, bytes, bytes]:
        fake = self.fake
        methods = endpoint.methods or route_methods(path)
        if method not in methods:
            # HEAD too: routes that change state answer GET as well, and a HEAD must change nothing.
            raise SeamError("method_not_allowed", msgs.method_not_allowed(method, path, list(methods)), 405)
        control_token = False
        if endpoint.control:
            control_token = access.admit(headers)
            if method == "POST" and not is_json(headers.get("content-type", "")):
                # A page on any site may POST text/plain, a form or nothing at all to loopback
                # without asking first (a CORS "simple" request); JSON it must ask for.
                content_type = headers.get("content-type", "")
                raise SeamError("unsupported_media_type", msgs.control_needs_json(content_type), 415)
        with fake.lock:  # held already, unless the route waits outside (`waits_outside`)
            fake.timeline.run_until()
        caller = (
            fake.cloud.auth.authenticate(
                headers,
                workspace_required=endpoint.workspace_required,
                publishable_ok=publishable_key_may_call(path),
            )
            if endpoint.auth
            else None
        )
        if (
            caller is not None
            and caller.kind == "client_session_token"
            and not client_sessions_may_call(path)
        ):
            # As Seam's spec lists each route's `security`: a client session acts for one user,
            # not for the workspace (no action attempt listing, no reset, no workspace changes).
            fake.cloud.auth.refuse_client_session(caller, path)
        if caller is not None and path in fake.outages.get(caller.workspace_id, ()):
            # A gateway in front of Seam answers, not Seam: no Seam error body.
            return 503, msgs.GATEWAY_UNAVAILABLE.encode(), b"text/plain; charset=utf-8"
        pairs = parse_qsl(query, keep_blank_values=True) if query else []
        if endpoint.form and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            body = b""
        try:
            parsed_body = loads(body)
        except ValueError:
            raise SeamError(
                "invalid_input",
                msgs.INVALID_JSON_BODY,
                400,
                validation_errors={"_errors": [msgs.INVALID_JSON]},
            ) from None
        try:
            params = parse(endpoint, pairs, parsed_body)
        except _invalid_input as problem:
            raise SeamError(
                "invalid_input", problem.message, 400, validation_errors=problem.validation_errors
            ) from None
        raw = dict(pairs)
        if isinstance(parsed_body, dict):
            raw.update(parsed_body)
        ctx = Context(fake, caller, path, base_url, raw, control_token)
        result = endpoint.handler(ctx, params)
        if isinstance(result, Page):
            return 200, result.html.encode(), b"text/html; charset=utf-8"
        # Zero-delay writes land at once, as the hardware would have it.
        with fake.lock:
            fake.timeline.run_until()
        if endpoint.ok:
            result["ok"] = True
        return 200, dumps(result), JSON


def is_json(content_type: str) -> bool:
    """`application/json` or a `+json` type, whatever its parameters (`; charset=utf-8`)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def spec_of(path: str) -> Route | None:
    """The route as Seam's spec declares it (None for the fake's own routes)."""
    from fake_seam.wire.params import ROUTES  # loaded by load_routes (~110 ms)

    return ROUTES.get(path)


@cache
def client_sessions_may_call(path: str) -> bool:
    spec = spec_of(path)
    return spec is None or spec.client_sessions


@cache
def publishable_key_may_call(path: str) -> bool:
    spec = spec_of(path)
    return spec is not None and spec.publishable_key


@cache
def route_methods(path: str) -> frozenset[str]:
    spec = spec_of(path)
    return spec.methods if spec else frozenset({"GET", "POST"})


def parse(endpoint: Endpoint, pairs: list[tuple[str, str]], body: Any) -> BaseModel:
    """The endpoint's params, validated once by the model the handler declared (Seam's routes
    and the control routes alike)."""
    if _validate_params is None:  # a route table filled by hand, without `load_routes`
        load_routes()
    validate: Callable[[type[BaseModel], list[tuple[str, str]], Any], BaseModel] = _validate_params
    return validate(endpoint.params, pairs, body)


def header_dict(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers as `Api.handle` reads them: lower-case names, the first of repeats
    (read last to first, so the first one is written last)."""
    pairs = raw if isinstance(raw, list) else list(raw)
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in reversed(pairs)}
