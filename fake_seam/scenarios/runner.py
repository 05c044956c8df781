"""Replaying a scenario: build its fake (or reach its server), run each step in order, resolve
`${...}` references from captures, and check each step's expectations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fake_seam.clock import format_duration, iso
from fake_seam.scenarios.matchers import MISSING, lookup
from fake_seam.scenarios.model import _CLOCK_EXPR, REFERENCE, Scenario, Step
from fake_seam.scenarios.reading import parse_duration
from fake_seam.scenarios.steps import Check, Checks, Outcome, execute
from fake_seam.scenarios.targets import Failure, InProcessTarget, RemoteTarget, Skipped, Target
from fake_seam.webhook_receiver import WebhookReceiver


class StepError(Exception):
    """The step could not run as written (an unresolved reference, a missing capture)."""


@dataclass
class StepResult:
    step: Step
    status: str  # ok | failed | error | skipped | not run
    summary: str = ""
    clock: str = ""
    checks: list[Check] = field(default_factory=list)
    error: str = ""
    events: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        step = self.step
        return {
            "index": step.index,
            "line": step.line,
            "action": step.action,
            "note": step.note,
            "status": self.status,
            "summary": self.summary,
            "clock": self.clock,
            "events": self.events,
            "error": self.error or None,
            "expectations": [c.as_json() for c in self.checks],
        }


@dataclass
class ScenarioResult:
    scenario: Scenario
    target: str
    steps: list[StepResult] = field(default_factory=list)
    setup_error: str | None = None

    @property
    def checks(self) -> list[Check]:
        return [c for s in self.steps for c in s.checks]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]

    @property
    def passed(self) -> bool:
        return self.setup_error is None and all(s.status in ("ok", "skipped") for s in self.steps)

    def as_json(self) -> dict[str, Any]:
        checks = self.checks
        return {
            "file": str(self.scenario.path) if self.scenario.path else None,
            "name": self.scenario.name,
            "summary": self.scenario.summary,
            "target": self.target,
            "passed": self.passed,
            "setup_error": self.setup_error,
            "expectations": {
                "passed": sum(1 for c in checks if c.passed is True),
                "failed": sum(1 for c in checks if c.passed is False),
                "skipped": sum(1 for c in checks if c.passed is None),
            },
            "steps_total": len(self.steps),
            "steps_error": sum(1 for s in self.steps if s.status == "error"),
            "steps_not_run": sum(1 for s in self.steps if s.status == "not run"),
            "steps": [s.as_json() for s in self.steps],
        }


def run_scenario(
    scenario: Scenario,
    *,
    against: str | None = None,
    api_key: str | None = None,
    reset: bool = True,
    control_token: str | None = None,
) -> ScenarioResult:
    """Replay one scenario: in a fresh in-process fake, or against the server at `against`."""
    api_keys = dict(scenario.api_keys)
    if api_key:
        api_keys[scenario.workspace] = api_key
    target: Target | None = None
    kind = "in-process" if against is None else against
    try:
        if against is None:
            target = InProcessTarget(
                scenario.seed,
                start=scenario.start,
                rng_seed=scenario.rng_seed,
                settings=scenario.settings,
                api_keys=api_keys,
                default_workspace=scenario.workspace,
            )
        else:
            target = RemoteTarget(
                against,
                api_keys=api_keys,
                default_workspace=scenario.workspace,
                start=scenario.start,
                reset=reset,
                control_token=control_token,
                seed=scenario.seed,
            )
            kind = f"{target.kind} at {against}"
        target.prepare()
    except Exception as problem:  # noqa: BLE001 - a fleet the fake refuses, a server not there
        if target is not None:
            target.close()
        return ScenarioResult(scenario, kind, setup_error=f"{type(problem).__name__}: {problem}")
    try:
        return Runner(scenario, target, kind).run()
    finally:
        target.close()


class Runner:
    def __init__(self, scenario: Scenario, target: Target, kind: str) -> None:
        self.scenario = scenario
        self.target = target
        self.kind = kind
        self.scope: dict[str, Any] = dict(scenario.vars)
        self.scope["start"] = iso(scenario.start)
        # `${webhook_receiver}`: a loopback receiver started when a step first names it.
        self.receiver: WebhookReceiver | None = None

    def run(self) -> ScenarioResult:
        result = ScenarioResult(self.scenario, self.kind)
        stopped = False
        for step in self.scenario.steps:
            if stopped:
                result.steps.append(
                    StepResult(step, "not run", summary="not run: an earlier step could not run")
                )
                continue
            outcome = self.run_step(step)
            result.steps.append(outcome)
            stopped = outcome.status == "error"
        if self.receiver is not None:
            self.receiver.stop()
        return result

    # -- references -----------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = REFERENCE.fullmatch(value.strip())
            if whole and value.strip() == value:
                return self.evaluate(whole.group(1))
            return REFERENCE.sub(lambda m: _text(self.evaluate(m.group(1))), value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def evaluate(self, expr: str) -> Any:
        expr = expr.strip()
        clock = _CLOCK_EXPR.match(expr)
        if clock:
            base = self.target.now() if clock.group(1) == "now" else self.scenario.start
            if clock.group(3):
                delta = timedelta(seconds=parse_duration(clock.group(3)))
                base = base + delta if clock.group(2) == "+" else base - delta
            return iso(base)
        root, _, rest = expr.partition(".")
        if root == "webhook_receiver" and self.receiver is None:
            self.receiver = WebhookReceiver(None).start()
            self.scope["webhook_receiver"] = self.receiver.url
        if root not in self.scope:
            raise StepError(f"${{{expr}}}: nothing is captured as {root!r}")
        value = lookup(self.scope[root], rest) if rest else self.scope[root]
        if value is MISSING:
            raise StepError(f"${{{expr}}}: {root} has no {rest!r} (it is {_text(self.scope[root])[:200]})")
        return value

    # -- one step ---------------------------------------------------------------------------

    def run_step(self, step: Step) -> StepResult:
        target = self.target
        try:
            workspace = self.resolve(step.workspace) if step.workspace else self.scenario.workspace
            arg = self.resolve(step.arg)
            params = self.resolve(step.params)
        except StepError as problem:
            return StepResult(step, "error", error=str(problem))
        watched = {workspace}
        for expectation in step.expectations:
            if (
                expectation.kind == "events"
                and isinstance(expectation.spec, dict)
                and expectation.spec.get("workspace")
            ):
                try:
                    watched.add(self.resolve(expectation.spec["workspace"]))
                except StepError:
                    pass  # an unknown workspace is reported by the expectation that names it
        in_process = isinstance(target, InProcessTarget)
        wants_events = in_process or any(e.kind == "events" for e in step.expectations)
        waited = ""
        try:
            marker = target.event_marker(watched) if wants_events else None
            if step.wait:
                try:
                    target.advance(step.wait)
                except Skipped:
                    waited = (
                        f" (wait {format_duration(step.wait)} skipped: this target's clock cannot be moved)"
                    )
            outcome = execute(step, target, arg, params, workspace)
        except Skipped as skipped:
            return StepResult(
                step,
                "skipped",
                summary=f"{step.action}: skipped: {skipped}",
                checks=[
                    Check(e.kind, e.line, e.kind, None, "the step was skipped") for e in step.expectations
                ],
                clock=self.clock(),
            )
        except Exception as problem:  # noqa: BLE001 - reported, and the scenario stops here
            return StepResult(step, "error", error=f"{type(problem).__name__}: {problem}", clock=self.clock())
        if step.wait and not waited:
            waited = f" (after {format_duration(step.wait)})"
        result = StepResult(step, "ok", summary=outcome.summary + waited, clock=self.clock())
        if isinstance(target, InProcessTarget) and marker is not None:  # every workspace's events
            result.events = [e["event_type"] for e in target.events_since(marker)]
        unexpected = outcome.failure is not None and not step.expects_error
        if unexpected and not any(e.kind == "http_status" for e in step.expectations):
            result.status = "error"
            result.error = f"unexpected error: {outcome.failure}"
            return result
        self.note_webhook_secret(outcome.result)
        capture_error = ""
        try:
            self.capture(step, outcome)
        except StepError as problem:
            capture_error = str(problem)
            if unexpected:
                capture_error = (
                    f"the call failed, so nothing could be captured ({problem.args[0].split(':')[0]})"
                )
        cache: dict[str, list[dict[str, Any]]] = {}

        def events(ws: str) -> list[dict[str, Any]]:
            if ws not in cache:
                cache[ws] = target.events_since(marker, ws)
            return cache[ws]

        checks = Checks(target, step, outcome, workspace, events, self.receiver)
        # Events first and PINs last: against a server, trying a PIN leaves events of its own.
        order = sorted(step.expectations, key=lambda e: {"events": 0, "pin": 2}.get(e.kind, 1))
        for expectation in order:
            if unexpected and expectation.kind not in ("http_status", "error"):
                result.checks.append(
                    Check(
                        expectation.kind,
                        expectation.line,
                        expectation.kind,
                        None,
                        "not checked: the call failed",
                    )
                )
                continue
            try:
                spec = self.resolve(expectation.spec)
            except StepError as problem:
                result.checks.append(
                    Check(expectation.kind, expectation.line, expectation.kind, False, str(problem))
                )
                continue
            result.checks.extend(checks.run(expectation, spec, expectation.spec))
        result.checks.sort(key=lambda c: c.line)
        if capture_error:
            result.status = "error"
            result.error = capture_error
        elif any(c.passed is False for c in result.checks):
            result.status = "failed"
        return result

    def note_webhook_secret(self, result: Any) -> None:
        """The receiver verifies with the secret of the webhook registered for its URL."""
        if self.receiver is None or not isinstance(result, dict):
            return
        webhook = result.get("webhook", result)
        if isinstance(webhook, dict) and webhook.get("url") == self.receiver.url and webhook.get("secret"):
            self.receiver.secret = webhook["secret"]

    def capture(self, step: Step, outcome: Outcome) -> None:
        if step.as_name:
            self.scope[step.as_name] = outcome.result
        for name, path in step.captures.items():
            value = lookup(outcome.result, path)
            if value is MISSING:
                raise StepError(
                    f"capture {name}: the result has no {path!r} (it is {_text(outcome.result)[:120]})"
                )
            self.scope[name] = value

    def clock(self) -> str:
        try:
            if isinstance(self.target, RemoteTarget) and not self.target.is_fake:
                return ""
            return iso(self.target.now()) or ""
        except (Failure, Skipped):
            return ""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)
