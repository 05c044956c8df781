"""What a state file holds, for `fake-seam state check`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from fake_seam.clock import iso
from fake_seam.fake import FakeSeam
from fake_seam.state.journal import Journal


def summary(fake: FakeSeam, journal: Journal) -> Iterator[str]:
    file, meta = journal.file, journal.file.meta
    store = fake.cloud.store
    seed = meta["seed"] if isinstance(meta["seed"], str) else "(a seed file, kept in the state)"
    yield f"{file.path}: fake-seam state, format {meta['format']}, written by fake-seam {meta['fake_seam']}"
    yield f"made from seed {seed}, rng seed {meta['rng_seed']!r}" + (
        f", webhooks {', '.join(meta['webhook_urls'])}" if meta["webhook_urls"] else ""
    )
    snapshot = file.snapshot()
    if snapshot is not None:
        seq, taken_at, data = snapshot
        taken = iso(datetime.fromtimestamp(taken_at, UTC))
        yield f"snapshot: {len(data):,} bytes taken {taken}, then {file.tail_length(seq)} journal entries"
    state = "frozen" if fake.clock.frozen else "running"
    yield f"clock: {iso(fake.clock.now())} ({state})"
    live_codes = [c for c in store.access_codes.values() if not c.deleted]
    counts = {
        "workspaces": len(store.workspaces),
        "devices": sum(1 for d in store.devices.values() if not d.removed),
        "access codes": sum(1 for c in live_codes if not c.is_backup),
        "backup codes": sum(1 for c in live_codes if c.is_backup),
        "unmanaged codes": len(store.unmanaged),
        "events": len(store.events),
        "action attempts": len(store.action_attempts),
        "webhooks": len(store.webhooks),
        "pending deliveries": sum(len(q) for q in store.outbox.values()),
        "jobs due later": len(fake.timeline.pending()),
    }
    yield ", ".join(f"{n:,} {what}" for what, n in counts.items())
    offline = [d.device_id for d in store.locks_by_id.values() if d.lock is not None and not d.lock.online]
    if offline:
        yield f"offline: {', '.join(offline)}"
