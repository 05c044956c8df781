"""Comparing what a scenario expects with what happened, and saying how they differ.

`match(actual, expected)` returns None when they agree, else a short reason naming both
values. Expected values are plain values (equality), lists, mappings (a subset of the actual
mapping, keys may be dotted paths) or operator mappings such as `{contains: [...]}`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fake_seam.clock import to_datetime
from fake_seam.scenarios.model import MATCHER_OPS


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()
# An item of a list is named by the first of these it has: `errors: [device_offline]`.
CODE_KEYS = ("event_type", "error_code", "warning_code", "code", "access_code_id", "device_id", "type")


def lookup(obj: Any, path: str) -> Any:
    """The value at a dotted path (`access_code.errors.0.error_code`, `devices.length`), or MISSING."""
    if path in ("", "."):
        return obj
    for part in str(path).split("."):
        if isinstance(obj, dict):
            if part not in obj:
                return MISSING
            obj = obj[part]
        elif isinstance(obj, list | tuple):
            if part == "length":  # `result: {length: 2}`, `access_codes.length: 3`
                obj = len(obj)
                continue
            try:
                obj = obj[int(part)]
            except (ValueError, IndexError):
                return MISSING
        else:
            return MISSING
    return obj


def show(value: Any, limit: int = 160) -> str:
    if value is MISSING:
        return "<missing>"
    try:
        text = json.dumps(value, default=str, sort_keys=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def item_code(item: Any) -> Any:
    if isinstance(item, dict):
        for key in CODE_KEYS:
            if key in item:
                return item[key]
    return item


def codes(items: list[Any]) -> list[Any]:
    return [item_code(i) for i in items]


def is_operator(expected: Any) -> bool:
    return isinstance(expected, dict) and bool(expected) and all(k in MATCHER_OPS for k in expected)


def match(actual: Any, expected: Any) -> str | None:
    if is_operator(expected):
        reasons = [r for op, arg in expected.items() if (r := _operator(op, actual, arg)) is not None]
        return "; ".join(reasons) or None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"expected an object with {show(expected)}, got {show(actual)}"
        reasons = []
        for key, want in expected.items():
            reason = match(lookup(actual, str(key)), want)
            if reason is not None:
                reasons.append(f"{key}: {reason}")
        return "; ".join(reasons) or None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"expected a list {show(expected)}, got {show(actual)}"
        if (
            actual
            and all(isinstance(a, dict) for a in actual)
            and all(not isinstance(e, dict | list) for e in expected)
        ):
            got = codes(actual)
            if sorted(map(str, got)) != sorted(map(str, expected)):
                return f"expected {show(expected)}, got {show(got)}"
            return None
        if not actual and not expected:
            return None
        if len(actual) != len(expected):
            return (
                f"expected {len(expected)} item(s) {show(expected)}, got {len(actual)}: {show(codes(actual))}"
            )
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            reason = match(a, e)
            if reason is not None:
                return f"item {index}: {reason}"
        return None
    if equal(actual, expected):
        return None
    return f"expected {show(expected)}, got {show(actual)}"


def equal(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None or actual is MISSING
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(actual) == float(expected)
    if isinstance(expected, int) and isinstance(actual, str):
        return actual == str(expected)  # an unquoted PIN
    return actual == expected


def found(items: list[Any], needle: Any) -> bool:
    for item in items:
        if isinstance(needle, dict):
            if match(item, needle) is None:
                return True
        elif isinstance(item, dict) and not isinstance(needle, list):
            if equal(item_code(item), needle):
                return True
        elif equal(item, needle):
            return True
    return False


def _needles(arg: Any) -> list[Any]:
    return list(arg) if isinstance(arg, list) else [arg]


def _operator(op: str, actual: Any, arg: Any) -> str | None:
    if op == "equals":
        return match(actual, arg)
    if op == "not":
        return None if match(actual, arg) is not None else f"expected anything but {show(arg)}"
    if op == "exists":
        present = actual is not MISSING
        if present == bool(arg):
            return None
        return (
            "expected it to be present, but it is missing"
            if arg
            else f"expected no such field, got {show(actual)}"
        )
    if op in ("contains", "excludes"):
        if actual is MISSING or actual is None:
            return None if op == "excludes" else f"expected {show(arg)} in it, got {show(actual)}"
        if isinstance(actual, str):
            hits = [n for n in _needles(arg) if str(n) in actual]
            misses = [n for n in _needles(arg) if str(n) not in actual]
        elif isinstance(actual, dict):
            hits = [n for n in _needles(arg) if n in actual]
            misses = [n for n in _needles(arg) if n not in actual]
        elif isinstance(actual, list):
            hits = [n for n in _needles(arg) if found(actual, n)]
            misses = [n for n in _needles(arg) if not found(actual, n)]
        else:
            return f"expected a list or text to look in, got {show(actual)}"
        listing = show(codes(actual) if isinstance(actual, list) else actual)
        if op == "contains" and misses:
            return f"missing {show(misses)}; got {listing}"
        if op == "excludes" and hits:
            return f"should not contain {show(hits)}; got {listing}"
        return None
    if op == "exactly":
        if not isinstance(actual, list):
            return f"expected a list, got {show(actual)}"
        needles = _needles(arg)
        left = list(actual)
        for needle in needles:
            for index, item in enumerate(left):
                if found([item], needle):
                    del left[index]
                    break
            else:
                return f"expected exactly {show(needles)} (any order), got {show(codes(actual))}"
        if left:
            return f"expected exactly {show(needles)} (any order), got {show(codes(actual))}"
        return None
    if op == "length":
        if not isinstance(actual, list | str | dict):
            return f"expected something with a length, got {show(actual)}"
        reason = match(len(actual), arg)
        return (
            None
            if reason is None
            else f"length {len(actual)}: {reason} ({show(codes(actual) if isinstance(actual, list) else actual)})"
        )
    if op == "in":
        options = _needles(arg)
        return (
            None
            if any(equal(actual, o) for o in options)
            else f"expected one of {show(options)}, got {show(actual)}"
        )
    if op == "matches":
        return (
            None
            if isinstance(actual, str) and re.search(str(arg), actual)
            else f"expected to match /{arg}/, got {show(actual)}"
        )
    if op == "startswith":
        return (
            None
            if isinstance(actual, str) and actual.startswith(str(arg))
            else f"expected to start with {show(arg)}, got {show(actual)}"
        )
    if op in ("gte", "gt", "lte", "lt"):
        left, right = _comparable(actual), _comparable(arg)
        if left is None or right is None or type(left) is not type(right):
            return f"cannot compare {show(actual)} with {show(arg)}"
        ok = {"gte": left >= right, "gt": left > right, "lte": left <= right, "lt": left < right}[op]
        symbol = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}[op]
        return None if ok else f"expected {symbol} {show(arg)}, got {show(actual)}"
    return f"unknown operator {op}"  # pragma: no cover - the model rejects these


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return to_datetime(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None
