"""Ids drawn from the fake's seeded RNG, so the same seed gives the same ids."""

from __future__ import annotations

import random
import uuid


class IdFactory:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
