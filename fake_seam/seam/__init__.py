"""Seam's cloud semantics over the simulated hardware (no HTTP here)."""

from fake_seam.seam.cloud import SeamCloud
from fake_seam.seam.errors import SeamError
from fake_seam.seam.store import Caller, Settings

__all__ = ["Caller", "SeamCloud", "SeamError", "Settings"]
