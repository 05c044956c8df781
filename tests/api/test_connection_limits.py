"""The served fake's connection limits, seen from raw sockets on loopback: a connection that
sends nothing is closed, one whose headers dribble in gets a 408 and is closed, a header the
parser refuses gets Seam's error shape, and the server goes on serving everyone else.

No sleeps: the timeouts are set small and each test waits on its socket (closed, or an answer)
with a bound far above them."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from seam import Seam

from fake_seam.fake import FakeSeam
from fake_seam.server import ThreadedServer

SHORT = 0.2  # seconds: the limits under test
BOUND = 10.0  # seconds a socket waits before the test calls it a failure
LONG = 60.0  # a limit that must not be the one that acted


def connect(server: ThreadedServer) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=BOUND)
    sock.settimeout(BOUND)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    received = b""
    with sock:
        while chunk := sock.recv(65536):
            received += chunk
    return received


def seam_error(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower()
    return status, json.loads(body)["error"]


def still_serving(server: ThreadedServer) -> None:
    assert httpx.get(f"{server.endpoint}/health").status_code == 200
    seam = Seam(api_key=server.api_key, endpoint=server.endpoint)
    assert len(seam.devices.list()) == 8


@pytest.fixture
def idle_limited() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(), idle_timeout=SHORT, header_timeout=LONG) as served:
        yield served


@pytest.fixture
def header_limited() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(), idle_timeout=LONG, header_timeout=SHORT) as served:
        yield served


def test_a_connection_that_never_sends_a_request_is_closed(idle_limited: ThreadedServer) -> None:
    silent = [connect(idle_limited) for _ in range(5)]
    for sock in silent:
        assert read_until_closed(sock) == b""
    still_serving(idle_limited)


def test_a_connection_idle_after_its_request_is_closed(idle_limited: ThreadedServer) -> None:
    sock = connect(idle_limited)
    sock.sendall(b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
    answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"}")


def test_headers_that_dribble_in_get_a_408(header_limited: ThreadedServer) -> None:
    slow = connect(header_limited)
    slow.sendall(b"GET /devices/list HTTP/1.1\r\nhost: 127.0.0.1\r\nauthoriz")
    status, error = seam_error(read_until_closed(slow))
    assert status == 408 and error["type"] == "request_timeout"
    still_serving(header_limited)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-note: a\x00b\r\n\r\n",
        b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-n\x00te: ab\r\n\r\n",
        b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-note: a\x7fb\r\n\r\n",
        b"GET /hea\x00lth HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n",
    ],
    ids=["nul-in-value", "nul-in-name", "del-in-value", "nul-in-path"],
)
def test_a_bad_byte_gets_a_seam_shaped_400(request_bytes: bytes, header_limited: ThreadedServer) -> None:
    sock = connect(header_limited)
    sock.sendall(request_bytes)
    status, error = seam_error(read_until_closed(sock))
    assert status == 400 and error["type"] == "invalid_input"
    assert error["message"]
    still_serving(header_limited)


def test_timeouts_must_be_positive() -> None:
    for limits in ({"idle_timeout": 0.0}, {"header_timeout": -1.0}):
        with pytest.raises(ValueError, match="more than 0"):
            ThreadedServer(FakeSeam(), **limits)
