"""A fake as a seed file (`fake-seam state export`): what `--seed` can make again.

A seed describes workspaces, their keys, connected accounts and webhooks, devices with their
hardware (capacity, PIN rules, programming delay, online, fault plan, backup pool), the codes
typed on their keypads and the managed codes on them, and the clock. A seed loads each code as
settled (set on its lock, or waiting for its start), so a write in flight or a failed one comes
back set. History (events, action attempts, webhook deliveries) is not state: not exported.
"""

from __future__ import annotations

from typing import Any

from fake_seam.clock import iso, ts
from fake_seam.fake import FakeSeam
from fake_seam.seam.fault_aims import aim_json
from fake_seam.seam.records import AccessCode, Device


def export_seed(fake: FakeSeam) -> dict[str, Any]:
    store = fake.cloud.store
    standing = set(fake.cloud.webhooks.standing_ids)
    workspaces = []
    for workspace in store.workspaces.values():
        wid = workspace.workspace_id
        workspaces.append(
            {
                "workspace_id": wid,
                "name": workspace.name,
                "company_name": workspace.company_name,
                "is_sandbox": workspace.is_sandbox,
                **(
                    {"connect_partner_name": workspace.connect_partner_name}
                    if workspace.connect_partner_name
                    else {}
                ),
                "api_keys": [k for k, w in store.credentials.api_keys.items() if w == wid],
                "publishable_keys": [k for k, w in store.credentials.publishable_keys.items() if w == wid],
                "client_session_tokens": [
                    {
                        "token": s.token,
                        "connected_account_ids": list(s.connected_account_ids),
                        **({"user_identifier_key": s.user_identifier_key} if s.user_identifier_key else {}),
                    }
                    for s in store.client_sessions_by_workspace.get(wid, {}).values()
                ],
                "connected_accounts": [
                    {
                        "connected_account_id": a.connected_account_id,
                        "provider": a.provider,
                        "user_identifier": dict(a.user_identifier),
                        "custom_metadata": dict(a.custom_metadata),
                    }
                    for a in store.connected_accounts.values()
                    if a.workspace_id == wid
                ],
                "devices": [
                    device_seed(fake, d)
                    for d in store.devices_by_workspace.get(wid, {}).values()
                    if not d.removed
                ],
                "webhooks": [
                    {
                        "webhook_id": w.webhook_id,
                        "url": w.url,
                        "event_types": list(w.event_types),
                        "secret": w.secret,
                    }
                    for w in store.webhooks_by_workspace.get(wid, {}).values()
                    # `serve --webhook` makes these again, from the state file's own record
                    if w.webhook_id not in standing
                ],
            }
        )
    tokens = [
        {"token": token, "workspace_ids": sorted(ids)}
        for token, ids in store.credentials.personal_access_tokens.items()
    ]
    return {
        "workspaces": workspaces,
        "personal_access_tokens": tokens,
        "aliases": dict(store.seed_aliases),
        "clock": {"now": iso(fake.clock.now()), "frozen": fake.clock.frozen},
    }


def device_seed(fake: FakeSeam, device: Device) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "device_id": device.device_id,
        "connected_account_id": device.connected_account_id,
        "manufacturer": device.manufacturer,
        "display_name": device.display_name,
        "device_type": device.device_type,
    }
    properties = {k: v for k, v in device.properties.items() if k != "online"}
    if properties:
        spec["properties"] = properties
    lock = device.lock
    if lock is None:
        spec["kind"] = "noise_sensor" if "noise" in device.device_type else "thermostat"
        return spec
    plan = lock.fault_plan
    fault_plan: dict[str, Any] = {}
    if plan.fail_next:
        fault_plan["fail_next"] = plan.fail_next
    if plan.failure_rate:
        fault_plan["failure_rate"] = plan.failure_rate
    if fault_plan:
        fault_plan["error_code"] = plan.error_code
        aim = aim_json(plan.aim)
        if aim.get("aim") not in (None, "all_writes"):
            fault_plan["aim"] = aim["aim"]
        if aim.get("access_code_name"):
            fault_plan["access_code_name"] = aim["access_code_name"]
    offline_for = None
    if plan.offline_until is not None:
        offline_for = plan.offline_until - fake.clock.timestamp()
        if offline_for > 0:
            fault_plan["offline_for_seconds"] = offline_for
    spec.update(
        kind="lock",
        max_active_codes_supported=lock.capacity,
        supported_code_lengths=list(lock.rules.supported_code_lengths),
        code_constraints=list(lock.rules.code_constraints),
        supports_backup_access_code_pool=device.supports_backup_access_code_pool,
        programming_delay_seconds=lock.programming_delay,
        native_scheduling=lock.native_scheduling,
        online=lock.online or bool(offline_for and offline_for > 0),
        locked=lock.locked,
        pool_size=device.pool.target_size,
        many_active_backup_codes_threshold=device.pool.many_active_threshold,
    )
    if fault_plan:
        spec["fault_plan"] = fault_plan
    keypad = [
        {"code": u.code, **({"name": u.name} if u.name else {})}
        for u in fake.cloud.store.unmanaged_by_device.get(device.device_id, {}).values()
    ]
    if keypad:
        spec["keypad_codes"] = keypad
    if device.pool.active or device.pool.switched_off:
        spec["backup_access_code_pool_enabled"] = device.pool.is_on
    codes = [
        code_seed(c)
        for c in fake.cloud.store.codes_by_device.get(device.device_id, {}).values()
        # gone from the API, or leaving its lock, or a backup still in the pool (made again)
        if not (c.deleted or c.status == "removing" or c.is_hidden_backup)
    ]
    if codes:
        spec["access_codes"] = codes
    return spec


def code_seed(code: AccessCode) -> dict[str, Any]:
    spec: dict[str, Any] = {"access_code_id": code.access_code_id}
    if code.pulled_for is not None:
        spec["pulled_backup_of"] = code.pulled_for  # its name is the pool's
    elif code.name is not None:
        spec["name"] = code.name
    spec["code"] = code.code
    if code.type == "time_bound":
        spec["starts_at"] = ts(code.starts_at)
        spec["ends_at"] = ts(code.ends_at)
    if code.common_code_key is not None:
        spec["common_code_key"] = code.common_code_key
    for flag in ("is_external_modification_allowed", "is_one_time_use", "is_offline_access_code"):
        if getattr(code, flag):
            spec[flag] = True
    return spec
