"""A control as a Python method: keyword parameters typed and ordered as its params model
declares them (required ones first), its docstring, and its Python result."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

from pydantic.fields import FieldInfo

from fake_seam.controls.control import Bench, Control


def _parameter(name: str, field: FieldInfo, annotation: Any) -> inspect.Parameter:
    default = inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
    return inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation
    )


def signature(declared: Control[Any, Any]) -> inspect.Signature:
    fields = declared.params.model_fields
    ordered = sorted(fields.items(), key=lambda item: not item[1].is_required())
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    wider = declared.params.python_types
    parameters += [_parameter(name, field, wider.get(name, field.annotation)) for name, field in ordered]
    returns = get_type_hints(declared.apply).get("return", Any)
    return inspect.Signature(parameters, return_annotation=returns)


def method(declared: Control[Any, Any]) -> Callable[..., Any]:
    """`fake.<name>(...)`: validates like the route (a bad value raises `InvalidControlInput`,
    a `ValueError`), runs the control, and returns its Python result."""
    shape = signature(declared)

    def run(self: Bench, *args: Any, **kwargs: Any) -> Any:
        bound = shape.bind(self, *args, **kwargs)
        values = {k: v for k, v in bound.arguments.items() if k != "self"}
        return declared.call(self, **values)

    run.__name__ = declared.name
    run.__qualname__ = declared.name
    run.__doc__ = f"{declared.doc}\n\nThe same as `{declared.path}`."
    run.__signature__ = shape  # type: ignore[attr-defined]
    run.__wrapped_control__ = declared  # type: ignore[attr-defined]
    return run
