"""Drives a fake-seam server with the official `seam` SDK 2.x (which POSTs every route).

Run by tests/api/test_sdk2.py inside a virtualenv holding only `seam>=2,<3`, against a server
the test serves; SEAM_ENDPOINT and SEAM_API_KEY point at it. Prints one JSON object with what
it saw, for the test to check. Needs nothing from fake-seam itself.
"""

from __future__ import annotations

import json
import os
import sys
from importlib.metadata import version

from seam import Seam
from seam.exceptions import (
    SeamActionAttemptFailedError,
    SeamHttpApiError,
    SeamHttpInvalidInputError,
    SeamHttpUnauthorizedError,
)

FAST = {"polling_interval": 0.01, "timeout": 5.0}


def main() -> int:
    endpoint, key = os.environ["SEAM_ENDPOINT"], os.environ["SEAM_API_KEY"]
    seam = Seam(api_key=key, endpoint=endpoint, wait_for_action_attempt=FAST)
    seen: dict = {"sdk_version": version("seam")}

    seen["devices"] = [d.device_id for d in seam.devices.list()]
    seen["august_devices"] = [d.device_id for d in seam.devices.list(manufacturer="august")]
    seen["no_devices"] = [d.device_id for d in seam.devices.list(device_ids=[])]
    seen["front_door_locked"] = seam.devices.get(device_id="august_device_1").properties.locked
    paginator = seam.create_paginator(seam.devices.list, {"limit": 3})
    seen["paginated"] = [d.device_id for d in paginator.flatten_to_list()]

    created = seam.access_codes.create(device_id="august_device_1", code="1234", name="SDK 2")
    seen["created"] = {"code": created.code, "name": created.name, "status": created.status}
    got = seam.access_codes.get(access_code_id=created.access_code_id)
    seen["got"] = got.access_code_id == created.access_code_id
    seen["listed"] = [
        c.access_code_id == created.access_code_id
        for c in seam.access_codes.list(device_id="august_device_1")
    ]
    seam.access_codes.delete(access_code_id=created.access_code_id)
    try:
        seam.access_codes.get(access_code_id=created.access_code_id)
        seen["after_delete"] = "still there"
    except SeamHttpApiError as error:
        seen["after_delete"] = error.code

    attempt = seam.locks.unlock_door(device_id="august_device_1")
    seen["unlock"] = {"status": attempt.status, "action_type": attempt.action_type}
    seen["front_door_locked_after"] = seam.locks.get(device_id="august_device_1").properties.locked
    pending = seam.locks.lock_door(device_id="august_device_1", wait_for_action_attempt=False)
    seen["lock_pending"] = pending.status
    seen["lock_polled"] = seam.action_attempts.get(action_attempt_id=pending.action_attempt_id).status
    events = seam.events.list(since="2000-01-01T00:00:00Z", device_id="august_device_1")
    seen["events"] = [e.event_type for e in events]

    seen["workspace"] = seam.workspaces.get().workspace_id
    seen["accounts"] = [a.connected_account_id for a in seam.connected_accounts.list()]

    try:
        seam.devices.get(device_id="no_such_device")
    except SeamHttpApiError as error:
        seen["not_found"] = error.code
    try:
        seam.devices.list(limit="many")
    except SeamHttpInvalidInputError as error:
        seen["invalid_input"] = error.code
    try:
        Seam(api_key="seam_wrong_key", endpoint=endpoint).devices.list()
    except SeamHttpUnauthorizedError as error:
        seen["unauthorized"] = error.code

    try:
        seam.locks.unlock_door(device_id="kwikset_device_1")  # the test took it offline
    except SeamActionAttemptFailedError as error:
        seen["offline"] = error.action_attempt.error.type

    pat = Seam(
        personal_access_token="seam_at1_longtoken",
        workspace_id="seed_workspace_2",
        endpoint=endpoint,
        wait_for_action_attempt=FAST,
    )
    seen["pat_workspace"] = pat.workspaces.get().workspace_id
    seen["pat_devices"] = [d.device_id for d in pat.devices.list()]

    json.dump(seen, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
