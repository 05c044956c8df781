"""`mock_seam()`: every official `seam.Seam()` and `seam.AsyncSeam()` made while it is active
talks to an in-process `FakeSeam` (no socket), whatever arguments or environment it was made
with. For code that builds its own client, as moto's `mock_aws` is for code that builds its
own boto3 client.

    with mock_seam() as fake:          # a context manager (also `async with`)
        app.make_guest_code()          # does `Seam().access_codes.create(...)`
        fake.advance(3600)             # the yielded fake: every control

    @mock_seam                         # a decorator: sync or async functions, test classes
    def test_codes(): ...

    def test_codes(mock_seam): ...     # the pytest fixture (it yields the test's `fake_seam`)

How it hooks in: while any mock is active, the SDK's client classes have their `__init__`
wrapped so that it passes `httpx_options={"transport": <the fake's transport>}`: that client
alone goes to the fake; every other httpx client in the process is untouched. On the last
exit the original `__init__`s are put back (also when the body raised).

What a client made under the mock gets:
- the transport of the innermost active mock's fake (mocks nest; leaving one brings back the
  one around it), kept for the client's life, so a client made inside keeps talking to its fake;
- the API key it was given; without one (`Seam()`), the mock's `api_key`: the fake's default
  workspace's key. `SEAM_API_KEY` and `SEAM_PERSONAL_ACCESS_TOKEN` in the environment are not
  read: they would be real credentials. A key the fake does not know gets 401, as from Seam;
- its `endpoint` unchanged (the fake answers whatever host; links it makes use that host);
- action attempts polled every millisecond, unless it asked for its own `wait_for_action_attempt`.

The patch is per process, like moto's: a client made in another thread while a mock is active
is wired too. pytest-xdist's workers are processes, each with its own.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from fake_seam import fleet
from fake_seam import messages as msgs
from fake_seam.fake import FAST_POLLING, FakeSeam

if TYPE_CHECKING:
    import unittest

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])  # a function or a class

# The SDK's client classes, and whether each is async (takes an async transport).
CLIENT_CLASSES = (
    ("Seam", False),
    ("AsyncSeam", True),
    ("SeamWithoutWorkspace", False),
    ("AsyncSeamWithoutWorkspace", True),
)
# httpx options that would send a request past the fake's transport.
BYPASSING_OPTIONS = ("mounts", "proxy", "app")


@dataclasses.dataclass(eq=False)
class Wiring:
    """One active mock: the fake its clients talk to and the key a client without one gets."""

    fake: FakeSeam
    api_key: str

    def configure(self, arguments: dict[str, Any], accepts: Any, asynchronous: bool) -> None:
        """Rewrite a client constructor's bound arguments so the client talks to the fake."""
        given_key = arguments.get("api_key") is not None or arguments.get("personal_access_token") is not None
        if "api_key" in accepts and not given_key:
            arguments["api_key"] = self.api_key
        options = dict(arguments.get("httpx_options") or {})
        for name in BYPASSING_OPTIONS:
            options.pop(name, None)
        transport = self.fake.async_transport() if asynchronous else self.fake.transport()
        retries = arguments.pop("retries", None)
        if retries is not None:  # the SDK refuses retries with a transport: wrap it as it would
            from httpx_retries import RetryTransport  # a dependency of the SDK

            transport = RetryTransport(transport=transport, retry=retries)
        options["transport"] = transport
        arguments["httpx_options"] = options
        if "wait_for_action_attempt" in accepts and arguments.get("wait_for_action_attempt", True) is True:
            arguments["wait_for_action_attempt"] = dict(FAST_POLLING)


class Patch:
    """The SDK's client constructors, wrapped while at least one mock is active."""

    def __init__(self) -> None:
        self.guard = threading.RLock()
        self.active: list[Wiring] = []
        self.originals: dict[type, Any] = {}

    def current(self) -> Wiring | None:
        with self.guard:
            return self.active[-1] if self.active else None

    def activate(self, wiring: Wiring) -> None:
        with self.guard:
            if not self.active:
                self._install()
            self.active.append(wiring)

    def deactivate(self, wiring: Wiring) -> None:
        with self.guard:
            # By identity, not from the top: mocks in two threads may end in any order.
            for index in range(len(self.active) - 1, -1, -1):
                if self.active[index] is wiring:
                    del self.active[index]
                    break
            if not self.active:
                self._uninstall()

    def _install(self) -> None:
        try:
            import seam  # the optional `sdk` extra
        except ImportError:
            raise ImportError(msgs.SDK_MISSING) from None
        for name, asynchronous in CLIENT_CLASSES:
            cls = getattr(seam, name, None)
            if cls is None or "__init__" not in vars(cls):
                continue  # an SDK without this class
            original = vars(cls)["__init__"]
            self.originals[cls] = original
            cls.__init__ = self._wrap(original, asynchronous)

    def _uninstall(self) -> None:
        for cls, original in self.originals.items():
            cls.__init__ = original  # type: ignore[misc]
        self.originals.clear()

    def _wrap(self, original: Callable[..., None], asynchronous: bool) -> Callable[..., None]:
        shape = inspect.signature(original)

        @functools.wraps(original)
        def __init__(client: Any, *args: Any, **kwargs: Any) -> None:
            wiring = self.current()
            if wiring is None:  # made while the last mock was ending, in another thread
                original(client, *args, **kwargs)
                return
            bound = shape.bind(client, *args, **kwargs)
            wiring.configure(bound.arguments, shape.parameters, asynchronous)
            original(*bound.args, **bound.kwargs)

        return __init__


# Patching a class is per process by nature (as moto's patches are): one record of it.
PATCH = Patch()


def current_fake() -> FakeSeam:
    """The fake that a `seam.Seam()` made now would talk to (the innermost active mock's)."""
    wiring = PATCH.current()
    if wiring is None:
        raise RuntimeError(msgs.NO_ACTIVE_MOCK)
    return wiring.fake


class MockSeam:
    """What `mock_seam(...)` returns: a context manager, and a decorator. Each start makes a
    fresh `FakeSeam(**options)`, unless it was given a fake to use."""

    def __init__(self, fake: FakeSeam | None = None, *, api_key: str | None = None, **options: Any) -> None:
        if fake is not None and options:
            raise TypeError(f"mock_seam() got a fake and options for a new one: {sorted(options)}")
        self.given = fake
        self.api_key = api_key
        self.options = options
        self.started: list[Wiring] = []

    @property
    def fake(self) -> FakeSeam:
        """The fake of this mock's latest start."""
        if not self.started:
            raise RuntimeError(msgs.NO_ACTIVE_MOCK)
        return self.started[-1].fake

    def begin(self) -> Wiring:
        fake = self.given if self.given is not None else FakeSeam(**self.options)
        wiring = Wiring(fake, self.api_key or fleet.api_key(fake))
        PATCH.activate(wiring)
        return wiring

    def start(self) -> FakeSeam:
        wiring = self.begin()
        self.started.append(wiring)
        return wiring.fake

    def stop(self) -> None:
        if not self.started:
            raise RuntimeError(msgs.MOCK_NOT_STARTED)
        PATCH.deactivate(self.started.pop())

    def __enter__(self) -> FakeSeam:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeSeam:
        return self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def __call__(self, target: T) -> T:
        """Decorate a function (each call under its own fresh fake) or a test class."""
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        if not callable(target):
            raise TypeError(f"mock_seam() decorates a function or a class, not {target!r}")
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                wiring = self.begin()
                try:
                    return await target(*args, **kwargs)
                finally:
                    PATCH.deactivate(wiring)

            return run_async  # type: ignore[return-value]

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            wiring = self.begin()
            try:
                return target(*args, **kwargs)
            finally:
                PATCH.deactivate(wiring)

        return run  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        # unittest costs ~40 ms to import: a TestCase subclass means it is loaded already.
        loaded = sys.modules.get("unittest")
        case: type[unittest.TestCase] | None = loaded.TestCase if loaded is not None else None
        if case is not None and issubclass(cls, case):
            # setUp, the test and tearDown share one fake: started in setUp, stopped after tearDown.
            set_up = cls.setUp

            @functools.wraps(set_up)
            def setUp(test: unittest.TestCase) -> None:
                wiring = self.begin()
                test.addCleanup(PATCH.deactivate, wiring)
                set_up(test)

            cls.setUp = setUp  # type: ignore[method-assign, assignment]
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(member):
                setattr(cls, name, self(member))
        return cls


@overload
def mock_seam(target: F, /) -> F: ...
@overload
def mock_seam(
    target: FakeSeam | None = None, /, *, api_key: str | None = None, **options: Any
) -> MockSeam: ...
def mock_seam(target: Any = None, /, *, api_key: str | None = None, **options: Any) -> Any:
    """Wire every `seam.Seam()` / `seam.AsyncSeam()` made under it to an in-process fake.

    `mock_seam()`: a fresh `FakeSeam(**options)` each time it starts (options: `seed`,
    `rng_seed`, `now`, `frozen`, `settings`); `mock_seam(fake)`: that fake. `api_key`: what a
    client made without one gets (default: the fake's default workspace's key). Used bare as
    a decorator (`@mock_seam`), it is `mock_seam()`.
    """
    if target is not None and not isinstance(target, FakeSeam):
        return MockSeam(api_key=api_key, **options)(target)
    return MockSeam(target, api_key=api_key, **options)
