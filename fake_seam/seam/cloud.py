"""`SeamCloud`: Seam's cloud semantics over simulated hardware, for one fake. No HTTP here."""

from __future__ import annotations

from fake_seam.clock import Timeline
from fake_seam.seam.seed import load_seed
from fake_seam.seam.state import Settings
from fake_seam.seam.workspaces import WorkspaceRules


class SeamCloud(WorkspaceRules):
    def __init__(
        self,
        timeline: Timeline,
        seed: str | dict | None = "default",
        *,
        rng_seed: int | str = 0,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(timeline, rng_seed, settings)
        self.seed_spec = load_seed(seed)
        self.apply_seed(self.seed_spec)
