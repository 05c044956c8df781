"""A control as a Python method's signature: keyword parameters typed and ordered as its params
model declares them (required ones first), and its Python result (in process, or read back from
the route's answer by the remote client). tools/gen_control_methods.py writes `FakeSeam`'s and
`FakeSeamClient`'s methods from it."""

from __future__ import annotations

import inspect
from typing import Any, get_type_hints

from pydantic.fields import FieldInfo

from fake_seam.controls.control import Control


def _parameter(name: str, field: FieldInfo, annotation: Any) -> inspect.Parameter:
    default = inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
    return inspect.Parameter(
        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation
    )


def signature(declared: Control[Any, Any], *, remote: bool = False) -> inspect.Signature:
    """`remote`: the result as the remote client returns it (what the control's `read` makes
    of the route's JSON)."""
    fields = declared.params.model_fields
    ordered = sorted(fields.items(), key=lambda item: not item[1].is_required())
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    wider = declared.params.python_types
    parameters += [_parameter(name, field, wider.get(name, field.annotation)) for name, field in ordered]
    returns = get_type_hints(declared.apply).get("return", Any)
    if remote and declared.read is not None:
        returns = get_type_hints(declared.read).get("return", Any)
    return inspect.Signature(parameters, return_annotation=returns)
