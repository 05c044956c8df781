"""The console at `/_fake/console`: a page (HTML, CSS and JS shipped in `fake_seam/console/`)
that shows the simulated locks and drives them through the `/_fake` control routes, and the
stream that tells it, as it happens, that something changed.

The page holds no secret: with a control token configured, the person types it into the page
(kept in the tab's sessionStorage), which sends it in the control header of each request; the
stream is read with `fetch` rather than `EventSource` for that reason (an `EventSource`
cannot send a header, and a token in a URL ends up in logs). Without a token, the page and
the stream follow the loopback rule of every `/_fake` route (`control_access.py`).

The stream is server-sent events: `event` (one of the fake's events, in brief), `change` (a
request that may have changed something), `delivery` (a webhook delivery try) and `reset`
(the fake went back to its seed). The page reads the state itself through the console's read
routes (`fake_seam/controls/console.py`); the stream only says when to.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from importlib import resources
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

from fake_seam import messages as msgs
from fake_seam.api.control_access import ControlAccess
from fake_seam.api.handler import Api, header_dict
from fake_seam.seam.errors import SeamError
from fake_seam.seam.records import Event

CONSOLE_PATH = "/_fake/console"
STREAM_PATH = f"{CONSOLE_PATH}/stream"
ASSETS = {"console.js": b"text/javascript; charset=utf-8", "console.css": b"text/css; charset=utf-8"}
HEARTBEAT_SECONDS = 15.0  # a comment line now and then: a proxy or a dead peer shows itself
RESUBSCRIBE_SECONDS = 1.0  # how often the stream checks for a cloud rebuilt by a reset
QUEUE_SIZE = 1000  # a browser that reads slower than this falls back to one `change`
# The page runs only its own script, talks only to this server, and cannot be framed by another
# site (whose page could otherwise trick a click on the console's buttons).
PAGE_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # `?token=` must not leave in a Referer
    (b"cache-control", b"no-store"),
]


def asset(name: str) -> bytes:
    return (resources.files("fake_seam") / "console" / name).read_bytes()


def mutating(method: str, path: str) -> bool:
    """Whether a request may have changed the fake: the console's own reads and the stream do not."""
    return method == "POST" and not path.startswith(f"{CONSOLE_PATH}/") and path not in READ_PATHS


READ_PATHS = frozenset({"/_fake/clock", "/_fake/database", "/_fake/default_seed", "/_fake/devices/slots"})


class ConsoleEndpoint:
    """The page, its two assets and the stream, each checked by the server's control access."""

    def __init__(self, api: Api, access: ControlAccess, access_for: Callable[[Scope], ControlAccess]) -> None:
        self.api = api
        self.access = access
        self.access_for = access_for
        self.files = {"": asset("index.html"), **{name: asset(name) for name in ASSETS}}
        self.streams: set[asyncio.Queue[bytes | None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].rstrip("/")
        headers = header_dict(scope["headers"])
        access = self.access_for(scope)
        if scope["method"] not in ("GET", "HEAD"):
            wrong = SeamError(
                "method_not_allowed", msgs.method_not_allowed(scope["method"], path, ["GET"]), 405
            )
            await answer(send, 405, orjson.dumps(wrong.body()))
            return
        try:
            if path == STREAM_PATH or access.token is None:
                # The page itself holds no secret, so with a token it is served to anyone (a
                # browser cannot send a header on navigation); what it reads needs the token.
                access.admit(headers)
        except SeamError as refused:
            await answer(send, refused.status, orjson.dumps(refused.body()))
            return
        if path == STREAM_PATH:
            await self.stream(receive, send)
            return
        name = path.removeprefix(CONSOLE_PATH).lstrip("/")
        if name not in self.files:
            missing = SeamError("not_found", msgs.route_not_found(path), 404, data={"path": path})
            await answer(send, 404, orjson.dumps(missing.body()))
            return
        content_type = ASSETS.get(name, b"text/html; charset=utf-8")
        body = self.files[name] if scope["method"] == "GET" else b""
        await answer(send, 200, body, content_type, PAGE_HEADERS, length=len(self.files[name]))

    async def stream(self, receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        overflowed = False

        def push(message: bytes | None) -> None:
            nonlocal overflowed
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                overflowed = True

        def from_any_thread(message: bytes) -> None:
            # Events come from whichever thread changed the fake (a request run off the loop,
            # the webhook sender): the queue is the loop's.
            loop.call_soon_threadsafe(push, message)

        def on_event(event: Event) -> None:
            fields = event.fields
            brief = {
                "seq": event.seq,
                "event_type": event.event_type,
                "workspace_id": event.workspace_id,
                "occurred_at": event.occurred_at,
                "device_id": fields.get("device_id"),
                "access_code_id": fields.get("access_code_id"),
            }
            from_any_thread(sse("event", brief))

        def on_request(method: str, path: str, params: dict[str, Any], status: int, body: bytes) -> None:
            if mutating(method, path):
                from_any_thread(sse("change", {"path": path, "status": status}))

        def on_delivery(tried: dict[str, Any]) -> None:
            from_any_thread(
                sse("delivery", {"event_type": tried.get("event_type"), "outcome": tried.get("outcome")})
            )

        fake = self.api.fake
        with fake.lock:
            cloud = fake.cloud
            unsubscribe = cloud.events.subscribe(on_event)
            last_seq = cloud.store.event_seq
        self.api.observers.append(on_request)
        on_attempt: list[Any] = getattr(fake.webhooks, "on_attempt", [])
        on_attempt.append(on_delivery)
        self.streams.add(queue)
        gone = asyncio.Event()
        watcher = asyncio.create_task(wait_for_disconnect(receive, gone, queue))
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-store"),
                        (b"x-accel-buffering", b"no"),
                    ],
                }
            )
            await send(
                {"type": "http.response.body", "body": sse("hello", {"seq": last_seq}), "more_body": True}
            )
            quiet = 0.0
            while not gone.is_set():
                try:
                    message = await asyncio.wait_for(queue.get(), RESUBSCRIBE_SECONDS)
                except TimeoutError:
                    message = b""
                if message is None:  # the server is stopping
                    break
                if fake.cloud is not cloud:  # a reset built a new cloud: follow it
                    with fake.lock:
                        unsubscribe()
                        cloud = fake.cloud
                        unsubscribe = cloud.events.subscribe(on_event)
                    message = sse("reset", {})
                if overflowed:
                    overflowed = False
                    message += sse("change", {"overflow": True})
                if not message:
                    quiet += RESUBSCRIBE_SECONDS
                    if quiet < HEARTBEAT_SECONDS:
                        continue
                    message = b": still here\n\n"
                quiet = 0.0
                await send({"type": "http.response.body", "body": message, "more_body": True})
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the browser went away mid-send
        finally:
            watcher.cancel()
            self.streams.discard(queue)
            with contextlib.suppress(ValueError):
                unsubscribe()
            with contextlib.suppress(ValueError):
                self.api.observers.remove(on_request)
            with contextlib.suppress(ValueError):
                on_attempt.remove(on_delivery)

    def close_streams(self) -> None:
        """End every open stream (the server is stopping: it waits for open responses)."""
        for queue in list(self.streams):
            stop(queue)


def stop(queue: asyncio.Queue[bytes | None]) -> None:
    """Wake the stream with its end (making room for it: what it would have sent no longer matters)."""
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(None)


async def wait_for_disconnect(
    receive: Receive, gone: asyncio.Event, queue: asyncio.Queue[bytes | None]
) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            stop(queue)
            return


def sse(kind: str, data: dict[str, Any]) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def answer(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes = b"application/json",
    extra: list[tuple[bytes, bytes]] | None = None,
    length: int | None = None,
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body) if length is None else length).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
