"""A lock's backup access code pool: its target size and warning threshold, and what it holds."""

from __future__ import annotations

from typing import Annotated, Any

from fake_seam.controls.control import READS, Bench, ControlParams, control
from fake_seam.controls.devices import DeviceParams, lock_device
from fake_seam.wire import shapes
from fake_seam.wire import validation as z


def pool_of(fake: Bench, device_id: str) -> dict[str, Any]:
    cloud = fake.cloud
    device = lock_device(fake, device_id)
    pool = device.pool
    return {
        "device_id": device.device_id,
        "pool_size": pool.target_size,
        "is_active": pool.is_on,
        "many_active_backup_codes_threshold": pool.many_active_threshold,
        "ready": [shapes.access_code(cloud, c) for c in cloud.pools.ready_backups(device)],
        "pulled": [shapes.access_code(cloud, c) for c in cloud.pools.pulled_backups(device)],
        "in_flight": [shapes.access_code(cloud, c) for c in cloud.pools.in_flight_backups(device)],
    }


def _describe_pool(answer: dict[str, Any]) -> str:
    counts = ", ".join(f"{len(answer[k])} {k.replace('_', ' ')}" for k in ("ready", "pulled", "in_flight"))
    return f"{answer['device_id']}'s backup pool: size {answer['pool_size']} ({counts})"


@control("/_fake/devices/backup_pool", DeviceParams, describe=lambda p, a: _describe_pool(a), methods=READS)
def backup_pool(fake: Bench, p: DeviceParams) -> dict[str, Any]:
    """The pool as it stands: target size, and ready, pulled and in-flight backups (access code
    objects; in flight: written but not landed, or failed and waiting for a retry)."""
    return pool_of(fake, p.device_id)


class PoolSettings(ControlParams):
    device_id: Annotated[str, z.string()]
    pool_size: Annotated[int | None, z.number(integer=True, minimum=0, maximum=1000)] = None
    many_active_backup_codes_threshold: Annotated[int | None, z.number(integer=True, minimum=1)] = None


@control("/_fake/devices/set_backup_pool", PoolSettings, describe=lambda p, a: _describe_pool(a))
def set_backup_pool(fake: Bench, p: PoolSettings) -> dict[str, Any]:
    """Resize the lock's backup pool (a smaller pool sheds backups still being written first)
    and set its `many_active_backup_codes` threshold; answers the pool."""
    fake.cloud.pools.configure_pool(
        lock_device(fake, p.device_id),
        pool_size=p.pool_size,
        many_active_threshold=p.many_active_backup_codes_threshold,
    )
    fake.timeline.run_until()  # refills that land at once have landed
    return pool_of(fake, p.device_id)
