"""A workspace's event history drops what retention says, from the front, in one pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fake_seam.seam.records import Event
from fake_seam.seam.store import EventHistory


def _event(n: int, at: float) -> Event:
    return Event(f"e{n}", "ws", "lock.unlocked", at, at, {}, n)


@given(
    gaps=st.lists(st.integers(0, 5), max_size=200),
    batches=st.lists(
        st.tuples(st.integers(1, 30), st.integers(-5, 400), st.one_of(st.none(), st.integers(0, 40))),
        max_size=12,
    ),
)
def test_dropping_expired_events_drops_the_oldest_that_retention_refuses(
    gaps: list[int], batches: list[tuple[int, int, int | None]]
) -> None:
    """Whatever was appended and however the limits move, `drop_expired(cutoff, most)` leaves
    and returns what dropping the oldest one at a time from a plain list would: each event from
    `cutoff` or before, and each past the newest `most`, oldest first."""
    history, reference = EventHistory(), []
    at, n = 0.0, 0
    pending = list(gaps)
    for count, cutoff, most in batches:
        for _ in range(count):
            at += pending.pop() if pending else 1
            n += 1
            history.append(_event(n, at))
            reference.append(_event(n, at))
        expected = []
        while reference and (
            reference[0].occurred_at <= cutoff or (most is not None and len(reference) > most)
        ):
            expected.append(reference.pop(0).event_id)
        assert [e.event_id for e in history.drop_expired(float(cutoff), most)] == expected
        assert [e.event_id for e in history] == [e.event_id for e in reference]
        assert len(history) == len(reference)
