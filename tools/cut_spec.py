"""Cut Seam's OpenAPI document down to the routes fake-seam implements: spec/seam-openapi.json.

The repository keeps only the part of Seam's spec that tools/gen_params.py and the tests read:
the paths the fake serves (whole, as Seam wrote them) and the components they reference, so
the generator and its freshness test give the same answer on every machine.

The full document is in the npm package `@seamapi/types` (`lib/seam/connect/openapi.js`; its
`default` export, written out as JSON). To refresh the cut from a newer document, keeping the
same paths:

    python tools/cut_spec.py NEW-OPENAPI.json

and to take in a route the fake starts to implement, name it (repeatable):

    python tools/cut_spec.py NEW-OPENAPI.json --add /client_sessions/create

then run `python tools/gen_params.py` and review the diff of fake_seam/wire/params.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "spec" / "seam-openapi.json"


def refs(node: Any) -> set[str]:
    """The local `$ref` targets anywhere under `node`."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node)) if node else set()
    return set()


def lookup(spec: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"unsupported $ref {ref!r}")
    target: Any = spec
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def cut(spec: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    missing = sorted(paths - set(spec["paths"]))
    if missing:
        raise SystemExit(f"not in the spec: {', '.join(missing)}")
    kept_paths = {path: spec["paths"][path] for path in sorted(paths)}
    # Follow references transitively: a schema may refer to another.
    wanted: set[str] = set()
    todo = refs(kept_paths)
    while todo:
        ref = todo.pop()
        if ref in wanted:
            continue
        wanted.add(ref)
        todo |= refs(lookup(spec, ref)) - wanted
    components: dict[str, Any] = {}
    for section, entries in spec.get("components", {}).items():
        if section == "securitySchemes":
            # Named by `security` lists, not by $ref: the routes' auth methods.
            components[section] = entries
            continue
        kept = {name: value for name, value in entries.items() if f"#/components/{section}/{name}" in wanted}
        if kept:
            components[section] = kept
    out = {key: value for key, value in spec.items() if key not in ("paths", "components")}
    out["paths"] = kept_paths
    out["components"] = components
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="Seam's OpenAPI document (JSON)")
    parser.add_argument("--add", action="append", default=[], metavar="PATH", help="also keep this route")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    source = json.loads(args.spec.read_text())
    current = json.loads(args.out.read_text()) if args.out.exists() else {"paths": {}}
    paths = set(current["paths"]) | set(args.add)
    if not paths:
        raise SystemExit(f"no paths to keep: {args.out} is missing, name routes with --add")
    trimmed = cut(source, paths)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(trimmed, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out} ({len(trimmed['paths'])} paths, {args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
