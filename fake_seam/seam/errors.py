"""Every error the fake's Seam layer raises, with Seam's `type`, wording and status.

The wording lives in `fake_seam.messages`; the constants below are re-exported from there
under the names the Seam layer already imports.
"""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.messages import BACKUP_ONLY_TIME_BOUND, BACKUP_POOL_UNSUPPORTED

__all__ = [
    "BACKUP_ONLY_TIME_BOUND",
    "BACKUP_POOL_UNSUPPORTED",
    "SeamError",
    "access_code_not_found",
    "device_not_found",
    "invalid_input",
    "not_found",
    "unauthorized",
]


class SeamError(Exception):
    """An error answer: the API layer turns it into Seam's error body."""

    def __init__(
        self,
        type: str,
        message: str,
        status: int = 400,
        data: dict[str, Any] | None = None,
        validation_errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.type = type
        self.message = message
        self.status = status
        self.data = data
        self.validation_errors = validation_errors

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        if self.validation_errors is not None:
            error["validation_errors"] = self.validation_errors
        return {"error": error, "ok": False}


def invalid_input(param: str, message: str) -> SeamError:
    """A 400 `invalid_input` naming one parameter, in zod's `format()` shape."""
    # Seam words it as zod does for a custom check: the message alone (it names the param).
    return SeamError(
        "invalid_input",
        message if param in message else msgs.issue_for_param(message, param),
        400,
        validation_errors={param: {"_errors": [message]}, "_errors": []},
    )


def not_found(thing: str, message: str, **data: Any) -> SeamError:
    return SeamError(f"{thing}_not_found", message, 404, data=data or None)


def device_not_found(device_id: str | None) -> SeamError:
    return not_found("device", msgs.DEVICE_NOT_FOUND, device_id=device_id)


def access_code_not_found(access_code_id: str | None) -> SeamError:
    return not_found("access_code", msgs.ACCESS_CODE_NOT_FOUND, access_code_id=access_code_id)


def unauthorized(message: str = msgs.UNAUTHORIZED) -> SeamError:
    return SeamError("unauthorized", message, 401)
