"""What a control is: a name, a params model, what it does to a fake, and how its answer reads.

A control is declared once, with `@control(path, Params, describe=...)` on its apply function;
the `/_fake` route, the `FakeSeam` method, the scenario action and the remote client are built
from that declaration, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar, get_type_hints

from fake_seam.clock import Clock, Timeline
from fake_seam.seam import SeamCloud
from fake_seam.seam.errors import SeamError, invalid_input
from fake_seam.wire.validation import InvalidInput, Params, validate_params

# A control that changes anything answers POST only: a page on another site can make a browser
# send a GET (an image, a link) to loopback without asking. Pure reads may answer GET too.
CHANGES = frozenset({"POST"})
READS = frozenset({"GET", "POST"})


class Outbox(Protocol):
    """What sends a fake's webhook deliveries (`fake.webhooks`)."""

    def flush(self) -> list[dict[str, Any]]: ...
    def deliveries(self, latest: int | None = None) -> list[dict[str, Any]]: ...


class Bench(Protocol):
    """What a control needs of a fake (`FakeSeam` is one): its clock and timeline, the cloud,
    the workspace outages, its lock, its webhook sender, and a way back to its seed."""

    @property
    def clock(self) -> Clock: ...
    @property
    def timeline(self) -> Timeline: ...
    @property
    def cloud(self) -> SeamCloud: ...
    @property
    def outages(self) -> dict[str, set[str]]: ...
    @property
    def lock(self) -> AbstractContextManager[Any]: ...
    @property
    def webhooks(self) -> Outbox: ...

    def restore_seed(self) -> None: ...


class ControlParams(Params):
    """A control's parameters: zod-validated like every Seam route's (`fake_seam.wire.validation`).

    Declare required fields first: the `FakeSeam` method takes the fields in this order.
    `shorthand` names the field a scenario's scalar argument stands for (`advance: 10m`);
    by default the first required field.
    """

    shorthand: ClassVar[str | None] = None
    # What a Python caller may pass besides the wire type (a `timedelta` for seconds, a
    # `datetime` for a time): shown in the `FakeSeam` method's signature.
    python_types: ClassVar[dict[str, Any]] = {}
    # Parameters the `/_fake` route honours only from a request that presented the server's
    # control token (a Python caller owns the fake, and may always pass them).
    needs_control_token: ClassVar[tuple[str, ...]] = ()


class NoParams(ControlParams):
    """A control that takes no parameters (`reset`, `database`, the clock's reading)."""


class InvalidControlInput(SeamError, ValueError):
    """A Python caller's bad argument: Seam's `invalid_input` error, and a `ValueError`."""

    @classmethod
    def naming(cls, param: str, message: str) -> InvalidControlInput:
        """The error for one parameter, worded and shaped as `seam.errors.invalid_input`."""
        shaped = invalid_input(param, message)
        return cls(shaped.type, shaped.message, shaped.status, validation_errors=shaped.validation_errors)


P = TypeVar("P", bound=ControlParams)
R = TypeVar("R")


def plain_answer(bench: Bench, params: Any, result: Any) -> dict[str, Any]:
    """The route's JSON for a result that already is JSON (a dict), or nothing."""
    return dict(result) if isinstance(result, Mapping) else {}


@dataclass(frozen=True)
class Control(Generic[P, R]):
    name: str
    path: str
    params: type[P]
    apply: Callable[[Bench, P], R]
    describe: Callable[[P, dict[str, Any]], str]  # a report's line, from the params and the answer
    answer: Callable[[Bench, P, R], dict[str, Any]]  # the route's JSON for a result
    methods: frozenset[str] = CHANGES  # READS for a control that only reads
    ok: bool = True  # the route adds `"ok": true` (not to a flat map like /_fake/default_seed)
    # False: the control takes the fake's lock itself, only while it touches the fake (it waits
    # on something outside, like a webhook receiver that may call the fake back).
    locked: bool = True
    # True: the control runs in steps, each under the fake's lock, letting it go in between so
    # that a served fake answers other requests meanwhile (a long clock advance). A server
    # keeping a state file runs it whole: its journal keeps requests in the order they ran.
    sliced: bool = False
    # The Python result read back from the route's JSON, for the remote client; by default the
    # JSON itself (or None, for a control that returns nothing).
    read: Callable[[dict[str, Any]], Any] | None = None

    @property
    def doc(self) -> str:
        return (self.apply.__doc__ or self.name).strip()

    def parse(self, query: Iterable[tuple[str, str]] | str = (), body: object = None) -> P:
        """The params from a query string and a JSON body; raises `InvalidInput`."""
        return validate_params(self.params, query, body)

    def params_of(self, **values: Any) -> P:
        """The params from Python values (a `timedelta` for seconds, a `datetime` for a time);
        `None` means not given. Raises `InvalidControlInput`."""
        body = {name: wire_value(value) for name, value in values.items() if value is not None}
        try:
            return self.parse((), body)
        except InvalidInput as problem:
            raise InvalidControlInput(
                "invalid_input", problem.message, 400, validation_errors=problem.validation_errors
            ) from None

    def run(self, bench: Bench, params: P) -> R:
        """Apply the control under the fake's lock, with the timeline caught up before and after
        (writes that land at once have landed by the time the caller looks)."""
        if not self.locked or self.sliced:
            return self.apply(bench, params)
        with bench.lock:
            bench.timeline.run_until()
            result = self.apply(bench, params)
            bench.timeline.run_until()
            return result

    def call(self, bench: Bench, **values: Any) -> R:
        """The control from Python (`FakeSeam`'s methods): run, then told to the fake's
        `control_observers` (a recorder), as a request is told to the API's observers."""
        params = self.params_of(**values)
        observers = getattr(bench, "control_observers", None)
        if not observers:
            return self.run(bench, params)
        began = bench.clock.timestamp()
        result = self.run(bench, params)
        for observer in list(observers):
            observer(self, params, result, began)
        return result

    def result_of(self, answer: dict[str, Any]) -> Any:
        """The Python result a route's JSON answer (without `ok`) stands for: what
        `FakeSeamClient` returns where `FakeSeam` returns `run`'s result."""
        if self.read is not None:
            return self.read(answer)
        return None if get_type_hints(self.apply).get("return") is type(None) else answer

    def respond(self, bench: Bench, params: P) -> dict[str, Any]:
        """Run it and answer as the route does (without `ok`)."""
        return self.answer(bench, params, self.run(bench, params))


def wire_value(value: Any) -> Any:
    """A Python value as JSON would carry it."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [wire_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: wire_value(v) for k, v in value.items()}
    return value


REGISTRY: dict[str, Control[Any, Any]] = {}


class Declaration(Protocol[P]):
    """What `control(...)` returns: it turns an apply function into a `Control`."""

    def __call__(self, apply: Callable[[Bench, P], R], /) -> Control[P, R]: ...


def control(
    path: str,
    params: type[P],
    *,
    describe: Callable[[P, dict[str, Any]], str],
    answer: Callable[[Bench, P, Any], dict[str, Any]] = plain_answer,
    methods: frozenset[str] = CHANGES,
    ok: bool = True,
    locked: bool = True,
    read: Callable[[dict[str, Any]], Any] | None = None,
    sliced: bool = False,
) -> Declaration[P]:
    """Declare a control: the decorated function is what it does, and its name is the control's."""

    def declare(apply: Callable[[Bench, P], R]) -> Control[P, R]:
        declared = Control(
            apply.__name__, path, params, apply, describe, answer, methods, ok, locked, sliced, read
        )
        for other in REGISTRY.values():
            if other.name == declared.name or other.path == path:
                raise ValueError(f"control {declared.name} ({path}) is declared twice")
        REGISTRY[declared.name] = declared
        return declared

    return declare
