"""A webhook receiver for tests: a loopback HTTP server that collects deliveries, verifies each
with the official SDK (`seam.SeamWebhook`), and waits for an event by moving the fake's clock,
never by sleeping. The `webhook_receiver` pytest fixture is one, registered in the default
workspace."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from fake_seam.fake import FakeSeam

LOOPBACK = "127.0.0.1"


@dataclass
class Received:
    """One delivery as the receiver got it."""

    body: bytes
    headers: dict[str, str]
    status: int  # what the receiver answered
    verified: bool  # `SeamWebhook(secret).verify` accepted it (False also when no secret is known)
    event: dict[str, Any] = field(default_factory=dict)

    @property
    def event_type(self) -> str:
        return str(self.event.get("event_type", ""))

    @property
    def message_id(self) -> str:
        return self.headers.get("webhook-id", "")


class WebhookReceiver:
    """Collects deliveries on `url`.

    >>> receiver = WebhookReceiver(fake).start()
    >>> webhook = seam.webhooks.create(url=receiver.url)
    >>> receiver.secret = webhook.secret
    >>> receiver.fail_next(2)                     # answer 500 twice, then 200
    >>> receiver.wait_for("device.disconnected")  # flushes; moves the clock to retries if need be
    """

    def __init__(self, fake: FakeSeam | None, *, secret: str | None = None) -> None:
        """`fake`: the fake whose clock `wait_for` moves (None: a receiver that only collects)."""
        self.fake = fake
        self.secret = secret
        self.received: list[Received] = []
        self._answers: deque[int] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the receiver first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhooks/seam"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                status = receiver._take(body, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: a test's output is not the place for an access log."""

        self._server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-seam:webhook-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering -------------------------------------------------------------------------

    def fail_next(self, times: int = 1, status: int = 500) -> None:
        """Answer the next `times` deliveries with `status` (then 200 again)."""
        with self._lock:
            self._answers.extend([status] * times)

    def _take(self, body: bytes, headers: dict[str, str]) -> int:
        verified, event = self._verify(body, headers)
        with self._lock:
            status = self._answers.popleft() if self._answers else (200 if verified else 400)
            self.received.append(Received(body, headers, status, verified, event))
        return status

    def _verify(self, body: bytes, headers: dict[str, str]) -> tuple[bool, dict[str, Any]]:
        try:
            event = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False, {}
        if self.secret is None:
            return False, event if isinstance(event, dict) else {}
        from seam import SeamWebhook

        try:
            SeamWebhook(self.secret).verify(body.decode(), headers)
        except Exception:  # svix's WebhookVerificationError and the SDK's payload error
            return False, event
        return True, event

    # -- reading ---------------------------------------------------------------------------

    def events(self, *event_types: str) -> list[dict[str, Any]]:
        """The events taken (answered 2xx), in order; only those types when given."""
        with self._lock:
            taken = [r.event for r in self.received if 200 <= r.status < 300]
        return [e for e in taken if not event_types or e.get("event_type") in event_types]

    def wait_for(
        self, event_type: str, *, count: int = 1, within: float = 24 * 3600.0, max_steps: int = 1000
    ) -> dict[str, Any]:
        """The `count`-th event of that type taken: sends what is due (`fake.webhooks.flush()`)
        and, while it has not arrived, moves the fake's clock to the next thing due (a retry, a
        write landing, a code starting), at most `within` seconds in all. Raises
        `AssertionError` naming what did arrive when it does not."""
        fake = self.fake
        assert fake is not None, "wait_for moves a fake's clock: give the receiver its fake"
        limit = fake.clock.timestamp() + within
        for _ in range(max_steps):
            fake.webhooks.flush()
            arrived = self.events(event_type)
            if len(arrived) >= count:
                return arrived[count - 1]
            with fake.lock:
                dues = [d for d in (fake.webhooks.next_due(), fake.timeline.next_due()) if d is not None]
            if not dues or min(dues) > limit:
                break
            fake.advance(max(0.0, min(dues) - fake.clock.timestamp()))
        seen = [r.event_type for r in self.received]
        raise AssertionError(
            f"webhook event {event_type!r} (#{count}) did not arrive within {within:g} s of the"
            f" fake's time; the receiver got {seen or 'nothing'}"
        )
