"""The ASGI app: every path goes to `Api.handle` (handler.py), but the console's page and
stream (console.py). HTTP framing only."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import anyio.to_thread
from starlette.types import Receive, Scope, Send

from fake_seam.api.console import ASSETS, CONSOLE_PATH, STREAM_PATH, ConsoleEndpoint
from fake_seam.api.control_access import CLOSED, IN_PROCESS, LOOPBACK_ONLY, ControlAccess, is_loopback
from fake_seam.api.handler import MAX_BODY_BYTES, Api, header_dict


class FakeSeamApp:
    """The whole app: a set lookup sends the console's paths to the console and every other
    path to `SeamEndpoint`. A router and its middleware would match patterns and wrap every
    request to reach the same two endpoints (a third of a served `devices/list` went there)."""

    def __init__(self, api: Api, access: ControlAccess = LOOPBACK_ONLY) -> None:
        self.console = ConsoleEndpoint(api, access, lambda scope: access_for(access, scope))
        self.seam = SeamEndpoint(api, access)
        self.console_paths = frozenset(
            [CONSOLE_PATH, f"{CONSOLE_PATH}/", STREAM_PATH, *(f"{CONSOLE_PATH}/{name}" for name in ASSETS)]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if route_path(scope) in self.console_paths:
                await self.console(scope, receive, send)
            else:
                await self.seam(scope, receive, send)
        elif kind == "lifespan":
            await lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})  # no route takes a websocket


def build_app(api: Api, access: ControlAccess = LOOPBACK_ONLY) -> FakeSeamApp:
    """The ASGI app that hands each request to `Api`; `access` says who may use its `/_fake`
    routes. The server ends the console's streams (`app.console`) when it stops."""
    return FakeSeamApp(api, access)


def route_path(scope: Scope) -> str:
    """The path below the app's mount point (`root_path`), as ASGI routers match it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("/", ""):
        return path[len(root) :]
    return path


async def lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: each lifespan message is acknowledged."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class SeamEndpoint:
    """A plain ASGI endpoint rather than a Request/Response function: `Api.handle` already
    works on bytes and header pairs, so request and response objects would only be built and
    dropped."""

    def __init__(self, api: Api, access: ControlAccess = LOOPBACK_ONLY) -> None:
        self.api = api
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body: nobody to answer
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if not message.get("more_body", False) or size > MAX_BODY_BYTES:
                break  # past the limit the rest is not read: `Api.handle` answers 413
        headers = header_dict(scope["headers"])
        access = access_for(self.access, scope)
        request = (
            scope["method"],
            scope["path"],
            scope["query_string"].decode("latin-1"),
            headers,
            b"".join(chunks),
            base_url(scope, headers),
            access,
        )
        if self.api.waits_outside(scope["path"]):
            # Off the event loop: the loop keeps serving, e.g. a webhook receiver calling back.
            status, answer_headers, payload = await anyio.to_thread.run_sync(self.api.handle, *request)
        else:
            status, answer_headers, payload = self.api.handle(*request)
        answer_headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": answer_headers})
        await send({"type": "http.response.body", "body": payload})


def access_for(access: ControlAccess, scope: Scope) -> ControlAccess:
    """The rule for one request: the token's, when one is configured; else by its address."""
    return access if access.token is not None else untokened(access, scope)


def untokened(access: ControlAccess, scope: Scope) -> ControlAccess:
    """The rule without a token, by the address the request came in on: none at all if it is
    not loopback (whoever serves this app listens beyond, and set no token); the in-process
    rule if it is no address (an in-memory test client, as Starlette's `TestClient`)."""
    server = scope.get("server")
    if not server or server[1] is None:  # a Unix socket: its file's permissions say who
        return access
    kind = address_kind(str(server[0]))
    if kind is None:
        return IN_PROCESS
    return access if kind else CLOSED


@lru_cache(maxsize=64)
def address_kind(host: str) -> bool | None:
    """Whether a listening address is loopback; None when it is no IP address at all. A
    server listens on one or two addresses: each is parsed once, not at every request."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return is_loopback(str(address))


def base_url(scope: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    """`scheme://host[:port]` as the client addressed us (for `next_page_url`)."""
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"
