"""One HTTP connection to a served fake: uvicorn's httptools protocol with the fake's limits.

uvicorn closes a connection idle between requests (`timeout_keep_alive`), but not one that
never sends a request, nor one that sends its headers a byte at a time: enough of those hold
every file descriptor the process may open, and each new client is refused. Here:

- idle timeout: a connection that sends nothing for this long, before its first request or
  between requests, is closed (uvicorn's keep-alive timer, armed from the start too);
- header timeout: a request whose headers are not all in this long after its first byte gets
  a Seam-shaped 408 and the connection is closed;
- a request the parser refuses (a NUL or another byte HTTP forbids in a header, a broken
  request line) gets a Seam-shaped 400 JSON body, not uvicorn's plain text.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from fake_seam import messages as msgs
from fake_seam.api.limits import DEFAULT_HEADER_TIMEOUT
from fake_seam.seam.errors import SeamError


class LimitedConfig(Config):
    """uvicorn's config, plus the header timeout each connection reads (the idle timeout is
    uvicorn's own `timeout_keep_alive`)."""

    def __init__(self, app: Any, *, header_timeout: float = DEFAULT_HEADER_TIMEOUT, **options: Any) -> None:
        super().__init__(app, **options)
        self.header_timeout = header_timeout


class SeamConnection(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout: float = getattr(config, "header_timeout", DEFAULT_HEADER_TIMEOUT)
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn arms this timer only after a response; armed now, it also closes a connection
        # that never sends a request. Any data received cancels it (`data_received`).
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._stop_header_timer()
        self.header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def on_headers_complete(self) -> None:
        self._stop_header_timer()
        super().on_headers_complete()

    def _stop_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self) -> None:
        self.header_timer = None
        if not self.transport.is_closing():
            self._answer_and_close(408, SeamError("request_timeout", msgs.REQUEST_HEADER_TIMEOUT, 408))

    def send_400_response(self, msg: str) -> None:
        # `msg` is uvicorn's plain-text reason; a Seam client reads `error.type` from JSON.
        self._answer_and_close(
            400,
            SeamError(
                "invalid_input",
                msgs.INVALID_HTTP_REQUEST,
                400,
                validation_errors={"_errors": [msgs.INVALID_HTTP_REQUEST]},
            ),
        )

    def _answer_and_close(self, status: int, error: SeamError) -> None:
        body = orjson.dumps(error.body())
        head = [STATUS_LINE[status]]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
