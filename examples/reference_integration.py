"""A small reference integration: one PIN per guest stay, a backup code when programming
fails, and the codes revoked at check-out.

It is the kind of code a rental platform runs against Seam, written against the official `seam`
SDK only (nothing here knows about fake-seam), so the same class runs against Seam's real API.
tests/strategies/test_integration_property.py drives it through arbitrary fleets, fault schedules and
stays on a fake and checks what its guests and hosts rely on.

    access = GuestAccess(Seam(api_key=...))
    access.book("stay-1", device_id, "Guest 1", starts_at, ends_at)   # when the booking is made
    access.sync(now)                                                  # on a schedule / webhook
    access.pin_for("stay-1")       # the PIN to send the guest
    access.problem_for("stay-1")   # None, or what the host must act on
    access.check_out("stay-1")     # when the guest leaves (early or on time)

Contract with its callers: `sync` is called at check-in and regularly during the stay; codes
are named after the guest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from seam.exceptions import SeamHttpApiError


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Booking:
    stay_id: str
    device_id: str
    guest: str
    starts_at: datetime
    ends_at: datetime
    access_code_id: str | None = None
    backup_access_code_id: str | None = None
    pin: str | None = None  # what the guest has been told
    problem: str | None = None  # a failure the host must act on, in words
    checked_out: bool = False


class GuestAccess:
    """Issue a PIN for each stay, fall back to a backup code, revoke at check-out."""

    def __init__(self, seam: Any) -> None:
        self.seam = seam
        self.bookings: dict[str, Booking] = {}

    # -- what the platform calls ------------------------------------------------------

    def book(
        self, stay_id: str, device_id: str, guest: str, starts_at: datetime, ends_at: datetime
    ) -> Booking:
        """Create the guest's time-bound code now; Seam programs it for the stay."""
        booking = Booking(stay_id, device_id, guest, starts_at, ends_at)
        self.bookings[stay_id] = booking
        try:
            device = self.seam.devices.get(device_id=device_id)
            # Salto and friends have no backup pool; asking for one there is an error.
            use_pool = bool(getattr(device.properties, "supports_backup_access_code_pool", False))
            code = self.seam.access_codes.create(
                device_id=device_id,
                name=guest,
                starts_at=iso(starts_at),
                ends_at=iso(ends_at),
                use_backup_access_code_pool=True if use_pool else None,
            )
        except SeamHttpApiError as error:
            booking.problem = f"could not create a code for {guest} on {device_id}: {error.code}"
            return booking
        booking.access_code_id = code.access_code_id
        booking.pin = code.code
        return booking

    def sync(self, now: datetime) -> None:
        """Check every stay in progress; reach for a backup when the guest's code is not on the lock."""
        for booking in self.bookings.values():
            if booking.checked_out or booking.access_code_id is None:
                continue
            if booking.starts_at <= now < booking.ends_at:
                self._keep_the_guest_in(booking)

    def check_out(self, stay_id: str) -> None:
        """Revoke the guest's codes: the backup first (it follows its original), then the code."""
        booking = self.bookings[stay_id]
        for code_id in (booking.backup_access_code_id, booking.access_code_id):
            if code_id is None:
                continue
            try:
                self.seam.access_codes.delete(access_code_id=code_id)
            except SeamHttpApiError as error:
                if error.code != "access_code_not_found":  # already gone (it ended): fine
                    raise
        booking.checked_out = True
        booking.pin = None
        booking.problem = None

    def pin_for(self, stay_id: str) -> str | None:
        return self.bookings[stay_id].pin

    def problem_for(self, stay_id: str) -> str | None:
        return self.bookings[stay_id].problem

    # -- the fallback -----------------------------------------------------------------

    def _keep_the_guest_in(self, booking: Booking) -> None:
        if booking.backup_access_code_id is not None:
            # One backup per stay: never go back to the pool for more.
            backup = self._get(booking.backup_access_code_id)
            if backup is None or backup.status != "set":
                booking.problem = (
                    f"{booking.guest}'s backup code is not on the lock "
                    f"({'gone' if backup is None else backup.status}); let them in another way"
                )
            else:
                booking.problem = None
            return
        code = self._get(booking.access_code_id)  # type: ignore[arg-type]
        if code is None:
            booking.problem = f"{booking.guest}'s code disappeared from Seam"
            return
        if code.status == "set" and not code.errors:
            booking.problem = None
            return
        # Failed, held by an offline lock, or being re-written: the PIN may not open the door.
        if not code.is_backup_access_code_available:
            reasons = ", ".join(e.error_code for e in code.errors) or code.status
            booking.problem = (
                f"{booking.guest}'s code is not on the lock ({reasons}) and no backup code is available"
            )
            return
        backup = self.seam.access_codes.pull_backup_access_code(access_code_id=code.access_code_id)
        booking.backup_access_code_id = backup.access_code_id
        booking.pin = backup.code
        booking.problem = None

    def _get(self, access_code_id: str) -> Any:
        try:
            return self.seam.access_codes.get(access_code_id=access_code_id)
        except SeamHttpApiError as error:
            if error.code == "access_code_not_found":
                return None
            raise
