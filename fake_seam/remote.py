"""`FakeSeamClient`: a running fake-seam server's controls from Python, with `FakeSeam`'s methods.

A script drives `fake-seam serve` the way a test drives the `fake_seam` fixture:

    >>> fake = FakeSeamClient("http://127.0.0.1:8080")
    >>> fake.go_offline("august_device_1", for_seconds=600)
    >>> fake.advance(timedelta(minutes=10))

Each method (generated from the controls registry: `fake_seam/remote_methods.py`) checks its
arguments here with the control's own params model, so a bad one raises `InvalidControlInput`
before anything is sent, as `FakeSeam` does; an error the server answers raises `SeamError`
(`InvalidControlInput` for `invalid_input`) with Seam's type, message, status and data.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx
import orjson

from fake_seam import messages as msgs
from fake_seam.controls import CONTROLS, InvalidControlInput
from fake_seam.remote_methods import RemoteControlMethods
from fake_seam.seam.errors import SeamError

CONTROL_TOKEN_HEADER = "x-fake-seam-control-token"


class FakeSeamClient(RemoteControlMethods):
    """The controls of the fake-seam server at `endpoint` (`fake-seam serve`'s address).

    `control_token`: sent as `x-fake-seam-control-token` when the server asks for one.
    `transport`: any httpx transport (e.g. a `FakeSeam`'s in-process one) instead of the network.
    """

    def __init__(
        self,
        endpoint: str = "http://127.0.0.1:8080",
        *,
        control_token: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        headers = {"content-type": "application/json"}
        if control_token is not None:
            headers[CONTROL_TOKEN_HEADER] = control_token
        self.http = httpx.Client(
            base_url=self.endpoint, headers=headers, timeout=timeout, transport=transport
        )

    def send(self, control: str, /, **values: Any) -> Any:
        declared = CONTROLS[control]
        params = declared.params_of(**values)  # InvalidControlInput here, as FakeSeam raises it
        body = orjson.dumps(params.model_dump(mode="json", exclude_unset=True))
        response = self.http.post(declared.path, content=body)
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            answer = None
        if response.status_code >= 400 or not isinstance(answer, dict):
            raise error_of(declared.path, response, answer)
        if declared.ok:
            answer.pop("ok", None)
        return declared.result_of(answer)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> FakeSeamClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<FakeSeamClient {self.endpoint}>"


def error_of(path: str, response: httpx.Response, answer: Any) -> SeamError:
    """The exception `FakeSeam` would raise for this error answer."""
    error = answer.get("error") if isinstance(answer, dict) else None
    status = response.status_code
    if not isinstance(error, dict) or not isinstance(error.get("type"), str):
        return SeamError("invalid_response", msgs.not_a_control_answer(path, status, response.text), status)
    kind = InvalidControlInput if error["type"] == "invalid_input" else SeamError
    return kind(
        error["type"],
        str(error.get("message", "")),
        status,
        data=error.get("data"),
        validation_errors=error.get("validation_errors"),
    )
