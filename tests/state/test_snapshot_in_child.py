"""A served fake takes its snapshots in a forked child, off the fake's lock: the snapshot stored
is the fake as it was at the fork (the journal after it kept), whatever was answered meanwhile,
and the fake brought back from it is the one that never stopped."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from fake_seam.state import journal as state_journal
from fake_seam.state.journal import open_state

AUTH = {"authorization": "Bearer seam_apikey1_token"}

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="snapshots in a child need fork")


def test_snapshots_taken_in_a_child_bring_back_the_fake_that_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_journal, "MIN_TAIL_SECONDS", 0.0)  # a snapshot after every call
    monkeypatch.setattr(state_journal, "MAX_TAIL_SECONDS", 0.0)
    path = tmp_path / "dev.db"
    fake, journal = open_state(path)
    journal.attach(snapshots_in_child=True)
    http = httpx.Client(transport=fake.transport(), base_url="http://fake-seam.local", headers=AUTH)
    http.post("/_fake/clock/freeze", json={})
    assert journal.receiver is not None
    journal.receiver.join()
    stored = []
    for pin in ("1357", "2468", "3579"):
        answer = http.post("/access_codes/create", json={"device_id": "august_device_1", "code": pin})
        assert answer.status_code == 200
        receiver = journal.receiver
        assert receiver is not None  # forked: the answer did not wait for the pickle
        receiver.join()
        stored.append(journal.snapshot_seq)
        assert journal.snapshot_seq == journal.last_seq
    assert stored == sorted(stored) and len(set(stored)) == 3
    http.post("/access_codes/create", json={"device_id": "august_device_1", "code": "4680"})
    receiver = journal.receiver
    assert receiver is not None
    forked_at = journal.last_seq
    # Answered while the child pickles: kept in the journal, not in that snapshot.
    http.post("/access_codes/create", json={"device_id": "august_device_1", "code": "5791"})
    receiver.join()
    assert journal.snapshot_seq == forked_at == journal.last_seq - 1
    expected = fake.database(include_credentials=True)
    journal.file.close()  # dropped as kill -9 leaves it: the snapshot and the tail after it
    back, again = open_state(path, create=False)
    try:
        assert again.file.tail_length(forked_at) == 1
        assert back.database(include_credentials=True) == expected
    finally:
        again.file.close()


def test_a_clean_stop_waits_for_the_child_and_snapshots_what_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_journal, "MIN_TAIL_SECONDS", 0.0)
    monkeypatch.setattr(state_journal, "MAX_TAIL_SECONDS", 0.0)
    path = tmp_path / "dev.db"
    fake, journal = open_state(path)
    journal.attach(snapshots_in_child=True)
    http = httpx.Client(transport=fake.transport(), base_url="http://fake-seam.local", headers=AUTH)
    for pin in ("1357", "2468"):
        http.post("/access_codes/create", json={"device_id": "august_device_1", "code": pin})
    expected = fake.database(include_credentials=True)
    journal.close()
    back, again = open_state(path, create=False)
    try:
        assert back.database(include_credentials=True) == expected
        assert again.file.tail_length(again.snapshot_seq) == 0  # nothing left to replay
    finally:
        again.file.close()
