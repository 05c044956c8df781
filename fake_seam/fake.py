"""`FakeSeam`: one in-process fake of Seam — its clock, its hardware, its API — with the
Python control methods tests and scenarios use. Make as many as you like in one process."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from fake_seam.clock import Clock, Timeline, iso, to_datetime, to_seconds
from fake_seam.seam import SeamCloud, Settings
from fake_seam.seam.errors import device_not_found
from fake_seam.seam.records import Device, Workspace
from fake_seam.wire import shapes

DEFAULT_API_KEY = "seam_apikey1_token"
DEFAULT_ENDPOINT = "http://fake-seam.local"
# Fixture clients poll pending action attempts this often (the SDK's own default is 0.5 s).
FAST_POLLING = {"polling_interval": 0.001, "timeout": 5.0}


class FakeSeam:
    def __init__(
        self,
        seed: str | dict[str, Any] | None = "default",
        *,
        rng_seed: int | str = 0,
        now: datetime | str | None = None,
        frozen: bool = False,
        settings: Settings | None = None,
    ) -> None:
        self.seed = seed
        self.rng_seed = rng_seed
        self.settings = settings or Settings()
        self.clock = Clock(now, frozen=frozen)
        self.lock = threading.RLock()
        self.outages: dict[str, set[str]] = {}
        self._app: Any = None
        self._api: Any = None
        self._build()

    def _build(self) -> None:
        self.timeline = Timeline(self.clock)
        self.cloud = SeamCloud(self.timeline, self.seed, rng_seed=self.rng_seed, settings=self.settings)
        self.outages = {}

    # -- wiring ----------------------------------------------------------------------------

    @property
    def api(self) -> Any:
        if self._api is None:
            from fake_seam.api.handler import Api

            self._api = Api(self)
        return self._api

    @property
    def app(self) -> Any:
        """The ASGI app (Starlette) serving this fake."""
        if self._app is None:
            from fake_seam.api.app import build_app

            self._app = build_app(self)
        return self._app

    def transport(self) -> Any:
        from fake_seam.transport import InProcessTransport

        return InProcessTransport(self.api)

    def async_transport(self) -> Any:
        from fake_seam.transport import AsyncInProcessTransport

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
        from seam import Seam

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
        from seam import AsyncSeam

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

    # -- time ------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def run_due(self) -> int:
        """Process every job due by now (each request does this first)."""
        with self.lock:
            return self.timeline.run_until()

    def advance(self, seconds: float | timedelta) -> datetime:
        """Move the clock forward, running everything that falls due on the way, in order."""
        with self.lock:
            delta = to_seconds(seconds)
            if delta < 0:
                raise ValueError("the clock only moves forward; use set_time to go back")
            self.timeline.run_until()
            target = self.clock.timestamp() + delta
            # Run the jobs first, at their own times, then land the clock on the target.
            self.timeline.run_until(target)
            self.clock.advance(max(0.0, target - self.clock.timestamp()))
            self.timeline.run_until()
            return self.clock.now()

    def set_time(self, moment: datetime | str) -> datetime:
        with self.lock:
            target = to_datetime(moment)
            if target.timestamp() > self.clock.timestamp():
                return self.advance(target.timestamp() - self.clock.timestamp())
            self.clock.set(target)
            return self.clock.now()

    def freeze(self, frozen: bool = True) -> None:
        self.clock.freeze(frozen)

    def settle(self, max_rounds: int = 1000) -> datetime:
        """Move the clock just far enough that no write is in flight (each landed or failed).

        Writes held by an offline lock stay held; later starts and ends are not reached unless
        a write lands after them.
        """
        with self.lock:
            self.timeline.run_until()
            for _ in range(max_rounds):
                dues = [
                    write.job.due
                    for device in self.cloud.store.locks_by_id.values()
                    for write in device.lock.pending.values()  # type: ignore[union-attr]
                    if write.job is not None and not write.held and not write.job.cancelled
                ]
                if not dues:
                    break
                self.advance(max(0.0, min(dues) - self.clock.timestamp()))
            return self.clock.now()

    # -- hardware --------------------------------------------------------------------------

    def device(self, device_id: str) -> Device:
        device = self.cloud.store.devices.get(device_id)
        if device is None or device.removed:
            raise device_not_found(device_id)
        return device

    def lock_of(self, device_id: str) -> Any:
        device = self.device(device_id)
        if device.lock is None:
            raise device_not_found(device_id)
        return device.lock

    def create_lock(
        self,
        workspace_id: str = "seed_workspace_1",
        *,
        connected_account_id: str | None = None,
        fault_plan: dict[str, Any] | None = None,
        **spec: Any,
    ) -> Device:
        """A new simulated lock; `spec` takes the seed file's lock fields (README)."""
        with self.lock:
            self.cloud.workspaces.workspace(workspace_id)
            if connected_account_id is None:
                connected_account_id = next(
                    (
                        a.connected_account_id
                        for a in self.cloud.store.connected_accounts.values()
                        if a.workspace_id == workspace_id
                    ),
                    None,
                )
            if connected_account_id is None:
                from fake_seam.seam.records import ConnectedAccount

                connected_account_id = self.cloud.store.ids.uuid()
                self.cloud.store.connected_accounts[connected_account_id] = ConnectedAccount(
                    connected_account_id,
                    workspace_id,
                    spec.get("manufacturer", "august"),
                    self.clock.timestamp(),
                )
            device = self.cloud.devices.add_lock(
                workspace_id=workspace_id, connected_account_id=connected_account_id, **spec
            )
            if fault_plan:
                self.set_fault_plan(device.device_id, **fault_plan)
            self.cloud.events.device_event(device, "device.added")
            return device

    def set_fault_plan(
        self,
        device_id: str,
        *,
        fail_next: int | None = None,
        error_code: str | None = None,
        failure_rate: float | None = None,
        offline_for_seconds: float | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            self.timeline.run_until()
            lock = self.lock_of(device_id)
            lock.set_fault_plan(
                fail_next=fail_next,
                error_code=error_code,
                failure_rate=failure_rate,
                offline_for=offline_for_seconds,
            )
            plan = lock.fault_plan.as_json()
            plan["offline_until"] = iso(to_datetime(plan["offline_until"])) if plan["offline_until"] else None
            return plan

    def go_offline(self, device_id: str, *, for_seconds: float | None = None) -> None:
        with self.lock:
            self.timeline.run_until()
            self.cloud.devices.set_online(self.device(device_id), False, for_seconds)

    def go_online(self, device_id: str) -> None:
        with self.lock:
            self.timeline.run_until()
            self.cloud.devices.set_online(self.device(device_id), True)

    def slots(self, device_id: str) -> list[dict[str, Any]]:
        with self.lock:
            self.timeline.run_until()
            lock = self.lock_of(device_id)
            return [slot.as_json() for slot in lock.occupied()]

    def keypad_entry(self, device_id: str, code: str) -> bool:
        """Type a PIN on the lock's keypad: True if it opened."""
        with self.lock:
            self.timeline.run_until()
            return self.cloud.locks.keypad_entry(self.device(device_id), code) is not None or bool(
                self.lock_of(device_id).enter_pin(code)
            )

    def add_keypad_code(self, device_id: str, code: str, name: str | None = None) -> dict[str, Any]:
        """A code made on the lock itself (it appears as an unmanaged access code)."""
        with self.lock:
            self.timeline.run_until()
            record = self.cloud.locks.add_unmanaged_code(self.device(device_id), code, name)
            return shapes.unmanaged_access_code(record)

    def edit_keypad_code(self, device_id: str, code: str, new_code: str | None) -> None:
        """Change (or with None delete) a PIN at the lock, behind Seam's back."""
        with self.lock:
            self.timeline.run_until()
            self.cloud.locks.edit_on_keypad(self.device(device_id), code, new_code)

    def set_backup_pool(
        self,
        device_id: str,
        *,
        pool_size: int | None = None,
        many_active_backup_codes_threshold: int | None = None,
    ) -> None:
        with self.lock:
            self.timeline.run_until()
            self.cloud.pools.configure_pool(
                self.device(device_id),
                pool_size=pool_size,
                many_active_threshold=many_active_backup_codes_threshold,
            )
            self.timeline.run_until()

    def backup_pool(self, device_id: str) -> dict[str, Any]:
        """The pool as it stands: target size, and ready, pulled and in-flight backups."""
        with self.lock:
            self.timeline.run_until()
            cloud = self.cloud
            device = self.device(device_id)
            pool = device.pool
            return {
                "device_id": device.device_id,
                "pool_size": pool.target_size,
                "is_active": pool.active and pool.enabled,
                "many_active_backup_codes_threshold": pool.many_active_threshold,
                "ready": [shapes.access_code(cloud, c) for c in cloud.pools.ready_backups(device)],
                "pulled": [shapes.access_code(cloud, c) for c in cloud.pools.pulled_backups(device)],
                "in_flight": [shapes.access_code(cloud, c) for c in cloud.pools.in_flight_backups(device)],
            }

    # -- workspaces and state --------------------------------------------------------------

    def create_workspace(self, name: str = "Test Workspace", *, fleet: bool = False) -> tuple[Workspace, str]:
        """A fresh workspace with its own API key: isolation without a reset."""
        with self.lock:
            devices = []
            if fleet:
                from fake_seam.seam.seed import DEFAULT_SEED

                devices = [
                    {k: v for k, v in d.items() if k not in ("device_id", "connected_account_id")}
                    for d in DEFAULT_SEED["workspaces"][0]["devices"]
                    if d.get("kind", "lock") == "lock"
                ]
            return self.cloud.workspaces.create_workspace(name, devices=devices)

    def simulate_workspace_outage(self, workspace_id: str, routes: list[str]) -> None:
        with self.lock:
            if routes:
                self.outages[workspace_id] = {"/" + r.strip("/") for r in routes}
            else:
                self.outages.pop(workspace_id, None)

    def reset(self) -> None:
        """Back to the seed: every workspace, device and code as first seeded."""
        with self.lock:
            self._build()

    def database(self) -> dict[str, Any]:
        with self.lock:
            self.timeline.run_until()
            cloud = self.cloud
            return {
                "workspaces": [shapes.workspace(w) for w in cloud.store.workspaces.values()],
                "connected_accounts": [
                    shapes.connected_account(cloud, a) for a in cloud.store.connected_accounts.values()
                ],
                "devices": [shapes.device(cloud, d) for d in cloud.store.devices.values()],
                "access_codes": [
                    shapes.access_code(cloud, c) for c in cloud.store.access_codes.values() if not c.deleted
                ],
                "unmanaged_access_codes": [
                    shapes.unmanaged_access_code(u) for u in cloud.store.unmanaged.values()
                ],
                "events": [shapes.event(e) for e in cloud.store.events.values()],
                "action_attempts": [shapes.action_attempt(a) for a in cloud.store.action_attempts.values()],
                "api_keys": [
                    {"api_key_id": k, "token": k, "workspace_id": w}
                    for k, w in cloud.store.credentials.api_keys.items()
                ],
            }
