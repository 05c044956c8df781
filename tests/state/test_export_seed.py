"""`fake-seam state export` writes a seed that makes the fake again: its devices, the managed
codes on them (same ids, PINs and statuses), pulled backups, webhooks (same secrets, so
signatures still verify) and its clock, as seen through the official SDK."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from seam import SeamWebhook

from fake_seam.fake import FakeSeam
from fake_seam.seam.seed import SeedError
from fake_seam.state.seed_export import export_seed

LOCKS = ("august_device_1", "schlage_device_id", "kwikset_device_1", "yale_device_1")


def driven() -> FakeSeam:
    fake = FakeSeam(frozen=True, now="2030-01-01T10:00:00Z")
    seam = fake.client()
    seam.access_codes.create(device_id="august_device_1", name="owner", code="1234")
    stay = seam.access_codes.create(
        device_id="august_device_1",
        name="stay",
        starts_at="2030-01-01T09:00:00Z",
        ends_at="2030-01-03T11:00:00Z",
        use_backup_access_code_pool=True,
    )
    seam.access_codes.create(
        device_id="schlage_device_id",
        name="later",
        code="24681",
        starts_at="2030-02-01T15:00:00Z",
        ends_at="2030-02-05T11:00:00Z",
    )
    seam.access_codes.create(  # natively scheduled: on the lock ahead of its start
        device_id="yale_device_1",
        name="soon",
        code="135792",
        starts_at="2030-01-02T15:00:00Z",
        ends_at="2030-01-04T11:00:00Z",
        is_external_modification_allowed=True,
    )
    gone = seam.access_codes.create(device_id="kwikset_device_1", name="gone", code="5555")
    fake.add_keypad_code("kwikset_device_1", "9999", name="cleaner")
    seam.webhooks.create(url="https://example.test/hooks", event_types=["access_code.set_on_device"])
    fake.settle()
    seam.access_codes.delete(access_code_id=gone.access_code_id)
    seam.access_codes.pull_backup_access_code(access_code_id=stay.access_code_id)
    fake.settle()
    fake.advance(timedelta(minutes=3))
    return fake


def seen(fake: FakeSeam) -> dict[str, Any]:
    seam = fake.client()
    codes = {
        device_id: [
            (c.access_code_id, c.code, c.status, c.name, c.starts_at, c.ends_at, c.is_backup)
            + (c.is_external_modification_allowed, c.pulled_backup_access_code_id)
            for c in seam.access_codes.list(device_id=device_id)
        ]
        for device_id in LOCKS
    }
    return {
        "devices": sorted(d.device_id for d in seam.devices.list()),
        "codes": codes,
        "unmanaged": [c.code for c in seam.access_codes.unmanaged.list(device_id="kwikset_device_1")],
        "webhooks": [(w.webhook_id, w.url, w.secret, w.event_types) for w in seam.webhooks.list()],
        "clock": (fake.clock.now(), fake.clock.frozen),
        "backup_available": [
            c.is_backup_access_code_available for c in seam.access_codes.list(device_id="august_device_1")
        ],
    }


def test_an_exported_fake_loaded_as_a_seed_lists_the_same_devices_codes_and_webhooks(tmp_path: Path) -> None:
    fake = driven()
    before = seen(fake)
    assert before["codes"]["august_device_1"][-1][6]  # the pulled backup is listed
    assert {c[2] for cs in before["codes"].values() for c in cs} >= {"set", "unset"}
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(export_seed(fake)))
    again = FakeSeam(seed=str(path))
    assert seen(again) == before
    # As the seed says, not as history: loading it made no managed code event.
    events = again.client().events.list(since="2000-01-01T00:00:00Z")
    managed = [e.event_type for e in events if e.event_type.startswith("access_code.")]
    assert [t for t in managed if not t.startswith("access_code.unmanaged.")] == []


def test_a_seeded_webhook_signs_with_its_secret() -> None:
    fake = driven()
    seed = export_seed(fake)
    again = FakeSeam(seed=seed)
    (hook,) = again.client().webhooks.list()
    received: list[tuple[dict[str, str], bytes]] = []

    def receiver(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        received.append((headers, body))
        start_response("204 No Content", [])
        return [b""]

    assert hook.secret == seed["workspaces"][0]["webhooks"][0]["secret"]
    # Deliveries go where the seed's URL points: route that URL into the receiver here.
    url = again.webhooks.deliver_to(receiver, "/hooks", interface="wsgi")
    again.cloud.store.webhooks[hook.webhook_id].url = url
    again.client().access_codes.create(device_id="august_device_2", name="new", code="4321")
    again.settle()
    again.webhooks.flush()
    assert received
    for headers, body in received:
        assert SeamWebhook(hook.secret).verify(body.decode(), headers)


def test_the_seeded_fake_goes_on_as_the_exported_one() -> None:
    fake = driven()
    again = FakeSeam(seed=export_seed(fake))
    for each in (fake, again):
        each.advance(timedelta(days=2))
    assert seen(again) == seen(fake)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ({"code": "12"}, "workspaces.0.devices.0.access_codes.0.code: "),
        ({"code": "1234", "starts_at": "2030-01-02T00:00:00Z"}, "starts_at needs an ends_at"),
        ({"code": "1234", "ends_at": "tomorrow"}, "access_codes.0.ends_at: not an ISO 8601 time"),
        ({"code": "12a4"}, "access_codes.0.code: String should match pattern"),
    ],
)
def test_a_seed_code_the_lock_refuses_is_named(tmp_path: Path, code: dict[str, Any], problem: str) -> None:
    seed = {
        "clock": {"now": "2030-01-01T00:00:00Z", "frozen": True},
        "workspaces": [
            {
                "workspace_id": "w",
                "api_keys": ["seam_k1"],
                "devices": [{"device_id": "d", "supported_code_lengths": [4], "access_codes": [code]}],
            }
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(SeedError) as raised:
        FakeSeam(seed=str(path))
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        (
            [{"access_code_id": "a", "code": "1234", "pulled_backup_of": "a"}],
            "access_codes.0.pulled_backup_of: pulled_backup_of must name a code",
        ),
        (
            [
                {"access_code_id": "a", "code": "1234"},
                {"access_code_id": "b", "code": "5678", "pulled_backup_of": "a"},
                {"access_code_id": "c", "code": "9012", "pulled_backup_of": "a"},
            ],
            "access_codes.2.pulled_backup_of: ",
        ),
        (
            [
                {"access_code_id": "a", "code": "1234"},
                {"access_code_id": "b", "code": "5678", "pulled_backup_of": "a"},
                {"access_code_id": "c", "code": "9012", "pulled_backup_of": "b"},
            ],
            "access_codes.2.pulled_backup_of: ",
        ),
    ],
    ids=["of itself", "a second for one code", "of a backup"],
)
def test_a_pulled_backup_must_stand_for_one_guest_code(codes: list[dict[str, Any]], problem: str) -> None:
    seed = {"workspaces": [{"workspace_id": "w", "devices": [{"device_id": "d", "access_codes": codes}]}]}
    with pytest.raises(SeedError) as raised:
        FakeSeam(seed=seed)
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("now", "problem"),
    [("noon", "clock.now: Value error, not an ISO 8601 time"), ("9999-01-01T00:00:00Z", "clock.now: ")],
)
def test_a_seed_clock_the_fake_cannot_show_is_named(now: str, problem: str) -> None:
    with pytest.raises(SeedError) as raised:
        FakeSeam(seed={"clock": {"now": now}, "workspaces": []})
    assert problem in str(raised.value)


SMALL = {
    "clock": {"now": "2030-05-01T08:00:00Z", "frozen": True},
    "workspaces": [
        {
            "workspace_id": "w",
            "api_keys": ["seam_k1"],
            "devices": [
                {
                    "device_id": "d",
                    "access_codes": [
                        {"access_code_id": "c1", "name": "owner", "code": "2468"},
                        {
                            "access_code_id": "c2",
                            "name": "stay",
                            "code": "1357",
                            "starts_at": "2030-05-01T15:00:00Z",
                            "ends_at": "2030-05-03T11:00:00Z",
                        },
                    ],
                }
            ],
            "webhooks": [{"webhook_id": "h1", "url": "https://example.test/hooks"}],
        }
    ],
}


def listed(fake: FakeSeam) -> list[tuple[str, str, str]]:
    seam = fake.client(api_key="seam_k1")
    return [(c.access_code_id, c.code, c.status) for c in seam.access_codes.list(device_id="d")]


def test_a_seed_sets_the_clock_and_its_codes_follow_it() -> None:
    fake = FakeSeam(seed=SMALL)
    assert fake.clock.frozen and fake.clock.now().isoformat() == "2030-05-01T08:00:00+00:00"
    assert listed(fake) == [("c1", "2468", "set"), ("c2", "1357", "unset")]
    fake.advance(timedelta(hours=8))  # the stay starts: written, then set once it lands
    fake.settle()
    assert listed(fake) == [("c1", "2468", "set"), ("c2", "1357", "set")]
    assert [
        e.event_type
        for e in fake.client(api_key="seam_k1").events.list(access_code_id="c2", since="2000-01-01T00:00:00Z")
    ] == ["access_code.set_on_device"]


def test_a_reset_keeps_the_clock_and_brings_the_seeded_codes_back() -> None:
    fake = FakeSeam(seed=SMALL)
    seam = fake.client(api_key="seam_k1")
    seam.access_codes.delete(access_code_id="c1")
    seam.webhooks.create(url="https://example.test/other")
    fake.advance(timedelta(hours=1))
    seam.workspaces.reset_sandbox()
    assert fake.clock.now().isoformat() == "2030-05-01T09:00:00+00:00"
    assert listed(fake) == [("c1", "2468", "set"), ("c2", "1357", "unset")]
    assert [w.webhook_id for w in seam.webhooks.list()].count("h1") == 1
    fake.reset()
    assert fake.clock.now().isoformat() == "2030-05-01T09:00:00+00:00"
    assert listed(fake) == [("c1", "2468", "set"), ("c2", "1357", "unset")]


def test_a_new_code_never_takes_an_id_the_seed_gave() -> None:
    fake = driven()
    given = {c.access_code_id for c in fake.cloud.store.access_codes.values()}
    again = FakeSeam(seed=export_seed(fake))
    made = again.client().access_codes.create(device_id="august_device_2", name="new", code="4321")
    assert made.access_code_id not in given
