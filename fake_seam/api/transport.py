"""httpx transports that carry a request straight into a fake's `Api`: no socket, no thread,
no ASGI round trip. The official SDK takes them through `httpx_options={"transport": ...}`.

The Starlette app adds nothing but the HTTP framing to `Api.handle`, so a request answered
here gets the same status, headers and bytes as one sent over the wire
(tests/test_api_wire.py checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from fake_seam.api.control_access import IN_PROCESS, ControlAccess
from fake_seam.api.handler import header_dict

if TYPE_CHECKING:
    from fake_seam.api.handler import Api


def _answer(api: Api, request: httpx.Request, body: bytes, access: ControlAccess) -> httpx.Response:
    url = request.url
    status, headers, payload = api.handle(
        request.method,
        url.path,
        url.query.decode("latin-1"),
        header_dict(request.headers.raw),
        body,
        f"{url.scheme}://{url.netloc.decode('ascii')}",
        access,
    )
    return httpx.Response(status, headers=headers, content=payload, request=request)


class InProcessTransport(httpx.BaseTransport):
    """Answers on the caller's thread: a function call instead of a round trip."""

    def __init__(self, api: Api, access: ControlAccess = IN_PROCESS) -> None:
        """`access`: who may use `/_fake` (by default anyone holding the transport; a
        `ControlAccess(token=...)` asks for the token as a server would)."""
        self.api = api
        self.access = access

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.api, request, request.read(), self.access)


class AsyncInProcessTransport(httpx.AsyncBaseTransport):
    """The same, for `AsyncSeam`: the fake never waits on I/O, so nothing here awaits."""

    def __init__(self, api: Api, access: ControlAccess = IN_PROCESS) -> None:
        self.api = api
        self.access = access

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.api, request, await request.aread(), self.access)
