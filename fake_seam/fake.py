"""`FakeSeam`: one in-process fake of Seam — its clock, its hardware, its API — with the
Python control methods tests and scenarios use (one per control of `fake_seam.controls`,
made from its declaration). Make as many as you like in one process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from fake_seam.api.calls import DEFAULT_CALL_LOG_SIZE, CallLog
from fake_seam.api.handler import Api
from fake_seam.clock import Clock, Timeline, ts
from fake_seam.control_methods import ControlMethods
from fake_seam.seam import SeamCloud, Settings
from fake_seam.seam.errors import device_not_found
from fake_seam.seam.records import Device
from fake_seam.simulator.lock import SimulatedLock
from fake_seam.webhook_sender import WebhookSender

DEFAULT_API_KEY = "seam_apikey1_token"
DEFAULT_ENDPOINT = "http://fake-seam.local"
# Fixture clients poll pending action attempts this often (the SDK's own default is 0.5 s).
FAST_POLLING = {"polling_interval": 0.001, "timeout": 5.0}


class FakeSeam(ControlMethods):
    """A fake Seam: its clock, its simulated hardware, its API, and every control as a method
    (`fake.advance(...)`, `fake.go_offline(...)`: see `ControlMethods`)."""

    def __init__(
        self,
        seed: str | dict[str, Any] | None = "default",
        *,
        rng_seed: int | str = 0,
        now: datetime | str | None = None,
        frozen: bool = False,
        settings: Settings | None = None,
        webhook_urls: Sequence[str] = (),
        call_log_size: int = DEFAULT_CALL_LOG_SIZE,
    ) -> None:
        """`webhook_urls`: webhooks for every event of the seed's first workspace, registered
        again after each reset (with the same ids and secrets: they come from the seeded RNG).
        `call_log_size`: how many calls `calls` keeps (the newest; 0 keeps none)."""
        self.seed = seed
        self.webhook_urls = list(webhook_urls)
        self.call_log_size = call_log_size
        self.rng_seed = rng_seed
        self.settings = settings or Settings()
        self.clock = Clock(now, frozen=frozen)
        self.lock = threading.RLock()
        self.outages: dict[str, set[str]] = {}
        # Told of each control called from Python: (control, params, result, clock before).
        self.control_observers: list[Callable[[Any, Any, Any, float], None]] = []
        self._app: Any = None
        self._api: Any = None
        # Called after each reset, e.g. by a server that tunes the collector for its process.
        self.after_reset: list[Callable[[], None]] = []
        # A seed's clock, unless `now` says otherwise (`frozen=True` freezes it either way).
        self._build(clock_from_seed=now is None)
        if frozen:
            self.clock.freeze()
        # Webhook deliveries: sent by `fake.webhooks.flush()` (a served fake also sends them
        # as they fall due). Outside the cloud: a reset keeps the receivers registered here.
        self.webhooks = WebhookSender(self)

    def _build(self, clock_from_seed: bool = False) -> None:
        self.timeline = Timeline(self.clock)
        self.cloud = SeamCloud(
            self.timeline,
            self.seed,
            rng_seed=self.rng_seed,
            settings=self.settings,
            clock_from_seed=clock_from_seed,
        )
        self.outages = {}
        for url in self.webhook_urls:
            self.cloud.webhooks.stand(url)

    # -- wiring ----------------------------------------------------------------------------

    @property
    def api(self) -> Any:
        if self._api is None:
            self._api = Api(self, self.call_log_size)
        return self._api

    @property
    def calls(self) -> CallLog:
        """What clients sent this fake and what it answered, in-process or over HTTP:
        `fake.calls.last`, `fake.calls.to("/access_codes/create")`,
        `fake.calls.assert_called("/access_codes/create", device_id=...)`, `len(...)`,
        `clear()`. Seam routes only unless `fake.calls.include_controls = True`."""
        calls: CallLog = self.api.calls
        return calls

    @property
    def app(self) -> Any:
        """The ASGI app serving this fake."""
        if self._app is None:
            from fake_seam.api.app import build_app  # for ASGI servers only

            self._app = build_app(self.api)
        return self._app

    def transport(self) -> Any:
        from fake_seam.api.transport import InProcessTransport  # httpx: ~80 ms, for clients only

        return InProcessTransport(self.api)

    def async_transport(self) -> Any:
        from fake_seam.api.transport import AsyncInProcessTransport  # httpx: ~80 ms

        return AsyncInProcessTransport(self.api)

    def client(
        self,
        api_key: str | None = DEFAULT_API_KEY,
        *,
        personal_access_token: str | None = None,
        workspace_id: str | None = None,
        wait_for_action_attempt: bool | dict[str, float] = FAST_POLLING,
        **options: Any,
    ) -> Any:
        """An official `seam.Seam` client wired to this fake in-process."""
        from seam import Seam  # imported when first used: ~680 ms

        if personal_access_token is not None:
            api_key = None
        return Seam(
            api_key=api_key,
            personal_access_token=personal_access_token,
            workspace_id=workspace_id,
            endpoint=DEFAULT_ENDPOINT,
            wait_for_action_attempt=wait_for_action_attempt,
            httpx_options={"transport": self.transport()},
            **options,
        )

    def async_client(
        self,
        api_key: str | None = DEFAULT_API_KEY,
        *,
        personal_access_token: str | None = None,
        workspace_id: str | None = None,
        wait_for_action_attempt: bool | dict[str, float] = FAST_POLLING,
        **options: Any,
    ) -> Any:
        """An official `seam.AsyncSeam` client wired to this fake in-process."""
        from seam import AsyncSeam  # imported when first used

        if personal_access_token is not None:
            api_key = None
        return AsyncSeam(
            api_key=api_key,
            personal_access_token=personal_access_token,
            workspace_id=workspace_id,
            endpoint=DEFAULT_ENDPOINT,
            wait_for_action_attempt=wait_for_action_attempt,
            httpx_options={"transport": self.async_transport()},
            **options,
        )

    # -- state -----------------------------------------------------------------------------

    def run_due(self) -> int:
        """Process every job due by now (each request does this first)."""
        with self.lock:
            return self.timeline.run_until()

    def restore_seed(self) -> None:
        """A new cloud from the seed (what `reset` does; the clock stays), and an empty call log.
        The old cloud lets go of its data at once, so memory returns to what the seed needs."""
        with self.lock:
            old = self.cloud
            old.close()
            ts.cache_clear()  # its strings, spread over the heap, would keep freed pages in use
            self._build()
            if self._api is not None:
                self._api.calls.clear()
            for hook in self.after_reset:
                hook()

    def device(self, device_id: str) -> Device:
        return self.cloud.store.known_device(device_id)

    def lock_of(self, device_id: str) -> SimulatedLock:
        device = self.cloud.store.known_device(device_id)
        if device.lock is None:
            raise device_not_found(device_id)
        return device.lock
