"""The JSON shape of every object, as Seam's OpenAPI document (seam-api/openapi-subset.json)
describes it: every required field, with Seam's types and enum values."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fake_seam.clock import ts as iso_timestamp
from fake_seam.seam.records import (
    AccessCode,
    ActionAttempt,
    ClientSession,
    ConnectedAccount,
    ConnectWebview,
    Device,
    Event,
    UnmanagedAccessCode,
    UserIdentity,
    Webhook,
    Workspace,
    battery_status,
)

if TYPE_CHECKING:
    from fake_seam.seam.cloud import SeamCloud


PROVIDER_NAMES = {
    "august": "August",
    "schlage": "Schlage",
    "salto": "Salto",
    "kwikset": "Kwikset",
    "yale": "Yale",
    "ecobee": "ecobee",
    "minut": "Minut",
    "nuki": "Nuki",
    "igloohome": "igloohome",
    "ttlock": "TTLock",
    "assa_abloy_credential_service": "ASSA ABLOY Credential Service",
}


# The same instants come back in every list (a code's `created_at`, `starts_at`, `ends_at`):
# each is formatted once while it is in use, not at every answer (`ts` is a pure function).
ts = lru_cache(maxsize=8192)(iso_timestamp)


@lru_cache(maxsize=256)
def provider_name(manufacturer: str) -> str:
    return PROVIDER_NAMES.get(manufacturer, manufacturer.replace("_", " ").title())


# -- devices ----------------------------------------------------------------------------


# What a device's shape takes from its maker alone, made once per maker rather than at every
# list: (provider name, image URL, image alt text).
@lru_cache(maxsize=256)
def maker(manufacturer: str) -> tuple[str, str, str]:
    provider = provider_name(manufacturer)
    return (
        provider,
        f"https://connect.getseam.com/assets/images/devices/{manufacturer}.png",
        f"{provider} device",
    )


# The capability flags, in the order Seam's shape lists them.
FLAGS = {
    "can_remotely_lock": False,
    "can_remotely_unlock": False,
    "can_program_online_access_codes": False,
    "can_program_offline_access_codes": False,
    "can_simulate_removal": True,
    "can_simulate_connection": True,
    "can_simulate_disconnection": True,
}
LOCK_FLAGS = {
    **FLAGS,
    "can_remotely_lock": True,
    "can_remotely_unlock": True,
    "can_program_online_access_codes": True,
    "can_unlock_with_code": True,
}
LOCK_CAPABILITIES = ("access_code", "lock")
# Properties read from the device record, not from its stored `properties`.
OWN_PROPERTIES = frozenset({"online", "battery_level", "battery"})
# What a device's shape leaves out of its stored `properties` (`model` is merged on its own).
STORED_SKIPPED = OWN_PROPERTIES | {"model"}
# A lock's properties and model fields that no record changes, in Seam's order.
LOCK_PROPERTIES = {
    "has_native_entry_events": True,
    "supports_accessory_keypad": False,
    "supports_offline_access_codes": False,
    "online_access_codes_enabled": True,
    "offline_access_codes_enabled": False,
}
LOCK_MODEL = {
    "has_built_in_keypad": True,
    "can_connect_accessory_keypad": False,
    "online_access_codes_supported": True,
    "offline_access_codes_supported": False,
}
UNMANAGED_FIELDS = frozenset(
    {
        "device_id",
        "device_type",
        "connected_account_id",
        "capabilities_supported",
        "workspace_id",
        "errors",
        "warnings",
        "created_at",
        "is_managed",
        "properties",
        "custom_metadata",
        "location",
        "space_ids",
        "display_name",
        *LOCK_FLAGS,
    }
)


def device(cloud: SeamCloud, d: Device) -> dict[str, Any]:
    # Built key by key in Seam's order, with the usual cases (no stored properties, no
    # errors or warnings) taking no call: 8 of these make every default `devices/list`.
    # `tests/unit/wire/test_shape_equivalence.py` holds it to the plain version, byte for byte.
    lock = d.lock
    stored = d.properties
    online = lock.online if lock is not None else bool(stored.get("online", True))
    name = d.display_name
    level = d.battery_level
    manufacturer = d.manufacturer
    provider, image_url, image_alt_text = maker(manufacturer)
    model: dict[str, Any] = {"display_name": provider, "manufacturer_display_name": provider}
    properties: dict[str, Any] = {
        "name": name,
        "online": online,
        "manufacturer": manufacturer,
        "appearance": {"name": name},
        "model": model,
        "image_url": image_url,
        "image_alt_text": image_alt_text,
        "battery_level": level,
        "battery": {"level": level, "status": battery_status(level)},
        "has_direct_power": False,
    }
    if stored:
        stored_model = stored.get("model")
        if isinstance(stored_model, dict):
            model = properties["model"] = {**model, **stored_model}
        # The record holds the battery (from these properties when the device was made).
        for k, v in stored.items():
            if k not in STORED_SKIPPED:
                properties[k] = v
    if lock is not None:
        rules = lock.rules
        pool = d.pool
        properties["locked"] = lock.locked
        properties["door_open"] = False
        properties["max_active_codes_supported"] = len(lock.slots)
        properties["supported_code_lengths"] = list(rules.supported_code_lengths)
        properties["code_constraints"] = (
            [dict(c) for c in rules.code_constraints] if rules.code_constraints else []
        )
        properties["supports_backup_access_code_pool"] = d.supports_backup_access_code_pool
        properties["backup_access_code_pool_enabled"] = pool.active and not pool.switched_off
        properties.update(LOCK_PROPERTIES)
        properties["keypad_battery"] = {"level": 0.9}
        model.update(LOCK_MODEL)
        capabilities = list(LOCK_CAPABILITIES)
        flags = LOCK_FLAGS
    else:
        flags = FLAGS
        if d.device_type.endswith("thermostat"):
            capabilities = ["thermostat"]
        elif "sensor" in d.device_type:
            capabilities = ["noise_detection"]
        else:
            capabilities = []
    custom_metadata = d.custom_metadata
    out: dict[str, Any] = {
        "device_id": d.device_id,
        "device_type": d.device_type,
        "display_name": name,
        "space_ids": [],
        "capabilities_supported": capabilities,
        "properties": properties,
        "connected_account_id": d.connected_account_id,
        "workspace_id": d.workspace_id,
        "errors": d.error_list() if d.errors else [],
        "warnings": d.warning_list() if d.warnings else [],
        "created_at": ts(d.created_at),
        "is_managed": d.is_managed,
        "custom_metadata": dict(custom_metadata) if custom_metadata else {},
        **flags,
    }
    if d.nickname is not None:  # optional and not nullable in Seam's schema: absent when unset
        out["nickname"] = d.nickname
    if not d.is_managed:
        # Unmanaged devices show only what Seam's `unmanaged_device` schema lists.
        out = {k: v for k, v in out.items() if k in UNMANAGED_FIELDS}
    return out


# -- access codes -----------------------------------------------------------------------


def access_code(cloud: SeamCloud, c: AccessCode) -> dict[str, Any]:
    # The usual code (no errors or warnings, not being written) takes no call for them.
    status = c.status
    errors = c.error_list() if c.errors else []
    if status == "setting" or status == "removing":
        dev = cloud.store.devices.get(c.device_id)
        if dev is not None and "device_offline" in dev.errors:
            at, message = dev.errors["device_offline"]
            errors.append(
                {
                    "error_code": "device_offline",
                    "message": message,
                    "is_device_error": True,
                    "created_at": ts(at),
                }
            )
    out: dict[str, Any] = {
        "access_code_id": c.access_code_id,
        "device_id": c.device_id,
        "workspace_id": c.workspace_id,
        "name": c.name,
        "code": c.code,
        "common_code_key": c.common_code_key,
        "type": c.type,
        "status": status,
        "created_at": ts(c.created_at),
        "errors": errors,
        "warnings": c.warning_list() if c.warnings else [],
        "is_managed": True,
        "is_backup": c.is_backup,
        # Only a time-bound code that is no backup may have one (the pools' first test).
        "is_backup_access_code_available": c.type == "time_bound"
        and not c.is_backup
        and cloud.pools.is_backup_access_code_available(c),
        "pulled_backup_access_code_id": c.pulled_backup_access_code_id,
        "is_external_modification_allowed": c.is_external_modification_allowed,
        "is_one_time_use": c.is_one_time_use,
        "is_offline_access_code": c.is_offline_access_code,
        "is_scheduled_on_device": c.is_scheduled_on_device,
        "is_waiting_for_code_assignment": False,
        "pending_mutations": [],
        "dormakaba_oracode_metadata": None,
    }
    if c.is_backup:
        out["pulled"] = c.pulled
    if c.type == "time_bound":
        out["starts_at"] = ts(c.starts_at)
        out["ends_at"] = ts(c.ends_at)
    return out


def unmanaged_access_code(u: UnmanagedAccessCode) -> dict[str, Any]:
    return {
        "access_code_id": u.access_code_id,
        "device_id": u.device_id,
        "workspace_id": u.workspace_id,
        "name": u.name,
        "code": u.code,
        "type": "ongoing",
        "status": "set",
        "created_at": ts(u.created_at),
        "errors": [],
        "warnings": [],
        "is_managed": False,
        "dormakaba_oracode_metadata": None,
    }


# -- the rest ---------------------------------------------------------------------------


def action_attempt(a: ActionAttempt, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """`result`: the success result when the caller has it at hand (saves decoding it)."""
    if a.status != "success":
        result = None
    elif result is None:
        result = a.result or {}
    return {
        "action_attempt_id": a.action_attempt_id,
        "action_type": a.action_type,
        "status": a.status,
        "result": result,
        "error": a.error if a.status == "error" else None,
    }


def event(e: Event) -> dict[str, Any]:
    return {
        "event_id": e.event_id,
        "event_type": e.event_type,
        "workspace_id": e.workspace_id,
        "created_at": ts(e.created_at),
        "occurred_at": ts(e.occurred_at),
        **e.fields,
    }


def connected_account(cloud: SeamCloud, a: ConnectedAccount) -> dict[str, Any]:
    errors = []
    if a.disconnected_at is not None:
        errors.append(
            {
                "error_code": "account_disconnected",
                "message": "Account Disconnected",
                "is_connected_account_error": True,
                "created_at": ts(a.disconnected_at),
            }
        )
    return {
        "connected_account_id": a.connected_account_id,
        "account_type": a.provider,
        "account_type_display_name": provider_name(a.provider),
        "display_name": a.user_identifier.get("email") or provider_name(a.provider),
        "user_identifier": dict(a.user_identifier),
        "created_at": ts(a.created_at),
        "errors": errors,
        "warnings": [],
        "custom_metadata": dict(a.custom_metadata),
        "automatically_manage_new_devices": a.automatically_manage_new_devices,
        "accepted_capabilities": ["lock", "thermostat", "noise_sensor", "access_control"],
    }


def client_session(cloud: SeamCloud, s: ClientSession) -> dict[str, Any]:
    return {
        "client_session_id": s.client_session_id,
        "workspace_id": s.workspace_id,
        "token": s.token,
        "created_at": ts(s.created_at),
        "expires_at": ts(s.expires_at),
        "user_identifier_key": s.user_identifier_key,
        "device_count": cloud.client_sessions.device_count(s),
        "connected_account_ids": list(s.connected_account_ids),
        "connect_webview_ids": list(s.connect_webview_ids),
        "user_identity_ids": list(s.user_identity_ids),
    }


def workspace(w: Workspace) -> dict[str, Any]:
    return {
        "workspace_id": w.workspace_id,
        "name": w.name,
        "company_name": w.company_name,
        "is_sandbox": w.is_sandbox,
        "is_suspended": False,
        "connect_partner_name": w.connect_partner_name,
        # Every customization field is optional and none is nullable: unset ones are absent.
        "connect_webview_customization": {},
        "is_publishable_key_auth_enabled": False,
        "organization_id": None,
    }


def webhook(w: Webhook) -> dict[str, Any]:
    return {"webhook_id": w.webhook_id, "url": w.url, "event_types": list(w.event_types), "secret": w.secret}


def connect_webview(w: ConnectWebview) -> dict[str, Any]:
    return {
        "connect_webview_id": w.connect_webview_id,
        "workspace_id": w.workspace_id,
        "created_at": ts(w.created_at),
        "connected_account_id": w.connected_account_id,
        "url": w.url,
        "device_selection_mode": w.device_selection_mode,
        "accepted_providers": list(w.accepted_providers),
        "accepted_capabilities": ["lock"],
        "accepted_devices": [],
        "any_device_allowed": True,
        "any_provider_allowed": not w.accepted_providers,
        "login_successful": w.status == "authorized",
        "status": w.status,
        "custom_redirect_url": w.custom_redirect_url,
        "custom_redirect_failure_url": w.custom_redirect_failure_url,
        "custom_metadata": dict(w.custom_metadata),
        "automatically_manage_new_devices": w.automatically_manage_new_devices,
        "wait_for_device_creation": w.wait_for_device_creation,
        "authorized_at": ts(w.authorized_at),
        "selected_provider": w.selected_provider,
        **({"customer_key": w.customer_key} if w.customer_key is not None else {}),
    }


def user_identity(u: UserIdentity) -> dict[str, Any]:
    return {
        "user_identity_id": u.user_identity_id,
        "user_identity_key": u.user_identity_key,
        "email_address": u.email_address,
        "phone_number": u.phone_number,
        # Never empty (Seam's schema: at least one character), even for a user made with no name.
        "display_name": u.full_name
        or u.email_address
        or u.phone_number
        or u.user_identity_key
        or u.user_identity_id,
        "full_name": u.full_name,
        "created_at": ts(u.created_at),
        "workspace_id": u.workspace_id,
        "errors": [],
        "warnings": [],
        "acs_user_ids": [],
    }
