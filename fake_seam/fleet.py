"""Fleets in one line: locks described by what a test cares about (capacity, brand, offline,
fault plan, pool size), built on a fake through its Python control API.

    make_lock(fake, capacity=2, manufacturer="salto", online=False, fault_plan={"fail_next": 1})

A brand brings the hardware that brand has in the default seed (Salto: 6-digit PINs without
zeros and no backup pool; Yale: native scheduling; ...); anything given overrides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from fake_seam.fake import DEFAULT_API_KEY, FakeSeam
from fake_seam.seam.seed import FRIENDLY_LOCK_KEYS, brand_presets

if TYPE_CHECKING:
    from fake_seam.seam.records import Device

DEFAULT_WORKSPACE = "seed_workspace_1"

# The words a test writer reaches for, mapped onto the seed file's lock fields (the same
# friendly keys a scenario's fleet takes).
ALIASES = FRIENDLY_LOCK_KEYS
FAULT_FIELDS = ("fail_next", "error_code", "failure_rate", "offline_for_seconds", "aim", "access_code_name")
BRANDS: dict[str, dict[str, Any]] = brand_presets()


def lock_spec(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(lock fields for `FakeSeam.create_lock`, fault plan) from a test's description."""
    spec: dict[str, Any] = {}
    for key, value in options.items():
        spec[ALIASES.get(key, key)] = value
    fault_plan = dict(spec.pop("fault_plan", None) or {})
    for key in FAULT_FIELDS:  # also accepted flat: make_lock(fail_next=1)
        if key in spec:
            fault_plan[key] = spec.pop(key)
    unknown = set(fault_plan) - set(FAULT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fault plan field(s) {sorted(unknown)}; use {list(FAULT_FIELDS)}")
    manufacturer = spec.get("manufacturer", "august")
    preset = BRANDS.get(manufacturer, {})
    model = spec.pop("model", preset.get("model"))
    merged = {k: v for k, v in preset.items() if k != "model"}
    merged.update(spec)
    merged["manufacturer"] = manufacturer
    merged.setdefault("display_name", f"{manufacturer.replace('_', ' ').title()} Lock")
    if model:
        properties = dict(merged.get("properties") or {})
        properties.setdefault("model", {"display_name": model})
        merged["properties"] = properties
    return merged, fault_plan


def api_key(fake: FakeSeam) -> str:
    """The key clients get by default: workspace 1's of the default seed, or a custom seed's first."""

    keys = fake.cloud.store.credentials.api_keys
    return DEFAULT_API_KEY if DEFAULT_API_KEY in keys or not keys else next(iter(keys))


def default_workspace(fake: FakeSeam) -> str:
    """The workspace that key acts in: where new locks go unless told otherwise."""
    workspace_id = fake.cloud.store.credentials.api_keys.get(api_key(fake))
    if workspace_id is None:
        workspace_id = next(iter(fake.cloud.store.workspaces), DEFAULT_WORKSPACE)
    return workspace_id


def make_lock(fake: FakeSeam, workspace_id: str | None = None, **options: Any) -> Device:
    """One simulated lock on `fake`, e.g. `make_lock(fake, capacity=2, online=False)`.

    Options: `capacity`, `manufacturer` (or `brand`), `online`, `fault_plan` (or `faults`,
    or its fields `fail_next`, `error_code`, `failure_rate`, `offline_for_seconds` flat),
    `pool_size`, `many_active_threshold`, `backup_pool`, `programming_delay`, `code_lengths`,
    `constraints`, `native_scheduling`, `locked`, `name`, `id`, `model`, and any other lock
    field of a seed file. The lock goes into `workspace_id`, by default the workspace of the
    key the fixtures' clients use. Returns the device record: `.device_id` is what the SDK
    takes, `.lock` the simulated hardware.
    """
    spec, fault_plan = lock_spec(options)
    workspace_id = workspace_id or default_workspace(fake)
    return fake.create_lock(workspace_id, fault_plan=fault_plan or None, **spec)


def make_fleet(
    fake: FakeSeam, specs: Iterable[Mapping[str, Any]], workspace_id: str | None = None
) -> list[Device]:
    """Locks for each description, in order; a description's `count` repeats it."""
    devices = []
    for spec in specs:
        options = dict(spec)
        count = options.pop("count", 1)
        workspace = options.pop("workspace_id", workspace_id)
        for _ in range(count):
            devices.append(make_lock(fake, workspace, **options))
    return devices
