"""A scenario's fleet, mapped onto a seed dict (the format of fake_seam/seam/seed.py).

fleet: default                 # the default seed (also: empty)
fleet:
  base: default                # default | empty | none
  overrides:                   # change locks the base already has
    august_device_1: {pool_size: 1}
  locks: [...]                 # more locks in the scenario's first workspace
  workspaces:                  # workspaces of their own, each with locks
    - id: hotel
      api_key: seam_hotel_key
      locks:
        - {id: room_101, brand: august, capacity: 4, pool_size: 2}
fleet: {seed: {...}}           # a whole seed dict, as `fake-seam serve --seed` reads
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from fake_seam.scenarios.reading import Checker, LineDict, did_you_mean, parse_duration
from fake_seam.seam.fault_aims import FAULT_AIMS
from fake_seam.seam.seed import DEFAULT_SEED, EMPTY_SEED, FRIENDLY_LOCK_KEYS
from fake_seam.simulator.lock import WRITE_ERROR_CODES as FAULT_ERRORS

# Friendly lock keys -> seed keys; the seed's own names are accepted as well.
LOCK_KEYS = FRIENDLY_LOCK_KEYS
SEED_LOCK_KEYS = (
    "device_id",
    "display_name",
    "manufacturer",
    "device_type",
    "model",
    "kind",
    "locked",
    "online",
    "max_active_codes_supported",
    "supported_code_lengths",
    "code_constraints",
    "supports_backup_access_code_pool",
    "programming_delay_seconds",
    "pool_size",
    "many_active_backup_codes_threshold",
    "native_scheduling",
    "fault_plan",
    "keypad_codes",
    "connected_account_id",
    "properties",
)
FAULT_KEYS = {
    "fail_next",
    "error",
    "error_code",
    "failure_rate",
    "offline_for",
    "offline_for_seconds",
    "aim",
    "access_code_name",
}
WORKSPACE_KEYS = (
    "id",
    "workspace_id",
    "name",
    "company_name",
    "is_sandbox",
    "api_key",
    "api_keys",
    "locks",
    "devices",
    "connected_accounts",
)


@dataclass
class Fleet:
    seed: dict[str, Any]
    api_keys: dict[str, str] = field(default_factory=dict)

    @property
    def workspace_ids(self) -> list[str]:
        return [w["workspace_id"] for w in self.seed.get("workspaces", []) if "workspace_id" in w]

    @property
    def default_workspace(self) -> str:
        ids = self.workspace_ids
        return ids[0] if ids else "seed_workspace_1"


def build_fleet(spec: Any, c: Checker, line: int) -> Fleet:
    seed = _build(spec, c, line)
    fleet = Fleet(seed)
    for workspace in seed.get("workspaces", []):
        keys = workspace.get("api_keys") or []
        if workspace.get("workspace_id") and keys:
            fleet.api_keys[workspace["workspace_id"]] = keys[0]
    return fleet


def _build(spec: Any, c: Checker, line: int) -> dict[str, Any]:
    if spec in (None, "default"):
        return copy.deepcopy(DEFAULT_SEED)
    if spec == "empty":
        return copy.deepcopy(EMPTY_SEED)
    if not isinstance(spec, dict):
        c.problem(
            line, "fleet is `default`, `empty`, or a mapping {base, overrides, locks, workspaces, seed}"
        )
        return copy.deepcopy(DEFAULT_SEED)
    at = spec.line_of if isinstance(spec, LineDict) else (lambda key: line)
    allowed = ("base", "overrides", "locks", "workspaces", "seed")
    for key in spec:
        if key not in allowed:
            c.problem(
                at(key),
                f"fleet: unknown key {key!r}{did_you_mean(key, allowed)}; it takes {', '.join(allowed)}",
            )
    if "seed" in spec:
        raw = spec["seed"]
        if not isinstance(raw, dict) or not isinstance(raw.get("workspaces"), list):
            c.problem(
                at("seed"), "fleet seed: is a seed dict with a `workspaces` list (fake_seam/seam/seed.py)"
            )
            return copy.deepcopy(DEFAULT_SEED)
        if len(spec) > 1:
            c.problem(
                at("seed"), "fleet seed: stands alone (no base, locks, overrides or workspaces beside it)"
            )
        return _plain(raw)
    base = spec.get("base", "default")
    if base == "default":
        seed = copy.deepcopy(DEFAULT_SEED)
    elif base == "empty":
        seed = copy.deepcopy(EMPTY_SEED)
    elif base == "none":
        seed = {"workspaces": [], "personal_access_tokens": [], "aliases": {}}
    else:
        c.problem(at("base"), "fleet base: is default, empty or none")
        seed = copy.deepcopy(DEFAULT_SEED)
    devices = {
        d["device_id"]: d for w in seed["workspaces"] for d in w.get("devices", []) if "device_id" in d
    }
    overrides = spec.get("overrides", {})
    if not isinstance(overrides, dict):
        c.problem(at("overrides"), "fleet overrides: maps a device id to the lock fields to change")
    else:
        for device_id, changes in overrides.items():
            oline = overrides.line_of(device_id) if isinstance(overrides, LineDict) else at("overrides")
            if device_id not in devices:
                c.problem(
                    oline,
                    f"fleet overrides: the base has no device {device_id!r}"
                    f"{did_you_mean(device_id, list(devices))}",
                )
                continue
            if not isinstance(changes, dict):
                c.problem(oline, f"fleet overrides: {device_id}: takes a mapping of lock fields")
                continue
            devices[device_id].update(_lock(changes, c, oline, need_id=False))
    if "locks" in spec:
        if not seed["workspaces"]:
            c.problem(
                at("locks"), "fleet locks: needs a workspace to go in (base: none has none; use workspaces:)"
            )
        else:
            target = seed["workspaces"][0].setdefault("devices", [])
            target.extend(_locks(spec["locks"], c, at("locks")))
    if "workspaces" in spec:
        raw = spec["workspaces"]
        if not isinstance(raw, list):
            c.problem(at("workspaces"), "fleet workspaces: is a list of workspaces")
        else:
            existing = {w["workspace_id"]: w for w in seed["workspaces"]}
            for index, entry in enumerate(raw):
                wline = raw.line_of(index) if hasattr(raw, "line_of") else at("workspaces")
                workspace = _workspace(entry, c, wline)
                if workspace is None:
                    continue
                if workspace["workspace_id"] in existing:
                    # Naming a base workspace adds to it.
                    into = existing[workspace["workspace_id"]]
                    into.setdefault("devices", []).extend(workspace["devices"])
                    into.setdefault("api_keys", []).extend(
                        k for k in workspace["api_keys"] if k not in into["api_keys"]
                    )
                else:
                    seed["workspaces"].append(workspace)
                    existing[workspace["workspace_id"]] = workspace
    ids = [d.get("device_id") for w in seed["workspaces"] for d in w.get("devices", [])]
    seen: set[str] = set()
    for device_id in ids:
        if device_id in seen:
            c.problem(line, f"fleet: device id {device_id!r} is used twice")
        seen.add(device_id)
    return seed


def _workspace(entry: Any, c: Checker, line: int) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        c.problem(line, "a fleet workspace is a mapping {id, name, api_key, locks}")
        return None
    at = entry.line_of if isinstance(entry, LineDict) else (lambda key: line)
    for key in entry:
        if key not in WORKSPACE_KEYS:
            c.problem(
                at(key),
                f"workspace: unknown key {key!r}{did_you_mean(key, WORKSPACE_KEYS)}; "
                f"it takes {', '.join(WORKSPACE_KEYS)}",
            )
    workspace_id = entry.get("id", entry.get("workspace_id"))
    if not isinstance(workspace_id, str) or not workspace_id:
        c.problem(line, "a fleet workspace needs id:")
        return None
    keys = entry.get("api_keys") or (
        [entry["api_key"]] if "api_key" in entry else [f"seam_{_slug(workspace_id)}_key"]
    )
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        c.problem(at("api_keys"), "api_keys is a list of API keys")
        keys = []
    for key in keys:
        if not key.startswith("seam_") or key.startswith(("seam_cst", "seam_at", "seam_pk")):
            c.problem(
                at("api_key" if "api_key" in entry else "api_keys"),
                f"API key {key!r} must start with seam_ (and not seam_cst, seam_at or seam_pk): "
                "the SDK refuses other keys",
            )
    out: dict[str, Any] = {
        "workspace_id": workspace_id,
        "name": entry.get("name", workspace_id),
        "company_name": entry.get("company_name", entry.get("name", workspace_id)),
        "is_sandbox": entry.get("is_sandbox", True),
        "api_keys": list(keys),
        "connected_accounts": _plain(entry.get("connected_accounts", [])),
        "devices": _plain(entry.get("devices", [])),
    }
    if "locks" in entry:
        out["devices"].extend(_locks(entry["locks"], c, at("locks")))
    return out


def _locks(raw: Any, c: Checker, line: int) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        c.problem(line, "locks: is a list of locks")
        return []
    out = []
    for index, entry in enumerate(raw):
        lline = raw.line_of(index) if hasattr(raw, "line_of") else line
        if not isinstance(entry, dict):
            c.problem(lline, "a lock is a mapping {id, name, brand, capacity, ...}")
            continue
        out.append(_lock(entry, c, getattr(entry, "line", lline), need_id=True))
    return out


def _lock(entry: dict, c: Checker, line: int, *, need_id: bool) -> dict[str, Any]:
    at = entry.line_of if isinstance(entry, LineDict) else (lambda key: line)
    out: dict[str, Any] = {}
    for key, value in entry.items():
        name = LOCK_KEYS.get(key, key)
        if name not in SEED_LOCK_KEYS:
            choices = tuple(LOCK_KEYS) + SEED_LOCK_KEYS
            c.problem(
                at(key),
                f"lock: unknown key {key!r}{did_you_mean(key, choices)}; "
                f"it takes {', '.join(LOCK_KEYS)}, {', '.join(k for k in SEED_LOCK_KEYS if k not in LOCK_KEYS.values())}",
            )
            continue
        try:
            out[name] = _lock_value(name, value)
        except (ValueError, TypeError) as problem:
            c.problem(at(key), f"lock {key}: {problem}")
    if need_id and not isinstance(out.get("device_id"), str):
        c.problem(line, "a lock needs id: (its device_id)")
    if need_id:
        out.setdefault("kind", "lock")
    return out


def _lock_value(name: str, value: Any) -> Any:
    if name == "programming_delay_seconds":
        return parse_duration(value)
    if name in ("max_active_codes_supported", "pool_size", "many_active_backup_codes_threshold"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("must be a whole number, 0 or more")
        return value
    if name == "supported_code_lengths":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(n, int) and 1 <= n <= 12 for n in value)
        ):
            raise ValueError("is a list of code lengths such as [4, 6]")
        return list(value)
    if name == "code_constraints":
        if not isinstance(value, list):
            raise ValueError("is a list, e.g. [no_zeros, {constraint_type: name_length, max_length: 9}]")
        return [{"constraint_type": v} if isinstance(v, str) else _plain(v) for v in value]
    if name in ("supports_backup_access_code_pool", "native_scheduling", "online", "locked"):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if name == "fault_plan":
        return _faults(value)
    if name == "keypad_codes":
        if not isinstance(value, list):
            raise ValueError('is a list of codes, e.g. ["1111", {code: "2222", name: Cleaner}]')
        return [{"code": str(v)} if isinstance(v, str | int) else _plain(v) for v in value]
    if name in (
        "device_id",
        "display_name",
        "manufacturer",
        "device_type",
        "model",
        "kind",
        "connected_account_id",
    ):
        if not isinstance(value, str):
            raise ValueError("must be text")
        return value
    return _plain(value)


def _faults(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("is a mapping {fail_next, error, failure_rate, offline_for, aim, access_code_name}")
    unknown = set(value) - FAULT_KEYS
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(sorted(unknown))}; it takes fail_next, error, failure_rate, "
            "offline_for, aim, access_code_name"
        )
    plan: dict[str, Any] = {}
    if "fail_next" in value:
        plan["fail_next"] = int(value["fail_next"])
    error = value.get("error", value.get("error_code"))
    if error is not None:
        if error not in FAULT_ERRORS:
            raise ValueError(f"error must be one of {', '.join(FAULT_ERRORS)}")
        plan["error_code"] = error
    if "failure_rate" in value:
        rate = value["failure_rate"]
        if not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ValueError("failure_rate is a probability from 0 to 1")
        plan["failure_rate"] = float(rate)
    offline = value.get("offline_for", value.get("offline_for_seconds"))
    if offline is not None:
        plan["offline_for_seconds"] = parse_duration(offline)
    if "aim" in value:
        if value["aim"] not in FAULT_AIMS:
            raise ValueError(f"aim must be one of {', '.join(FAULT_AIMS)}")
        plan["aim"] = value["aim"]
    if "access_code_name" in value:
        if not isinstance(value["access_code_name"], str):
            raise ValueError("access_code_name must be text")
        plan["access_code_name"] = value["access_code_name"]
    return plan


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "workspace"


def _plain(value: Any) -> Any:
    """Plain dicts and lists (no line bookkeeping) for the seed."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
