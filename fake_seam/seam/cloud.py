"""`SeamCloud`: the composition root. Builds one fake's store and services and wires them:
dependencies point one way (access codes <- backup pools <- devices and locks <- workspaces),
and what flows back up goes through hooks (`CodeLifecycle`, the lock listener, events)."""

from __future__ import annotations

from typing import Any

from fake_seam.clock import Timeline
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.attempts import ActionAttempts
from fake_seam.seam.auth import Auth
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.client_sessions import ClientSessions
from fake_seam.seam.connect_webviews import ConnectWebviews
from fake_seam.seam.devices import Devices
from fake_seam.seam.events import EventLog
from fake_seam.seam.lock_reports import LockReports
from fake_seam.seam.locks import Locks
from fake_seam.seam.seed import load_seed
from fake_seam.seam.seed_codes import collector_paused
from fake_seam.seam.store import Settings, Store
from fake_seam.seam.user_identities import UserIdentities
from fake_seam.seam.webhooks import Webhooks
from fake_seam.seam.workspaces import Workspaces


class SeamCloud:
    def __init__(
        self,
        timeline: Timeline,
        seed: str | dict[str, Any] | None = "default",
        *,
        rng_seed: int | str = 0,
        settings: Settings | None = None,
        clock_from_seed: bool = False,
    ) -> None:
        """`clock_from_seed`: set the clock to the seed's `clock`, if it has one (a new fake;
        a reset keeps the clock where it is)."""
        self.timeline = timeline
        self.settings = settings or Settings()
        self.store = Store(timeline, rng_seed, self.settings)
        self.events = EventLog(self.store)
        self.codes = AccessCodes(self.store, self.events, timeline, self.settings)
        self.pools = BackupPools(self.store, self.codes)
        self.codes.hooks.append(self.pools)  # pools follow each code's life
        timeline.on_rewind(self.codes.rewound)
        self.reports = LockReports(self.store, self.events, self.codes, self.pools)
        self.devices = Devices(self.store, self.events, self.pools, self.reports, timeline, self.settings)
        self.attempts = ActionAttempts(self.store)
        self.locks = Locks(self.store, self.events, self.codes, self.pools, self.attempts)
        self.client_sessions = ClientSessions(self.store, self.events)
        self.user_identities = UserIdentities(self.store)
        self.webhooks = Webhooks(self.store, self.events)
        self.workspaces = Workspaces(self.store, self.devices, self.locks, self.client_sessions)
        self.auth = Auth(self.store)
        self.connect_webviews = ConnectWebviews(self.store, self.events, self.workspaces)
        with collector_paused():  # a seed of many codes: see seed_codes
            self.seed_spec = load_seed(seed)
            clock = self.seed_spec.get("clock")
            if clock_from_seed and clock:
                # Before the codes: whether each is set yet depends on the time. Frozen first:
                # a frozen clock then holds `now` exactly.
                timeline.clock.freeze(bool(clock.get("frozen")))
                timeline.clock.set(clock["now"])
            self.workspaces.apply_seed(self.seed_spec)

    def close(self) -> None:
        """This cloud is being replaced (a reset): drop its jobs and data at once, rather than
        when the collector finds the cycles between records and their jobs."""
        self.timeline.clear()
        self.events.subscribers.clear()
        self.store.clear()
