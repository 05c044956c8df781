"""httpx transports that carry a request straight into a fake's ASGI app: no socket, no
thread. The official SDK takes them through `httpx_options={"transport": ...}`."""

from __future__ import annotations

from typing import Any

import httpx


def _scope(request: httpx.Request) -> dict[str, Any]:
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
        "client": ("127.0.0.1", 0),
    }


class InProcessTransport(httpx.BaseTransport):
    """Runs the ASGI app's coroutine to completion on the caller's thread.

    fake-seam's app never awaits real I/O, so its coroutine finishes without suspending;
    driving it with `send(None)` costs a function call instead of an event loop.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        sent_request = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_request
            if sent_request:
                return {"type": "http.disconnect"}
            sent_request = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        coroutine = self.app(_scope(request), receive, send)
        try:
            coroutine.send(None)
        except StopIteration:
            pass
        else:  # pragma: no cover - the app awaited something real
            coroutine.close()
            raise RuntimeError("fake-seam's app suspended; use the threaded server instead")
        return httpx.Response(status, headers=headers, content=b"".join(chunks), request=request)


class AsyncInProcessTransport(httpx.AsyncBaseTransport):
    """The same, for `AsyncSeam`: awaits the app directly on the running loop."""

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)
