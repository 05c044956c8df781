"""Ids are UUIDs version 4 drawn from the fake's seeded RNG: the same seed, the same ids."""

from __future__ import annotations

import random
import uuid

from hypothesis import given
from hypothesis import strategies as st
from moments import T0

from fake_seam.clock import Clock, Timeline
from fake_seam.seam.ids import IdFactory


@given(st.integers())
def test_an_id_is_the_uuid4_the_standard_library_makes_from_the_same_bits(seed: int) -> None:
    ours, theirs = IdFactory(random.Random(seed)), random.Random(seed)
    for _ in range(20):
        made = ours.uuid()
        assert made == str(uuid.UUID(int=theirs.getrandbits(128), version=4))
        assert uuid.UUID(made).version == 4 and uuid.UUID(made).variant == uuid.RFC_4122


def test_seeding_client_sessions_shifts_no_other_id() -> None:
    """Client sessions draw their ids from a stream of their own, so a seed with more (or fewer)
    of them gives every other object the same ids as before."""
    from fake_seam.seam import Caller, SeamCloud
    from fake_seam.seam.seed import load_seed

    def first_code_id(sessions: int) -> str:
        seed = load_seed("default")
        tokens = seed["workspaces"][0].setdefault("client_session_tokens", [])
        tokens.extend({"token": f"seam_cst_extra_{i}", "connected_account_ids": []} for i in range(sessions))
        cloud = SeamCloud(Timeline(Clock(T0, frozen=True)), seed)
        code = cloud.codes.create(
            Caller("seed_workspace_1", "api_key"), device_id="august_device_1", code="1357"
        )
        assert code is not None
        return code.access_code_id

    assert first_code_id(0) == first_code_id(3)
