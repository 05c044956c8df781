"""A guest check-in driven by Seam's webhooks, tested end to end with fake-seam: no sleeping.

The application below is what a short-stay platform runs: when a booking is confirmed it
creates a time-bound access code for the guest's stay and sends the guest its PIN once the
lock has it. Everything after the create call happens in its webhook handler, as Seam's guide
on backup access codes describes: on `access_code.set_on_device` the guest gets the PIN; on
`access_code.failed_to_set_on_device` the handler pulls a backup code and sends that instead.

The tests hand the app to the fake (`fake_seam.webhooks.deliver_to(app, ...)`): each delivery
calls the app in-process with the bytes and signed headers a real delivery has, and the app's
own handler verifies them with `seam.SeamWebhook` and calls Seam back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from seam import Seam, SeamWebhook
from seam.exceptions import SeamHttpApiError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# -- the application -------------------------------------------------------------------------


class GuestMessages:
    """Stands in for the SMS/e-mail service: what each guest was told."""

    def __init__(self) -> None:
        self.sent: dict[str, list[str]] = {}

    def send(self, guest: str, text: str) -> None:
        self.sent.setdefault(guest, []).append(text)


def make_app(seam: Any, webhook_secret: dict[str, str], messages: GuestMessages) -> Starlette:
    async def seam_webhook(request: Request) -> Response:
        payload = (await request.body()).decode()
        try:
            event = SeamWebhook(webhook_secret["secret"]).verify(payload, dict(request.headers))
        except Exception:
            return Response(status_code=400)  # not from Seam: ignore it
        if event.event_type == "access_code.set_on_device":
            try:
                code = seam.access_codes.get(access_code_id=event.access_code_id)
            except SeamHttpApiError:  # not one of ours to tell anyone about (deleted since)
                return Response(status_code=204)
            if not code.is_backup:
                messages.send(code.name, f"Your door code is {code.code}")
        elif event.event_type == "access_code.failed_to_set_on_device":
            code = seam.access_codes.get(access_code_id=event.access_code_id)
            backup = seam.access_codes.pull_backup_access_code(access_code_id=code.access_code_id)
            messages.send(code.name, f"Your door code is {backup.code}")
        return Response(status_code=204)

    return Starlette(routes=[Route("/webhooks/seam", seam_webhook, methods=["POST"])])


def confirm_booking(seam: Any, device_id: str, guest: str, starts_at: Any, ends_at: Any) -> None:
    seam.access_codes.create(
        device_id=device_id,
        name=guest,
        starts_at=starts_at.isoformat(),
        ends_at=ends_at.isoformat(),
        use_backup_access_code_pool=True,
    )


# -- the tests ---------------------------------------------------------------------------------


def wire_up(fake_seam: Any, seam: Seam) -> GuestMessages:
    """The app, receiving the fake's webhooks in-process, with the secret Seam gave it."""
    messages = GuestMessages()
    secret: dict[str, str] = {}
    url = fake_seam.webhooks.deliver_to(make_app(seam, secret, messages), "/webhooks/seam")
    secret["secret"] = seam.webhooks.create(url=url).secret
    return messages


def test_the_guest_is_sent_the_code_the_lock_took(fake_seam, seam):
    messages = wire_up(fake_seam, seam)
    arrival = fake_seam.now() + timedelta(hours=2)
    confirm_booking(seam, "august_device_1", "Ada", arrival, arrival + timedelta(days=3))

    fake_seam.advance(timedelta(hours=2))  # the stay starts: the code is written
    fake_seam.settle()  # and lands on the lock
    fake_seam.webhooks.flush()

    [code] = [c for c in seam.access_codes.list(device_id="august_device_1") if c.name == "Ada"]
    assert messages.sent["Ada"] == [f"Your door code is {code.code}"]


def test_a_code_the_lock_refuses_is_replaced_by_a_backup(fake_seam, seam, make_lock):
    lock = make_lock(capacity=10, pool_size=2)
    messages = wire_up(fake_seam, seam)
    arrival = fake_seam.now() + timedelta(hours=2)
    confirm_booking(seam, lock.device_id, "Grace", arrival, arrival + timedelta(days=2))
    fake_seam.settle()  # the pool's backups are programmed
    fake_seam.set_fault_plan(lock.device_id, fail_next=1)

    fake_seam.advance(timedelta(hours=2))
    fake_seam.settle()
    fake_seam.webhooks.flush()

    [sent] = messages.sent["Grace"]
    [original] = [c for c in seam.access_codes.list(device_id=lock.device_id) if c.name == "Grace"]
    assert original.pulled_backup_access_code_id  # the handler pulled it
    backup = seam.access_codes.get(access_code_id=original.pulled_backup_access_code_id)
    assert sent == f"Your door code is {backup.code}"
    assert fake_seam.keypad_entry(lock.device_id, backup.code)  # the door opens with it
