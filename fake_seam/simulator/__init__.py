"""The hardware: simulated smart locks with slots, a keypad, a write queue and faults.

Knows nothing of Seam; the Seam layer listens to what the locks report.
"""

from fake_seam.simulator.code_rules import CodeRules, PinRejected
from fake_seam.simulator.lock import FaultPlan, LockListener, SimulatedLock, Slot, SlotOrigin, WriteAim

__all__ = [
    "CodeRules",
    "FaultPlan",
    "LockListener",
    "PinRejected",
    "SimulatedLock",
    "Slot",
    "SlotOrigin",
    "WriteAim",
]
