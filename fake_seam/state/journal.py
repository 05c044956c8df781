"""Keeping a served fake in its state file, and bringing it back.

Every request that may change the fake is appended to the journal, with the clock reading it
was handled at, before it is answered (`Api.journal`); so is every webhook delivery's outcome
(sent outside the fake's lock, it changes the outbox). Pure time passing needs no entry: each
entry records the horizon up to which jobs had run, and a running clock keeps its offset from
wall time, so after a restart the fake goes on as if it had never stopped. Snapshots (a pickle
of the clock, the timeline and the cloud) keep start-up to the journal's tail.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sqlite3
import sys
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from fake_seam import messages as msgs
from fake_seam.api.control_access import IN_PROCESS
from fake_seam.api.handler import KeptCall, load_routes
from fake_seam.controls.control import READS
from fake_seam.fake import FakeSeam
from fake_seam.seam.seed_codes import collector_paused
from fake_seam.seam.store import Settings
from fake_seam.state.file import Entry, StateFile, StateFileError

# Seam routes that only read (and run due jobs, as every request does). `action_attempts/get`
# and `/list` are not among them: a poll settles the attempt it finds.
SEAM_READS = frozenset(
    {
        "/access_codes/get",
        "/access_codes/list",
        "/access_codes/unmanaged/get",
        "/access_codes/unmanaged/list",
        "/client_sessions/get",
        "/client_sessions/list",
        "/connect_webviews/get",
        "/connect_webviews/list",
        "/connected_accounts/get",
        "/connected_accounts/list",
        "/devices/get",
        "/devices/list",
        "/devices/list_device_providers",
        "/devices/unmanaged/get",
        "/devices/unmanaged/list",
        "/events/get",
        "/events/list",
        "/locks/get",
        "/locks/list",
        "/user_identities/get",
        "/user_identities/list",
        "/user_identities/list_accessible_devices",
        "/webhooks/get",
        "/webhooks/list",
        "/workspaces/get",
        "/workspaces/list",
    }
)
# A snapshot is taken once replaying the journal's tail would cost this long (seconds of
# handling), or twice what the last snapshot cost, whichever is more: start-up stays short
# and snapshots cost at most about a third of the time spent handling requests. But never
# later than MAX_TAIL_SECONDS: a restart after a crash replays the tail (measured: about 2 s
# per second counted here), and on a fake whose snapshot takes a second (100,000 codes),
# twice that would make the replay, not the snapshot's load, most of the start. A served
# fake makes its snapshots in a child (`snapshot_in_child`): taking them sooner costs that
# child's CPU time, not the requests' latency.
MIN_TAIL_SECONDS = 0.25
MAX_TAIL_SECONDS = 0.5
# A snapshot's child closes every descriptor below this but its pipe.
CHILD_FD_LIMIT = 65536
# How long a stopping server waits for a snapshot being pickled in a child (about a second
# for 100,000 codes on a busy machine).
CHILD_PATIENCE_SECONDS = 60.0


@cache
def changes_nothing(path: str) -> bool:
    """Whether a request to `path` leaves the fake as it was (bar jobs falling due), or is not
    kept because what it changes is kept otherwise (a webhook flush: each outcome is)."""
    endpoint = load_routes().get(path.rstrip("/") or "/")
    if endpoint is None:  # 404: no route, nothing changed
        return True
    if not endpoint.locked:
        return True
    if endpoint.control:
        return endpoint.methods == READS
    return endpoint.path in SEAM_READS


class Journal:
    """`Api.journal` of a fake served with `--state`."""

    def __init__(self, fake: FakeSeam, file: StateFile, snapshot_seq: int, snapshot_cost: float) -> None:
        self.fake = fake
        self.file = file
        self.snapshot_seq = snapshot_seq
        self.snapshot_cost = snapshot_cost
        self.tail_seconds = 0.0  # handling time of the entries since the snapshot
        self.last_seq = file.last_seq()
        self.snapshot_failed: str | None = None
        self.in_child = False
        self.receiver: threading.Thread | None = None  # receiving a snapshot from a child
        self.child: int | None = None  # that child's pid
        self.replayed = 0  # journal entries replayed at start, not in a snapshot yet

    def attach(self, snapshots_in_child: bool = False) -> None:
        """`snapshots_in_child`: take snapshots in a forked child, off the fake's lock (a
        server's own process; not where other threads of a test suite run)."""
        self.in_child = snapshots_in_child and hasattr(os, "fork")
        self.fake.api.journal = self
        if self.replayed:
            self.replayed = 0
            if self.in_child:
                self.snapshot_in_child()
            else:
                self.snapshot()
        self.fake.webhooks.on_attempt.append(self.delivery_tried)

    def keeps(self, method: str, path: str) -> bool:
        return not changes_nothing(path)

    def record(self, call: KeptCall) -> None:
        self.last_seq = self.file.append(
            "request",
            {
                "method": call.method,
                "path": call.path,
                "query": call.query,
                "headers": dict(call.headers),
                "base_url": call.base_url,
                "status": call.status,
                "wall": call.wall,
                "offset": call.offset,
                "frozen_at": call.frozen_at,
                "horizon": call.horizon,
                "request_number": call.request_number,
            },
            call.body,
        )
        self.tail_seconds += max(0.0, time.time() - call.wall)
        self.maybe_snapshot()

    def delivery_tried(self, tried: dict[str, Any]) -> None:
        """A webhook delivery's try, kept (called under the fake's lock, after the model took it)."""
        fake = self.fake
        offset, frozen_at = fake.clock.reading()
        self.last_seq = self.file.append(
            "delivery",
            {
                "message_id": tried["message_id"],
                "status": tried["status_code"],
                "error": tried["error"],
                "wall": time.time(),
                "offset": offset,
                "frozen_at": frozen_at,
                "horizon": fake.timeline.horizon,
            },
        )

    # -- snapshots ---------------------------------------------------------------------------

    def maybe_snapshot(self) -> None:
        if self.tail_seconds >= max(MIN_TAIL_SECONDS, min(2 * self.snapshot_cost, MAX_TAIL_SECONDS)):
            if self.in_child:
                self.snapshot_in_child()
            else:
                self.snapshot()

    def snapshot_in_child(self) -> None:
        """Under the fake's lock: fork. The child pickles the fake as it is at this instant (its
        memory is a copy) and sends it through a pipe while the server goes on answering; a
        thread receives it and stores it. The lock is held for the fork, not for the pickle
        (about a second for 100,000 codes)."""
        if self.receiver is not None:
            return  # one at a time: the next request after it is stored asks again
        read, write = os.pipe()
        seq, started = self.last_seq, time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: pickle, send, and leave without any of the server's cleanup
            status = 1
            try:
                # Nothing of the server stays open here (its socket, the state file): a server
                # started again after a crash must not find them held by this child.
                os.closerange(3, write)
                os.closerange(write + 1, CHILD_FD_LIMIT)
                view = memoryview(dump(self.fake))
                while view:
                    view = view[os.write(write, view) :]
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.child = pid
        self.tail_seconds = 0.0
        self.receiver = threading.Thread(
            target=self.receive, args=(pid, read, seq, started), name="fake-seam snapshot", daemon=True
        )
        self.receiver.start()

    def receive(self, pid: int, read: int, seq: int, started: float) -> None:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        with self.fake.lock:
            self.receiver = None
            if status != 0 or not data:
                # No snapshot: the journal keeps everything. The next one is made here, under
                # the lock, so that a pickling problem is said (once) rather than forked again.
                self.in_child = False
                return
            try:
                self.file.replace_snapshot(seq, time.time(), data)
            except sqlite3.ProgrammingError:
                return  # the file was closed meanwhile (the server stopping)
            self.snapshot_seq = seq
            # What it cost in all, not the moment it held the lock: snapshots stay as far apart.
            self.snapshot_cost = time.perf_counter() - started

    def snapshot(self) -> None:
        """Replace the snapshot with the fake as it is now (under its lock)."""
        fake = self.fake
        with fake.lock:
            started = time.perf_counter()
            try:
                data = dump(fake)
            except (pickle.PicklingError, TypeError, AttributeError) as problem:
                # The journal alone still brings the fake back, only more slowly: say so once.
                if self.snapshot_failed is None:
                    self.snapshot_failed = str(problem)
                    print(
                        f"fake-seam: no snapshot of the state ({problem}); the journal keeps it",
                        file=sys.stderr,
                    )
                self.tail_seconds = 0.0
                return
            self.file.replace_snapshot(self.last_seq, time.time(), data)
            self.snapshot_seq = self.last_seq
            self.snapshot_cost = time.perf_counter() - started
            self.tail_seconds = 0.0

    def close(self) -> None:
        """Snapshot and release the file (a clean stop: the next start replays nothing)."""
        receiver = self.receiver
        if receiver is not None:
            receiver.join(CHILD_PATIENCE_SECONDS)
            if receiver.is_alive() and self.child is not None:
                # A child that never finished (it has no other threads, so only a lock taken
                # at the fork could hold it) must not keep the server from stopping: the
                # journal still holds everything its snapshot would have.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.child, signal.SIGKILL)
                receiver.join()
        if self.fake.api.journal is self:
            self.fake.api.journal = None
        if self.delivery_tried in self.fake.webhooks.on_attempt:
            self.fake.webhooks.on_attempt.remove(self.delivery_tried)
        if self.file.last_seq() > self.snapshot_seq:
            self.snapshot()
        self.file.close()


# -- the fake as a snapshot ----------------------------------------------------------------


def dump(fake: FakeSeam) -> bytes:
    """The fake's clock, timeline, cloud, outages and request counter, pickled. Event
    subscribers from outside the cloud (the webhook sender's wake-up) are left out: whoever
    serves the restored fake subscribes again."""
    events = fake.cloud.events
    subscribers = events.subscribers
    events.subscribers = [s for s in subscribers if "<" not in getattr(s, "__qualname__", "<")]
    try:
        state = (fake.clock, fake.timeline, fake.cloud, fake.outages, fake.api.requests)
        with collector_paused():
            return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        events.subscribers = subscribers


def load(fake: FakeSeam, data: bytes) -> None:
    with collector_paused():
        clock, timeline, cloud, outages, requests = pickle.loads(data)
    fake.clock, fake.timeline, fake.cloud, fake.outages = clock, timeline, cloud, outages
    fake.api.requests = requests


# -- replay --------------------------------------------------------------------------------


def replay(fake: FakeSeam, entry: Entry, path: Path) -> None:
    """One journal entry again, at the clock reading it had."""
    call = entry.call
    clock = fake.clock
    clock.restore(call["offset"], call["frozen_at"])
    clock.pin(call["wall"])
    try:
        if call["horizon"] is not None:
            fake.timeline.run_until(call["horizon"])
        if entry.kind == "delivery":
            settle_delivery(fake, call["message_id"], call["status"], call["error"])
            return
        fake.api.requests = call["request_number"]
        status, _, _ = fake.api._respond(
            call["method"],
            call["path"],
            call["query"],
            call["headers"],
            entry.body,
            call["base_url"],
            IN_PROCESS,
        )
    finally:
        clock.unpin()
    if status != call["status"]:
        raise StateFileError(
            msgs.state_file_diverged(
                str(path), entry.seq, f"{call['method']} {call['path']}", status, call["status"]
            )
        )


def settle_delivery(fake: FakeSeam, message_id: str, status: int | None, error: str | None) -> None:
    model = fake.cloud.webhooks
    for queue in fake.cloud.store.outbox.values():
        if queue and queue[0].message_id == message_id:
            model.settled(queue[0], status, error)
            return


# -- opening -------------------------------------------------------------------------------


def open_state(
    path: str | Path,
    *,
    seed: str = "default",
    rng_seed: str = "0",
    webhook_urls: tuple[str, ...] | list[str] = (),
    synchronous: str = "NORMAL",
    create: bool = True,
    settings: Settings | None = None,
) -> tuple[FakeSeam, Journal]:
    """The fake kept in `path`: restored (snapshot, then the journal's tail) when the file
    exists, else a new fake made from `seed` whose first snapshot starts the file. The
    journal is not attached yet (`Journal.attach`, which snapshots what was replayed): a
    caller that only reads (`state check`, `state export`) writes nothing. Raises
    StateFileError, SeedError."""
    path = Path(path)
    made: dict[str, Any] | None = None
    if create and not (path.exists() and path.stat().st_size > 0):
        seed_value: Any = seed
        if seed not in ("default", "empty"):
            from fake_seam.seam.seed import load_seed

            seed_value = load_seed(seed)  # the file's content: the fake must not depend on it later
        made = {"seed": seed_value, "rng_seed": rng_seed, "webhook_urls": list(webhook_urls)}
    file = StateFile.open(path, create=made, synchronous=synchronous)
    try:
        meta = file.meta
        snapshot = file.snapshot()
        fake = FakeSeam(
            # With a snapshot to load, the seed is only kept (for a reset): not made first.
            meta["seed"] if snapshot is None else "empty",
            rng_seed=meta["rng_seed"],
            webhook_urls=meta["webhook_urls"],
            call_log_size=0,
            settings=settings,
        )
        fake.seed = meta["seed"]
        if snapshot is None:
            if made is None:
                raise StateFileError(msgs.state_file_damaged(str(path), "no snapshot"))
            started = time.perf_counter()
            file.replace_snapshot(0, time.time(), dump(fake))
            return fake, Journal(fake, file, 0, time.perf_counter() - started)
        seq, _, data = snapshot
        started = time.perf_counter()
        try:
            load(fake, data)
        except Exception as problem:  # a pickle from other code, or damaged bytes
            raise StateFileError(msgs.state_file_damaged(str(path), f"snapshot: {problem}")) from None
        cost = time.perf_counter() - started
        # The route table (pydantic, ~0.3 s of imports) loads with the first entry replayed;
        # with no tail, after the server listens, as it does without --state.
        replayed = 0
        for entry in file.entries(seq):
            replay(fake, entry, path)
            replayed += 1
        journal = Journal(fake, file, seq, cost)
        # The next start need not replay these again: a snapshot when the journal is attached
        # (by then a server can make it in a child, and listen meanwhile).
        journal.replayed = replayed
        return fake, journal
    except BaseException:
        file.close()
        raise
