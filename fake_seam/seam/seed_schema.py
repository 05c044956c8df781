"""The seed file format as pydantic models, so a typo or a wrong type in a seed file is named
(file, path, problem) instead of being silently ignored or failing deep in the model."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from typing_extensions import TypedDict  # pydantic refuses typing's before Python 3.12

from fake_seam import messages as msgs
from fake_seam.clock import EARLIEST, LATEST, iso, to_datetime
from fake_seam.seam.fault_aims import FaultAim
from fake_seam.simulator.code_rules import NAME_CONSTRAINTS, PIN_CONSTRAINTS
from fake_seam.simulator.lock import WriteErrorCode

ConstraintType = Literal[tuple(sorted(PIN_CONSTRAINTS | NAME_CONSTRAINTS))]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CodeConstraint(Strict):
    constraint_type: ConstraintType  # type: ignore[valid-type]  # built from the rule sets at import
    min_length: float | None = None
    max_length: float | None = None


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


class AccessCodeSeed(TypedDict):
    """A managed code as the lock holds it once settled (see docs/fleet-and-seeds.md). A
    TypedDict, not a model: a seed may hold 100,000 of these, and checking each as a dict
    costs half as much as making a model of it."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]
    access_code_id: NotRequired[str | None]
    name: NotRequired[str | None]
    code: Annotated[str, StringConstraints(pattern=r"^\d+$")]
    # Both or neither (ongoing); an ends_at alone starts now, as a create does.
    starts_at: NotRequired[str | None]
    ends_at: NotRequired[str | None]
    common_code_key: NotRequired[str | None]
    is_external_modification_allowed: NotRequired[bool | None]
    is_one_time_use: NotRequired[bool | None]
    is_offline_access_code: NotRequired[bool | None]
    use_backup_access_code_pool: NotRequired[bool | None]
    # A backup pulled from the device's pool for this code (of the same device).
    pulled_backup_of: NotRequired[str | None]


class WebhookSeed(Strict):
    webhook_id: str | None = None
    url: str = Field(pattern=r"^https?://.+")
    event_types: list[str] | None = None
    secret: str | None = Field(None, pattern=r"^whsec_[A-Za-z0-9+/=]+$")


class ClockSeed(Strict):
    now: str
    frozen: bool = False

    @field_validator("now")
    @classmethod
    def a_time_the_clock_can_show(cls, now: str) -> str:
        try:
            moment = to_datetime(now)
        except ValueError:
            raise ValueError(msgs.SEED_NOT_A_TIME) from None
        if not EARLIEST <= moment <= LATEST:
            raise ValueError(msgs.clock_out_of_range(iso(EARLIEST) or "", iso(LATEST) or ""))
        return now


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
    backup_access_code_pool_enabled: bool | None = None
    access_codes: list[AccessCodeSeed] | None = None


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
    webhooks: list[WebhookSeed] = Field(default_factory=list)


class PersonalAccessTokenSeed(Strict):
    token: str
    workspace_ids: list[str] = Field(default_factory=list)


class SeedFile(Strict):
    workspaces: list[WorkspaceSeed]
    personal_access_tokens: list[PersonalAccessTokenSeed] = Field(default_factory=list)
    aliases: dict[str, str] = Field(default_factory=dict)
    clock: ClockSeed | None = None


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
