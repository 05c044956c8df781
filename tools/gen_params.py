"""Generate `fake_seam/wire/params.py` from Seam's OpenAPI document.

For every path of the spec: a pydantic model of its parameters (the POST request
body, else the GET query parameters), the HTTP methods the spec lists, and the
spec's top-level defaults. Fields carry the zod validators of
`fake_seam.wire.validation`, so the models answer with zod's messages.

The spec is spec/seam-openapi.json: Seam's document cut to the routes the fake implements
(tools/cut_spec.py says where it comes from and how to refresh it or add a route).

Usage (from the repository root):

    python tools/gen_params.py            # write fake_seam/wire/params.py
    python tools/gen_params.py --check    # exit 1 if params.py is out of date

The output is formatted with `ruff format` when ruff is installed.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formatting import format_source  # tools/, beside this script

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = ROOT / "spec" / "seam-openapi.json"
DEFAULT_OUT = ROOT / "fake_seam" / "wire" / "params.py"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Names a field may not take on a pydantic model (they get a trailing "_" and an
# alias): BaseModel's attributes, `zod_variants` of OneOfParams, and keywords.
RESERVED = {
    "copy",
    "construct",
    "dict",
    "fields",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
    "zod_variants",
}

# String formats the models check, with zod's messages. `uuid` is deliberately not
# checked (the seeded ids are not UUIDs) and `date-time` strings stay plain strings
# for the handlers to parse (`validation.parse_timestamp`).
CHECKED_FORMATS = {"email", "uri"}


def camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text))


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "uses", "xes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def route_base(path: str) -> str:
    return camel(path.strip("/").replace("/", "_"))


def py_literal(value: Any) -> str:
    return repr(value)


def number_literal(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


@dataclass
class Typed:
    annotation: str
    validator: str


@dataclass
class Generator:
    spec: dict[str, Any]
    blocks: list[str] = field(default_factory=list)
    enum_aliases: dict[tuple[Any, ...], str] = field(default_factory=dict)
    enum_blocks: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    exports: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # alias name -> the Literal alias holding its values
    literal_aliases: dict[str, str] = field(default_factory=dict)
    enum_union_aliases: dict[tuple[Any, ...], str] = field(default_factory=dict)
    enum_union_members: dict[str, list[str]] = field(default_factory=dict)
    # enum names -> the value sets the spec uses them for (to spot ambiguous names)
    hint_values: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    route_prefix: str = ""

    # ----------------------------------------------------------------- helpers

    def unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.names:
            candidate, n = f"{name}{n}", n + 1
        self.names.add(candidate)
        return candidate

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = set()
        while "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen or not ref.startswith("#/"):
                raise ValueError(f"unsupported $ref {ref!r}")
            seen.add(ref)
            target: Any = self.spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        if "allOf" in schema:
            raise ValueError(f"allOf is not supported: {json.dumps(schema)[:200]}")
        return schema

    def enum_name(self, hint: str, values: tuple[Any, ...]) -> str:
        """`event_types` -> `EventType`; qualified by the route (`EventsListEventType`)
        when the spec uses the same name for different values, or for `type`."""
        base = camel(singular(hint)) or "Enum"
        self.hint_values.setdefault(base, set()).add(values)
        if base in self.ambiguous or base == "Type":
            return self.route_prefix + base
        return base

    def enum_alias(self, values: tuple[str, ...], hint: str) -> str:
        name = self.enum_name(hint, values)
        alias = self.enum_aliases.get(values)
        if alias is None:
            alias = self.unique(name)
            self.enum_aliases[values] = alias
            self.literal_aliases[alias] = alias
            if len(values) == 1:
                self.enum_blocks.append(f"{alias} = Literal[{json.dumps(values[0])}]")
            else:
                body = ",\n".join(f"    {json.dumps(v)}" for v in values)
                self.enum_blocks.append(f"{alias} = Literal[\n{body},\n]")
            self.exports.append(alias)
            return alias
        if name == alias or name in self.names:
            return alias
        # The same values under another name (`include_if` and `exclude_if`).
        self.names.add(name)
        self.literal_aliases[name] = alias
        self.enum_blocks.append(f"{name} = {alias}")
        self.exports.append(name)
        return name

    def enum_union_alias(self, options: list[tuple[str, ...]], hint: str) -> str:
        """A union of string enums (zod's `z.union([z.enum(...), ...])`): one alias
        per option and one for the union, e.g. `DeviceType = DeviceTypeOption1 | ...`."""
        key = tuple(options)
        name = self.enum_name(hint, key)
        alias = self.enum_union_aliases.get(key)
        if alias is None:
            members = [
                self.enum_alias(values, f"{singular(hint)}_option_{i}") for i, values in enumerate(options, 1)
            ]
            alias = self.unique(name)
            self.enum_union_aliases[key] = alias
            self.enum_union_members[alias] = members
            self.enum_blocks.append(f"{alias} = {' | '.join(members)}")
            self.exports.append(alias)
        return alias

    # ------------------------------------------------------------------- types

    def typed(self, schema: dict[str, Any], hint: str, owner: str) -> Typed:
        """The annotation and zod validator of a schema. `hint` names enums and
        `owner` nested models."""
        schema = self.resolve(schema)
        nullable = bool(schema.get("nullable"))
        result = self._typed(schema, hint, owner)
        if nullable:
            result = Typed(f"{result.annotation} | None", f"{result.validator}.nullable()")
        return result

    def _typed(self, schema: dict[str, Any], hint: str, owner: str) -> Typed:
        options = schema.get("oneOf") or schema.get("anyOf")
        if options:
            resolved = [self.resolve(o) for o in options]
            if all(
                o.get("enum") and all(isinstance(v, str) for v in o["enum"]) and not o.get("nullable")
                for o in resolved
            ):
                alias = self.enum_union_alias([tuple(o["enum"]) for o in resolved], hint)
                members = ", ".join(f"z.enum(get_args({m}))" for m in self.enum_union_members[alias])
                return Typed(alias, f"z.union({members})")
            parts = [self.typed(option, hint, f"{owner}Option{i}") for i, option in enumerate(options, 1)]
            annotations: list[str] = []
            for part in parts:
                for piece in part.annotation.split(" | "):
                    if piece not in annotations:
                        annotations.append(piece)
            validators = ", ".join(p.validator for p in parts)
            return Typed(" | ".join(annotations), f"z.union({validators})")

        kind = schema.get("type")
        if "enum" in schema:
            values = tuple(schema["enum"])
            if all(isinstance(v, str) for v in values):
                alias = self.enum_alias(values, hint)
                return Typed(alias, f"z.enum(get_args({alias}))")
            if len(values) == 1:
                return Typed(f"Literal[{py_literal(values[0])}]", f"z.literal({py_literal(values[0])})")
            raise ValueError(f"unsupported enum {values!r}")

        if kind == "string":
            args = []
            if "minLength" in schema:
                args.append(f"min_length={schema['minLength']}")
            if "maxLength" in schema:
                args.append(f"max_length={schema['maxLength']}")
            if "pattern" in schema:
                args.append(f"pattern={schema['pattern']!r}")
            if schema.get("format") in CHECKED_FORMATS:
                args.append(f"format={schema['format']!r}")
            return Typed("str", f"z.string({', '.join(args)})")

        if kind in ("integer", "number"):
            args = ["integer=True"] if kind == "integer" else []
            for bound in ("minimum", "maximum"):
                exclusive = schema.get("exclusive" + bound.capitalize())
                if isinstance(exclusive, bool) or exclusive is None:
                    if bound in schema:
                        args.append(f"{bound}={number_literal(schema[bound])}")
                    if exclusive:
                        args.append(f"exclusive_{bound}=True")
                else:  # OpenAPI 3.1: the exclusive bound is the number itself
                    args.append(f"{bound}={number_literal(exclusive)}")
                    args.append(f"exclusive_{bound}=True")
            return Typed("int" if kind == "integer" else "float", f"z.number({', '.join(args)})")

        if kind == "boolean":
            return Typed("bool", "z.boolean()")

        if kind == "array":
            item = self.typed(schema.get("items") or {}, hint, f"{owner}Item")
            args = []
            if "minItems" in schema:
                args.append(f"min_items={schema['minItems']}")
            if "maxItems" in schema:
                args.append(f"max_items={schema['maxItems']}")
            suffix = "".join(f", {a}" for a in args)
            return Typed(f"list[{item.annotation}]", f"z.array({item.validator}{suffix})")

        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                name = self.model(schema, owner, doc=None)
                return Typed(name, f"z.obj({name})")
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.typed(extra, hint, f"{owner}Value")
                return Typed(f"dict[str, {value.annotation}]", f"z.record({value.validator})")
            return Typed("dict[str, Any]", "z.record(z.unknown())")

        if not schema or kind is None:
            return Typed("Any", "z.unknown()")
        raise ValueError(f"unsupported schema {json.dumps(schema)[:200]}")

    # ------------------------------------------------------------------ models

    def fields(self, schema: dict[str, Any], owner: str, optional: bool = False) -> list[str]:
        required = set() if optional else set(schema.get("required", []))
        lines = []
        for prop, prop_schema in schema.get("properties", {}).items():
            typed = self.typed(prop_schema, prop, owner + camel(prop))
            attr = prop
            if (
                keyword.iskeyword(prop)
                or prop in RESERVED
                or prop.startswith(("_", "model_"))
                or not prop.isidentifier()
            ):
                attr = re.sub(r"\W", "_", prop).lstrip("_") + "_"
                self.notes.append(f"{owner}.{attr} has alias {prop!r}")
            annotation = typed.annotation
            if prop not in required and not annotation.endswith("| None"):
                annotation += " | None"
            hint = f"Annotated[{annotation}, {typed.validator}]"
            if attr != prop:
                default = "" if prop in required else "default=None, "
                lines.append(f"    {attr}: {hint} = Field({default}alias={prop!r})")
            elif prop in required:
                lines.append(f"    {attr}: {hint}")
            else:
                lines.append(f"    {attr}: {hint} = None")
        return lines

    def model(self, schema: dict[str, Any], name: str, doc: str | None) -> str:
        name = self.unique(name)
        lines = [f"class {name}(z.Params):"]
        if doc:
            lines.append(f'    """{doc}"""')
            lines.append("")
        lines.extend(self.fields(schema, name) or ([] if doc else ["    pass"]))
        self.blocks.append("\n".join(lines))
        self.exports.append(name)
        return name

    def one_of_model(self, options: list[dict[str, Any]], name: str, doc: str) -> str:
        variants = []
        merged: dict[str, Any] = {}
        for i, option in enumerate(options, 1):
            option = self.resolve(option)
            if option.get("type") != "object" and "properties" not in option:
                raise ValueError(f"{name}: a top-level oneOf option is not an object")
            variants.append(self.model(option, f"{name}Variant{i}", doc=f"{doc} (option {i})"))
            for prop, prop_schema in option.get("properties", {}).items():
                merged.setdefault(prop, prop_schema)
        name = self.unique(name)
        lines = [f"class {name}(z.OneOfParams):", f'    """{doc}"""', ""]
        lines.append(
            "    zod_variants: ClassVar[tuple[type[z.Params], ...]] = (" + ", ".join(variants) + ",)"
        )
        lines.extend(self.fields({"properties": merged}, name, optional=True))
        self.blocks.append("\n".join(lines))
        self.exports.append(name)
        self.notes.append(
            f"{name}: the whole body is a oneOf of {len(options)} objects ({', '.join(variants)})"
        )
        return name

    # ------------------------------------------------------------------ routes

    def params_schema(self, item: dict[str, Any]) -> dict[str, Any]:
        post = item.get("post")
        if post is not None and post.get("requestBody"):
            content = post["requestBody"].get("content", {})
            media = content.get("application/json") or next(iter(content.values()), {})
            return self.resolve(media.get("schema") or {})
        get = item.get("get") or post or {}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for parameter in get.get("parameters") or []:
            parameter = self.resolve(parameter)
            if parameter.get("in") != "query":
                continue
            properties[parameter["name"]] = parameter.get("schema") or {}
            if parameter.get("required"):
                required.append(parameter["name"])
        return {"type": "object", "properties": properties, "required": required}

    def generate(self) -> str:
        routes = []
        defaults: dict[str, dict[str, Any]] = {}
        for path, item in sorted(self.spec["paths"].items()):
            methods = sorted(m.upper() for m in item if m in HTTP_METHODS)
            schema = self.params_schema(item)
            operation = item.get("post") or item.get("get") or {}
            title = operation.get("x-title") or operation.get("summary") or ""
            doc = f"`{path}`" + (f": {title.strip().rstrip('.')}." if title else ".")
            name = route_base(path) + "Params"
            self.route_prefix = route_base(path)
            if schema.get("oneOf") or schema.get("anyOf"):
                cls = self.one_of_model(schema.get("oneOf") or schema["anyOf"], name, doc)
                for option in schema.get("oneOf") or schema["anyOf"]:
                    for prop, sub in self.resolve(option).get("properties", {}).items():
                        if "default" in sub:
                            defaults.setdefault(path, {})[prop] = sub["default"]
            else:
                cls = self.model(schema, name, doc)
                for prop, sub in schema.get("properties", {}).items():
                    if "default" in self.resolve(sub):
                        defaults.setdefault(path, {})[prop] = self.resolve(sub)["default"]
            # Whether Seam lets a client session call it: a `client_session*` scheme in `security`.
            schemes = {name for entry in operation.get("security") or [] for name in entry}
            client_sessions = any(name.startswith("client_session") for name in schemes)
            routes.append((path, methods, cls, client_sessions, "publishable_key" in schemes))
        return self.render(routes, defaults)

    def render(self, routes: list[tuple[str, list[str], str, bool, bool]], defaults: dict) -> str:
        info = self.spec.get("info", {})
        source = f"{info.get('title', 'OpenAPI')} {info.get('version', '')}".strip()
        out = [
            "# GENERATED FILE - do not edit by hand.",
            f"# Generated by tools/gen_params.py from Seam's OpenAPI document ({source},",
            "# spec/seam-openapi.json). Regenerate with:",
            "#     python tools/gen_params.py",
            '"""Request parameter models of every route in Seam\'s spec.',
            "",
            "`ROUTES[path]` gives a route's accepted methods, its params model and whether a",
            "client session may call it, and a publishable key alone (its `security` in the spec); validate",
            "a request with `fake_seam.wire.validation.parse_params`. A parameter that was",
            "not sent is `None` (see `model_fields_set`); the spec's defaults are in",
            "`DEFAULTS[path]`. Timestamps stay strings: read them with",
            "`validation.parse_timestamp`.",
            '"""',
            "",
            "IMPORTS",
            "",
            "from fake_seam.wire import validation as z",
            "from fake_seam.wire.validation import Route",
            "",
        ]
        for block in self.enum_blocks + self.blocks:
            out += ["", block, ""]
        out.append("")
        out.append("ROUTES: dict[str, Route] = {")
        for path, methods, cls, client_sessions, publishable in routes:
            method_set = "{" + ", ".join(json.dumps(m) for m in methods) + "}"
            extra = ", publishable_key=True" if publishable else ""
            out.append(
                f"    {json.dumps(path)}: Route({json.dumps(path)}, frozenset({method_set}), {cls}, "
                f"client_sessions={client_sessions}{extra}),"
            )
        out.append("}")
        out.append("")
        out.append("# The spec's `default` of each top-level parameter that has one.")
        out.append("DEFAULTS: dict[str, dict[str, Any]] = {")
        for path in sorted(defaults):
            items = ", ".join(f"{json.dumps(k)}: {py_literal(v)}" for k, v in defaults[path].items())
            out.append(f"    {json.dumps(path)}: {{{items}}},")
        out.append("}")
        out.append("")
        exports = sorted({"DEFAULTS", "ROUTES", "Route", *self.exports})
        out.append("__all__ = [")
        out.extend(f"    {json.dumps(name)}," for name in exports)
        out.append("]")
        text = "\n".join(out) + "\n"
        body = "\n".join(self.enum_blocks + self.blocks)
        typing_names = [
            name
            for name in ("Annotated", "Any", "ClassVar", "Literal", "get_args")
            if name == "Any" or re.search(rf"\b{name}\b", body)
        ]
        imports = f"from typing import {', '.join(typing_names)}\n"
        if "Field(" in body:
            imports += "\nfrom pydantic import Field\n"
        return text.replace("IMPORTS\n", imports, 1)
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out is stale")
    parser.add_argument("--verbose", action="store_true", help="print notes on the spec")
    args = parser.parse_args(argv)

    spec = json.loads(args.spec.read_text())
    survey = Generator(spec)
    survey.generate()
    generator = Generator(spec)
    generator.ambiguous = {n for n, v in survey.hint_values.items() if len(v) > 1}
    text = generator.generate()
    if args.verbose:
        for note in generator.notes:
            print(note)

    formatted = format_source(text, fix=("I",))
    if formatted is None:
        print("ruff not found: params.py left unformatted", file=sys.stderr)
    else:
        text = formatted

    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python tools/gen_params.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
