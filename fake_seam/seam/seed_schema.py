"""The seed file format as pydantic models, so a typo or a wrong type in a seed file is named
(file, path, problem) instead of being silently ignored or failing deep in the model."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fake_seam.simulator.code_rules import NAME_CONSTRAINTS, PIN_CONSTRAINTS
from fake_seam.simulator.lock import EVERY_WRITE, SlotOrigin, WriteAim, WriteErrorCode

ConstraintType = Literal[tuple(sorted(PIN_CONSTRAINTS | NAME_CONSTRAINTS))]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CodeConstraint(Strict):
    constraint_type: ConstraintType  # type: ignore[valid-type]  # built from the rule sets at import
    min_length: float | None = None
    max_length: float | None = None


# Which writes a fault plan hits, in Seam's terms: guests' codes are the managed codes that
# are not backups; the access code service writes them with slot origin `managed`.
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
    if aim in (None, "all_writes") and access_code_id is None and access_code_name is None:
        return EVERY_WRITE
    return WriteAim(_AIM_ORIGINS[aim or "all_writes"], access_code_id, access_code_name)


def aim_json(aim: WriteAim) -> dict[str, Any]:
    """A hardware aim as a fault plan's answer shows it."""
    kind = next(name for name, origin in _AIM_ORIGINS.items() if origin == aim.origin)
    return {"aim": kind, "access_code_id": aim.key, "access_code_name": aim.name}


class FaultPlanSeed(Strict):
    fail_next: int | None = Field(None, ge=0)
    error_code: WriteErrorCode | None = None
    failure_rate: float | None = Field(None, ge=0, le=1)
    offline_for_seconds: float | None = Field(None, gt=0)
    aim: FaultAim | None = None
    access_code_name: str | None = None


class KeypadCode(Strict):
    code: str = Field(pattern=r"^\d+$")
    name: str | None = None


class DeviceSeed(Strict):
    device_id: str | None = None
    kind: Literal["lock", "thermostat", "noise_sensor"] = "lock"
    connected_account_id: str | None = None
    manufacturer: str | None = None
    display_name: str | None = None
    device_type: str | None = None
    model: str | None = None
    properties: dict[str, Any] | None = None
    max_active_codes_supported: int | None = Field(None, ge=0, le=100_000)
    supported_code_lengths: list[int] | None = Field(None, min_length=1)
    code_constraints: list[CodeConstraint] | None = None
    supports_backup_access_code_pool: bool | None = None
    programming_delay_seconds: float | None = Field(None, ge=0)
    native_scheduling: bool | None = None
    online: bool | None = None
    locked: bool | None = None
    pool_size: int | None = Field(None, ge=0)
    many_active_backup_codes_threshold: int | None = Field(None, ge=1)
    fault_plan: FaultPlanSeed | None = None
    keypad_codes: list[KeypadCode] | None = None


class ConnectedAccountSeed(Strict):
    connected_account_id: str
    provider: str | None = None
    user_identifier: dict[str, Any] | None = None
    custom_metadata: dict[str, Any] | None = None


class ClientSessionSeed(Strict):
    token: str
    connected_account_ids: list[str] = Field(default_factory=list)
    user_identifier_key: str | None = None


class WorkspaceSeed(Strict):
    workspace_id: str
    name: str | None = None
    company_name: str | None = None
    is_sandbox: bool | None = None
    connect_partner_name: str | None = None
    api_keys: list[str] = Field(default_factory=list)
    publishable_keys: list[str] = Field(default_factory=list)
    client_session_tokens: list[ClientSessionSeed] = Field(default_factory=list)
    connected_accounts: list[ConnectedAccountSeed] = Field(default_factory=list)
    devices: list[DeviceSeed] = Field(default_factory=list)


class PersonalAccessTokenSeed(Strict):
    token: str
    workspace_ids: list[str] = Field(default_factory=list)


class SeedFile(Strict):
    workspaces: list[WorkspaceSeed]
    personal_access_tokens: list[PersonalAccessTokenSeed] = Field(default_factory=list)
    aliases: dict[str, str] = Field(default_factory=dict)


def seed_problems(seed: Any) -> list[str]:
    """Every problem in a seed, each as `path: message` (empty when the seed is usable)."""
    try:
        SeedFile.model_validate(seed)
    except ValidationError as error:
        return [
            f"{'.'.join(str(p) for p in issue['loc']) or '(top)'}: {issue['msg']}" for issue in error.errors()
        ]
    problems = []
    for i, workspace in enumerate(seed["workspaces"]):
        for key in workspace.get("api_keys", []):
            if not key.startswith("seam_") or key.startswith(("seam_cst", "seam_at", "seam_pk")):
                problems.append(
                    f"workspaces.{i}.api_keys: {key!r} is not an API key the SDK accepts "
                    "(it must start with seam_ but not seam_cst, seam_at or seam_pk)"
                )
    return problems
