"""A fake as a seed file (`fake-seam state export`): what `--seed` can make again.

A seed describes workspaces, their keys, connected accounts, devices with their hardware
(capacity, PIN rules, programming delay, online, fault plan, backup pool size) and the codes
typed on their keypads. It has no place for what happened since (managed access codes, events,
action attempts, webhooks, the clock): those are not exported.
"""

from __future__ import annotations

from typing import Any

from fake_seam.fake import FakeSeam
from fake_seam.seam.fault_aims import aim_json
from fake_seam.seam.records import Device


def export_seed(fake: FakeSeam) -> dict[str, Any]:
    store = fake.cloud.store
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
            }
        )
    tokens = [
        {"token": token, "workspace_ids": sorted(ids)}
        for token, ids in store.credentials.personal_access_tokens.items()
    ]
    return {"workspaces": workspaces, "personal_access_tokens": tokens, "aliases": dict(store.seed_aliases)}


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
    return spec
