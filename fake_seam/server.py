"""Serving a fake over real HTTP: uvicorn on loopback, in the foreground (`fake-seam serve`)
or in a background thread (`ThreadedServer`, for tests and for code that is not Python)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import os
import socket
import sys
import threading
import time
from typing import Any

import uvicorn

from fake_seam.api.app import build_app
from fake_seam.api.connection import LimitedConfig, SeamConnection
from fake_seam.api.control_access import CONTROL_TOKEN_HEADER, ControlAccess
from fake_seam.api.handler import load_routes
from fake_seam.api.limits import DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT
from fake_seam.fake import DEFAULT_API_KEY, FakeSeam

LOOPBACK = "127.0.0.1"


class PortInUse(OSError):
    """The address cannot be bound (in use, not ours, or not a port): one line for the user."""


def bind(host: str, port: int) -> socket.socket:
    """Bind first, so a port in use is one clear error rather than a server log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say
    # so, and with Nagle on, every response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if os.name != "nt":
        # A restart right after a stop that left connections in TIME_WAIT may take the port
        # again (on Windows the option means something else: sharing a port in use).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as problem:  # OverflowError: a port outside 0-65535
        sock.close()
        reason = getattr(problem, "strerror", None) or problem
        raise PortInUse(f"cannot listen on {host}:{port}: {reason}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


async def wake_at_due_times(fake: FakeSeam, stop: asyncio.Event) -> None:
    """The server's only timer: run jobs as they fall due, even with no request coming."""
    while not stop.is_set():
        with fake.lock:  # next_due() pops cancelled jobs: not while another thread pushes
            due = fake.timeline.next_due()
        wait = 0.5
        if due is not None and not fake.clock.frozen:
            wait = min(wait, max(0.0, due - fake.clock.timestamp()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=max(wait, 0.001))
        fake.run_due()


def config(
    fake: FakeSeam,
    access: ControlAccess,
    *,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    **options: Any,
) -> uvicorn.Config:
    return LimitedConfig(
        build_app(fake.api, access),
        http=SeamConnection,
        timeout_keep_alive=idle_timeout,
        header_timeout=header_timeout,
        log_level=options.pop("log_level", "warning"),
        access_log=False,
        lifespan="off",
        server_header=False,
        date_header=False,
        **options,
    )


class FakeSeamServer(uvicorn.Server):
    def __init__(
        self,
        fake: FakeSeam,
        *,
        host: str = LOOPBACK,
        control_token: str | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        header_timeout: float = DEFAULT_HEADER_TIMEOUT,
        own_process: bool = False,
        **options: Any,
    ) -> None:
        """A server for `fake` on sockets bound to `host`. `/_fake` routes need
        `control_token` (sent as `x-fake-seam-control-token`) when given; without one, `host`
        must be loopback (else ValueError). `idle_timeout`: seconds a connection may send
        nothing; `header_timeout`: seconds a request's headers may take.

        `own_process`: the server is all this process does (`fake-seam serve`), so it may
        tune the garbage collector; never set it for a server inside someone's tests."""
        access = ControlAccess.for_listener(host, control_token)
        if idle_timeout <= 0 or header_timeout <= 0:
            raise ValueError("idle_timeout and header_timeout are seconds, more than 0")
        super().__init__(
            config(fake, access, idle_timeout=idle_timeout, header_timeout=header_timeout, **options)
        )
        self.fake = fake
        self.own_process = own_process
        self._stop = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        # Listening already: load the route table (pydantic, Seam's models) beside the loop,
        # so the first API call finds it ready. A call that comes sooner waits for it.
        threading.Thread(target=self._warm_up, name="fake-seam:load-routes", daemon=True).start()

    def _warm_up(self) -> None:
        load_routes()
        if self.own_process:
            # What is loaded by now (modules, Seam's models, the seed) stays for the life of the
            # process: leave it out of the collector's full passes, which then cost what
            # requests created (halves the longest pause under load). At worst a reset keeps
            # the first seed's few hundred kB.
            gc.freeze()
            self.fake.after_reset.append(_refreeze)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn waits for open responses to end: the console's streams never would.
        console = getattr(self.config.app, "console", None)
        if console is not None:
            console.close_streams()
        await super().shutdown(sockets=sockets)

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._stop = asyncio.Event()
        waker = asyncio.create_task(wake_at_due_times(self.fake, self._stop))
        # A served fake sends webhook deliveries as they fall due, from a thread of their own.
        self.fake.webhooks.start()
        try:
            await super().serve(sockets=sockets)
        finally:
            self._stop.set()
            await waker
            self.fake.webhooks.stop()


def _refreeze() -> None:
    """After a reset: what was frozen may be the old world's skeleton, which only a full
    collection frees; collect it, hand the C heap's free pages back to the system (glibc),
    then freeze the new seed as start-up did."""
    gc.unfreeze()
    gc.collect()
    _trim_heap()
    gc.freeze()


def _trim_heap() -> None:
    """glibc's `malloc_trim(0)`: free pages at the end or in the middle of the C heap go back
    to the system (big lists and dicts of a dropped world live there). Elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        pass


def _real_time_loop() -> asyncio.AbstractEventLoop:
    """An event loop on real monotonic time, even while freezegun has replaced `time.monotonic`
    (which asyncio's timers read): frozen, uvicorn's loop would stall and never stop. The
    fake's clock still follows the frozen time."""
    loop = asyncio.new_event_loop()
    freezegun = sys.modules.get("freezegun.api")
    loop.time = getattr(freezegun, "real_monotonic", time.monotonic)  # type: ignore[method-assign]
    return loop


class ThreadedServer:
    """A fake served over loopback HTTP from a background thread.

    >>> server = ThreadedServer(FakeSeam()).start()
    >>> server.endpoint   # e.g. http://127.0.0.1:53411
    >>> server.stop()
    """

    def __init__(
        self,
        fake: FakeSeam | None = None,
        host: str = LOOPBACK,
        port: int = 0,
        *,
        control_token: str | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    ) -> None:
        """See `FakeSeamServer` for `control_token` and the timeouts (ValueError, before
        binding, for a host beyond loopback without a token)."""
        self.fake = fake or FakeSeam()
        self.host = host
        self.control_token = control_token
        server = FakeSeamServer(
            self.fake,
            host=host,
            control_token=control_token,
            idle_timeout=idle_timeout,
            header_timeout=header_timeout,
        )
        self._sock = bind(host, port)
        self.port = self._sock.getsockname()[1]
        self._server = server
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def control_headers(self) -> dict[str, str]:
        """Headers a `/_fake` request to this server needs: the control token, when it has one."""
        return {CONTROL_TOKEN_HEADER: self.control_token} if self.control_token else {}

    @property
    def api_key(self) -> str:
        """Workspace 1's key of the default seed, or the first key a custom seed defines."""
        keys = self.fake.cloud.store.credentials.api_keys
        return DEFAULT_API_KEY if DEFAULT_API_KEY in keys or not keys else next(iter(keys))

    def start(self) -> ThreadedServer:
        self._server.config.install_signal_handlers = False  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._run,
            name=f"fake-seam:{self.port}",
            daemon=True,
        )
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("fake-seam's server thread died while starting")
            self._thread.join(0.002)
        return self

    def _run(self) -> None:
        with asyncio.Runner(loop_factory=_real_time_loop) as runner:
            runner.run(self._server.serve(sockets=[self._sock]))

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
        self._sock.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
