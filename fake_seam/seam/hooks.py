"""What an access code's life announces, for the services that follow it.

Access codes never call up into backup pools: they announce each turn of a code's life
through this Protocol, and the pool service (the one subscriber today) reacts. Compare
`fake_seam.simulator.LockListener`, which does the same between the hardware and Seam.
"""

from __future__ import annotations

from typing import Protocol

from fake_seam.seam.records import AccessCode, Device


class CodeLifecycle(Protocol):
    def pool_requested(self, device: Device) -> None:
        """A code was made or changed with `use_backup_access_code_pool: true`."""

    def time_frame_changed(self, record: AccessCode) -> None:
        """An original code's `starts_at`/`ends_at`/`type` changed."""

    def landed(self, record: AccessCode) -> None:
        """A code's write landed on the lock (it is `set`, or scheduled on the device)."""

    def failed(self, record: AccessCode) -> None:
        """A code's write failed; it will be retried."""

    def leaving(self, record: AccessCode) -> None:
        """A code started being erased from its lock."""

    def gone(self, record: AccessCode) -> None:
        """A code is off its lock and out of the store."""
