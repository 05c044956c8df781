"""The scenario file format: YAML read with line numbers, checked as a whole before anything runs.

A malformed file raises `ScenarioError` listing every problem as `file:line: problem`; a good
one becomes a `Scenario` (steps, each with expectations) that `runner.run_scenario` replays.
What each key does: docs/scenarios.md; every key: docs/reference/scenario-keys.md.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fake_seam.scenarios import actions
from fake_seam.scenarios.fleet import build_fleet
from fake_seam.scenarios.reading import (
    Checker,
    LineDict,
    LineList,
    Problem,
    ScenarioError,
    did_you_mean,
    parse_duration,
    parse_time,
)
from fake_seam.seam.store import Settings

DEFAULT_START = "2026-12-01T12:00:00Z"

# -- YAML with line numbers -----------------------------------------------------------------


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"


class _Loader(yaml.SafeLoader):
    """SafeLoader, but times stay strings (we parse them) and `0123` stays the string a PIN is."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any]] = []


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_TIMESTAMP, _INT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            key = str(key)
        if key in out:
            loader.duplicates.append((key_node.start_mark.line + 1, key))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# -- problems ---------------------------------------------------------------------------------


# -- durations, times, references ---------------------------------------------------------------

REFERENCE = re.compile(r"\$\{([^}]*)\}")
_CLOCK_EXPR = re.compile(r"^(now|start)\s*(?:([+-])\s*(.+))?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$")


def reference_problem(expr: str, known: set[str]) -> str | None:
    """Why `${expr}` cannot be resolved in a scope defining `known`, or None."""
    expr = expr.strip()
    clock = _CLOCK_EXPR.match(expr)
    if clock:
        if clock.group(3) is not None:
            try:
                parse_duration(clock.group(3))
            except ValueError as problem:
                return f"in ${{{expr}}}: {problem}"
        return None
    if not _PATH.match(expr):
        return f"${{{expr}}} is not a reference (write ${{name}}, ${{name.field.0}}, ${{now+10m}})"
    root = expr.split(".", 1)[0]
    if root not in known:
        hint = f"; known here: {', '.join(sorted(known))}" if known else ""
        return f"${{{expr}}} refers to {root!r}, which no earlier step captured (as:/capture:) nor vars: defines{hint}"
    return None


def references(value: Any) -> Iterator[tuple[str, int | None]]:
    """Every `${...}` inside a value, with the line it sits on when known."""

    def walk(node: Any, line: int | None) -> Iterator[tuple[str, int | None]]:
        if isinstance(node, str):
            for match in REFERENCE.finditer(node):
                yield match.group(1), line
        elif isinstance(node, dict):
            for key, child in node.items():
                child_line = node.line_of(key) if isinstance(node, LineDict) else line
                yield from walk(key, child_line)
                yield from walk(child, child_line)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from walk(child, node.line_of(index) if isinstance(node, LineList) else line)

    yield from walk(value, getattr(value, "line", None))


def has_reference(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


# -- the scenario -------------------------------------------------------------------------------

# `call:` and `request:`, then one action per control (fake_seam.controls), then the names
# of earlier releases (deprecated).
ACTIONS = ("call", "request", *actions.NAMES)
CURRENT_ACTIONS = ("call", "request", *actions.CONTROLS)
STEP_OPTIONS = ("note", "wait", "params", "as", "capture", "workspace", "expect")
EXPECTATIONS = (
    "error",
    "http_status",
    "result",
    "access_code",
    "device",
    "access_codes",
    "events",
    "slots",
    "pin",
    "backup_pool",
    "fetch",
    "deliveries",
)
# Names a scenario may use without defining them: `${webhook_receiver}` is the URL of a
# receiver the replay starts on loopback when a step first names it (see `deliveries:`).
BUILT_IN_NAMES = ("webhook_receiver",)
TOP_LEVEL = ("name", "description", "start", "rng_seed", "fleet", "workspace", "vars", "settings", "steps")
MATCHER_OPS = (
    "equals",
    "not",
    "contains",
    "excludes",
    "exactly",
    "length",
    "in",
    "exists",
    "matches",
    "gte",
    "gt",
    "lte",
    "lt",
    "startswith",
)
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class Expectation:
    kind: str
    spec: Any
    line: int


@dataclass
class Step:
    index: int  # 1-based
    line: int
    action: str  # "call", "request", a control's name, or "check" for a step that only expects
    arg: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    as_name: str | None = None
    captures: dict[str, str] = field(default_factory=dict)
    workspace: str | None = None
    wait: float = 0.0  # seconds the clock moves on before the action (recordings use it)
    expectations: list[Expectation] = field(default_factory=list)

    @property
    def expects_error(self) -> bool:
        return any(e.kind == "error" for e in self.expectations) or any(
            e.kind == "http_status" and isinstance(e.spec, int) and e.spec >= 400 for e in self.expectations
        )


@dataclass
class Scenario:
    path: Path | None
    name: str
    summary: list[str]  # the comment lines the file starts with
    description: str | None
    start: datetime
    rng_seed: int | str
    fleet: Any  # the fleet as written (for reports)
    seed: dict[str, Any]  # the fleet as a seed dict (fake_seam/seam/seed.py format)
    workspace: str  # the workspace API steps act in unless a step says otherwise
    api_keys: dict[str, str]  # workspace id -> an API key of it
    vars: dict[str, Any]
    settings: dict[str, float]
    steps: list[Step]

    @property
    def label(self) -> str:
        return str(self.path) if self.path else self.name


def load_scenario(path: str | Path, *, variables: dict[str, Any] | None = None) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise ScenarioError(
            [Problem(str(path), None, f"cannot read: {problem.strerror or problem}")]
        ) from None
    return parse_scenario(text, path=path, variables=variables)


def parse_scenario(
    text: str, *, path: str | Path | None = None, variables: dict[str, Any] | None = None
) -> Scenario:
    """Check a whole file, and return it as a `Scenario`; raise `ScenarioError` if anything is wrong."""
    file = str(path) if path is not None else "<scenario>"
    checker = Checker(file)
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark else None
        what = problem.problem or problem.context or "malformed"
        raise ScenarioError([Problem(file, line, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as problem:
        raise ScenarioError([Problem(file, None, f"not valid YAML: {problem}")]) from None
    finally:
        loader.dispose()
    for line, key in loader.duplicates:
        checker.problem(line, f"key {key!r} appears twice in the same mapping")
    if not isinstance(data, LineDict):
        checker.problem(getattr(data, "line", 1), "a scenario file is a YAML mapping with at least `steps:`")
        checker.raise_if_any()
    assert isinstance(data, LineDict)
    return _Builder(checker, data, Path(path) if path is not None else None, text, variables or {}).build()


def _summary(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped and not lines:
            continue
        if not stripped.startswith("#"):
            break
        lines.append(stripped.lstrip("#").strip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


class _Builder:
    def __init__(
        self, checker: Checker, data: LineDict, path: Path | None, text: str, variables: dict[str, Any]
    ) -> None:
        self.c = checker
        self.data = data
        self.path = path
        self.text = text
        self.variables = variables
        # step index -> (route path, method, params, line): checked once the step is read
        self.routes: dict[int, tuple[str, str, dict[str, Any], int]] = {}

    def build(self) -> Scenario:
        c, data = self.c, self.data
        for key in data:
            if key not in TOP_LEVEL:
                c.problem(
                    data.line_of(key),
                    f"unknown key {key!r}{did_you_mean(key, TOP_LEVEL)}; "
                    f"a scenario has {', '.join(TOP_LEVEL)}",
                )
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            c.problem(data.line_of("name"), "name must be text")
        description = data.get("description")
        if description is not None and not isinstance(description, str):
            c.problem(data.line_of("description"), "description must be text")
        start = parse_time(DEFAULT_START)
        if "start" in data:
            try:
                start = parse_time(data["start"])
            except ValueError as problem:
                c.problem(data.line_of("start"), f"start: {problem}")
        rng_seed = data.get("rng_seed", 0)
        if isinstance(rng_seed, bool) or not isinstance(rng_seed, int | str):
            c.problem(data.line_of("rng_seed"), "rng_seed must be a whole number or text")
            rng_seed = 0
        settings = self.settings(data.get("settings"))
        variables = self.vars(data.get("vars"))
        variables.update(self.variables)
        fleet_spec = data.get("fleet", "default")
        fleet = build_fleet(fleet_spec, c, data.line_of("fleet"))
        workspace = data.get("workspace", fleet.default_workspace)
        if not isinstance(workspace, str):
            c.problem(data.line_of("workspace"), "workspace must be a workspace id")
            workspace = fleet.default_workspace
        elif fleet.workspace_ids and workspace not in fleet.workspace_ids:
            c.problem(
                data.line_of("workspace"),
                f"workspace {workspace!r} is not in the fleet ({', '.join(fleet.workspace_ids)})",
            )
        self.workspaces = fleet.workspace_ids
        steps = self.steps(
            data.get("steps"),
            data.line_of("steps") if "steps" in data else data.line,
            set(variables) | set(BUILT_IN_NAMES),
        )
        c.raise_if_any()
        return Scenario(
            path=self.path,
            name=name or (self.path.stem if self.path else "scenario"),
            summary=_summary(self.text),
            description=description,
            start=start,
            rng_seed=rng_seed,
            fleet=fleet_spec,
            seed=fleet.seed,
            workspace=workspace or "",
            api_keys=fleet.api_keys,
            vars=variables,
            settings=settings,
            steps=steps,
        )

    # -- top level ------------------------------------------------------------------------

    def settings(self, raw: Any) -> dict[str, float]:
        if raw is None:
            return {}
        names = tuple(Settings.__dataclass_fields__)
        if not isinstance(raw, dict):
            self.c.problem(self.data.line_of("settings"), f"settings is a mapping of {', '.join(names)}")
            return {}
        out: dict[str, float] = {}
        for key, value in raw.items():
            line = raw.line_of(key) if isinstance(raw, LineDict) else None
            if key not in names:
                self.c.problem(
                    line,
                    f"unknown setting {key!r}{did_you_mean(key, names)}; settings are {', '.join(names)}",
                )
                continue
            try:
                out[key] = parse_duration(value) if key.endswith("_seconds") else int(value)
            except (ValueError, TypeError) as problem:
                self.c.problem(line, f"settings.{key}: {problem}")
        return out

    def vars(self, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.c.problem(self.data.line_of("vars"), "vars is a mapping of names to values")
            return {}
        for key in raw:
            if not isinstance(key, str) or not _NAME.match(key) or key in ("now", "start"):
                self.c.problem(
                    raw.line_of(key) if isinstance(raw, LineDict) else None,
                    f"{key!r} cannot be a variable name (letters, digits, _; not now/start)",
                )
        return dict(raw)

    # -- steps ------------------------------------------------------------------------------

    def steps(self, raw: Any, line: int, known: set[str]) -> list[Step]:
        if raw is None:
            self.c.problem(line, "a scenario needs `steps:`, a list of steps")
            return []
        if not isinstance(raw, list) or not raw:
            self.c.problem(line, "steps must be a non-empty list of steps")
            return []
        out = []
        for index, entry in enumerate(raw):
            entry_line = raw.line_of(index) if isinstance(raw, LineList) else line
            step = self.step(index + 1, entry, entry_line, known)
            if step is not None:
                out.append(step)
        return out

    def step(self, index: int, raw: Any, line: int, known: set[str]) -> Step | None:
        c = self.c
        if not isinstance(raw, dict):
            c.problem(
                line, f"step {index} must be a mapping such as `call: access_codes.create` or `advance: 10m`"
            )
            return None
        line = getattr(raw, "line", line)
        at = raw.line_of if isinstance(raw, LineDict) else (lambda key: line)
        named = [k for k in raw if k in ACTIONS]
        misplaced = False
        for key in raw:
            if key in ACTIONS or key in STEP_OPTIONS:
                continue  # `slots:` and `backup_pool:` are actions here, expectations under expect:
            if key in EXPECTATIONS:
                misplaced = True
                c.problem(at(key), f"step {index}: {key!r} is an expectation; put it under expect:")
            else:
                c.problem(
                    at(key), f"step {index}: unknown key {key!r}{did_you_mean(key, ACTIONS + STEP_OPTIONS)}"
                )
        if len(named) > 1:
            c.problem(
                line,
                f"step {index} has {len(named)} actions ({', '.join(named)}); give each its own step",
            )
        if not named and "expect" not in raw:
            if misplaced:
                return None
            c.problem(
                line, f"step {index} has neither an action ({', '.join(CURRENT_ACTIONS)}) nor `expect:`"
            )
            return None
        action = named[0] if named else "check"
        step = Step(index=index, line=line, action=action, arg=raw.get(action))
        if "params" in raw:
            if action != "call":
                c.problem(
                    at("params"), f"step {index}: params: goes with call: (a request: carries its own params)"
                )
            elif not isinstance(raw["params"], dict):
                c.problem(at("params"), f"step {index}: params must be a mapping")
            else:
                step.params = raw["params"]
        if "wait" in raw:
            try:
                step.wait = parse_duration(raw["wait"])
            except ValueError as problem:
                c.problem(at("wait"), f"step {index}: wait: {problem}")
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            c.problem(at("note"), f"step {index}: note must be text")
        step.note = note
        workspace = raw.get("workspace")
        if workspace is not None:
            if not isinstance(workspace, str):
                c.problem(at("workspace"), f"step {index}: workspace must be a workspace id")
            elif self.workspaces and workspace not in self.workspaces and not has_reference(workspace):
                c.problem(
                    at("workspace"),
                    f"step {index}: workspace {workspace!r} is not in the fleet "
                    f"({', '.join(self.workspaces)})",
                )
            else:
                step.workspace = workspace
        if action != "check":
            self.action(step, at(action))
        # References in the action may use names captured by earlier steps only.
        for key in raw:
            if key in ("expect", "as", "capture"):
                continue
            self.check_references(raw[key], at(key), known)
        own = set()
        if "as" in raw:
            name = raw["as"]
            if not isinstance(name, str) or not _NAME.match(name) or name in ("now", "start"):
                c.problem(at("as"), f"step {index}: as: takes a name (letters, digits, _), got {name!r}")
            else:
                step.as_name = name
                own.add(name)
        if "capture" in raw:
            captures = raw["capture"]
            if not isinstance(captures, dict):
                c.problem(at("capture"), f"step {index}: capture is a mapping of name: path.in.result")
            else:
                for name, path in captures.items():
                    cline = captures.line_of(name) if isinstance(captures, LineDict) else at("capture")
                    if not isinstance(name, str) or not _NAME.match(name) or name in ("now", "start"):
                        c.problem(cline, f"step {index}: {name!r} cannot be a capture name")
                    elif not isinstance(path, str) or not (
                        path == "." or _PATH.match(path) or re.match(r"^\d", path)
                    ):
                        c.problem(
                            cline,
                            f"step {index}: capture {name}: wants a dotted path such as access_code.code",
                        )
                    else:
                        step.captures[name] = path
                        own.add(name)
            if action == "check":
                c.problem(at("capture"), f"step {index}: capture needs an action whose result it keeps")
        if "as" in raw and action == "check":
            c.problem(at("as"), f"step {index}: as: needs an action whose result it keeps")
        if "expect" in raw:
            step.expectations = self.expectations(step, raw["expect"], at("expect"))
            self.check_references(raw["expect"], at("expect"), known | own)
        if step.index in self.routes:  # once its expectations are known
            self.route_params(step, *self.routes[step.index])
        known |= own
        return step

    def check_references(self, value: Any, line: int, known: set[str]) -> None:
        for expr, ref_line in references(value):
            problem = reference_problem(expr, known)
            if problem:
                self.c.problem(ref_line or line, problem)

    # -- actions ----------------------------------------------------------------------------

    def action(self, step: Step, line: int) -> None:
        if step.action in ("call", "request"):
            getattr(self, f"action_{step.action}")(step, step.arg, line)
        else:
            self.control_action(step, line)

    def fail(self, step: Step, line: int, message: str) -> None:
        self.c.problem(line, f"step {step.index} ({step.action}): {message}")

    def action_call(self, step: Step, arg: Any, line: int) -> None:
        if not isinstance(arg, str) or not re.match(r"^[a-z_]+(?:\.[a-z_]+)+$", arg):
            self.fail(
                step,
                line,
                "call: names an SDK method, e.g. access_codes.create or locks.simulate.keypad_code_entry",
            )
            return
        method, problem = sdk_method(arg)
        if problem:
            self.fail(step, line, problem)
            return
        parameters = sdk_parameters(arg)
        unknown = False
        for key in step.params:
            if parameters is not None and key not in parameters:
                unknown = True
                pline = step.params.line_of(key) if isinstance(step.params, LineDict) else line
                self.fail(
                    step,
                    pline,
                    f"{arg} takes no parameter {key!r}{did_you_mean(key, sorted(parameters))}; "
                    f"it takes {', '.join(sorted(parameters)) or 'none'}",
                )
        if not unknown:  # the SDK sends every call as a POST with a JSON body
            step_route = ("/" + arg.replace(".", "/"), "POST", step.params, line)
            self.routes[step.index] = step_route

    def action_request(self, step: Step, arg: Any, line: int) -> None:
        if not isinstance(arg, dict):
            self.fail(step, line, "request: is a mapping {method, path, params}")
            return
        at = arg.line_of if isinstance(arg, LineDict) else (lambda key: line)
        for key in arg:
            if key not in ("method", "path", "params", "auth"):
                self.fail(step, at(key), f"unknown key {key!r}; a request has method, path, params, auth")
        path = arg.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            self.fail(
                step, at("path") if "path" in arg else line, "request needs path:, e.g. /access_codes/get"
            )
        method = arg.get("method", "POST")
        if not isinstance(method, str) or method.upper() not in HTTP_METHODS:
            self.fail(step, at("method"), f"method must be one of {', '.join(HTTP_METHODS)}")
        params = arg.get("params", {})
        if not isinstance(params, dict):
            self.fail(step, at("params"), "params must be a mapping")
        elif isinstance(path, str) and isinstance(method, str):
            self.routes[step.index] = (
                path,
                method.upper(),
                params,
                at("params") if "params" in arg else line,
            )
        if "auth" in arg and not isinstance(arg["auth"], bool):
            self.fail(step, at("auth"), "auth must be true or false")

    def control_action(self, step: Step, line: int) -> None:
        """A control's action: its argument checked by the control's params model; an earlier
        release's name becomes the control's (with a warning)."""
        written = step.action
        renamed = actions.DEPRECATED.get(written)
        if renamed is not None:
            warnings.warn(
                f"{self.c.file}:{line}: the scenario action {written!r} is deprecated; "
                f"write {renamed.control!r}",
                DeprecationWarning,
                stacklevel=2,
            )
        arg = step.arg
        read = actions.arguments(written, arg)
        for key, problem in read.problems:
            where = arg.line_of(key) if key is not None and isinstance(arg, LineDict) else line
            self.fail(step, where, problem)
        step.action = actions.control_of(written)[0].name
        step.arg = read.values

    def route_params(self, step: Step, path: str, method: str, params: dict, line: int) -> None:
        """Check a call's or request's parameters as the route will (its params model, the same
        zod-worded validator), so `name: 42` is a problem of the file, not of step 7 at run
        time. Values holding `${...}` are known only when the step runs: checked then, by the
        route. A step that expects an error may send what the route refuses."""
        if step.expects_error:
            return
        problems = route_params_problems(path, method, params)
        for key, message in problems:
            where = params.line_of(key) if isinstance(params, LineDict) and key in params else line
            self.fail(step, where, message)

    def check_pins(self, step: Step, params: dict, line: int) -> None:
        for key in ("code", "new_code"):
            if key in params and isinstance(params[key], bool | float):
                pline = params.line_of(key) if isinstance(params, LineDict) else line
                self.fail(step, pline, f'{key}: a PIN is text; quote it, e.g. {key}: "0123"')
            elif key in params and isinstance(params[key], int):
                params[key] = str(params[key])  # `code: 1234` means the PIN "1234" (0123 stays text)

    # -- expectations ---------------------------------------------------------------------

    def expectations(self, step: Step, raw: Any, line: int) -> list[Expectation]:
        entries: list[tuple[Any, int]] = []
        if isinstance(raw, dict):
            entries = [(raw, getattr(raw, "line", line))]
        elif isinstance(raw, list):
            entries = [
                (item, raw.line_of(i) if isinstance(raw, LineList) else line) for i, item in enumerate(raw)
            ]
        else:
            self.fail(step, line, "expect: is a mapping (or a list of mappings) of expectations")
            return []
        out = []
        for entry, entry_line in entries:
            if not isinstance(entry, dict):
                self.fail(
                    step,
                    entry_line,
                    "each expectation is a mapping such as `access_code: {id: ..., status: set}`",
                )
                continue
            for kind, spec in entry.items():
                kline = entry.line_of(kind) if isinstance(entry, LineDict) else entry_line
                if kind not in EXPECTATIONS:
                    self.fail(
                        step,
                        kline,
                        f"unknown expectation {kind!r}{did_you_mean(kind, EXPECTATIONS)}; "
                        f"expectations are {', '.join(EXPECTATIONS)}",
                    )
                    continue
                specs = spec if isinstance(spec, list) and kind in _LISTABLE else [spec]
                for item in specs:
                    iline = getattr(item, "line", kline)
                    getattr(self, f"expect_{kind}")(step, item, iline)
                    out.append(Expectation(kind, item, iline))
        return out

    def expect_error(self, step: Step, spec: Any, line: int) -> None:
        if step.action == "check":
            self.fail(step, line, "expect error: needs an action that can fail (call:, request:, a control)")
        if isinstance(spec, str):
            return
        if not isinstance(spec, dict):
            self.fail(
                step,
                line,
                "error: is an error type (e.g. no_backup_access_code_available) or "
                "a mapping {type, status, message, data}",
            )
            return
        self.keys(step, spec, line, ("type", "status", "message", "data"), "error")
        if "status" in spec and not isinstance(spec["status"], int):
            self.fail(step, line, "error status must be an HTTP status number")
        self.matcher(step, spec.get("message"), line)

    def expect_http_status(self, step: Step, spec: Any, line: int) -> None:
        if step.action != "request":
            self.fail(step, line, "http_status: goes with request: (an SDK call: raises instead; use error:)")
        if isinstance(spec, bool) or not isinstance(spec, int) or not 100 <= spec <= 599:
            self.fail(step, line, "http_status must be an HTTP status such as 200 or 404")

    def expect_result(self, step: Step, spec: Any, line: int) -> None:
        if step.action == "check":
            self.fail(step, line, "result: needs an action that returns one")
        self.fields(step, spec, line, "result")

    def expect_access_code(self, step: Step, spec: Any, line: int) -> None:
        self.object_spec(step, spec, line, "access_code", "id", ("workspace", "gone"))

    def expect_device(self, step: Step, spec: Any, line: int) -> None:
        self.object_spec(step, spec, line, "device", "id", ("workspace",))

    def expect_access_codes(self, step: Step, spec: Any, line: int) -> None:
        self.list_spec(
            step, spec, line, "access_codes", ("device", "workspace", "count", "contains", "excludes")
        )

    def expect_slots(self, step: Step, spec: Any, line: int) -> None:
        self.list_spec(step, spec, line, "slots", ("device", "count", "free", "contains", "excludes"))

    def expect_backup_pool(self, step: Step, spec: Any, line: int) -> None:
        self.list_spec(
            step,
            spec,
            line,
            "backup_pool",
            ("device", "size", "active", "ready", "pulled", "in_flight", "many_active_threshold"),
        )

    def expect_pin(self, step: Step, spec: Any, line: int) -> None:
        if not isinstance(spec, dict):
            self.fail(step, line, "pin: is a mapping {device, code, opens: true|false}")
            return
        self.keys(step, spec, line, ("device", "code", "opens"), "pin")
        for key in ("device", "code", "opens"):
            if key not in spec:
                self.fail(step, line, f"pin: needs {key}:")
        if "opens" in spec and not isinstance(spec["opens"], bool):
            self.fail(step, line, "pin: opens must be true or false")
        self.check_pins(step, spec, line)

    def expect_events(self, step: Step, spec: Any, line: int) -> None:
        if isinstance(spec, list):
            # Everywhere else a bare list means exactly these; here it has always meant
            # "includes": kept, with a warning asking for the explicit form.
            warnings.warn(
                f"{self.c.file}:{line}: `events: [...]` means `events: {{contains: [...]}}` "
                "(these, among others); write that, or `events: {exactly: [...]}` for these and no others",
                DeprecationWarning,
                stacklevel=2,
            )
            for index, item in enumerate(spec):
                if isinstance(item, dict) and any(
                    k in item for k in ("contains", "excludes", "exactly", "sequence", "count", "workspace")
                ):
                    self.fail(
                        step,
                        spec.line_of(index) if isinstance(spec, LineList) else line,
                        "a list under events: holds the events to find; for options write "
                        "events: {workspace: ..., contains: [...]}",
                    )
            return
        if not isinstance(spec, dict):
            self.fail(
                step,
                line,
                "events: is a mapping "
                "{contains, exactly, excludes, sequence, count, device, access_code, workspace}",
            )
            return
        self.keys(
            step,
            spec,
            line,
            ("contains", "exactly", "excludes", "sequence", "count", "device", "access_code", "workspace"),
            "events",
        )
        for key in ("contains", "exactly", "excludes", "sequence"):
            if key in spec and not isinstance(spec[key], list):
                self.fail(step, line, f"events {key}: takes a list")

    def expect_deliveries(self, step: Step, spec: Any, line: int) -> None:
        if not isinstance(spec, dict):
            self.fail(step, line, "deliveries: is a mapping {contains, exactly, count}")
            return
        self.keys(step, spec, line, ("contains", "exactly", "count"), "deliveries")
        for key in ("contains", "exactly"):
            if key in spec and not isinstance(spec[key], list):
                self.fail(step, line, f"deliveries {key}: takes a list of event types")

    def expect_fetch(self, step: Step, spec: Any, line: int) -> None:
        if not isinstance(spec, dict):
            self.fail(step, line, "fetch: is a mapping {call|request, params, fields}")
            return
        self.keys(step, spec, line, ("call", "request", "params", "fields", "workspace"), "fetch")
        if ("call" in spec) == ("request" in spec):
            self.fail(step, line, "fetch: needs exactly one of call: (SDK method) or request: (route path)")
        if "call" in spec:
            _, problem = (
                sdk_method(spec["call"]) if isinstance(spec["call"], str) else (None, "call must be text")
            )
            if problem:
                self.fail(step, line, f"fetch: {problem}")
        if "request" in spec and not (isinstance(spec["request"], str) and spec["request"].startswith("/")):
            self.fail(step, line, "fetch: request: takes a route path such as /access_codes/unmanaged/list")
        if "params" in spec and not isinstance(spec["params"], dict):
            self.fail(step, line, "fetch: params must be a mapping")
        self.fields(step, spec.get("fields", {}), line, "fetch fields")

    # -- shared checks ----------------------------------------------------------------------

    def keys(self, step: Step, spec: dict, line: int, allowed: tuple[str, ...], what: str) -> None:
        for key in spec:
            if key not in allowed:
                kline = spec.line_of(key) if isinstance(spec, LineDict) else line
                self.fail(
                    step,
                    kline,
                    f"{what}: unknown key {key!r}{did_you_mean(key, allowed)}; it takes {', '.join(allowed)}",
                )

    def object_spec(
        self, step: Step, spec: Any, line: int, what: str, id_key: str, extra: tuple[str, ...]
    ) -> None:
        if not isinstance(spec, dict):
            self.fail(step, line, f"{what}: is a mapping {{{id_key}: ..., field: expected value, ...}}")
            return
        if id_key not in spec:
            self.fail(step, line, f"{what}: needs {id_key}:")
        if "gone" in spec and not isinstance(spec["gone"], bool):
            self.fail(step, line, f"{what}: gone must be true or false")
        for key, value in spec.items():
            if key in (id_key, *extra):
                continue
            kline = spec.line_of(key) if isinstance(spec, LineDict) else line
            if not isinstance(key, str) or not (_PATH.match(key) or re.match(r"^[\w.]+$", key)):
                self.fail(step, kline, f"{what}: {key!r} is not a field path (write e.g. properties.online)")
            self.matcher(step, value, kline)

    def list_spec(self, step: Step, spec: Any, line: int, what: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(spec, dict):
            self.fail(step, line, f"{what}: is a mapping {{{', '.join(allowed)}}}")
            return
        self.keys(step, spec, line, allowed, what)
        if "device" not in spec:
            self.fail(step, line, f"{what}: needs device:")
        for key in ("contains", "excludes"):
            if key in spec and not isinstance(spec[key], list):
                self.fail(step, line, f"{what} {key}: takes a list")
        for key, value in spec.items():
            if key not in ("device", "workspace", "contains", "excludes"):
                self.matcher(step, value, spec.line_of(key) if isinstance(spec, LineDict) else line)

    def fields(self, step: Step, spec: Any, line: int, what: str) -> None:
        if not isinstance(spec, dict):
            self.fail(step, line, f"{what}: is a mapping of field.path: expected value")
            return
        for key, value in spec.items():
            kline = spec.line_of(key) if isinstance(spec, LineDict) else line
            if not isinstance(key, str) or not re.match(r"^[\w.]+$", key):
                self.fail(step, kline, f"{what}: {key!r} is not a field path (write e.g. access_code.status)")
            self.matcher(step, value, kline)

    def matcher(self, step: Step, value: Any, line: int) -> None:
        if isinstance(value, dict) and value:
            ops = [k for k in value if k in MATCHER_OPS]
            if ops and len(ops) != len(value):
                others = [k for k in value if k not in MATCHER_OPS]
                self.fail(
                    step,
                    line,
                    f"a matcher mixes operators ({', '.join(ops)}) with fields "
                    f"({', '.join(map(str, others))}); operators are {', '.join(MATCHER_OPS)}",
                )
            for op in ops:
                if op == "in" and not isinstance(value[op], list):
                    self.fail(step, line, "in: takes a list of allowed values")
                if op in ("length", "gte", "gt", "lte", "lt") and not isinstance(
                    value[op], int | float | str
                ):
                    self.fail(step, line, f"{op}: takes a number")
                if op == "matches":
                    try:
                        re.compile(str(value[op]))
                    except re.error as problem:
                        self.fail(step, line, f"matches: not a regular expression: {problem}")
                if op == "exists" and not isinstance(value[op], bool):
                    self.fail(step, line, "exists: takes true or false")
            if not ops:
                for key, child in value.items():
                    self.matcher(step, child, value.line_of(key) if isinstance(value, LineDict) else line)


_LISTABLE = {"access_code", "device", "access_codes", "slots", "pin", "backup_pool", "fetch"}


# -- the routes' params models, for checking `call:` and `request:` parameters -----------------


def _holds_reference(value: Any) -> bool:
    if isinstance(value, str):
        return REFERENCE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_reference(k) or _holds_reference(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_reference(v) for v in value)
    return False


def route_params_problems(path: str, method: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """`(parameter, problem)` for each parameter the route at `path` would refuse, worded as
    its `invalid_input` answer is; parameters holding `${...}` are left for the run."""
    from fake_seam.api.handler import load_routes  # the routes' models (~110 ms, once)
    from fake_seam.scenarios.targets import query_params
    from fake_seam.wire.validation import ZodString, issues_from_validation_error, parse_query

    endpoint = load_routes().get(path.rstrip("/") or "/")
    if endpoint is None:
        return []  # an unknown route: its 404 is the run's to report
    pending = {key for key, value in params.items() if _holds_reference(value)}
    ready = {key: value for key, value in params.items() if key not in pending}
    model = endpoint.params
    try:
        if method in ("GET", "DELETE"):  # sent as a query string, read back as the route reads it
            model.model_validate(parse_query(model, query_params(ready)))
        else:
            model.model_validate(ready)
    except ValidationError as invalid:
        issues = issues_from_validation_error(invalid)
    except Exception:  # noqa: BLE001 - a query the route cannot read: the run reports it
        return []
    else:
        return []
    out = []
    fields = model.model_fields
    for issue in issues:
        name = str(issue.path[0]) if issue.path else ""
        if name in pending:
            continue
        where = ".".join(str(part) for part in issue.path) or "params"
        hint = ""
        info = fields.get(name)
        zod = next((m for m in info.metadata if isinstance(m, ZodString)), None) if info else None
        value = params.get(name)
        if zod is not None and isinstance(value, int | float) and not isinstance(value, bool):
            hint = f'; write it as text: {name}: "{value}"'
        out.append((name, f"parameter {where}: {issue.message} ({path} would refuse it{hint})"))
    return out


# -- the SDK surface, for checking `call:` names and parameters --------------------------------


@lru_cache(maxsize=1)
def _sdk_client() -> Any:
    from seam import Seam  # a dependency, imported when first used (~680 ms)

    # Never used to send anything: only to look routes and their signatures up.
    return Seam(api_key="seam_scenario_checker", endpoint="http://127.0.0.1:9")


def sdk_method(name: str) -> tuple[Any, str | None]:
    try:
        target: Any = _sdk_client()
    except ImportError:  # pragma: no cover - only where an install lost it
        return None, "the official `seam` SDK, a dependency of fake-seam, is missing (pip install seam)"
    walked: list[str] = []
    for part in name.split("."):
        if part.startswith("_") or not hasattr(target, part):
            options = [a for a in dir(target) if not a.startswith("_")]
            where = ".".join(walked) or "the SDK client"
            return None, f"{name}: {where} has no {part!r}{did_you_mean(part, options)}"
        target = getattr(target, part)
        walked.append(part)
    if not callable(target) or inspect.isclass(target):
        return None, f"{name} is not an SDK method"
    return target, None


@lru_cache(maxsize=256)
def sdk_parameters(name: str) -> frozenset[str] | None:
    method, problem = sdk_method(name)
    if problem:
        return None
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):  # pragma: no cover
        return None
    if any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    return frozenset(signature.parameters)
