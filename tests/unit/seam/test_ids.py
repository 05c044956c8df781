"""Ids are UUIDs version 4 drawn from the fake's seeded RNG: the same seed, the same ids."""

from __future__ import annotations

import random
import uuid

from hypothesis import given
from hypothesis import strategies as st

from fake_seam.seam.ids import IdFactory


@given(st.integers())
def test_an_id_is_the_uuid4_the_standard_library_makes_from_the_same_bits(seed: int) -> None:
    ours, theirs = IdFactory(random.Random(seed)), random.Random(seed)
    for _ in range(20):
        made = ours.uuid()
        assert made == str(uuid.UUID(int=theirs.getrandbits(128), version=4))
        assert uuid.UUID(made).version == 4 and uuid.UUID(made).variant == uuid.RFC_4122
