"""The same routes through the official `AsyncSeam` (pytest-asyncio is not a dependency:
each test runs its own loop with `asyncio.run`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from seam.exceptions import (
    SeamActionAttemptFailedError,
    SeamHttpApiError,
    SeamHttpInvalidInputError,
    SeamHttpUnauthorizedError,
)

from fake_seam.fake import FakeSeam

SINCE = "2000-01-01T00:00:00Z"


def run(fake: FakeSeam, scenario: Callable[[Any], Awaitable[None]], **client: Any) -> None:
    async def main() -> None:
        await scenario(fake.async_client(**client))

    asyncio.run(main())


def test_devices(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        devices = await seam.devices.list()
        assert len(devices) == 8
        assert [d.device_id for d in await seam.devices.list(manufacturer="august")] == [
            "august_device_1",
            "august_device_2",
        ]
        await seam.devices.update(device_id="august_device_2", name="Side Door", custom_metadata={"k": "v"})
        device = await seam.devices.get(device_id="august_device_2")
        assert (device.display_name, device.custom_metadata) == ("Side Door", {"k": "v"})
        await seam.devices.update(device_id="kwikset_device_1", is_managed=False)
        assert [d.device_id for d in await seam.devices.unmanaged.list()] == ["kwikset_device_1"]
        await seam.devices.unmanaged.update(device_id="kwikset_device_1", is_managed=True)
        assert await seam.devices.unmanaged.list() == []
        providers = await seam.devices.list_device_providers()
        assert "august" in {p.device_provider_name for p in providers}

    run(fake, scenario)


def test_pagination(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        paginator = seam.create_paginator(seam.devices.list, {"limit": 3})
        first, pagination = await paginator.first_page()
        assert len(first) == 3 and pagination.has_next_page
        everything = await seam.create_paginator(seam.devices.list, {"limit": 2}).flatten_to_list()
        assert [d.device_id for d in everything] == [d.device_id for d in await seam.devices.list()]

    run(fake, scenario)


def test_locks_and_action_attempts(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        attempt = await seam.locks.unlock_door(device_id="august_device_1")
        assert attempt.status == "success"
        assert (await seam.locks.get(device_id="august_device_1")).properties.locked is False
        pending = await seam.locks.lock_door(device_id="august_device_1", wait_for_action_attempt=False)
        assert pending.status == "pending"
        done = await seam.action_attempts.get(action_attempt_id=pending.action_attempt_id)
        assert done.status == "success"
        listed = await seam.action_attempts.list(action_attempt_ids=[attempt.action_attempt_id])
        assert [a.action_attempt_id for a in listed] == [attempt.action_attempt_id]
        events = await seam.events.list(since=SINCE, device_id="august_device_1")
        assert [(e.event_type, e.method) for e in events] == [
            ("lock.unlocked", "remote"),
            ("lock.locked", "remote"),
        ]
        assert (await seam.events.get(event_id=events[0].event_id)).event_type == "lock.unlocked"
        fake.go_offline("august_device_2")
        with pytest.raises(SeamActionAttemptFailedError) as failed:
            await seam.locks.unlock_door(device_id="august_device_2")
        assert failed.value.code == "device_offline"
        assert len(await seam.locks.list()) == 6

    run(fake, scenario)


def test_errors(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        with pytest.raises(SeamHttpApiError) as missing:
            await seam.devices.get(device_id="no_such_device")
        assert missing.value.code == "device_not_found"
        with pytest.raises(SeamHttpInvalidInputError) as invalid:
            await seam.devices.list(limit="many")
        assert invalid.value.get_validation_error_messages("limit") == ["Expected number, received string"]
        with pytest.raises(SeamHttpInvalidInputError) as no_since:
            await seam.events.list(device_id="august_device_1")
        assert no_since.value.get_validation_error_messages("since")

    run(fake, scenario)


def test_bad_key(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        with pytest.raises(SeamHttpUnauthorizedError):
            await seam.devices.list()

    run(fake, scenario, api_key="seam_not_a_key")


def test_personal_access_token_and_workspaces(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        assert (await seam.workspaces.get()).workspace_id == "seed_workspace_1"
        assert {w.workspace_id for w in await seam.workspaces.list()} == {
            "seed_workspace_1",
            "seed_workspace_2",
        }
        created = await seam.workspaces.create(name="Async")
        assert created.name == "Async"
        await seam.access_codes.create(device_id="august_device_1", code="1234")
        reset = await seam.workspaces.reset_sandbox()
        assert reset.status == "success"
        assert await seam.access_codes.list(device_id="august_device_1") == []

    run(fake, scenario, personal_access_token="seam_at1_longtoken", workspace_id="seed_workspace_1")


def test_connected_accounts_and_tenancy(fake: FakeSeam) -> None:
    async def scenario(seam: Any) -> None:
        assert len(await seam.connected_accounts.list()) == 3
        await seam.connected_accounts.update(
            connected_account_id="john_connected_account_id", custom_metadata={"a": "b"}
        )
        john = await seam.connected_accounts.get(connected_account_id="john_connected_account_id")
        assert john.custom_metadata == {"a": "b"}
        intruder = fake.async_client("seam_apikey2_token")
        with pytest.raises(SeamHttpApiError) as raised:
            await intruder.locks.unlock_door(device_id="august_device_1")
        assert raised.value.code == "device_not_found"
        assert await intruder.events.list(since=SINCE) == []
        await seam.connected_accounts.delete(connected_account_id="john_assa_cs_connected_account_id")
        assert len(await seam.connected_accounts.list()) == 2

    run(fake, scenario)
