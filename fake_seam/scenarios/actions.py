"""Scenario actions: one per control of `fake_seam.controls`, named as the control is, its
argument checked by the control's own params model.

A scenario writes an argument the way a person would: `advance: 10m` (a scalar stands for the
control's shorthand field), `device:` for `device_id`, `for: 1h` for `for_seconds` (a duration
for any `*_seconds` field), `code: 1234` for the PIN "1234". The action names of earlier
releases (`at`, `fail_next`, `failure_rate`, `keypad_code`, `keypad_edit`, `configure_pool`)
still work, with a `DeprecationWarning`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from fake_seam.controls import CONTROLS, Control
from fake_seam.scenarios.reading import parse_duration
from fake_seam.wire.validation import (
    ZodEnum,
    ZodNullable,
    ZodNumber,
    ZodString,
    ZodType,
    issues_from_validation_error,
)

REFERENCE_MARK = "${"


@dataclass(frozen=True)
class Renamed:
    """An action name of an earlier release: the control it is now, and its old keys."""

    control: str
    keys: dict[str, str] = field(default_factory=dict)  # old key -> the control's field
    defaults: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()


DEPRECATED: dict[str, Renamed] = {
    "at": Renamed("set_time"),
    "fail_next": Renamed("set_fault_plan", {"count": "fail_next", "error": "error_code"}, {"fail_next": 1}),
    "failure_rate": Renamed(
        "set_fault_plan", {"rate": "failure_rate", "error": "error_code"}, required=("failure_rate",)
    ),
    "keypad_code": Renamed("add_keypad_code"),
    "keypad_edit": Renamed("edit_keypad_code"),
    "configure_pool": Renamed(
        "set_backup_pool",
        {"size": "pool_size", "many_active_threshold": "many_active_backup_codes_threshold"},
    ),
}

NAMES: tuple[str, ...] = (*CONTROLS, *DEPRECATED)


def control_of(action: str) -> tuple[Control[Any, Any], Renamed | None]:
    renamed = DEPRECATED.get(action)
    return CONTROLS[renamed.control if renamed else action], renamed


def is_reference(value: Any) -> bool:
    return isinstance(value, str) and REFERENCE_MARK in value


def _zod(info: Any) -> ZodType | None:
    zod = next((m for m in info.metadata if isinstance(m, ZodType)), None)
    while isinstance(zod, ZodNullable):
        zod = zod.inner
    return zod


def shorthand(declared: Control[Any, Any]) -> str | None:
    """The field a scalar argument stands for: declared, or the first required field."""
    model = declared.params
    if model.shorthand is not None:
        return model.shorthand
    return next((name for name, info in model.model_fields.items() if info.is_required()), None)


@dataclass
class Arguments:
    """An action's argument as the control's params (wire values), and what is wrong with it:
    `(key as written, problem)` pairs."""

    values: dict[str, Any]
    written: dict[str, str]  # field -> the key the file used for it
    problems: list[tuple[str | None, str]]
    unreadable: set[str] = field(default_factory=set)  # fields whose value could not be read
    scalar: bool = False  # written as `action: value`, not as a mapping


def arguments(action: str, arg: Any) -> Arguments:
    """Read an action's argument; values holding `${...}` are kept as written (checked once
    resolved, when the step runs)."""

    declared, renamed = control_of(action)
    fields = declared.params.model_fields
    out = Arguments({}, {}, [])
    scalar = not isinstance(arg, dict)
    if not isinstance(arg, dict):
        short = shorthand(declared)
        if short is not None and arg is not None:
            arg = {short: arg}
        elif arg is True or arg is None:
            arg = {}
        else:
            names = ", ".join(fields) or "nothing"
            out.problems.append((None, f"write `{action}: true`, or a mapping of {names}"))
            return out
    if renamed is not None:
        out.values.update(renamed.defaults)
    for key, value in arg.items():
        name = _field_name(str(key), renamed, fields)
        if name is None:
            known = [*(renamed.keys if renamed else {}), *fields]
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.problems.append((str(key), f"unknown key {key!r}{hint}; it takes {', '.join(known)}"))
            continue
        out.written[name] = str(key)
        zod = _zod(fields[name])
        if is_reference(value):
            pass  # `${...}` is read when the step runs, and checked then
        elif isinstance(zod, ZodNumber) and (name == "seconds" or name.endswith("_seconds")):
            if isinstance(value, str):
                try:
                    value = parse_duration(value)
                except ValueError as problem:
                    out.problems.append((str(key), str(problem) if scalar else f"{key}: {problem}"))
                    out.unreadable.add(name)
                    continue
        elif isinstance(zod, ZodString) and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # `code: 1234` is the PIN "1234" (`0123` stays text in YAML)
        out.values[name] = value
    for name in renamed.required if renamed else ():
        if name not in out.values:
            out.problems.append((None, f"needs {_written_name(name, renamed)}:"))
    out.scalar = scalar
    _validate(declared, renamed, out)
    return out


def _field_name(key: str, renamed: Renamed | None, fields: dict[str, Any]) -> str | None:
    if renamed is not None and key in renamed.keys:
        return renamed.keys[key]
    for name in (key, f"{key}_id", f"{key}_seconds"):
        if name in fields:
            return name
    return None


def _written_name(name: str, renamed: Renamed | None) -> str:
    for old, new in (renamed.keys if renamed else {}).items():
        if new == name:
            return old
    return name


def _validate(declared: Control[Any, Any], renamed: Renamed | None, out: Arguments) -> None:
    pending = {k for k, v in out.values.items() if is_reference(v)} | out.unreadable
    ready = {k: v for k, v in out.values.items() if k not in pending}
    try:
        declared.params.model_validate(ready)
    except ValidationError as invalid:
        fields = declared.params.model_fields
        for issue in issues_from_validation_error(invalid):
            name = str(issue.path[0]) if issue.path else ""
            if name in pending:
                continue  # checked once the reference is resolved
            written = out.written.get(name) or _written_name(name, renamed)
            if issue.message == "Required":
                out.problems.append((None, f"needs {written}:"))
                continue
            hint = ""
            info = fields.get(name)
            zod = _zod(info) if info is not None else None
            if isinstance(zod, ZodEnum):
                hint = f" (must be one of {', '.join(zod.values)})"
            elif info is not None and info.description:
                hint = f" ({info.description})"
            said = f"{issue.message}{hint}" if out.scalar else f"{written}: {issue.message}{hint}"
            out.problems.append((out.written.get(name), said))
