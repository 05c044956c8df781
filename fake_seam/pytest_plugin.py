"""pytest plugin: a fake Seam for every test, with no set-up code.

Registered through the `pytest11` entry point, so installing fake-seam is enough. Fixtures:

- `fake_seam`         a fresh, seeded, in-process `FakeSeam` per test (clock, faults, locks...)
- `seam`              the official `seam.Seam` wired to that fake in-process (no socket)
- `async_seam`        the same as `seam.AsyncSeam`
- `mock_seam`         every `seam.Seam()` / `seam.AsyncSeam()` the code under test makes talks
                      to `fake_seam` in-process (`fake_seam.mock_seam`); yields that fake
- `make_lock`         factory: `make_lock(capacity=2, manufacturer="salto", online=False, ...)`
- `fake_seam_fleet`   the locks a `@pytest.mark.fake_seam_fleet(...)` marker asked for
- `fake_seam_server`  a real loopback HTTP server (one per session, or per xdist worker),
                      reset to the seed before each test; `.endpoint`, `.api_key`, `.client()`
- `seam_env`          `SEAM_ENDPOINT` / `SEAM_API_KEY` set to that server for the test
- `fake_seam_session_server`  the raw session `ThreadedServer` (no per-test reset)

Markers: `fake_seam(seed=, rng_seed=, now=, frozen=, settings=)` and `fake_seam_fleet(*locks)`.
ini / command line: `fake_seam_seed` / `--fake-seam-seed`, `fake_seam_rng_seed` /
`--fake-seam-rng-seed`, `fake_seam_frozen`.

The clock is not frozen by default: it reads `time.time()`, so freezegun and time-machine
move it, and it can be moved through the fake (`fake_seam.advance(...)`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fake_seam import fleet
from fake_seam.clock import Clock
from fake_seam.fake import FAST_POLLING, FakeSeam
from fake_seam.mock import MockSeam
from fake_seam.scenarios.collect import add_ini, collect_file
from fake_seam.seam.seed import load_seed
from fake_seam.seam.store import Settings

if TYPE_CHECKING:
    from fake_seam.api.calls import CallLog
    from fake_seam.seam.records import Device
    from fake_seam.server import ThreadedServer
    from fake_seam.webhook_receiver import WebhookReceiver

MARKERS = {
    "fake_seam": (
        "fake_seam(seed=None, *, rng_seed=0, now=None, frozen=False, settings=None): "
        "how this test's fake Seam starts (seed: 'default', 'empty', a JSON seed file or a dict)"
    ),
    "fake_seam_fleet": (
        "fake_seam_fleet(*locks, **lock): extra simulated locks in this test's fake Seam, "
        "each a dict like make_lock's keywords (capacity=, manufacturer=, online=, fault_plan=, "
        "pool_size=, count=)"
    ),
}
_MARKER_KEYS = {"seed", "rng_seed", "now", "frozen", "settings"}
_SEAM_ENV_CLEARED = ("SEAM_API_URL", "SEAM_PERSONAL_ACCESS_TOKEN", "SEAM_WORKSPACE_ID")


@dataclasses.dataclass
class FakeOptions:
    """How one test's fake starts: session defaults, then markers (nearest wins)."""

    seed: str | dict[str, Any] | None = "default"
    rng_seed: int | str = 0
    now: datetime | str | None = None
    frozen: bool = False
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    fleet: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def build(self) -> FakeSeam:
        return FakeSeam(
            self.seed,
            rng_seed=self.rng_seed,
            now=self.now,
            frozen=self.frozen,
            settings=Settings(**self.settings) if self.settings else None,
        )


_DEFAULTS = pytest.StashKey[FakeOptions]()
_SEEDS = pytest.StashKey[dict[Path, dict[str, Any]]]()
_FLEET = pytest.StashKey[list["Device"]]()


# -- configuration -------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fake-seam")
    group.addoption(
        "--fake-seam-seed",
        dest="fake_seam_seed",
        default=None,
        help="seed of every test's fake Seam: default, empty, or a JSON seed file (ini: fake_seam_seed)",
    )
    group.addoption(
        "--fake-seam-rng-seed",
        dest="fake_seam_rng_seed",
        default=None,
        help="seed of the fakes' random numbers (PINs, failure rates); default 0 (ini: fake_seam_rng_seed)",
    )
    parser.addini("fake_seam_seed", "seed of every test's fake Seam: default, empty, or a JSON seed file")
    parser.addini("fake_seam_rng_seed", "seed of the fakes' random numbers (PINs, failure rates)")
    parser.addini(
        "fake_seam_frozen",
        "freeze every fake's clock at its creation (default: follow time.time(), so freezegun works)",
        type="bool",
        default=False,
    )
    add_ini(parser)  # fake_seam_scenario_dirs: scenario files collected as tests


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Scenario files (*.yaml) in the directories named by the ini option `fake_seam_scenario_dirs`."""
    return collect_file(parent, file_path)


def pytest_configure(config: pytest.Config) -> None:
    for text in MARKERS.values():
        config.addinivalue_line("markers", text)
    config.stash[_SEEDS] = {}
    seed = config.getoption("fake_seam_seed") or config.getini("fake_seam_seed") or "default"
    rng_seed = config.getoption("fake_seam_rng_seed") or config.getini("fake_seam_rng_seed") or 0
    config.stash[_DEFAULTS] = FakeOptions(
        seed=_resolve_seed(config, seed, [config.rootpath]),
        rng_seed=_as_rng_seed(rng_seed),
        frozen=bool(config.getini("fake_seam_frozen")),
    )


def pytest_report_header(config: pytest.Config) -> str:
    defaults = config.stash[_DEFAULTS]
    seed = defaults.seed if isinstance(defaults.seed, str) else "from file"
    return f"fake-seam: seed {seed}, rng_seed {defaults.rng_seed}, frozen {defaults.frozen}"


def _as_rng_seed(value: int | str) -> int | str:
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _resolve_seed(
    config: pytest.Config, seed: str | Path | dict[str, Any] | None, bases: list[Path]
) -> str | dict[str, Any] | None:
    """A seed file is read once per session; each fake gets its own deep copy of it."""
    if seed is None or isinstance(seed, dict) or seed in ("default", "empty"):
        return seed  # type: ignore[return-value]
    path = Path(seed)
    if not path.is_absolute():
        path = next((base / path for base in bases if (base / path).exists()), bases[-1] / path)
    cache = config.stash[_SEEDS]
    if path not in cache:
        cache[path] = load_seed(path)
    return cache[path]


def _options(request: pytest.FixtureRequest) -> FakeOptions:
    config = request.config
    options = dataclasses.replace(config.stash[_DEFAULTS], settings={}, fleet=[])
    node = request.node
    # iter_markers yields the nearest first; apply the farthest first so the nearest wins.
    for marker in reversed(list(node.iter_markers("fake_seam"))):
        if len(marker.args) > 1:
            raise TypeError("@pytest.mark.fake_seam takes at most one positional argument, the seed")
        given = dict(marker.kwargs)
        if marker.args:
            given["seed"] = marker.args[0]
        unknown = set(given) - _MARKER_KEYS
        if unknown:
            raise TypeError(
                f"@pytest.mark.fake_seam got unknown {sorted(unknown)}; use {sorted(_MARKER_KEYS)}"
            )
        if "seed" in given:
            test_dir = node.path.parent if getattr(node, "path", None) else config.rootpath
            options.seed = _resolve_seed(config, given.pop("seed"), [test_dir, config.rootpath])
        if "rng_seed" in given:
            options.rng_seed = given.pop("rng_seed")
        options.settings.update(given.pop("settings", None) or {})
        for key, value in given.items():
            setattr(options, key, value)
    for marker in reversed(list(node.iter_markers("fake_seam_fleet"))):
        options.fleet.extend(dict(spec) for spec in marker.args)
        if marker.kwargs:
            options.fleet.append(dict(marker.kwargs))
    return options


# -- in-process fixtures -------------------------------------------------------------------


@pytest.fixture
def fake_seam(request: pytest.FixtureRequest) -> FakeSeam:
    """A fresh, seeded, in-process fake Seam for this test."""
    options = _options(request)
    fake = options.build()
    request.node.stash[_FLEET] = fleet.make_fleet(fake, options.fleet) if options.fleet else []
    return fake


@pytest.fixture
def fake_seam_fleet(fake_seam: FakeSeam, request: pytest.FixtureRequest) -> list[Device]:
    """The locks `@pytest.mark.fake_seam_fleet(...)` added to `fake_seam`, in order."""
    return request.node.stash[_FLEET]


@pytest.fixture
def make_lock(fake_seam: FakeSeam) -> Callable[..., Device]:
    """`make_lock(capacity=2, manufacturer="salto", online=False, fault_plan={"fail_next": 1},
    pool_size=2)`: a new lock in `fake_seam`'s seed workspace; `.device_id` is its id."""

    def make(workspace_id: str | None = None, **options: Any) -> Device:
        return fleet.make_lock(fake_seam, workspace_id, **options)

    return make


@pytest.fixture
def seam(fake_seam: FakeSeam) -> Iterator[Any]:
    """The official `seam.Seam` client, wired to `fake_seam` in-process."""
    client = fake_seam.client(fleet.api_key(fake_seam))
    yield client
    client.close()


@pytest.fixture
def async_seam(fake_seam: FakeSeam) -> Iterator[Any]:
    """The official `seam.AsyncSeam` client, wired to `fake_seam` in-process.

    A plain fixture, so it works under pytest-asyncio, anyio or a test's own `asyncio.run`.
    """
    client = fake_seam.async_client(fleet.api_key(fake_seam))
    yield client
    _close_without_loop(client.close())


@pytest.fixture
def mock_seam(fake_seam: FakeSeam) -> Iterator[FakeSeam]:
    """Every `seam.Seam()` and `seam.AsyncSeam()` made during the test, by the test or the code it
    calls, talks to `fake_seam` in-process (a client given no key gets its default workspace's)."""
    with MockSeam(fake_seam) as fake:
        yield fake


def _close_without_loop(coroutine: Any) -> None:
    # The in-process transport holds nothing and never awaits I/O, so closing finishes
    # in one step: no event loop needed at teardown (and none disturbed).
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()


# -- real HTTP -----------------------------------------------------------------------------


class ServedFake:
    """One test's view of the session's HTTP server: reset to the seed for this test."""

    def __init__(self, server: ThreadedServer) -> None:
        self.server = server
        self.fake: FakeSeam = server.fake
        self.fleet: list[Device] = []
        self._clients: list[Any] = []

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    @property
    def api_key(self) -> str:
        return fleet.api_key(self.fake)

    @property
    def calls(self) -> CallLog:
        """The calls this test sent the server (`fake.calls`; emptied for each test)."""
        return self.fake.calls

    @property
    def workspace_id(self) -> str:
        """The workspace `api_key` acts in (`seed_workspace_1` with the default seed)."""
        return fleet.default_workspace(self.fake)

    def reset(self, options: FakeOptions) -> None:
        """The fake as a fresh one would start: seed, clock, settings, fleet, outages."""
        fake = self.fake
        with fake.lock:
            fake.seed = options.seed
            fake.rng_seed = options.rng_seed
            fake.settings = Settings(**options.settings)
            fake.clock = Clock(options.now, frozen=options.frozen)
            fake.reset()  # the call log too
            fake.calls.include_controls = False
            del fake.api.observers[:]  # a recorder a test attached must not outlive it
            self.fleet = fleet.make_fleet(fake, options.fleet) if options.fleet else []

    def client(self, api_key: str | None = None, **options: Any) -> Any:
        """An official `seam.Seam` over real HTTP to this server (closed after the test)."""
        from seam import Seam  # the optional `sdk` extra

        options.setdefault("wait_for_action_attempt", FAST_POLLING)
        client = Seam(api_key=api_key or self.api_key, endpoint=self.endpoint, **options)
        self._clients.append(client)
        return client

    def make_lock(self, workspace_id: str | None = None, **options: Any) -> Device:
        """Like the `make_lock` fixture, on the served fake."""
        return fleet.make_lock(self.fake, workspace_id, **options)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()

    def __repr__(self) -> str:
        return f"<ServedFake {self.endpoint} workspace={self.workspace_id}>"


@pytest.fixture(scope="session")
def fake_seam_session_server(pytestconfig: pytest.Config) -> Iterator[ThreadedServer]:
    """A fake Seam on a free loopback port, started on first use, one per session (or per
    xdist worker). Its state carries over between tests; `fake_seam_server` resets it."""
    from fake_seam.server import ThreadedServer  # uvicorn: ~60 ms, for tests that serve HTTP

    server = ThreadedServer(pytestconfig.stash[_DEFAULTS].build()).start()
    yield server
    server.stop()


@pytest.fixture
def fake_seam_server(
    fake_seam_session_server: ThreadedServer, request: pytest.FixtureRequest
) -> Iterator[ServedFake]:
    """The session's HTTP server, reset for this test: `.endpoint`, `.api_key`, `.workspace_id`,
    `.fake` (control it from Python), `.calls` (what was sent to it), `.client()` (the SDK over
    HTTP), `.make_lock(...)`."""
    served = ServedFake(fake_seam_session_server)
    served.reset(_options(request))
    yield served
    served.close()


@pytest.fixture
def seam_env(fake_seam_server: ServedFake, monkeypatch: pytest.MonkeyPatch) -> ServedFake:
    """`SEAM_ENDPOINT` and `SEAM_API_KEY` point at this test's HTTP fake; `Seam()` finds it."""
    monkeypatch.setenv("SEAM_ENDPOINT", fake_seam_server.endpoint)
    monkeypatch.setenv("SEAM_API_KEY", fake_seam_server.api_key)
    for name in _SEAM_ENV_CLEARED:  # a developer's real credentials must not mix in
        monkeypatch.delenv(name, raising=False)
    return fake_seam_server


@pytest.fixture
def webhook_receiver(fake_seam: FakeSeam) -> Iterator[WebhookReceiver]:
    """A loopback receiver registered as a webhook of the default workspace (every event type):
    `.wait_for(event_type)` sends what is due and moves the fake's clock to retries, never
    sleeping; `.events()`, `.received` (with `verified` by `seam.SeamWebhook`), `.fail_next(n)`."""
    from fake_seam.webhook_receiver import WebhookReceiver

    with WebhookReceiver(fake_seam) as receiver:
        client = fake_seam.client(fleet.api_key(fake_seam))
        receiver.secret = client.webhooks.create(url=receiver.url).secret
        client.close()
        yield receiver
