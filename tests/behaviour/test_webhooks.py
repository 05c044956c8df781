"""Webhooks: Seam's routes, and deliveries a real handler verifies with the official SDK.

The guide's troubleshooting flow starts at a webhook ("When you receive an
`access_code.failed_to_set_on_device` event through your Webhook ... you can retrieve a backup
access code"): these tests run that flow with a receiver over loopback HTTP, and with Starlette
and Flask apps called in-process whose handlers pull the backup themselves.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from flask import Flask
from flask import request as flask_request
from moments import HOUR, T0, at
from seam import Seam, SeamWebhook
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam
from fake_seam.seam.webhooks import RETRY_SCHEDULE
from fake_seam.server import ThreadedServer
from fake_seam.webhook_receiver import WebhookReceiver

FAKE_START = T0
FRONT = "august_device_1"
STORY = [
    "access_code.failed_to_set_on_device",
    "access_code.backup_access_code_pulled",
    "device.disconnected",
]


@pytest.fixture
def receiver(fake: FakeSeam, sdk: Seam) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(fake) as receiver:
        receiver.secret = sdk.webhooks.create(url=receiver.url).secret
        yield receiver


def failing_guest_code(fake: FakeSeam, sdk: Seam) -> Any:
    """A stay on a lock with a backup pool, whose guest code the lock refuses."""
    sdk.access_codes.create(
        device_id=FRONT, starts_at=at(0), ends_at=at(24 * HOUR), use_backup_access_code_pool=True
    )
    fake.settle()  # the pool is filled
    fake.set_fault_plan(FRONT, failure_rate=1.0)
    guest = sdk.access_codes.create(device_id=FRONT, code="4821", starts_at=at(HOUR), ends_at=at(5 * HOUR))
    fake.advance(HOUR)
    fake.settle()
    return guest


# -- the routes ------------------------------------------------------------------------------


def test_webhook_routes_work_through_the_sdk(sdk: Seam) -> None:
    webhook = sdk.webhooks.create(url="https://example.test/seam", event_types=["device.disconnected"])
    assert webhook.secret.startswith("whsec_")
    assert len(base64.b64decode(webhook.secret.removeprefix("whsec_"))) >= 24
    assert sdk.webhooks.get(webhook_id=webhook.webhook_id) == webhook
    assert sdk.webhooks.list() == [webhook]
    sdk.webhooks.update(webhook_id=webhook.webhook_id, event_types=["lock.locked", "lock.unlocked"])
    assert sdk.webhooks.get(webhook_id=webhook.webhook_id).event_types == ["lock.locked", "lock.unlocked"]
    sdk.webhooks.delete(webhook_id=webhook.webhook_id)
    assert sdk.webhooks.list() == []
    with pytest.raises(SeamHttpApiError) as missing:
        sdk.webhooks.get(webhook_id=webhook.webhook_id)
    assert (missing.value.status_code, missing.value.code) == (404, "webhook_not_found")


def test_a_webhook_without_event_types_gets_every_type(sdk: Seam) -> None:
    assert sdk.webhooks.create(url="http://127.0.0.1:9/x").event_types == ["*"]


@pytest.mark.parametrize(
    "url", ["ftp://example.test/x", "file:///etc/passwd", "javascript:alert(1)", "http://", "not a url"]
)
def test_only_http_urls_are_taken_and_a_refusal_stores_nothing(sdk: Seam, url: str) -> None:
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        sdk.webhooks.create(url=url)
    assert [e.parameter_name for e in refused.value.validation_errors] == ["url"]
    assert sdk.webhooks.list() == []


def test_webhooks_belong_to_their_workspace(fake: FakeSeam, sdk: Seam) -> None:
    webhook = sdk.webhooks.create(url="https://example.test/seam")
    other = fake.client("seam_apikey2_token")
    assert other.webhooks.list() == []
    with pytest.raises(SeamHttpApiError) as missing:
        other.webhooks.get(webhook_id=webhook.webhook_id)
    assert missing.value.code == "webhook_not_found"
    with pytest.raises(SeamHttpApiError):
        other.webhooks.delete(webhook_id=webhook.webhook_id)
    assert sdk.webhooks.list() == [webhook]


def test_a_client_session_cannot_manage_webhooks(fake: FakeSeam) -> None:
    session = httpx.Client(
        transport=fake.transport(),
        base_url=DEFAULT_ENDPOINT,
        headers={"authorization": "Bearer seam_cst1_token"},
    )
    answer = session.post("/webhooks/create", json={"url": "https://example.test/seam"})
    assert answer.status_code == 401
    assert session.post("/webhooks/list", json={}).status_code == 401
    assert fake.client().webhooks.list() == []


# -- delivery over HTTP -------------------------------------------------------------------------


def test_the_guides_story_arrives_signed_at_a_receiver(
    fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver
) -> None:
    guest = failing_guest_code(fake, sdk)
    failed = receiver.wait_for("access_code.failed_to_set_on_device")
    assert failed["access_code_id"] == guest.access_code_id
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    pulled = receiver.wait_for("access_code.backup_access_code_pulled")
    assert pulled["backup_access_code_id"] == backup.access_code_id
    fake.go_offline(FRONT)
    receiver.wait_for("device.disconnected")

    assert [e["event_type"] for e in receiver.events(*STORY)] == STORY
    assert all(r.verified for r in receiver.received)
    # Each delivery is the raw event as events/list shows it (occurred_at is the fake's time).
    listed = {e.event_id: e for e in sdk.events.list(since="2000-01-01T00:00:00Z")}
    for delivered in receiver.events():
        assert delivered["occurred_at"] == listed[delivered["event_id"]].occurred_at


def test_deliveries_arrive_in_event_order_each_once(
    fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver
) -> None:
    for name in ("a", "b", "c"):
        sdk.access_codes.create(device_id=FRONT, name=name, code=f"12{ord(name)}")
    fake.go_offline(FRONT)
    fake.go_online(FRONT)
    fake.webhooks.flush()
    in_the_log = [e.event_id for e in (sdk.events.list(since="2000-01-01T00:00:00Z"))]
    delivered = [e["event_id"] for e in receiver.events()]
    assert delivered == in_the_log
    assert len(set(r.message_id for r in receiver.received)) == len(receiver.received)


def test_a_receiver_that_fails_twice_sees_three_tries_under_one_id(
    fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(2)
    fake.go_offline(FRONT)
    fake.go_online(FRONT)
    receiver.wait_for("device.connected")
    tries = [r for r in receiver.received if r.event_type == "device.disconnected"]
    assert [r.status for r in tries] == [500, 500, 200]
    assert len({r.message_id for r in tries}) == 1
    assert [e["event_type"] for e in receiver.events()] == ["device.disconnected", "device.connected"]
    shown = [d for d in fake.webhooks.deliveries() if d["event_type"] == "device.disconnected"]
    assert [(d["attempt"], d["status_code"], d["outcome"]) for d in shown] == [
        (1, 500, "retried"),
        (2, 500, "retried"),
        (3, 200, "delivered"),
    ]
    # Svix's schedule, on the fake's clock: 5 s after the first try, then 5 minutes.
    first = fake.clock.now().timestamp()  # the clock moved only for the retries
    assert first - T0.timestamp() >= RETRY_SCHEDULE[0] + RETRY_SCHEDULE[1]


def test_a_receiver_that_never_answers_2xx_is_given_up_after_svixs_schedule(
    fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(100, status=503)
    fake.go_offline(FRONT)
    fake.webhooks.flush()
    fake.advance(sum(RETRY_SCHEDULE) + 1)  # every retry falls due: each is tried, in turn
    fake.webhooks.flush()
    tries = fake.webhooks.deliveries()
    assert [d["attempt"] for d in tries] == list(range(1, len(RETRY_SCHEDULE) + 2))
    assert tries[-1]["outcome"] == "failed"
    assert fake.webhooks.next_due() is None


def test_an_unreachable_receiver_fails_no_api_call(fake: FakeSeam, sdk: Seam) -> None:
    with ThreadedServer() as unused:  # a port that was ours and is closed again
        dead = f"{unused.endpoint}/gone"
    sdk.webhooks.create(url=dead)
    fake.go_offline(FRONT)
    sdk.access_codes.create(device_id=FRONT, code="5555")  # the API answers; nothing is sent
    tried = fake.webhooks.flush()
    assert tried and all(t["status_code"] is None and t["error"] for t in tried)
    assert {t["outcome"] for t in tried} == {"retrying"}


def test_the_signature_is_stamped_with_real_time_and_verifies_under_a_frozen_wall_clock(
    fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver
) -> None:
    from freezegun import freeze_time

    with freeze_time("2031-05-05 12:00:00"):
        fake.go_offline(FRONT)
        receiver.wait_for("device.disconnected")
        stamped = receiver.received[-1].headers["webhook-timestamp"]
    assert stamped == str(int(freeze_time("2031-05-05 12:00:00").time_to_freeze.timestamp()))
    assert receiver.received[-1].verified


def test_a_served_fake_sends_in_the_background_and_flush_over_http_waits(sdk: Seam) -> None:
    with ThreadedServer(FakeSeam(frozen=True)) as server, WebhookReceiver(server.fake) as receiver:
        client = Seam(api_key=server.api_key, endpoint=server.endpoint)
        receiver.secret = client.webhooks.create(url=receiver.url).secret
        client.locks.lock_door(device_id=FRONT)
        flushed = httpx.post(f"{server.endpoint}/_fake/webhooks/flush", json={}).json()
        listed = httpx.post(f"{server.endpoint}/_fake/webhooks/deliveries", json={}).json()["deliveries"]
        assert {d["outcome"] for d in listed} == {"delivered"}
        assert "lock.locked" in [e["event_type"] for e in receiver.events()]
        assert isinstance(flushed["attempts"], list)


def test_a_standing_webhook_comes_back_after_a_reset_with_its_secret() -> None:
    fake = FakeSeam(webhook_urls=["https://example.test/seam"])
    before = fake.client().webhooks.list()
    fake.reset()
    assert fake.client().webhooks.list() == before


# -- delivery into an app in this process ----------------------------------------------------


def pulls_the_backup(fake: FakeSeam, secret: dict[str, str], payload: str, headers: dict[str, str]) -> None:
    """What a real handler does with a failed code: verify, then pull the backup."""
    event = SeamWebhook(secret["secret"]).verify(payload, headers)
    if event.event_type == "access_code.failed_to_set_on_device":
        fake.client().access_codes.pull_backup_access_code(access_code_id=event.access_code_id)


def starlette_app(fake: FakeSeam, secret: dict[str, str]) -> Starlette:
    async def handle(request: Request) -> JSONResponse:
        pulls_the_backup(fake, secret, (await request.body()).decode(), dict(request.headers))
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/webhooks/seam", handle, methods=["POST"])])


def flask_app(fake: FakeSeam, secret: dict[str, str]) -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/seam")
    def handle() -> dict[str, bool]:
        pulls_the_backup(fake, secret, flask_request.get_data(as_text=True), dict(flask_request.headers))
        return {"ok": True}

    return app


@pytest.mark.parametrize("make_app", [starlette_app, flask_app], ids=["starlette", "flask"])
@pytest.mark.guide("detect-failure")
def test_an_apps_own_handler_pulls_the_backup_when_the_failure_arrives(
    fake: FakeSeam, sdk: Seam, make_app: Any
) -> None:
    secret: dict[str, str] = {}
    url = fake.webhooks.deliver_to(make_app(fake, secret), "/webhooks/seam")
    secret["secret"] = sdk.webhooks.create(url=url).secret
    guest = failing_guest_code(fake, sdk)
    fake.webhooks.flush()
    # The handler pulled it: the guest's code now has its backup, and the pull's event was
    # delivered too, in the same flush.
    assert sdk.access_codes.get(access_code_id=guest.access_code_id).pulled_backup_access_code_id
    outcomes = {(d["event_type"], d["outcome"]) for d in fake.webhooks.deliveries()}
    assert ("access_code.failed_to_set_on_device", "delivered") in outcomes
    assert ("access_code.backup_access_code_pulled", "delivered") in outcomes


def test_an_app_that_raises_is_a_failed_try_not_a_failed_flush(fake: FakeSeam, sdk: Seam) -> None:
    def broken(environ: Any, start_response: Any) -> Any:
        raise RuntimeError("handler bug")

    sdk.webhooks.create(url=fake.webhooks.deliver_to(broken, "/x", interface="wsgi"))
    fake.go_offline(FRONT)
    [tried] = fake.webhooks.flush()
    assert tried["outcome"] == "retrying" and tried["status_code"] == 500


def test_the_webhook_receiver_fixture(
    fake_seam: FakeSeam, seam: Seam, webhook_receiver: WebhookReceiver
) -> None:
    """The example of docs/webhooks.md: the receiver moves the clock until the failed write is reported."""
    fake_seam.set_fault_plan("august_device_1", failure_rate=1.0)
    seam.access_codes.create(device_id="august_device_1", code="4821")
    failed = webhook_receiver.wait_for("access_code.failed_to_set_on_device")
    assert failed["access_code_id"]
    assert webhook_receiver.received[-1].verified


def test_waiting_for_an_event_that_never_comes_says_what_came(
    fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver
) -> None:
    fake.go_offline(FRONT)
    with pytest.raises(AssertionError, match=r"lock.unlocked.*got \['device.disconnected'\]"):
        receiver.wait_for("lock.unlocked", within=3600)


def test_flush_is_safe_from_two_threads(fake: FakeSeam, sdk: Seam, receiver: WebhookReceiver) -> None:
    for _ in range(5):
        fake.go_offline(FRONT)
        fake.go_online(FRONT)
    threads = [threading.Thread(target=fake.webhooks.flush) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.events()) == 10
    assert len({r.message_id for r in receiver.received}) == 10


def test_a_receiver_that_never_answers_holds_a_bounded_number_of_deliveries(
    fake: FakeSeam, sdk: Seam, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_seam.seam import webhooks

    monkeypatch.setattr(webhooks, "OUTBOX_LIMIT", 3)
    sdk.webhooks.create(url="http://127.0.0.1:9/never-tried")  # nothing is flushed
    for _ in range(3):
        fake.go_offline(FRONT)
        fake.go_online(FRONT)
    assert len(fake.cloud.store.outbox[sdk.webhooks.list()[0].webhook_id]) == 3
    given_up = [d for d in fake.webhooks.deliveries() if d["outcome"] == "failed"]
    assert len(given_up) == 3 and all("more than 3" in d["error"] for d in given_up)


def test_the_latest_deliveries_are_the_tail_of_all_of_them(fake: FakeSeam, sdk: Seam) -> None:
    def refusing(environ: Any, start_response: Any) -> list[bytes]:
        start_response("500 Internal Server Error", [])
        return []

    sdk.webhooks.create(url=fake.webhooks.deliver_to(refusing, "/x", interface="wsgi"))
    for _ in range(6):
        fake.go_offline(FRONT)
        fake.go_online(FRONT)
    fake.webhooks.flush()
    fake.advance(400)  # two retries of the first, the rest waiting behind it
    fake.webhooks.flush()
    everything = fake.webhooks.deliveries()
    assert {d["outcome"] for d in everything} >= {"retried", "retrying", "pending"}
    for latest in range(len(everything) + 3):
        assert fake.webhooks.deliveries(latest=latest) == (everything[-latest:] if latest else [])
