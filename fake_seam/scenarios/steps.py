"""What each step kind does, and how each expectation kind is checked, on any target."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fake_seam import messages as msgs
from fake_seam.clock import iso
from fake_seam.controls import CONTROLS
from fake_seam.controls.control import NoParams
from fake_seam.scenarios.actions import arguments
from fake_seam.scenarios.matchers import MISSING, codes, found, is_operator, lookup, match, show
from fake_seam.scenarios.model import Expectation, Step
from fake_seam.scenarios.targets import Failure, Skipped, Target, failure_from, failure_of
from fake_seam.webhook_receiver import WebhookReceiver
from fake_seam.wire.validation import InvalidInput


@dataclass
class Outcome:
    result: Any = None
    summary: str = ""
    http_status: int | None = None
    failure: Failure | None = None


@dataclass
class Check:
    kind: str
    line: int
    what: str
    passed: bool | None  # None: skipped (the target cannot tell)
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "line": self.line,
            "what": self.what,
            "status": {True: "passed", False: "failed", None: "skipped"}[self.passed],
            "detail": self.detail,
        }


def plain(value: Any) -> Any:
    """The SDK's resource objects as plain JSON-like data (what the user's code sees)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


ID_KEYS = (
    "access_code_id",
    "device_id",
    "action_attempt_id",
    "event_id",
    "workspace_id",
    "connected_account_id",
    "webhook_id",
)


def describe(result: Any) -> str:
    """A few words about a result: `access_code 8b1e… (status setting, code 4821)`."""
    if isinstance(result, list):
        return f"{len(result)} item(s)" + (f": {show(codes(result), 100)}" if result else "")
    if not isinstance(result, dict):
        return show(result, 80)
    if isinstance(result.get("error"), dict):
        return f"error {result['error'].get('type')}: {result['error'].get('message')}"
    body = {k: v for k, v in result.items() if k not in ("ok", "pagination")}
    if (
        len(body) >= 1
        and all(isinstance(v, dict | list) for v in body.values())
        and not any(k in body for k in ID_KEYS)
    ):
        key = next(iter(body))
        return f"{key} {describe(body[key])}"
    ident = next((result[k] for k in ID_KEYS if isinstance(result.get(k), str)), None)
    facts = [
        f"{k} {show(result[k], 40)}"
        for k in ("status", "type", "code", "opened", "error_code")
        if k in result and result[k] is not None and not isinstance(result[k], dict | list)
    ]
    head = (
        _short(ident) if ident else "{" + ", ".join(list(result)[:4]) + ("…" if len(result) > 4 else "") + "}"
    )
    return head + (f" ({', '.join(facts)})" if facts else "")


def _short(ident: str) -> str:
    return ident if len(ident) <= 20 else ident[:8] + "…"


def brief(params: dict[str, Any]) -> str:
    parts = [f"{k}={show(v, 40)}" for k, v in params.items()]
    text = ", ".join(parts)
    return text if len(text) <= 140 else text[:137] + "..."


# -- actions ----------------------------------------------------------------------------------


def sdk_method(client: Any, name: str) -> Any:
    target = client
    for part in name.split("."):
        target = getattr(target, part)
    return target


def execute(step: Step, target: Target, arg: Any, params: dict[str, Any], workspace: str | None) -> Outcome:
    """Run a step's action. API errors come back in `Outcome.failure`; `Skipped` propagates."""
    action = step.action
    if action == "check":
        return Outcome(summary="(checks only)")
    try:
        if action == "call":
            method = sdk_method(target.sdk(workspace), arg)
            try:
                result = plain(method(**params))
            except Exception as problem:  # noqa: BLE001 - an SDK error is an outcome
                failure = failure_from(problem)
                if failure is None:
                    raise
                return Outcome(
                    {"error": failure.as_dict()},
                    f"{arg}({brief(params)}) failed: {failure}",
                    failure.status,
                    failure,
                )
            return Outcome(result, f"{arg}({brief(params)}) -> {describe(result)}")
        if action == "request":
            method = str(arg.get("method", "POST")).upper()
            path = arg["path"]
            request_params = arg.get("params") or {}
            status, body = target.request(method, path, request_params, workspace, arg.get("auth", True))
            failure = failure_of(status, body) if status >= 400 else None
            summary = f"{method} {path} {brief(request_params)} -> {status} {describe(body)}"
            return Outcome(body, summary, status, failure)
        return _control(action, target, arg)
    except Skipped:
        raise
    except Exception as problem:  # noqa: BLE001
        failure = failure_from(problem)
        if failure is None:
            raise
        return Outcome({"error": failure.as_dict()}, f"{action} failed: {failure}", failure.status, failure)


def _control(action: str, target: Target, arg: Any) -> Outcome:
    """A control's action: its (resolved) argument as the control's params, run on the target."""
    declared = CONTROLS[action]
    read = arguments(action, arg)
    if read.problems:
        message = "; ".join(problem for _, problem in read.problems)
        raise Failure("invalid_input", 400, message)
    try:
        params = declared.parse((), read.values)
    except InvalidInput as problem:
        raise Failure("invalid_input", 400, problem.message, None, problem.validation_errors) from None
    answer, note = target.control(declared, params)
    return Outcome(answer, declared.describe(params, answer) + note)


def _iso(moment: Any) -> str:
    return iso(moment) or ""


def _clock(moment: Any) -> str:
    return _iso(moment)[:19].replace("T", " ")


# -- expectations ---------------------------------------------------------------------------


class Checks:
    """Evaluates one step's expectations on a target; each returns `Check`s."""

    def __init__(
        self,
        target: Target,
        step: Step,
        outcome: Outcome,
        workspace: str,
        events: Any,
        receiver: WebhookReceiver | None = None,
    ) -> None:
        self.receiver = receiver  # the scenario's `${webhook_receiver}`, once it was used
        self.target = target
        self.step = step
        self.outcome = outcome
        self.workspace = workspace
        self.events = events  # callable(workspace) -> events of this step, or None

    def run(self, expectation: Expectation, spec: Any, raw: Any) -> list[Check]:
        method = getattr(self, f"check_{expectation.kind}")
        try:
            return method(expectation, spec, raw)
        except Skipped as skipped:
            return [
                Check(expectation.kind, expectation.line, _label(expectation.kind, raw), None, str(skipped))
            ]
        except Failure as failure:
            return [
                Check(
                    expectation.kind,
                    expectation.line,
                    _label(expectation.kind, raw),
                    False,
                    f"could not look: {failure}",
                )
            ]

    def _fields(self, kind: str, line: int, label: str, obj: Any, fields: dict[str, Any]) -> list[Check]:
        out = []
        for path, want in fields.items():
            reason = match(lookup(obj, str(path)), want)
            out.append(Check(kind, line, f"{label}: {path} {_want(want)}", reason is None, reason or ""))
        return out

    def check_error(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        want = {"type": spec} if isinstance(spec, str) else dict(spec)
        label = f"fails with {want.get('type', 'an error')}"
        failure = self.outcome.failure
        if failure is None:
            return [Check(e.kind, e.line, label, False, f"it succeeded: {describe(self.outcome.result)}")]
        actual = failure.as_dict()
        reasons = []
        for key in ("type", "status", "message", "data"):
            if key in want:
                reason = match(actual.get(key, MISSING), want[key])
                if reason:
                    reasons.append(f"{key}: {reason}")
        detail = "; ".join(reasons)
        if reasons:
            detail += f" (the error: {failure})"
        return [Check(e.kind, e.line, label, not reasons, detail)]

    def check_http_status(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        got = self.outcome.http_status
        detail = "" if got == spec else f"expected {spec}, got {got}: {describe(self.outcome.result)}"
        return [Check(e.kind, e.line, f"answers HTTP {spec}", got == spec, detail)]

    def check_result(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        return self._fields(e.kind, e.line, "result", self.outcome.result, spec)

    def check_access_code(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        return self._object(e, spec, raw, "access_code", "/access_codes/get", "access_code_id")

    def check_device(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        return self._object(e, spec, raw, "device", "/devices/get", "device_id")

    def _object(
        self, e: Expectation, spec: dict, raw: dict, kind: str, route: str, id_param: str
    ) -> list[Check]:
        label = f"{kind} {raw.get('id')}"
        workspace = spec.get("workspace") or self.workspace
        status, body = self.target.request("GET", route, {id_param: spec["id"]}, workspace)
        fields = {k: v for k, v in spec.items() if k not in ("id", "workspace", "gone")}
        if spec.get("gone") is True:
            gone = status == 404
            detail = "" if gone else f"it is still there (HTTP {status}): {describe(lookup(body, kind))}"
            return [Check(e.kind, e.line, f"{label} is gone (404)", gone, detail)]
        if status != 200:
            detail = f"HTTP {status}: {describe(body)}"
            return [Check(e.kind, e.line, f"{label} exists", False, detail)]
        obj = body.get(kind, body) if isinstance(body, dict) else body
        checks = self._fields(e.kind, e.line, label, obj, fields)
        if spec.get("gone") is False or not checks:
            checks.insert(0, Check(e.kind, e.line, f"{label} exists", True))
        return checks

    def check_access_codes(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        workspace = spec.get("workspace") or self.workspace
        body = self.target.api("GET", "/access_codes/list", {"device_id": spec["device"]}, workspace)
        items = body.get("access_codes", []) if isinstance(body, dict) else []
        return self._listing(e, spec, f"access codes of {raw['device']}", items)

    def _listing(
        self, e: Expectation, spec: dict, label: str, items: list[Any], extra: dict | None = None
    ) -> list[Check]:
        out = []
        values = {"count": len(items), **(extra or {})}
        for key, value in values.items():
            if key in spec:
                reason = match(value, spec[key])
                out.append(
                    Check(
                        e.kind,
                        e.line,
                        f"{label}: {key} {_want(spec[key])}",
                        reason is None,
                        f"{reason}; they are {show(codes(items), 200)}" if reason else "",
                    )
                )
        out += _membership(
            e,
            spec,
            label,
            items,
            absent=lambda: f"not among {show(codes(items), 300)}",
            present=lambda: f"found among {show(items, 300)}",
        )
        return out

    def check_slots(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        slots, capacity = self.target.slots(spec["device"])
        return self._listing(e, spec, f"slots of {raw['device']}", slots, {"free": capacity - len(slots)})

    def check_backup_pool(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        pool = self.target.backup_pool(spec["device"])
        names = {
            "size": "pool_size",
            "active": "is_active",
            "many_active_threshold": "many_active_backup_codes_threshold",
        }
        out = []
        for key, want in spec.items():
            if key == "device":
                continue
            actual = pool.get(names.get(key, key), MISSING)
            if (
                key in ("ready", "pulled", "in_flight")
                and isinstance(actual, list)
                and not isinstance(want, list)
            ):
                count = len(actual)
                reason = match(count, want)
                if reason:
                    reason += f" ({show(codes(actual), 200)})"
            else:
                reason = match(actual, want)
            out.append(
                Check(
                    e.kind,
                    e.line,
                    f"backup pool of {raw['device']}: {key} {_want(want)}",
                    reason is None,
                    reason or "",
                )
            )
        return out

    def check_pin(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        opens = self.target.pin_opens(spec["device"], str(spec["code"]))
        verb = "opens" if spec["opens"] else "does not open"
        shown = raw["code"] if str(raw["code"]) == str(spec["code"]) else f"{raw['code']} ({spec['code']})"
        label = f"PIN {shown} {verb} {raw['device']}"
        if opens is None:
            return [Check(e.kind, e.line, label, None, "the server did not say whether the door opened")]
        detail = "" if opens == spec["opens"] else ("it opened the door" if opens else "the lock refused it")
        return [Check(e.kind, e.line, label, opens == spec["opens"], detail)]

    def check_deliveries(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        """What `${webhook_receiver}` has taken so far, in order, once every delivery due has
        been sent (`flush_webhooks`); each must verify with the webhook's secret."""
        receiver = self.receiver
        if receiver is None:
            return [Check(e.kind, e.line, "webhook deliveries", False, msgs.NO_SCENARIO_RECEIVER)]
        self.target.control(CONTROLS["flush_webhooks"], NoParams())
        received = list(receiver.received)
        taken = [r.event_type for r in received if 200 <= r.status < 300]
        label = "webhook deliveries so far"
        out = [
            Check(
                e.kind,
                e.line,
                f"{label} verify with the webhook's secret",
                all(r.verified for r in received),
                ""
                if all(r.verified for r in received)
                else msgs.unverified_deliveries([r.event_type for r in received if not r.verified]),
            )
        ]
        if "contains" in spec:
            missing = [t for t in spec["contains"] if t not in taken]
            out.append(
                Check(
                    e.kind,
                    e.line,
                    f"{label} include {show(spec['contains'], 120)}",
                    not missing,
                    f"missing {show(missing, 120)}; taken: {show(taken, 300)}" if missing else "",
                )
            )
        if "exactly" in spec:
            want = list(spec["exactly"])
            out.append(
                Check(
                    e.kind,
                    e.line,
                    f"{label} are, in order, {show(want, 120)}",
                    taken == want,
                    "" if taken == want else f"taken: {show(taken, 300)}",
                )
            )
        if "count" in spec:
            reason = match(len(taken), spec["count"])
            out.append(
                Check(
                    e.kind,
                    e.line,
                    f"{label}: count {_want(spec['count'])}",
                    reason is None,
                    f"{reason}: {show(taken, 300)}" if reason else "",
                )
            )
        return out

    def check_events(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        if isinstance(spec, list):
            spec = {"contains": spec}
        workspace = spec.get("workspace") or self.workspace
        events = self.events(workspace)
        where = ""
        if "device" in spec:
            events = [ev for ev in events if ev.get("device_id") == spec["device"]]
            where += f" on {raw['device']}"
        if "access_code" in spec:
            events = [ev for ev in events if ev.get("access_code_id") == spec["access_code"]]
            where += f" of {raw['access_code']}"
        label = f"events of this step{where}"
        types = [ev.get("event_type") for ev in events]

        def emitted() -> str:
            return f"emitted: {show(types, 300)}"

        out = _membership(e, spec, label, events, absent=emitted, present=emitted)
        if "exactly" in spec:
            want = spec["exactly"]
            reason = match(events, {"exactly": want})
            out.append(
                Check(
                    e.kind,
                    e.line,
                    f"{label} are exactly {show(want, 120)} (any order)",
                    reason is None,
                    f"{reason}" if reason else "",
                )
            )
        if "sequence" in spec:
            want = spec["sequence"]
            reason = None if types == want else f"expected {show(want, 200)}, got {show(types, 300)}"
            out.append(
                Check(
                    e.kind, e.line, f"{label} are, in order, {show(want, 120)}", reason is None, reason or ""
                )
            )
        if "count" in spec:
            reason = match(len(events), spec["count"])
            out.append(
                Check(
                    e.kind,
                    e.line,
                    f"{label}: count {_want(spec['count'])}",
                    reason is None,
                    f"{reason}: {show(types, 300)}" if reason else "",
                )
            )
        return out

    def check_fetch(self, e: Expectation, spec: Any, raw: Any) -> list[Check]:
        workspace = spec.get("workspace") or self.workspace
        params = spec.get("params") or {}
        if "call" in spec:
            label = f"{spec['call']}({brief(params)})"
            method = sdk_method(self.target.sdk(workspace), spec["call"])
            try:
                result = plain(method(**params))
            except Exception as problem:  # noqa: BLE001
                failure = failure_from(problem)
                if failure is None:
                    raise
                raise failure from None
        else:
            label = f"{spec['request']}({brief(params)})"
            result = self.target.api("GET", spec["request"], params, workspace)
        return self._fields(e.kind, e.line, label, result, spec.get("fields", {}))


def _membership(
    e: Expectation,
    spec: Any,
    label: str,
    items: list[Any],
    *,
    absent: Callable[[], str],
    present: Callable[[], str],
) -> list[Check]:
    """The `contains` and `excludes` checks of a spec over `items`; `absent`/`present` say
    (only when asked, on a failure) what was there when a wanted item is missing or an
    unwanted one is found."""
    out = []
    for needle in spec.get("contains", []):
        ok = found(items, needle)
        out.append(
            Check(
                e.kind,
                e.line,
                f"{label} include {show(needle, 80)}",
                ok,
                "" if ok else _miss(items, needle, absent()),
            )
        )
    for needle in spec.get("excludes", []):
        ok = not found(items, needle)
        out.append(Check(e.kind, e.line, f"{label} exclude {show(needle, 80)}", ok, "" if ok else present()))
    return out


def _miss(items: list[Any], needle: Any, listing: str) -> str:
    """Why no item matched: the listing, and how the likeliest items differ from the needle."""
    if not isinstance(needle, dict):
        return listing
    key = next((k for k in ("event_type", "error_code", "warning_code", "name", "code") if k in needle), None)
    near = [i for i in items if isinstance(i, dict) and key is not None and i.get(key) == needle.get(key)]
    reasons = [match(item, needle) for item in near[:2]]
    return listing + "".join(f"; closest differs: {r}" for r in reasons if r)


def _label(kind: str, raw: Any) -> str:
    if isinstance(raw, dict):
        for key in ("id", "device"):
            if key in raw:
                return f"{kind} {raw[key]}"
    return kind


def _want(want: Any) -> str:
    if isinstance(want, dict) and want and all(isinstance(k, str) for k in want):
        if is_operator(want):
            return " ".join(f"{op} {show(arg, 80)}" for op, arg in want.items())
    return f"= {show(want, 80)}"
