"""Every control of the fake, each declared once (`control.py` says how).

`CONTROLS` maps a control's one name to its declaration. The `/_fake` routes
(`fake_seam.api.control`), `FakeSeam`'s methods (`fake_seam.fake`), the scenario actions and
the remote target (`fake_seam.scenarios`) and the Hypothesis faults (`fake_seam.strategies`)
are built from it.
"""

from fake_seam.controls import (
    action_attempts,
    backup_pool,
    clock,
    console,
    database,
    devices,
    keypad,
    onboarding,
    webhooks,
    workspaces,
)
from fake_seam.controls.control import (
    REGISTRY,
    Bench,
    Control,
    ControlParams,
    InvalidControlInput,
    control,
    wire_value,
)

CONTROLS = REGISTRY

__all__ = [
    "CONTROLS",
    "Bench",
    "Control",
    "ControlParams",
    "InvalidControlInput",
    "action_attempts",
    "backup_pool",
    "clock",
    "console",
    "control",
    "database",
    "devices",
    "keypad",
    "onboarding",
    "webhooks",
    "wire_value",
    "workspaces",
]
