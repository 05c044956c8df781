"""The call log: what clients sent a fake and what it answered, newest last, for tests to
assert on (`fake.calls`). Each request stores the bytes `Api.handle` already holds; the
parsed parameters and answer are built when first read, so recording costs one small object."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any, overload
from urllib.parse import parse_qsl

import orjson

from fake_seam import messages as msgs

DEFAULT_CALL_LOG_SIZE = 1000
# Past this many bytes of bodies and answers the oldest calls go too, however few are kept:
# a thousand large answers (a long list, a body near the 1 MiB limit) must not pile up.
MAX_LOGGED_BYTES = 64 << 20
JSON = b"application/json"


def route(path: str) -> str:
    """A path as the log keys it: `/access_codes/create`, from that or `access_codes/create/`."""
    return "/" + path.strip("/")


class Call:
    """One request and its answer. `params` is the query merged with a JSON object body (what
    the route read); `response` is the parsed JSON answer (or its text when it is not JSON).
    Headers are not kept, so neither are credentials."""

    __slots__ = (
        "method",
        "path",
        "query",
        "body",
        "status",
        "raw_response",
        "request_id",
        "_type",
        "_parsed",
    )

    def __init__(
        self,
        method: str,
        path: str,
        query: str,
        body: bytes,
        status: int,
        raw_response: bytes,
        content_type: bytes,
        request_id: str,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.status = status
        self.raw_response = raw_response
        self.request_id = request_id
        self._type = content_type
        self._parsed: tuple[dict[str, Any], Any] | None = None

    def _parse(self) -> tuple[dict[str, Any], Any]:
        if self._parsed is None:
            params: dict[str, Any] = dict(parse_qsl(self.query, keep_blank_values=True))
            try:
                body = orjson.loads(self.body) if self.body.strip() else None
            except orjson.JSONDecodeError:
                body = None  # the route refused it (400); `body` has the bytes
            if isinstance(body, dict):
                params.update(body)
            if self._type == JSON:
                response: Any = orjson.loads(self.raw_response)
            else:
                response = self.raw_response.decode("utf-8", "replace")
            self._parsed = (params, response)
        return self._parsed

    @property
    def params(self) -> dict[str, Any]:
        return self._parse()[0]

    @property
    def response(self) -> Any:
        return self._parse()[1]

    @property
    def error(self) -> str | None:
        """The Seam error `type` of a failed call (`invalid_input`, `access_code_not_found`)."""
        response = self.response
        if self.status < 400 or not isinstance(response, dict):
            return None
        error = response.get("error")
        return error.get("type") if isinstance(error, dict) else None

    def matches(self, path: str, params: dict[str, Any]) -> bool:
        if route(self.path) != path:
            return False
        own = self.params
        return all(name in own and own[name] == value for name, value in params.items())

    def __repr__(self) -> str:
        return f"<Call {self.method} {self.path} {self.status}>"


class CallLog(Sequence[Call]):
    """The calls a fake answered, oldest first: at most `maxlen` of them, holding at most
    `max_bytes` of bodies and answers (older ones are dropped; `dropped` counts them). Seam routes only, unless `include_controls` is set:
    the `/_fake` controls are the test's own set-up, not what the app sent. `maxlen=0`
    records nothing."""

    def __init__(
        self,
        maxlen: int = DEFAULT_CALL_LOG_SIZE,
        *,
        include_controls: bool = False,
        max_bytes: int = MAX_LOGGED_BYTES,
    ) -> None:
        if maxlen < 0:
            raise ValueError("a call log keeps 0 or more calls")
        self.maxlen = maxlen
        self.max_bytes = max_bytes
        self.include_controls = include_controls
        self.dropped = 0
        self._bytes = 0
        self._calls: deque[Call] = deque()
        self._mutating = threading.Lock()  # a test may clear while a server thread records

    def record(
        self,
        method: str,
        path: str,
        query: str,
        body: bytes,
        status: int,
        payload: bytes,
        content_type: bytes,
        request_id: str,
    ) -> None:
        if not self.include_controls and path.startswith("/_fake"):
            return
        # A copy: orjson's result keeps its ~4 KiB working buffer, which a log of small answers
        # would hold many times over.
        call = Call(method, path, query, body, status, bytes(memoryview(payload)), content_type, request_id)
        calls = self._calls
        with self._mutating:
            calls.append(call)
            self._bytes += len(body) + len(payload)
            while len(calls) > self.maxlen or (self._bytes > self.max_bytes and len(calls) > 1):
                old = calls.popleft()
                self._bytes -= len(old.body) + len(old.raw_response)
                self.dropped += 1

    # -- reading ------------------------------------------------------------------------

    def _snapshot(self) -> list[Call]:
        # One C-level copy: a server thread may append while a test reads.
        return list(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...
    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        return self._snapshot()[index]

    def __iter__(self) -> Iterator[Call]:
        return iter(self._snapshot())

    @property
    def last(self) -> Call:
        """The most recent call (IndexError when there is none)."""
        calls = self._snapshot()
        if not calls:
            raise IndexError(msgs.NO_CALL_YET)
        return calls[-1]

    @property
    def paths(self) -> list[str]:
        """Each call's path, in order: `assert fake.calls.paths == ["/devices/list", ...]`."""
        return [call.path for call in self._snapshot()]

    def to(self, path: str, **params: Any) -> list[Call]:
        """The calls to `path` (with or without the leading slash) whose params include
        each of `params` (`device_id="..."`), oldest first."""
        wanted = route(path)
        return [call for call in self._snapshot() if call.matches(wanted, params)]

    def assert_called(self, path: str, *, times: int | None = None, **params: Any) -> Call:
        """Assert `path` was called (with these params; exactly `times` times if given) and
        return the last such call."""
        found = self.to(path, **params)
        if not found or (times is not None and len(found) != times):
            raise AssertionError(msgs.calls_to(len(found), route(path), params, times, self._seen(path)))
        return found[-1]

    def assert_not_called(self, path: str, **params: Any) -> None:
        """Assert no call to `path` (with these params) was made."""
        found = self.to(path, **params)
        if found:
            raise AssertionError(msgs.calls_to(len(found), route(path), params, None, self._seen(path)))

    def clear(self) -> None:
        with self._mutating:
            self._calls.clear()
            self.dropped = self._bytes = 0

    def _seen(self, path: str) -> str:
        same = [call.params for call in self._snapshot() if route(call.path) == route(path)]
        return msgs.calls_seen(same, self.paths)

    def __repr__(self) -> str:
        return f"<CallLog {len(self)} call(s), at most {self.maxlen}>"
