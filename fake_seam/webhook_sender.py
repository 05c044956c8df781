"""Sending the fake's webhook deliveries: signed as Seam signs them (Svix), over HTTP or into an
app in the same process.

The model (`fake_seam.seam.webhooks`) says which delivery is due when on the fake's clock; this
module does the sending, outside the fake's lock, so an API call never waits for a receiver and a
receiver may call the fake back while it handles a delivery. In a test nothing is sent until
`flush()`; a served fake (`fake-seam serve`, `ThreadedServer`) also sends from a background
thread as deliveries fall due. See https://docs.seam.co/latest/developer-tools/webhooks.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import orjson

from fake_seam import messages as msgs
from fake_seam.clock import ts
from fake_seam.seam.records import Delivery
from fake_seam.wire import shapes

if TYPE_CHECKING:
    import httpx

    from fake_seam.controls import Bench

# Svix gives a receiver 15 s to answer before it counts the try as failed.
DEFAULT_TIMEOUT = 15.0
# A flush stops after this many rounds: a receiver whose every answer causes a new event
# would otherwise keep it going for ever.
MAX_ROUNDS = 10_000
IN_PROCESS_HOST = "fake-seam.internal"


class WebhookSender:
    """`fake.webhooks`: what a fake does with its webhook deliveries.

    >>> url = fake.webhooks.deliver_to(app, "/webhooks/seam")   # an ASGI or WSGI app
    >>> seam.webhooks.create(url=url)                            # its `secret` verifies them
    >>> fake.webhooks.flush()                                    # send what is due, no sleep
    >>> fake.webhooks.deliveries()                               # every try, with its outcome
    """

    def __init__(self, fake: Bench, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.fake = fake
        self.timeout = timeout
        self._apps: dict[str, Poster] = {}  # origin -> a client calling that app in-process
        self._http: httpx.Client | None = None
        self._sending = threading.Lock()  # one sender at a time: per webhook, in event order
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False
        self._listening_to: Any = None
        self.on_attempt: list[Callable[[dict[str, Any]], None]] = []

    # -- receivers in this process ---------------------------------------------------------

    def deliver_to(self, app: Any, path: str = "/", *, interface: str | None = None) -> str:
        """A URL whose deliveries call `app` in this process, with the bytes and headers a real
        delivery has. `app` is an ASGI app (Starlette, FastAPI, Django's ASGI handler) or a WSGI
        app (Flask, Django's WSGI handler); `interface="asgi"` or `"wsgi"` says which when it
        cannot be told. Register the URL as a webhook (`webhooks.create(url=...)`)."""
        import httpx  # the SDK's own HTTP client, a dependency of `seam`

        kind = interface or ("asgi" if _is_asgi(app) else "wsgi")
        origin = f"http://app-{len(self._apps) + 1}.{IN_PROCESS_HOST}"
        if kind == "asgi":
            self._apps[origin] = AsgiCaller(app)
        elif kind == "wsgi":
            transport = httpx.WSGITransport(app=app, raise_app_exceptions=False)
            self._apps[origin] = httpx.Client(transport=transport, base_url=origin)
        else:
            raise ValueError(f"interface must be 'asgi' or 'wsgi', not {interface!r}")
        return origin + (path if path.startswith("/") else "/" + path)

    # -- sending ---------------------------------------------------------------------------

    def flush(self, *, max_rounds: int = MAX_ROUNDS) -> list[dict[str, Any]]:
        """Send every delivery due by the fake's clock, and whatever those cause, until nothing
        is due; returns the tries made (as `deliveries()` shows them). A retry that fell due
        while the clock was moved is tried now, each in turn, in order."""
        made: list[dict[str, Any]] = []
        with self._sending:
            for _ in range(max_rounds):
                fake = self.fake
                with fake.lock:
                    fake.timeline.run_until()
                    model = fake.cloud.webhooks
                    batch = model.take_due(fake.clock.timestamp())
                if not batch:
                    break
                outcomes = [(delivery, self._send(delivery)) for delivery in batch]
                with fake.lock:
                    for delivery, (status, error) in outcomes:
                        model.settled(delivery, status, error)
                        tried = attempt_view(delivery, len(delivery.attempts) - 1)
                        made.append(tried)
                        for listener in self.on_attempt:
                            listener(tried)
        return made

    def _send(self, delivery: Delivery) -> tuple[int | None, str | None]:
        """One try: the raw event JSON, signed with the webhook's secret at the real time of
        sending (the receiver checks it against its own clock: freezegun and time-machine move
        both in one process); `occurred_at` in the body stays the fake's time."""
        from svix.webhooks import Webhook as Signer  # a dependency of `seam`

        body = orjson.dumps(shapes.event(delivery.event))
        sent_at = datetime.now(UTC)
        signature = Signer(delivery.webhook.secret).sign(delivery.message_id, sent_at, body.decode())
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        }
        url = delivery.webhook.url
        in_process = self._app_for(url)
        try:
            answer = (in_process or self._http_client()).post(url, content=body, headers=headers)
        except Exception as problem:  # refused or timed out; or the app raised, which a server
            # in front of it would have answered with a 500
            return (500 if in_process else None), _reason(problem)
        if 200 <= answer.status_code < 300:
            return answer.status_code, None
        return answer.status_code, msgs.webhook_status(answer.status_code)

    def _app_for(self, url: str) -> Poster | None:
        parts = urlsplit(url)
        return self._apps.get(f"{parts.scheme}://{parts.netloc}")

    def _http_client(self) -> Poster:
        if self._http is None:
            import httpx

            self._http = httpx.Client(timeout=self.timeout, follow_redirects=False)
        return self._http

    def next_due(self) -> float | None:
        """When the next delivery or retry is due on the fake's clock (None: nothing waits)."""
        with self.fake.lock:
            return self.fake.cloud.webhooks.next_due()

    # -- inspection --------------------------------------------------------------------------

    def deliveries(self, latest: int | None = None) -> list[dict[str, Any]]:
        """Every try made, oldest first, and then each delivery still waiting for its next try
        (`outcome: "pending"`, `attempted_at: None`); with `latest`, only the last that many
        of that list, built from the newest deliveries alone (the console's view)."""
        with self.fake.lock:
            history = self.fake.cloud.store.deliveries
            waiting = [d for d in history if d.state in ("pending", "sending")]
            if latest is not None:
                waiting = waiting[-latest:] if latest else []
            tried: list[dict[str, Any]] = []
            wanted = None if latest is None else latest - len(waiting)
            for delivery in reversed(history):
                if wanted is not None and len(tried) >= wanted:
                    break
                tried[:0] = [attempt_view(delivery, i) for i in range(len(delivery.attempts))]
            if wanted is not None:
                tried = tried[max(0, len(tried) - wanted) :] if wanted > 0 else []
            return tried + [waiting_view(d) for d in waiting]

    # -- in the background (a served fake) ----------------------------------------------------

    def start(self) -> None:
        """Send deliveries as they fall due, from a thread, until `stop()`."""
        if self._thread is not None:
            return
        self._running = True
        self._thread = threading.Thread(target=self._run, name="fake-seam:webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._running = False
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while self._running:
            self._listen()
            self.flush()
            self._wake.wait(self._seconds_to_next_due())
            self._wake.clear()

    def _listen(self) -> None:
        """Wake on every new event of the fake's current cloud (a reset builds a new one)."""
        with self.fake.lock:
            events = self.fake.cloud.events
            if self._listening_to is not events:
                events.subscribe(lambda event: self._wake.set())
                self._listening_to = events

    def _seconds_to_next_due(self) -> float:
        # At most half a second: a clock moved by a control makes retries due without an event.
        with self.fake.lock:
            due = self.fake.cloud.webhooks.next_due()
            if due is None or self.fake.clock.frozen:
                return 0.5
            return min(0.5, max(0.0, due - self.fake.clock.timestamp()))


class Poster(Protocol):
    def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response: ...


class AsgiCaller:
    """Posts to an ASGI app in this process, in an event loop of its own (a portal thread), so
    a flush works the same from sync code and from inside a running loop (an async test)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        import anyio.from_thread
        import httpx

        async def call() -> httpx.Response:
            # An app that raises answers 500, as a server in front of it would.
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport) as client:
                return await client.post(url, content=content, headers=headers)

        with anyio.from_thread.start_blocking_portal() as portal:
            return portal.call(call)


def attempt_view(delivery: Delivery, index: int) -> dict[str, Any]:
    attempt = delivery.attempts[index]
    last = index == len(delivery.attempts) - 1
    if not last:
        outcome, next_at = "retried", ts(delivery.attempts[index + 1].attempted_at)
    elif delivery.state == "delivered":
        outcome, next_at = "delivered", None
    elif delivery.state == "failed":
        outcome, next_at = "failed", None
    else:
        outcome, next_at = "retrying", ts(delivery.due_at)
    return {
        **_delivery_fields(delivery),
        "attempt": attempt.number,
        "attempted_at": ts(attempt.attempted_at),
        "status_code": attempt.status_code,
        "error": attempt.error,
        "outcome": outcome,
        "next_attempt_at": next_at,
    }


def waiting_view(delivery: Delivery) -> dict[str, Any]:
    return {
        **_delivery_fields(delivery),
        "attempt": len(delivery.attempts) + 1,
        "attempted_at": None,
        "status_code": None,
        "error": None,
        "outcome": "pending",
        "next_attempt_at": ts(delivery.due_at),
    }


def _delivery_fields(delivery: Delivery) -> dict[str, Any]:
    return {
        "message_id": delivery.message_id,
        "webhook_id": delivery.webhook.webhook_id,
        "url": delivery.webhook.url,
        "event_id": delivery.event.event_id,
        "event_type": delivery.event.event_type,
    }


def _reason(problem: Exception) -> str:
    name = type(problem).__name__
    text = str(problem)
    return f"{name}: {text}" if text else name


def _is_asgi(app: Any) -> bool:
    """ASGI apps are coroutine functions of (scope, receive, send); Flask and Django's WSGI
    handler are plain callables of (environ, start_response)."""
    if hasattr(app, "wsgi_app"):  # Flask
        return False
    if inspect.isfunction(app) or inspect.ismethod(app):
        return inspect.iscoroutinefunction(app)
    return inspect.iscoroutinefunction(type(app).__call__)
