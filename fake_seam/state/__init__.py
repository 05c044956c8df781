"""`fake-seam serve --state PATH`: a fake whose every answered change survives the server.

The file (SQLite, WAL) holds a snapshot of the fake (a pickle of its clock, timeline and
cloud) and a journal of every request, control and webhook outcome since, each committed
before its answer leaves. The fake is deterministic (one clock, seeded RNG streams, every
delayed effect a job on one timeline), so replaying the journal over the snapshot, each call
at the clock reading it had, rebuilds exactly the fake that answered.
"""

# Only the file here: the journal brings the route table (pydantic), which `fake-seam serve`
# without --state does not load before it listens. See `fake_seam.state.journal.open_state`.
from fake_seam.state.file import FORMAT_VERSION, StateFile, StateFileError

__all__ = ["FORMAT_VERSION", "StateFile", "StateFileError"]
