"""The JSON schema (OpenAPI 3.0's dialect) of a params model: what its zod types accept.

Read from the same `ZodType` metadata that validates requests (`validation.py`), so the fake's
published document (`fake_seam.api.openapi`) cannot say one thing while the validator does
another. Where JSON Schema cannot say what zod checks (UTF-16 lengths, lone surrogates, a
JavaScript regex's ASCII `\\d`), the schema is the nearest it can state.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from fake_seam.wire.validation import (
    MAX_STRING_LENGTH,
    OneOfParams,
    ZodArray,
    ZodBoolean,
    ZodEnum,
    ZodLiteral,
    ZodNullable,
    ZodNumber,
    ZodObject,
    ZodRecord,
    ZodString,
    ZodType,
    ZodUnion,
    ZodUnknown,
)

__all__ = ["field_types", "model_schema", "zod_schema"]

JSONSchema = dict[str, Any]


def zod_schema(t: ZodType) -> JSONSchema:
    """What `t.parse` accepts, as an OpenAPI 3.0 schema."""
    if isinstance(t, ZodNullable):
        inner = zod_schema(t.inner)
        if "type" in inner:
            return {**inner, "nullable": True}
        # OpenAPI 3.0 reads `nullable` only beside a `type`.
        return {"anyOf": [inner, {"type": "string", "nullable": True, "enum": [None]}]}
    if isinstance(t, ZodString):
        return _string(t)
    if isinstance(t, ZodNumber):
        return _number(t)
    if isinstance(t, ZodBoolean):
        return {"type": "boolean"}
    if isinstance(t, ZodEnum):
        return {"type": "string", "enum": list(t.values)}
    if isinstance(t, ZodLiteral):
        kind = "boolean" if isinstance(t.value, bool) else "string" if isinstance(t.value, str) else "number"
        return {"type": kind, "enum": [t.value]}
    if isinstance(t, ZodArray):
        out: JSONSchema = {"type": "array", "items": zod_schema(t.item)}
        if t.min_items is not None:
            out["minItems"] = t.min_items
        if t.max_items is not None:
            out["maxItems"] = t.max_items
        return out
    if isinstance(t, ZodRecord):
        return {"type": "object", "additionalProperties": zod_schema(t.value)}
    if isinstance(t, ZodObject):
        return model_schema(t.model)
    if isinstance(t, ZodUnion):
        # zod's union takes the first option that parses: any of them, not exactly one.
        return {"anyOf": [zod_schema(o) for o in t.options]}
    if isinstance(t, ZodUnknown):
        return {}
    raise TypeError(f"no JSON schema for {type(t).__name__}")


def _string(t: ZodString) -> JSONSchema:
    out: JSONSchema = {"type": "string"}
    if t.min_length is not None:
        out["minLength"] = t.min_length
    # The fake's own cap applies where Seam's spec sets none (or a larger one).
    cap = MAX_STRING_LENGTH if t.max_length is None else min(t.max_length, MAX_STRING_LENGTH)
    out["maxLength"] = cap
    if t.pattern is not None:
        out["pattern"] = t.pattern
    if t.format is not None:
        out["format"] = t.format
    return out


def _number(t: ZodNumber) -> JSONSchema:
    out: JSONSchema = {"type": "integer" if t.integer else "number"}
    if t.minimum is not None:
        out["minimum"] = t.minimum
        if t.exclusive_minimum:
            out["exclusiveMinimum"] = True
    if t.maximum is not None:
        out["maximum"] = t.maximum
        if t.exclusive_maximum:
            out["exclusiveMaximum"] = True
    return out


def field_types(model: type[BaseModel]) -> dict[str, tuple[ZodType, bool, Any, str | None]]:
    """Each wire name of the model: its zod type, whether it is required, its default (`None`
    when it has none worth stating) and its description."""
    out: dict[str, tuple[ZodType, bool, Any, str | None]] = {}
    for name, info in model.model_fields.items():
        zod = next((m for m in info.metadata if isinstance(m, ZodType)), None)
        if zod is None:
            raise TypeError(f"{model.__name__}.{name} has no zod type to describe it")
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        out[info.alias or name] = (zod, info.is_required(), default, info.description)
    return out


def model_schema(model: type[BaseModel]) -> JSONSchema:
    """The object a params model accepts (unknown keys are ignored, as zod's objects do)."""
    if issubclass(model, OneOfParams) and model.zod_variants:
        return {"anyOf": [model_schema(v) for v in model.zod_variants]}
    properties: dict[str, JSONSchema] = {}
    required: list[str] = []
    for name, (zod, is_required, default, description) in field_types(model).items():
        schema = zod_schema(zod)
        if default is not None and not isinstance(default, BaseModel):
            schema["default"] = default
        if description:
            schema["description"] = description
        properties[name] = schema
        if is_required:
            required.append(name)
    out: JSONSchema = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    return out
