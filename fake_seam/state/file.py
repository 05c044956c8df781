"""The state file: SQLite in WAL mode, held by one process at a time.

Tables: `meta` (format version, the fake-seam version that wrote it, how the fake was made),
`snapshot` (the latest pickle and the journal position it includes) and `journal` (one row
per kept call). A file that is not ours, from another format version, damaged or held by
another server is refused with one line before anything is written to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fake_seam import __version__
from fake_seam import messages as msgs

# 2: snapshots leave out what loading builds again (code and slot indexes, empty slots).
FORMAT_VERSION = 2
APPLICATION = "fake-seam state"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshot (seq INTEGER NOT NULL, taken_at REAL NOT NULL, data BLOB NOT NULL);
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused once a snapshot has dropped rows
    kind TEXT NOT NULL,
    call BLOB NOT NULL,
    body BLOB NOT NULL
);
"""


class StateFileError(Exception):
    """A state file that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class Entry:
    seq: int
    kind: str  # "request" | "delivery"
    call: dict[str, Any]
    body: bytes


class StateFile:
    """One open state file. `synchronous`: SQLite's `NORMAL` (a commit survives the process
    being killed; the OS must still write it out) or `FULL` (it also survives power loss)."""

    def __init__(self, path: str | Path, db: sqlite3.Connection, meta: dict[str, Any]) -> None:
        self.path = Path(path)
        self.db = db
        self.meta = meta

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path, *, create: dict[str, Any] | None = None, synchronous: str = "NORMAL"
    ) -> StateFile:
        """The file at `path`, checked and locked; when it does not exist and `create` is given,
        a new file whose meta is `create`. Raises StateFileError (nothing written)."""
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if not exists and create is None:
            raise StateFileError(msgs.state_file_missing(str(path)))
        if path.exists() and not path.is_file():
            raise StateFileError(msgs.state_file_not_a_file(str(path)))
        try:
            # isolation_level=None: each statement commits by itself unless a BEGIN is open.
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
        except sqlite3.Error as problem:
            raise StateFileError(msgs.state_file_unreadable(str(path), str(problem))) from None
        try:
            # Held from the first read until the server exits: a second server (or a `state
            # check`) on the same file is refused instead of writing beside this one.
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            if exists:
                meta = cls._read_meta(db, path)
            else:
                assert create is not None
                meta = {"format": FORMAT_VERSION, "fake_seam": __version__, **create}
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={synchronous}")
            if not exists:
                db.execute("BEGIN IMMEDIATE")
                for statement in _statements(SCHEMA):
                    db.execute(statement)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [(key, orjson.dumps(value).decode()) for key, value in meta.items()],
                )
                db.execute("COMMIT")
        except StateFileError:
            db.close()
            raise
        except sqlite3.OperationalError as problem:
            db.close()
            if "locked" in str(problem) or "busy" in str(problem):
                raise StateFileError(msgs.state_file_locked(str(path))) from None
            raise StateFileError(msgs.state_file_unreadable(str(path), str(problem))) from None
        except sqlite3.DatabaseError as problem:
            db.close()
            raise StateFileError(msgs.state_file_unreadable(str(path), str(problem))) from None
        return cls(path, db, meta)

    @staticmethod
    def _read_meta(db: sqlite3.Connection, path: Path) -> dict[str, Any]:
        try:
            rows = db.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.OperationalError as problem:
            text = str(problem)
            if "locked" in text or "busy" in text:
                raise StateFileError(msgs.state_file_locked(str(path))) from None
            if "no such table" in text:
                raise StateFileError(msgs.state_file_not_ours(str(path))) from None
            raise
        try:
            meta = {key: orjson.loads(value) for key, value in rows}
        except orjson.JSONDecodeError:
            raise StateFileError(msgs.state_file_not_ours(str(path))) from None
        if "format" not in meta:
            raise StateFileError(msgs.state_file_not_ours(str(path)))
        if meta["format"] != FORMAT_VERSION or meta.get("fake_seam") != __version__:
            raise StateFileError(
                msgs.state_file_other_version(
                    str(path), meta["format"], str(meta.get("fake_seam")), FORMAT_VERSION, __version__
                )
            )
        return meta

    def close(self) -> None:
        self.db.close()

    # -- reading -----------------------------------------------------------------------------

    def snapshot(self) -> tuple[int, float, bytes] | None:
        """(journal position it includes, when it was taken, the pickle), or None."""
        row = self.db.execute("SELECT seq, taken_at, data FROM snapshot ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else (int(row[0]), float(row[1]), bytes(row[2]))

    def entries(self, after: int) -> Iterator[Entry]:
        for seq, kind, call, body in self.db.execute(
            "SELECT seq, kind, call, body FROM journal WHERE seq > ? ORDER BY seq", (after,)
        ):
            yield Entry(int(seq), str(kind), orjson.loads(call), bytes(body))

    def tail_length(self, after: int) -> int:
        row = self.db.execute("SELECT count(*) FROM journal WHERE seq > ?", (after,)).fetchone()
        return int(row[0])

    def last_seq(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM journal").fetchone()
        return int(row[0] or 0)

    # -- writing -----------------------------------------------------------------------------

    def append(self, kind: str, call: dict[str, Any], body: bytes = b"") -> int:
        """Commit one entry; when this returns it is in the WAL (see `synchronous`)."""
        cursor = self.db.execute(
            "INSERT INTO journal (kind, call, body) VALUES (?, ?, ?)", (kind, orjson.dumps(call), body)
        )
        return int(cursor.lastrowid or 0)

    def replace_snapshot(self, seq: int, taken_at: float, data: bytes) -> None:
        """The new snapshot, and the journal it makes unnecessary gone, in one transaction."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM snapshot")
            db.execute("INSERT INTO snapshot (seq, taken_at, data) VALUES (?, ?, ?)", (seq, taken_at, data))
            db.execute("DELETE FROM journal WHERE seq <= ?", (seq,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
