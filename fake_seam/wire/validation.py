"""Request parameters on the wire: query-string coercion and zod-compatible validation.

Seam's server validates every request with zod (through Seam's `nextlove`), and
clients compare zod's words, so this module reproduces them:

- `parse_params(route, query, body)` merges the query string (coerced to the declared
  types the way Seam's `@seamapi/url-search-params-parser` does) with the JSON body
  (body wins), validates the result against the route's generated model in
  `fake_seam.wire.params`, and returns the model or raises `InvalidInput`.
- `InvalidInput` carries the message Seam's server writes
  (`device_id is required`, `Expected string, received number for "name"`,
  `2 Input Errors: ...`) and `validation_errors` in zod's `format()` shape.
- `invalid(param, message)` builds the same error for a handler's own checks, and
  `parse_timestamp(value, param)` reads an ISO 8601 parameter.

The generated models annotate each field with one of the `ZodType` validators
below (`string()`, `number()`, `enum()`, `array()`, `union()`...), which implement
zod's semantics exactly where pydantic's differ: no coercion of JSON values, every
failed check reported (not only the first), unions reporting their options'
errors, `null` rejected unless the spec says `nullable`. A parameter that was not
sent is `None` on the model and absent from `model_fields_set`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import UnionType
from typing import Any, ClassVar, Literal, Self, TypeVar, Union, get_args, get_origin
from urllib.parse import parse_qsl

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from fake_seam import messages as msgs

__all__ = [
    "InvalidInput",
    "Issue",
    "OneOfParams",
    "Params",
    "Route",
    "ZodType",
    "array",
    "boolean",
    "enum",
    "invalid",
    "literal",
    "number",
    "obj",
    "parse_params",
    "parse_query",
    "parse_timestamp",
    "record",
    "string",
    "union",
    "unknown",
    "validate_params",
]

M = TypeVar("M", bound=BaseModel)


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class Issue:
    """One zod issue. `fatal` marks the issues after which zod aborts (type errors,
    enum mismatches, failed unions) as opposed to failed checks (lengths, bounds,
    patterns), which only make the result "dirty"; unions need the difference.
    `union_errors` holds the options' issues of an `Invalid input` union issue."""

    path: tuple[str | int, ...]
    message: str
    fatal: bool = True
    union_errors: tuple[tuple[Issue, ...], ...] = ()

    def under(self, prefix: tuple[str | int, ...]) -> Issue:
        if not prefix:
            return self
        return Issue(
            prefix + self.path,
            self.message,
            self.fatal,
            tuple(tuple(i.under(prefix) for i in option) for option in self.union_errors),
        )


class InvalidInput(Exception):
    """A 400 `invalid_input` answer, with the attributes of the Seam layer's errors
    (`type`, `message`, `status`, `data`, `validation_errors`, `body()`)."""

    type = "invalid_input"
    status = 400
    data: dict[str, Any] | None = None

    def __init__(self, message: str, validation_errors: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.validation_errors = validation_errors

    @classmethod
    def from_issues(cls, issues: Sequence[Issue]) -> InvalidInput:
        return cls(summarize(issues), format_issues(issues))

    def body(self) -> dict[str, Any]:
        error = {
            "type": self.type,
            "message": self.message,
            "validation_errors": self.validation_errors,
        }
        return {"error": error, "ok": False}


def _path_of(param: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in param.split(".")) if param else ()


def invalid(param: str, message: str) -> InvalidInput:
    """An `invalid_input` error about one parameter, shaped like zod's.

    `param` may be dotted for a nested value (`"between.1"`, `"custom_metadata.k"`).
    """
    return InvalidInput.from_issues([Issue(_path_of(param), message)])


def _issue_summary(issue: Issue) -> str:
    # nextlove's zodIssueToString: the message Seam's server puts in `error.message`.
    path = ".".join(str(p) for p in issue.path)
    if not path:
        return issue.message
    if issue.message == msgs.REQUIRED:
        return msgs.param_required(path)
    return msgs.issue_for_param(issue.message, path)


def summarize(issues: Sequence[Issue]) -> str:
    """Seam's `error.message` for these issues."""
    if len(issues) == 1:
        return _issue_summary(issues[0])
    return msgs.input_errors([_issue_summary(i) for i in issues])


def format_issues(issues: Sequence[Issue]) -> dict[str, Any]:
    """zod's `ZodError.format()`: nested `{"_errors": [...]}` per path element; a failed
    union contributes its options' issues rather than its own `Invalid input`."""
    root: dict[str, Any] = {"_errors": []}

    def process(batch: Iterable[Issue]) -> None:
        for issue in batch:
            if issue.union_errors:
                for option in issue.union_errors:
                    process(option)
                continue
            node = root
            for element in issue.path:
                node = node.setdefault(str(element), {"_errors": []})
            node["_errors"].append(issue.message)

    process(issues)
    return root


class ZodFailure(Exception):
    """Raised by `ZodType.parse`; carries zod issues relative to the parsed value."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues)
        self.issues = issues

    def __str__(self) -> str:
        return summarize(self.issues)

    @property
    def fatal(self) -> bool:
        return any(i.fatal for i in self.issues)

    def to_pydantic(self) -> PydanticCustomError:
        return PydanticCustomError(
            "zod", "{summary}", {"summary": summarize(self.issues), "issues": self.issues}
        )


def issues_from_validation_error(exc: ValidationError) -> list[Issue]:
    issues: list[Issue] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = tuple(error["loc"])
        if error["type"] == "zod":
            issues.extend(i.under(loc) for i in error["ctx"]["issues"])
        elif error["type"] == "missing":
            issues.append(Issue(loc, msgs.REQUIRED))
        else:  # not produced by the generated models; keep pydantic's words
            issues.append(Issue(loc, error["msg"]))
    return issues


# ------------------------------------------------------------------------ zod types


def received(value: object) -> str:
    """zod's name for the type of a value (its `getParsedType`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping | BaseModel):
        return "object"
    if isinstance(value, datetime):
        return "date"
    return "unknown"


def _js_number(value: float) -> str:
    """A number as JavaScript prints it in a message (`4`, not `4.0`)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def _utf16_length(value: str) -> int:
    # zod compares String.length, which counts UTF-16 code units.
    if value.isascii():
        return len(value)
    return len(value.encode("utf-16-le")) // 2


class ZodType:
    """A zod schema: `parse` returns the value or raises `ZodFailure`.

    Used as `Annotated[...]` metadata on the generated models' fields, so pydantic
    calls `parse` for every value that was sent (defaults are not validated).
    """

    expected: str = "unknown"

    def parse(self, value: object) -> Any:
        raise NotImplementedError

    def nullable(self) -> ZodNullable:
        return ZodNullable(self)

    def _type_error(self, value: object) -> ZodFailure:
        return ZodFailure([Issue((), msgs.expected_received(self.expected, received(value)))])

    def _validate_field(self, value: object) -> Any:
        try:
            return self.parse(value)
        except ZodFailure as exc:
            raise exc.to_pydantic() from None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_plain_validator_function(self._validate_field)


class ZodNullable(ZodType):
    def __init__(self, inner: ZodType) -> None:
        self.inner = inner
        self.expected = inner.expected

    def parse(self, value: object) -> Any:
        return None if value is None else self.inner.parse(value)


_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$",
    re.IGNORECASE,
)
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(.*)$", re.DOTALL)
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})


def _is_url(value: str) -> bool:
    # An approximation of `new URL(value)` succeeding, which is all zod's url() asks.
    match = _URL_SCHEME.match(value.strip())
    if match is None:
        return False
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme in _SPECIAL_SCHEMES:
        host = rest.lstrip("/\\").split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return bool(host) and not any(c.isspace() for c in host)
    return True


def _js_regex(pattern: str) -> re.Pattern[str]:
    # JavaScript's `\d` is ASCII-only and its `$` does not match before a final "\n".
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern, re.ASCII)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ZodString(ZodType):
    expected = "string"

    def __init__(
        self,
        *,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        format: str | None = None,
    ) -> None:
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern
        self.format = format
        self._regex: re.Pattern[str] | None = None

    def parse(self, value: object) -> Any:
        if not isinstance(value, str):
            raise self._type_error(value)
        if not value.isascii() and not _encodable(value):
            # A lone surrogate: stored, it would break every later answer that shows it.
            raise ZodFailure([Issue((), msgs.UNENCODABLE_STRING, True)])
        issues: list[Issue] = []
        if len(value) > MAX_STRING_LENGTH and (
            self.max_length is None or self.max_length > MAX_STRING_LENGTH
        ):
            # fake-seam's own cap where Seam's spec sets none: a stored string comes back in
            # every later list that shows it.
            issues.append(Issue((), msgs.string_too_long(MAX_STRING_LENGTH), False))
        elif self.min_length is not None or self.max_length is not None:
            length = _utf16_length(value)
            if self.min_length is not None and length < self.min_length:
                issues.append(Issue((), msgs.string_too_short(self.min_length), False))
            if self.max_length is not None and length > self.max_length:
                issues.append(Issue((), msgs.string_too_long(self.max_length), False))
        if self.pattern is not None:
            if self._regex is None:
                self._regex = _js_regex(self.pattern)
            if self._regex.search(value) is None:
                issues.append(Issue((), msgs.INVALID, False))
        if self.format == "email" and _EMAIL.match(value) is None:
            issues.append(Issue((), msgs.INVALID_EMAIL, False))
        elif self.format == "uri" and not _is_url(value):
            issues.append(Issue((), msgs.INVALID_URL, False))
        if issues:
            raise ZodFailure(issues)
        return value


MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
MAX_STRING_LENGTH = 10_000  # characters in any one string parameter (Seam's names are far shorter)


class ZodNumber(ZodType):
    expected = "number"

    def __init__(
        self,
        *,
        integer: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: bool = False,
        exclusive_maximum: bool = False,
    ) -> None:
        self.integer = integer
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_minimum = exclusive_minimum
        self.exclusive_maximum = exclusive_maximum

    def parse(self, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._type_error(value)
        if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
            # JavaScript's numbers are doubles: past 2**53 an integer is a float (and a Python
            # int past 64 bits could not be written back as JSON at all).
            try:
                value = float(value)
            except OverflowError:
                raise ZodFailure([Issue((), msgs.NUMBER_NOT_FINITE, False)]) from None
        if isinstance(value, float):
            if math.isnan(value):
                raise self._type_error(value)
            if math.isinf(value):
                # zod's `.finite()` wording: no value of the fake is infinite (a time, a count).
                raise ZodFailure([Issue((), msgs.NUMBER_NOT_FINITE, False)])
            if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:  # 5.0 is 5, as in JavaScript
                value = int(value)
        issues: list[Issue] = []
        if self.integer and not (isinstance(value, int) or value.is_integer()):
            issues.append(Issue((), msgs.EXPECTED_INTEGER, False))
        if self.minimum is not None:
            if self.exclusive_minimum and not value > self.minimum:
                message = msgs.number_greater_than(_js_number(self.minimum))
                issues.append(Issue((), message, False))
            elif not self.exclusive_minimum and not value >= self.minimum:
                message = msgs.number_at_least(_js_number(self.minimum))
                issues.append(Issue((), message, False))
        if self.maximum is not None:
            if self.exclusive_maximum and not value < self.maximum:
                message = msgs.number_less_than(_js_number(self.maximum))
                issues.append(Issue((), message, False))
            elif not self.exclusive_maximum and not value <= self.maximum:
                message = msgs.number_at_most(_js_number(self.maximum))
                issues.append(Issue((), message, False))
        if issues:
            raise ZodFailure(issues)
        return value


class ZodBoolean(ZodType):
    expected = "boolean"

    def parse(self, value: object) -> Any:
        if not isinstance(value, bool):
            raise self._type_error(value)
        return value


class ZodEnum(ZodType):
    def __init__(self, values: Sequence[str]) -> None:
        self.values = tuple(values)
        self._set = frozenset(self.values)
        self.expected = " | ".join(f"'{v}'" for v in self.values)

    def parse(self, value: object) -> Any:
        if not isinstance(value, str):
            raise self._type_error(value)
        if value not in self._set:
            message = msgs.invalid_enum_value(self.expected, value)
            raise ZodFailure([Issue((), message)])
        return value


class ZodLiteral(ZodType):
    def __init__(self, value: str | float | bool) -> None:
        self.value = value
        self.expected = json.dumps(value)

    def parse(self, value: object) -> Any:
        if type(value) is not type(self.value) or value != self.value:
            message = msgs.invalid_literal_value(self.expected)
            raise ZodFailure([Issue((), message)])
        return value


class ZodArray(ZodType):
    expected = "array"

    def __init__(self, item: ZodType, *, min_items: int | None = None, max_items: int | None = None) -> None:
        self.item = item
        self.min_items = min_items
        self.max_items = max_items

    def parse(self, value: object) -> Any:
        if not isinstance(value, list):
            raise self._type_error(value)
        issues: list[Issue] = []
        size = len(value)
        if self.min_items is not None and self.min_items == self.max_items:
            if size != self.min_items:  # as zod's `.length(n)` reports it
                message = msgs.array_exactly(self.min_items)
                issues.append(Issue((), message, False))
        else:
            if self.min_items is not None and size < self.min_items:
                message = msgs.array_at_least(self.min_items)
                issues.append(Issue((), message, False))
            if self.max_items is not None and size > self.max_items:
                message = msgs.array_at_most(self.max_items)
                issues.append(Issue((), message, False))
        out = []
        for index, item in enumerate(value):
            try:
                out.append(self.item.parse(item))
            except ZodFailure as exc:
                issues.extend(i.under((index,)) for i in exc.issues)
        if issues:
            raise ZodFailure(issues)
        return out


class ZodRecord(ZodType):
    expected = "object"

    def __init__(self, value: ZodType) -> None:
        self.value = value

    def parse(self, value: object) -> Any:
        if not isinstance(value, dict):
            raise self._type_error(value)
        issues: list[Issue] = []
        out = {}
        for key, item in value.items():
            try:
                out[key] = self.value.parse(item)
            except ZodFailure as exc:
                issues.extend(i.under((key,)) for i in exc.issues)
        if issues:
            raise ZodFailure(issues)
        return out


class ZodObject(ZodType):
    """A nested object parameter: validated by its generated model."""

    expected = "object"

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def parse(self, value: object) -> Any:
        if isinstance(value, self.model):
            return value
        if not isinstance(value, dict):
            raise self._type_error(value)
        try:
            return self.model.model_validate(value)
        except ValidationError as exc:
            raise ZodFailure(issues_from_validation_error(exc)) from None


class ZodUnion(ZodType):
    """zod's union: the first option that parses wins; else the issues of the first
    option that failed only on checks; else `Invalid input` with every option's
    issues (which `format()` spreads into `validation_errors`)."""

    def __init__(self, options: Sequence[ZodType]) -> None:
        self.options = tuple(options)
        self.expected = self.options[0].expected if self.options else "unknown"

    def parse(self, value: object) -> Any:
        failures: list[ZodFailure] = []
        for option in self.options:
            try:
                return option.parse(value)
            except ZodFailure as exc:
                failures.append(exc)
        for failure in failures:
            if not failure.fatal:
                raise failure
        union_errors = tuple(tuple(f.issues) for f in failures if f.issues)
        raise ZodFailure([Issue((), msgs.INVALID_INPUT, True, union_errors)])


class ZodUnknown(ZodType):
    """Any JSON value (a free-form object's values)."""

    def parse(self, value: object) -> Any:
        if isinstance(value, str | bool | None):
            return value
        try:  # what the fake stores it shows again: refuse what could not be written as JSON
            orjson.dumps(value)
        except orjson.JSONEncodeError:
            raise ZodFailure([Issue((), msgs.NOT_JSON, True)]) from None
        return value


def string(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    format: str | None = None,
) -> ZodString:
    return ZodString(min_length=min_length, max_length=max_length, pattern=pattern, format=format)


def number(
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> ZodNumber:
    return ZodNumber(
        integer=integer,
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=exclusive_minimum,
        exclusive_maximum=exclusive_maximum,
    )


def boolean() -> ZodBoolean:
    return ZodBoolean()


def enum(values: Sequence[str]) -> ZodEnum:
    return ZodEnum(values)


def literal(value: str | float | bool) -> ZodLiteral:
    return ZodLiteral(value)


def array(item: ZodType, *, min_items: int | None = None, max_items: int | None = None) -> ZodArray:
    return ZodArray(item, min_items=min_items, max_items=max_items)


def record(value: ZodType) -> ZodRecord:
    return ZodRecord(value)


def obj(model: type[BaseModel]) -> ZodObject:
    return ZodObject(model)


def union(*options: ZodType) -> ZodUnion:
    return ZodUnion(options)


def unknown() -> ZodUnknown:
    return ZodUnknown()


# --------------------------------------------------------------------------- models


class Params(BaseModel):
    """Base of every parameter model (zod objects: unknown keys ignored): the generated
    ones, and hand-written ones such as the /_fake routes'.

    A generated field carries its zod type as `Annotated` metadata. A hand-written field
    may carry one too, or be a plain annotation (`str`, `int | None`, `list[str]`,
    `Literal[...]`, `dict[str, Any]`, a nested model): the zod type is then inferred from
    the annotation when the class is made, so query strings are read and errors worded
    the same for both. A field with other constraints (`Field(ge=0)`) is left to pydantic.
    """

    model_config = ConfigDict(
        strict=True,
        extra="ignore",
        defer_build=True,
        protected_namespaces=(),
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        inferred = False
        for info in cls.model_fields.values():
            if info.metadata:  # a zod type already, or constraints pydantic must apply
                continue
            zod = zod_type_of(info.annotation)
            if zod is not None:
                # Read when the (deferred) schema is built: the field validates as zod does.
                info.metadata.append(zod)
                inferred = True
        if inferred and cls.__pydantic_complete__:
            cls.model_rebuild(force=True)


def zod_type_of(annotation: Any) -> ZodType | None:
    """The zod type a plain annotation means (`None`: no zod equivalent; pydantic decides)."""
    if annotation is Any or annotation is object:
        return ZodUnknown()
    if annotation is str:
        return ZodString()
    if annotation is bool:
        return ZodBoolean()
    if annotation is int:
        return ZodNumber(integer=True)
    if annotation is float:
        return ZodNumber()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ZodObject(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        if all(isinstance(a, str) for a in args):
            return ZodEnum(args)
        literals = [ZodLiteral(a) for a in args]
        return literals[0] if len(literals) == 1 else ZodUnion(literals)
    if origin is list or origin is Sequence:
        item = zod_type_of(args[0]) if args else ZodUnknown()
        return None if item is None else ZodArray(item)
    if origin is dict or origin is Mapping:
        value = zod_type_of(args[1]) if len(args) == 2 else ZodUnknown()
        return None if value is None or (args and args[0] is not str) else ZodRecord(value)
    if origin is Union or origin is UnionType:
        options = [a for a in args if a is not type(None)]
        inner = [zod_type_of(a) for a in options]
        if not inner or any(t is None for t in inner):
            return None
        known = [t for t in inner if t is not None]
        zod = known[0] if len(known) == 1 else ZodUnion(known)
        return zod.nullable() if len(options) < len(args) else zod
    return None


class OneOfParams(Params):
    """A route whose whole body is a `oneOf` of objects: the model has every option's
    fields (all optional); validation keeps only what the first matching option
    parsed, as zod's union of objects does."""

    zod_variants: ClassVar[tuple[type[Params], ...]] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _zod_one_of(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if isinstance(data, dict) and cls.zod_variants:
            try:
                chosen = _variants_union(cls).parse(data)
            except ZodFailure as exc:
                raise exc.to_pydantic() from None
            fields = type(chosen).model_fields
            data = {fields[name].alias or name: getattr(chosen, name) for name in chosen.model_fields_set}
        return handler(data)


@cache
def _variants_union(model: type[OneOfParams]) -> ZodUnion:
    return ZodUnion(tuple(ZodObject(v) for v in model.zod_variants))


@dataclass(frozen=True, slots=True)
class Route:
    """A route of the spec: its path, the HTTP methods it accepts, its params, and whether a
    client session token may call it (a `client_session` scheme among its `security`)."""

    path: str
    methods: frozenset[str]
    params: type[Params]
    client_sessions: bool = True
    publishable_key: bool = False  # an app's publishable key alone may call it (client sessions)


# -------------------------------------------------------------------- query strings


class _Unparseable(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(msgs.unparseable_parameter(name, message))
        self.name = name


_UNSET: Any = object()
_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "1"})
_FALSE = frozenset({"false", "False", "FALSE", "no", "No", "NO", "0"})
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_RADIX = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+", re.ASCII)


@cache
def _fields(model: type[BaseModel]) -> dict[str, ZodType]:
    out: dict[str, ZodType] = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, ZodType):
                out[info.alias or name] = meta
                break
    return out


def _unwrap(t: ZodType) -> ZodType:
    while isinstance(t, ZodNullable):
        t = t.inner
    return t


def _leaf_kind(t: ZodType) -> str:
    """How a single query value is read for this type (the parser's value types)."""
    t = _unwrap(t)
    if isinstance(t, ZodString | ZodEnum):
        return "string"
    if isinstance(t, ZodNumber):
        return "number"
    if isinstance(t, ZodBoolean):
        return "boolean"
    if isinstance(t, ZodLiteral):
        v = t.value
        return "boolean" if isinstance(v, bool) else "string" if isinstance(v, str) else "number"
    if isinstance(t, ZodUnion):
        kinds = [_leaf_kind(o) for o in t.options]
        # A union that includes a string is read as a string.
        return "string" if "string" in kinds else (kinds[0] if kinds else "raw")
    return "raw"


def _parse_number(text: str) -> object:
    # JavaScript's Number(text), keeping the text when it is not a finite number.
    if _RADIX.fullmatch(text):
        return int(text, 0)
    if not _DECIMAL.fullmatch(text):
        return text
    value = float(text)
    if math.isinf(value):
        return text
    return int(value) if value.is_integer() else value


def _parse_leaf(value: str, kind: str) -> object:
    if kind == "string":
        return None if value == "" else value  # an empty string cannot be serialized
    trimmed = value.strip()
    if not trimmed:
        return None
    if kind == "number":
        return _parse_number(trimmed)
    if kind == "boolean":
        if trimmed in _TRUE:
            return True
        if trimmed in _FALSE:
            return False
        return trimmed
    return trimmed


class _Query:
    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.values: dict[str, list[str]] = {}
        for key, value in pairs:
            self.values.setdefault(key, []).append(value)

    def has_nested(self, name: str) -> str | None:
        prefix = name + "."
        return next((k for k in self.values if k.startswith(prefix)), None)

    def single(self, name: str) -> str | None:
        values = self.values.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise _Unparseable(name, msgs.REPEATED_NOT_ARRAY)
        return values[0]

    def nested_value(self, name: str) -> object:
        # An object or record sent as one value: either null or unparseable.
        nested = self.has_nested(name)
        if nested is not None:
            raise _Unparseable(name, msgs.conflicts_with_nested(nested))
        value = self.single(name)
        if value is None:
            return _UNSET
        return None if not value.strip() else value

    def array(self, name: str, kind: str) -> object:
        repeated = self.values.get(name, [])
        bracket_name = name + "[]"
        bracket = self.values.get(bracket_name, [])
        if repeated and bracket:
            raise _Unparseable(name, msgs.MIXED_ARRAY_FORMATS)
        if bracket:
            return self._array_values(bracket_name, bracket, kind, allow_comma=False)
        if not repeated:
            return _UNSET
        return self._array_values(name, repeated, kind, allow_comma=True)

    @staticmethod
    def _array_values(name: str, values: list[str], kind: str, *, allow_comma: bool) -> list[object]:
        if len(values) == 1 and not values[0].strip():
            return []  # `x=` is the empty array
        if any(not v.strip() for v in values):
            raise _Unparseable(name, msgs.MIXED_EMPTY_VALUES)
        if any("," in v for v in values):
            if not allow_comma:
                raise _Unparseable(name, msgs.COMMA_IN_BRACKET_ARRAY)
            if len(values) > 1:
                raise _Unparseable(name, msgs.COMMA_AND_REPEATED)
            parts = values[0].split(",")
            if any(not p.strip() for p in parts):
                raise _Unparseable(name, msgs.EMPTY_IN_COMMA_ARRAY)
            return [_parse_leaf(p, kind) for p in parts]
        return [_parse_leaf(v, kind) for v in values]

    def record(self, name: str, kind: str) -> object:
        if name in self.values:
            return self.nested_value(name)
        prefix = name + "."
        keys = [k for k in self.values if k.startswith(prefix)]
        if not keys:
            return _UNSET
        out: dict[str, object] = {}
        for key in keys:
            record_key = key[len(prefix) :]
            if "." in record_key or record_key.endswith("[]"):
                raise _Unparseable(key, msgs.NESTED_IN_RECORD)
            value = self.single(key)
            if value is not None:
                out[record_key] = _parse_leaf(value, kind)
        return out

    def node(self, name: str, t: ZodType) -> object:
        t = _unwrap(t)
        if isinstance(t, ZodArray):
            return self.array(name, _leaf_kind(t.item))
        if isinstance(t, ZodRecord):
            return self.record(name, _leaf_kind(t.value))
        if isinstance(t, ZodObject):
            if name in self.values:
                return self.nested_value(name)
            if self.has_nested(name) is None:
                return _UNSET
            return self.object(t.model, name + ".")
        value = self.single(name)
        return _UNSET if value is None else _parse_leaf(value, _leaf_kind(t))

    def object(self, model: type[BaseModel], prefix: str = "") -> dict[str, object]:
        # A field is read from `key`, `key[]` or `key.*` only: visit just the fields the
        # query names (a list route declares a dozen filters; a request sends one or two).
        named = {
            k[len(prefix) :].split(".", 1)[0].removesuffix("[]") for k in self.values if k.startswith(prefix)
        }
        out: dict[str, object] = {}
        for key, t in _fields(model).items():
            if key not in named:
                continue
            value = self.node(prefix + key, t)
            if value is not _UNSET:
                out[key] = value
        return out


def parse_query(model: type[BaseModel], query: Iterable[tuple[str, str]] | str) -> dict[str, object]:
    """Query-string pairs read as the model's declared types, like Seam's parser:
    repeated keys, `key[]=` and `a,b` make arrays, one value makes a one-item array,
    `x=` is `[]` for an array and null otherwise, `true`/`false` (also `1`/`0`,
    `yes`/`no`) are booleans, numbers are numbers, `obj.key=v` nests. A value that
    cannot be read as its type is kept as the string, for zod to reject. Keys the
    model does not declare (`_strict`) are ignored. `query` is the decoded pairs
    (blank values kept) or the raw query string."""
    if isinstance(query, str):
        query = parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    try:
        return _Query(query).object(model)
    except _Unparseable as exc:
        top = exc.name.split(".", 1)[0].removesuffix("[]")
        raise InvalidInput(str(exc), {"_errors": [], top: {"_errors": [str(exc)]}}) from None


# ------------------------------------------------------------------------ entry points


def validate_params(model: type[M], query: Iterable[tuple[str, str]] | str, body: object) -> M:
    """`parse_params` for a known model class (typed result)."""
    data: dict[str, Any] = {}
    if query:
        data.update(parse_query(model, query))
    if body is not None:
        if not isinstance(body, dict):
            raise InvalidInput.from_issues([Issue((), msgs.expected_received("object", received(body)))])
        data.update(body)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput.from_issues(issues_from_validation_error(exc)) from None


def parse_params(route: Route, query: Iterable[tuple[str, str]] | str, body: object) -> BaseModel:
    """The route's parameters from the query string (decoded pairs with blank values
    kept, e.g. Starlette's `request.query_params.multi_items()`, or the raw string)
    and the JSON body (`None` when there is none); the body wins where both name a
    parameter. Raises `InvalidInput`."""
    return validate_params(route.params, query, body)


def parse_timestamp(value: str, param: str) -> datetime:
    """An ISO 8601 timestamp parameter as an aware UTC datetime (`Z` and offsets
    accepted; no offset means UTC). Raises `InvalidInput` (`Invalid datetime`)."""
    if not isinstance(value, str) or not value or not value[:1].isdigit():
        raise invalid(param, msgs.INVALID_DATETIME)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(param, msgs.INVALID_DATETIME) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
