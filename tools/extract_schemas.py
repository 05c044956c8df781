"""Cut Seam's OpenAPI document down to the response schemas the fake answers with.

Keeps the object schemas the fake returns, each route's 200 response schema, where each
operation takes its parameters (query or body) and which credentials it names (`security`),
and the security schemes; drops descriptions and `x-` annotations. Writes
fake_seam/api/seam_schemas.json, which the fake's own OpenAPI document
(`fake_seam.api.openapi`) and tests/api/test_openapi_shapes.py read, so neither needs the
spec nor network. Re-run after updating the spec:

    python tools/extract_schemas.py [spec/seam-openapi.json]
    python tools/extract_schemas.py --check    # exit 1 if the file is out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "seam-openapi.json"
OUT = ROOT / "fake_seam" / "api" / "seam_schemas.json"
METHODS = ("post", "get", "put", "patch", "delete")
OBJECTS = (
    "access_code",
    "action_attempt",
    "client_session",
    "connect_webview",
    "connected_account",
    "device",
    "device_provider",
    "event",
    "pagination",
    "unmanaged_access_code",
    "unmanaged_device",
    "user_identity",
    "webhook",
    "workspace",
)


def trim(node: Any, *, in_properties: bool = False) -> Any:
    """The schema without prose. Under `properties` the keys are field names (a field may
    be called `description`), so only schema keywords are dropped."""
    if isinstance(node, list):
        return [trim(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if not in_properties and (
            key.startswith("x-") or key in ("description", "example", "examples", "discriminator")
        ):
            continue
        out[key] = trim(value, in_properties=key == "properties" and not in_properties)
    return out


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node)) if node else set()
    return set()


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    schemas = spec["components"]["schemas"]
    responses: dict[str, Any] = {}
    for path, operations in sorted(spec["paths"].items()):
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            # Routes returning objects the fake does not model (find_anything...) stay out.
            if schema is not None and refs(schema) <= set(OBJECTS):
                responses[path] = trim(schema)
            break
    wanted = set(OBJECTS)
    return {
        "source": f"{spec['info']['title']} {spec['info']['version']} (@seamapi/types OpenAPI)",
        "components": {"schemas": {name: trim(schemas[name]) for name in sorted(wanted) if name in schemas}},
        "responses": responses,
        "operations": {path: operations_of(ops) for path, ops in sorted(spec["paths"].items())},
        "securitySchemes": spec["components"].get("securitySchemes", {}),
    }


def operations_of(operations: dict[str, Any]) -> dict[str, Any]:
    """Per method: where its parameters go (`query` or `body`) and the schemes of its `security`."""
    out = {}
    for method in METHODS:
        operation = operations.get(method)
        if operation is None:
            continue
        takes = "body" if "requestBody" in operation else "query"
        security = sorted({name for entry in operation.get("security", []) for name in entry})
        out[method.upper()] = {"in": takes, "security": security}
    return out


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if a != "--check"]
    spec_path = Path(args[0]) if args else SPEC
    trimmed = extract(json.loads(spec_path.read_text()))
    text = json.dumps(trimmed, indent=None, separators=(",", ":"), sort_keys=True) + "\n"
    if "--check" in argv:
        if OUT.read_text() != text:
            print(f"{OUT} is out of date: run python tools/extract_schemas.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(
        f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, "
        f"{len(trimmed['components']['schemas'])} schemas, {len(trimmed['responses'])} routes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
