"""Which writes a fault plan hits, in Seam's terms, and the same aim in the hardware's.

Guests' codes are the managed codes that are not backups: the access code service writes
them with slot origin `managed`, and the backup pool's with `backup`. No pydantic here: the
Seam layer reads seeds with it only when a seed file is checked.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from fake_seam.simulator.lock import SlotOrigin, WriteAim

FaultAim = Literal["all_writes", "guest_codes", "backup_codes"]
FAULT_AIMS: tuple[str, ...] = get_args(FaultAim)
_AIM_ORIGINS: dict[str, SlotOrigin | None] = {
    "all_writes": None,
    "guest_codes": SlotOrigin.MANAGED,
    "backup_codes": SlotOrigin.BACKUP,
}


def write_aim(
    aim: str | None, access_code_id: str | None = None, access_code_name: str | None = None
) -> WriteAim | None:
    """The hardware's aim for a fault plan's `aim`, `access_code_id` and `access_code_name`
    (each given narrows it), or None when none is given (the plan keeps its aim)."""
    if aim is None and access_code_id is None and access_code_name is None:
        return None
    return WriteAim(_AIM_ORIGINS[aim or "all_writes"], access_code_id, access_code_name)


def aim_json(aim: WriteAim) -> dict[str, Any]:
    """A hardware aim as a fault plan's answer shows it."""
    kind = next(name for name, origin in _AIM_ORIGINS.items() if origin == aim.origin)
    return {"aim": kind, "access_code_id": aim.key, "access_code_name": aim.name}
