#!/usr/bin/env python3
"""Generate ``tfguard/data/aws_schema.bin`` from the AWS provider's own schema.

Runs, offline, in a temporary directory::

    terraform init -backend=false -plugin-dir=<dir>
    terraform providers schema -json

and keeps only what tfguard needs: for each resource and data source type,
its configurable arguments with a short type code and whether the provider
computes them when they are not set. Computed-only attributes (``id``,
``arn``, ...) are left out: an attribute that the table does not list is
known only after apply.

File: one line of JSON (the header: provider, version, and "index", mapping
``r:TYPE`` / ``d:TYPE`` to [offset, length]), a newline, then one zlib-compressed
JSON block per type at those offsets: tfguard reads the header once and
decompresses only the types a scan meets (tfguard/load/schema.py).

A block::

    block  = {name: code | block, ...}      # a nested block or nested attribute is a dict
    "#"    = nesting of a block: "1" single, "l" list, "s" set, "m" map
    code   = type + flag
    type   = "s" string | "n" number | "b" bool | "d" dynamic | "o" object | "t" tuple
           | "L" type | "S" type | "M" type      # list / set / map of type
    flag   = "" configurable | "?" optional and computed (unknown when not set)

Usage::

    python scripts/gen_schema.py [--plugin-dir /opt/tf-plugins]

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "tfguard" / "data" / "aws_schema.bin"
PROVIDER = "registry.terraform.io/hashicorp/aws"
MAIN_TF = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
SKIP_BLOCKS = {"timeouts"}  # never read by tfguard
_NESTING = {"single": "1", "group": "1", "list": "l", "set": "s", "map": "m"}


def type_code(t: Any) -> str:
    if isinstance(t, str):
        return {"string": "s", "number": "n", "bool": "b", "dynamic": "d"}.get(t, "d")
    kind = t[0]
    if kind in ("list", "set", "map"):
        return {"list": "L", "set": "S", "map": "M"}[kind] + type_code(t[1])
    return "o" if kind == "object" else "t"


def attribute(spec: dict[str, Any]) -> str | dict[str, Any] | None:
    """The compact entry of one attribute; None for a computed-only one."""
    if spec.get("computed") and not (spec.get("optional") or spec.get("required")):
        return None
    flag = "?" if spec.get("computed") else ""
    nested = spec.get("nested_type")
    if nested is not None:
        out = block_of(nested, _NESTING.get(nested.get("nesting_mode", "single"), "1"))
        if flag:
            out["?"] = 1
        return out
    return type_code(spec.get("type", "dynamic")) + flag


def block_of(block: dict[str, Any], nesting: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"#": nesting} if nesting else {}
    for name, spec in sorted((block.get("attributes") or {}).items()):
        entry = attribute(spec)
        if entry is not None:
            out[name] = entry
    for name, spec in sorted((block.get("block_types") or {}).items()):
        if name not in SKIP_BLOCKS:
            out[name] = block_of(spec.get("block") or {}, _NESTING.get(spec.get("nesting_mode", "list"), "l"))
    return out


def terraform(args: list[str], cwd: Path, plugin_dir: str) -> str:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    if args[0] == "init":
        args = [*args, f"-plugin-dir={plugin_dir}"]
    done = subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 and args[0] != "plan":
        sys.exit(f"terraform {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def provider_schema(work: Path, plugin_dir: str) -> tuple[str, dict[str, Any]]:
    (work / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    terraform(["init", "-backend=false", "-input=false"], work, plugin_dir)
    doc = json.loads(terraform(["providers", "schema", "-json"], work, plugin_dir))
    version = json.loads(terraform(["version", "-json"], work, plugin_dir)).get("provider_selections", {}).get(PROVIDER, "")
    return version, doc["provider_schemas"][PROVIDER]


def compact(version: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "provider": "hashicorp/aws",
        "version": version,
        "resource": {t: block_of(s["block"]) for t, s in sorted(schema["resource_schemas"].items())},
        "data": {t: block_of(s["block"]) for t, s in sorted(schema["data_source_schemas"].items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin-dir", default=os.environ.get("TFGUARD_TF_PLUGIN_DIR", "/opt/tf-plugins"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tfguard-schema-") as tmp:
        work = Path(tmp)
        version, schema = provider_schema(work, args.plugin_dir)
        table = compact(version, schema)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = pack(table)
    args.out.write_bytes(data)
    print(f"{args.out}: provider {version}, {len(table['resource'])} resources, "
          f"{len(table['data'])} data sources, {len(data)} bytes")
    return 0


def pack(table: dict[str, Any]) -> bytes:
    index: dict[str, list[int]] = {}
    blobs: list[bytes] = []
    offset = 0
    for mode in ("resource", "data"):
        for name, block in table[mode].items():
            blob = zlib.compress(json.dumps(block, separators=(",", ":")).encode(), 9)
            index[f"{mode[0]}:{name}"] = [offset, len(blob)]
            offset += len(blob)
            blobs.append(blob)
    header = {"provider": table["provider"], "version": table["version"], "index": index}
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + b"".join(blobs)


if __name__ == "__main__":
    sys.exit(main())
