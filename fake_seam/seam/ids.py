"""Ids drawn from the fake's seeded RNG, so the same seed gives the same ids."""

from __future__ import annotations

import random

# Version 4 and the RFC 4122 variant, set in the 128 random bits as uuid.UUID(version=4) does.
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)


class IdFactory:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        # Ids a seed gave its objects: a seed exported from a fake with the same RNG seed
        # holds the very ids this stream is about to draw.
        self._reserved: set[str] = set()

    def reserve(self, given: str) -> None:
        self._reserved.add(given)

    def uuid(self) -> str:
        """`str(uuid.UUID(int=rng.getrandbits(128), version=4))`, without building the UUID
        object: three of these per access code created. (`bytes.hex` is about twice as fast
        as formatting the int with `:032x`.)"""
        while True:
            h = ((self._rng.getrandbits(128) & _CLEAR) | _SET).to_bytes(16).hex()
            drawn = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            if drawn not in self._reserved:
                return drawn
