"""Seeds: the default one (a drop-in for Seam's own fake, plus a realistic fleet), the empty
one, and seed files (JSON) describing a custom fleet. See docs/fleet-and-seeds.md."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson

from fake_seam import messages as msgs

# Seam's fake's ids, which existing test suites use (docs/fleet-and-seeds.md), in one place.
DEFAULT_ALIASES = {
    "seed_workspace_1": "seed_workspace_1",
    "seed_workspace_2": "seed_workspace_2",
    "seam_apikey1_token": "seam_apikey1_token",
    "seam_apikey2_token": "seam_apikey2_token",
    "seam_at1_token": "seam_at1_longtoken",
    "seam_cst1_token": "seam_cst1_token",
    "seam_pk1_token": "seam_pk1_token",
    "john_connected_account_id": "john_connected_account_id",
    "jane_connected_account_id": "jane_connected_account_id",
    "john_assa_cs_connected_account_id": "john_assa_cs_connected_account_id",
    "august_device_1": "august_device_1",
    "august_device_2": "august_device_2",
    "ecobee_device_1": "ecobee_device_1",
    "minut_device_1": "minut_device_1",
    "schlage_device_1": "schlage_device_id",
    "salto_device_1": "salto_device_1",
    "kwikset_device_1": "kwikset_device_1",
    "yale_device_1": "yale_device_1",
}

DEFAULT_SEED: dict[str, Any] = {
    "workspaces": [
        {
            "workspace_id": "seed_workspace_1",
            "name": "My Workspace",
            "company_name": "Acme Short Stays",
            "is_sandbox": True,
            "api_keys": ["seam_apikey1_token"],
            "publishable_keys": ["seam_pk1_token"],
            "client_session_tokens": [
                {"token": "seam_cst1_token", "connected_account_ids": ["john_connected_account_id"]}
            ],
            "connected_accounts": [
                {
                    "connected_account_id": "john_connected_account_id",
                    "provider": "august",
                    "user_identifier": {"email": "john@example.com"},
                },
                {
                    "connected_account_id": "jane_connected_account_id",
                    "provider": "schlage",
                    "user_identifier": {"email": "jane@example.com"},
                },
                {
                    "connected_account_id": "john_assa_cs_connected_account_id",
                    "provider": "assa_abloy_credential_service",
                    "user_identifier": {"email": "john@example.com"},
                },
            ],
            "devices": [
                {
                    "device_id": "august_device_1",
                    "connected_account_id": "john_connected_account_id",
                    "kind": "lock",
                    "manufacturer": "august",
                    "display_name": "Front Door",
                    "model": "August Wi-Fi Smart Lock",
                    "locked": True,
                    "max_active_codes_supported": 20,
                    "supported_code_lengths": [4, 5, 6, 7, 8],
                    "code_constraints": [],
                    "supports_backup_access_code_pool": True,
                    "programming_delay_seconds": 10,
                    "pool_size": 3,
                },
                {
                    "device_id": "august_device_2",
                    "connected_account_id": "john_connected_account_id",
                    "kind": "lock",
                    "manufacturer": "august",
                    "display_name": "Back Door",
                    "model": "August Smart Lock Pro",
                    "locked": False,
                    "max_active_codes_supported": 10,
                    "supported_code_lengths": [4, 5, 6],
                    "code_constraints": [],
                    "supports_backup_access_code_pool": True,
                    "programming_delay_seconds": 10,
                    "pool_size": 2,
                },
                {
                    "device_id": "ecobee_device_1",
                    "connected_account_id": "john_connected_account_id",
                    "kind": "thermostat",
                    "device_type": "ecobee_thermostat",
                    "manufacturer": "ecobee",
                    "display_name": "Living Room",
                },
                {
                    "device_id": "minut_device_1",
                    "connected_account_id": "john_connected_account_id",
                    "kind": "noise_sensor",
                    "device_type": "minut_sensor",
                    "manufacturer": "minut",
                    "display_name": "Living Room Noise Sensor",
                },
                {
                    "device_id": "schlage_device_id",
                    "connected_account_id": "jane_connected_account_id",
                    "kind": "lock",
                    "manufacturer": "schlage",
                    "display_name": "Garage Door",
                    "model": "Schlage Encode Plus",
                    "locked": True,
                    "max_active_codes_supported": 100,
                    "supported_code_lengths": [4, 5, 6, 7, 8],
                    "code_constraints": [{"constraint_type": "name_length", "max_length": 9}],
                    "supports_backup_access_code_pool": True,
                    "programming_delay_seconds": 30,
                    "pool_size": 5,
                },
                {
                    "device_id": "salto_device_1",
                    "connected_account_id": "jane_connected_account_id",
                    "kind": "lock",
                    "manufacturer": "salto",
                    "device_type": "salto_lock",
                    "display_name": "Office Door",
                    "model": "Salto XS4 One",
                    "locked": True,
                    "max_active_codes_supported": 50,
                    "supported_code_lengths": [6],
                    "code_constraints": [{"constraint_type": "no_zeros"}],
                    "supports_backup_access_code_pool": False,
                    "programming_delay_seconds": 20,
                },
                {
                    "device_id": "kwikset_device_1",
                    "connected_account_id": "jane_connected_account_id",
                    "kind": "lock",
                    "manufacturer": "kwikset",
                    "display_name": "Shed",
                    "model": "Kwikset Halo Keypad",
                    "locked": True,
                    "max_active_codes_supported": 3,
                    "supported_code_lengths": [4, 5, 6, 7, 8],
                    "code_constraints": [],
                    "supports_backup_access_code_pool": True,
                    "programming_delay_seconds": 15,
                    "pool_size": 2,
                },
                {
                    "device_id": "yale_device_1",
                    "connected_account_id": "jane_connected_account_id",
                    "kind": "lock",
                    "manufacturer": "yale",
                    "display_name": "Pool House",
                    "model": "Yale Assure Lock 2",
                    "locked": True,
                    "max_active_codes_supported": 25,
                    "supported_code_lengths": [6],
                    "code_constraints": [
                        {"constraint_type": "no_ascending_or_descending_sequence"},
                        {"constraint_type": "at_least_three_unique_digits"},
                        {"constraint_type": "cannot_start_with_12"},
                    ],
                    "supports_backup_access_code_pool": True,
                    "programming_delay_seconds": 10,
                    "native_scheduling": True,
                    "pool_size": 3,
                },
            ],
        },
        {
            "workspace_id": "seed_workspace_2",
            "name": "Empty Workspace",
            "company_name": "Empty Company",
            "is_sandbox": True,
            "api_keys": ["seam_apikey2_token"],
            "connected_accounts": [],
            "devices": [],
        },
    ],
    "personal_access_tokens": [
        {"token": "seam_at1_longtoken", "workspace_ids": ["seed_workspace_1", "seed_workspace_2"]}
    ],
    "aliases": DEFAULT_ALIASES,
}

EMPTY_SEED: dict[str, Any] = {
    "workspaces": [
        {
            "workspace_id": "seed_workspace_1",
            "name": "My Workspace",
            "company_name": "Acme",
            "is_sandbox": True,
            "api_keys": ["seam_apikey1_token"],
            "connected_accounts": [],
            "devices": [],
        }
    ],
    "personal_access_tokens": [{"token": "seam_at1_longtoken", "workspace_ids": ["seed_workspace_1"]}],
    "aliases": {
        "seed_workspace_1": "seed_workspace_1",
        "seam_apikey1_token": "seam_apikey1_token",
        "seam_at1_token": "seam_at1_longtoken",
    },
}


# The words a test writer reaches for, mapped onto the seed file's lock fields; the pytest
# fleet factory and scenario fleets both take them.
FRIENDLY_LOCK_KEYS = {
    "id": "device_id",
    "name": "display_name",
    "brand": "manufacturer",
    "capacity": "max_active_codes_supported",
    "code_lengths": "supported_code_lengths",
    "constraints": "code_constraints",
    "backup_pool": "supports_backup_access_code_pool",
    "many_active_threshold": "many_active_backup_codes_threshold",
    "programming_delay": "programming_delay_seconds",
    "faults": "fault_plan",
    "connected_account": "connected_account_id",
}


class SeedError(ValueError):
    """A seed file that cannot be used; the message names the file and the problem."""


# Every fake starts from a fresh copy of its seed; parsing these bytes is several times faster
# than `copy.deepcopy` (about half of a `FakeSeam()` was the copy).
_DEFAULT_SEED_JSON = orjson.dumps(DEFAULT_SEED)
_EMPTY_SEED_JSON = orjson.dumps(EMPTY_SEED)


def load_seed(seed: str | Path | dict[str, Any] | None) -> dict[str, Any]:
    """`default`, `empty`, a path to a JSON seed file, or an already-parsed seed."""
    if seed is None or seed == "default":
        fresh: dict[str, Any] = orjson.loads(_DEFAULT_SEED_JSON)
        return fresh
    if seed == "empty":
        empty: dict[str, Any] = orjson.loads(_EMPTY_SEED_JSON)
        return empty
    if isinstance(seed, dict):
        check_seed(seed, "seed")
        return copy.deepcopy(seed)
    path = Path(seed)
    try:
        parsed = json.loads(path.read_text())
    except FileNotFoundError:
        raise SeedError(msgs.no_seed_file(str(path))) from None
    except json.JSONDecodeError as problem:
        raise SeedError(msgs.seed_not_json(str(path), problem.lineno, problem.msg)) from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("workspaces"), list):
        raise SeedError(msgs.seed_not_an_object(str(path)))
    check_seed(parsed, str(path))
    return parsed


def check_seed(seed: dict[str, Any], source: str) -> None:
    # The seed file schema is pydantic's (~105 ms of imports): the built-in seeds never need it.
    from fake_seam.seam.seed_schema import seed_problems

    problems = seed_problems(seed)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SeedError(f"{source}: {problems[0]}{more}")


# Seed-only fields a brand's preset does not carry onto a new lock.
_NOT_HARDWARE = ("device_id", "connected_account_id", "kind", "display_name", "locked", "pool_size")


def brand_presets() -> dict[str, dict[str, Any]]:
    """Each brand's lock hardware as the default seed has it (Salto: 6-digit PINs without zeros
    and no backup pool; Yale: native scheduling; ...): what a new lock of that brand gets."""
    presets: dict[str, dict[str, Any]] = {}
    for workspace in DEFAULT_SEED["workspaces"]:
        for device in workspace.get("devices", []):
            if device.get("kind", "lock") == "lock":
                hardware = {k: v for k, v in device.items() if k not in _NOT_HARDWARE}
                presets.setdefault(device["manufacturer"], hardware)
    return presets
