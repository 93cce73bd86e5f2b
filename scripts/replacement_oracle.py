#!/usr/bin/env python3
"""Prove tfguard/fix/replacement.py with real plans: which arguments force replacement.

For every entry of the table (resource type, argument path) a scenario below
gives the resource as deployed ("before") and with only that argument changed
("after"). All scenarios are planned together in one offline configuration
(the provider block of scripts/gen_plans.py: fake credentials, skip_* flags):

1. ``plan`` of the before configuration with no state: its planned values,
   with every "known after apply" value filled in by type, become a
   ``terraform.tfstate`` (format version 4): the resources as deployed;
2. ``plan -refresh=false`` of the before configuration over that state must
   be a no-op for every resource (the state is what the configuration says);
3. ``plan -refresh=false`` of the after configuration over the same state:
   ``resource_changes[].change.actions`` and ``change.replace_paths`` of each
   scenario's resource are the evidence.

The evidence is written to tests/data/replacement_plans.json (actions and
replace paths only, not the plans); tests/test_replacement.py holds the table
to it. Entries whose path is "" add a new resource beside an existing one
(aws_s3_bucket_versioning after an aws_s3_bucket): the evidence is the
actions of the existing resource and of the added one.

Usage::

    python scripts/replacement_oracle.py            # plan, write the evidence
    python scripts/replacement_oracle.py --keep DIR # keep the working directory

Needs terraform and hashicorp/aws 5.100.0 unpacked in a plugin directory
(``$TFGUARD_TF_PLUGIN_DIR`` or /opt/tf-plugins); makes no network call.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gen_plans import PROVIDER_BLOCK, StageError, build_env, resolve_plugin_dir, run
from replacement_scenarios import SCENARIOS, Scenario

REPO_ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = REPO_ROOT / "tests" / "data" / "replacement_plans.json"
AWS = "registry.terraform.io/hashicorp/aws"
ACCOUNT = "123456789012"


def config(phase: str, scenarios: Sequence[Scenario]) -> str:
    """The whole configuration of one phase ("before" or "after")."""
    return PROVIDER_BLOCK + "".join("\n" + s.hcl(phase) for s in scenarios)


def terraform(work: Path, env: dict[str, str], phase: str, binary: str, scenarios: Sequence[Scenario]) -> dict[str, Any]:
    (work / "main.tf").write_text(config(phase, scenarios), encoding="utf-8")
    run(phase, [binary, "plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.out"], work, env)
    plan: dict[str, Any] = json.loads(run("show", [binary, "show", "-json", "-no-color", "plan.out"], work, env))
    return plan


def unknown_value(name: str, cty: Any, address: str) -> Any:
    """A deployed-looking value for an attribute the plan knew only after apply."""
    if cty == "string":
        if name == "id":
            return address.split(".")[-1]
        if name == "arn" or name.endswith("_arn") or name == "kms_key_id":
            return f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{uuid.uuid5(uuid.NAMESPACE_URL, address + name)}"
        return ""
    if cty == "number":
        return 0
    if cty == "bool":
        return False
    if isinstance(cty, list) and cty[0] in ("list", "set"):
        return []
    if isinstance(cty, list) and cty[0] == "map":
        return {}
    return None


def fill_type(value: Any, unknown: Any, cty: Any, name: str, address: str) -> Any:
    if unknown is True:
        return unknown_value(name, cty, address)
    if isinstance(unknown, list) and isinstance(value, list) and isinstance(cty, list):
        return [fill_type(v, u, cty[1], name, address) for v, u in zip(value, unknown + [False] * len(value))]
    if isinstance(unknown, dict) and isinstance(value, dict) and isinstance(cty, list):
        types = cty[1] if cty[0] == "object" else {k: cty[1] for k in value}
        return {k: fill_type(v, unknown.get(k, False), types.get(k), k, address) for k, v in value.items()}
    return value


def fill_block(value: dict[str, Any], unknown: Any, block: dict[str, Any], address: str) -> dict[str, Any]:
    """``value`` with every unknown of ``unknown`` (after_unknown) filled in, by the schema ``block``."""
    if not isinstance(unknown, dict):
        return value
    out = dict(value)
    attributes = block.get("attributes", {})
    blocks = block.get("block_types", {})
    for key, u in unknown.items():
        if key in attributes:
            out[key] = fill_type(value.get(key), u, attributes[key].get("type"), key, address)
        elif key in blocks:
            nested = blocks[key]
            if u is True:
                out[key] = None if nested["nesting_mode"] == "single" else []
            elif isinstance(u, list):
                items = value.get(key) or []
                out[key] = [fill_block(v, w, nested["block"], address) for v, w in zip(items, u + [{}] * len(items))]
            elif isinstance(u, dict) and isinstance(value.get(key), dict):
                out[key] = fill_block(value[key], u, nested["block"], address)
    return out


def complete(value: dict[str, Any], block: dict[str, Any]) -> dict[str, Any]:
    """Every attribute of the schema present (null when absent), as Terraform writes state."""
    out = {name: value.get(name) for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        got = value.get(name)
        if nested["nesting_mode"] == "single":
            out[name] = complete(got, nested["block"]) if isinstance(got, dict) else None
        else:
            out[name] = [complete(v, nested["block"]) for v in got or []]
    return out


def sensitive_paths(marks: Any, prefix: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """after_sensitive as state paths: a value whose sensitivity differs from the state's plans an update."""
    if marks is True:
        return [prefix]
    if isinstance(marks, dict):
        return [p for k, v in marks.items() for p in sensitive_paths(v, prefix + [{"type": "get_attr", "value": k}])]
    if isinstance(marks, list):
        return [
            p
            for i, v in enumerate(marks)
            for p in sensitive_paths(v, prefix + [{"type": "index", "value": {"value": i, "type": "number"}}])
        ]
    return []


def state(plan: dict[str, Any], schemas: dict[str, Any], version: str, scenarios: Sequence[Scenario] = SCENARIOS) -> dict[str, Any]:
    """A version 4 state holding every resource the plan creates, as deployed."""
    deployed = {s.address: dict(s.deployed) for s in scenarios}
    resources = []
    for rc in plan["resource_changes"]:
        schema = schemas[rc["type"]]
        attributes = fill_block(rc["change"]["after"], rc["change"]["after_unknown"], schema["block"], rc["address"])
        attributes.update(deployed.get(rc["address"], {}))
        resources.append(
            {
                "mode": "managed",
                "type": rc["type"],
                "name": rc["name"],
                "provider": f'provider["{AWS}"]',
                "instances": [
                    {
                        "schema_version": schema["version"],
                        "attributes": complete(attributes, schema["block"]),
                        "sensitive_attributes": sensitive_paths(rc["change"].get("after_sensitive"), []),
                    }
                ],
            }
        )
    return {"version": 4, "terraform_version": version, "serial": 1, "lineage": str(uuid.uuid4()), "outputs": {}, "resources": resources}


def changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rc["address"]: rc["change"] for rc in plan["resource_changes"]}


def evidence(scenario: Scenario, after: dict[str, dict[str, Any]]) -> dict[str, Any]:
    change = after[scenario.address]
    entry: dict[str, Any] = {
        "resource_type": scenario.resource_type,
        "path": scenario.path,
        "variant": scenario.variant,
        "address": scenario.address,
        "before": scenario.before.strip(),
        "after": scenario.after.strip(),
        "actions": change["actions"],
        "replace_paths": change.get("replace_paths", []),
    }
    if scenario.in_place:
        entry["in_place_when_met"] = True
    if scenario.added:
        entry["added"] = {"address": scenario.added, "actions": after[scenario.added]["actions"]}
    return entry


def oracle(work: Path, binary: str, plugin_dir: Path, scenarios: Sequence[Scenario] = SCENARIOS) -> dict[str, Any]:
    """The evidence of real plans of `scenarios`, planned in `work`."""
    env = build_env(work, plugin_dir)
    (work / "terraform.tfstate").unlink(missing_ok=True)  # a kept directory's state of an earlier run
    (work / "main.tf").write_text(config("before", scenarios), encoding="utf-8")
    run("init", [binary, "init", "-backend=false", f"-plugin-dir={plugin_dir}", "-input=false", "-no-color"], work, env)
    schemas = json.loads(run("schema", [binary, "providers", "schema", "-json"], work, env))["provider_schemas"][AWS]["resource_schemas"]
    created = terraform(work, env, "before", binary, scenarios)
    deployed = state(created, schemas, created["terraform_version"], scenarios)
    (work / "terraform.tfstate").write_text(json.dumps(deployed, indent=1), encoding="utf-8")
    control = changes(terraform(work, env, "before", binary, scenarios))
    moved = {a: c["actions"] for a, c in control.items() if c["actions"] != ["no-op"]}
    if moved:
        raise SystemExit(f"error: the state does not match the configuration it came from: {moved}")
    after = changes(terraform(work, env, "after", binary, scenarios))
    versions = json.loads(run("version", [binary, "version", "-json"], work, env))
    return {
        "terraform_version": created["terraform_version"],
        "provider": f"hashicorp/aws {versions['provider_selections'][AWS]}",
        "entries": [evidence(s, after) for s in scenarios],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin-dir", help="local provider directory (default: $TFGUARD_TF_PLUGIN_DIR or /opt/tf-plugins)")
    parser.add_argument("--terraform", default="terraform", help="terraform binary (default: terraform on PATH)")
    parser.add_argument("--keep", type=Path, help="plan in this directory and keep it (default: a temporary one)")
    parser.add_argument("--output", type=Path, default=EVIDENCE, help=f"evidence file (default: {EVIDENCE.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)
    binary = shutil.which(args.terraform)
    if binary is None:
        print(f"error: terraform binary not found: {args.terraform}", file=sys.stderr)
        return 2
    plugin_dir = resolve_plugin_dir(args.plugin_dir)
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            result = oracle(args.keep, binary, plugin_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="tfguard-replacement-") as tmp:
                result = oracle(Path(tmp), binary, plugin_dir)
    except StageError as exc:
        print(f"error: terraform {exc.stage}: {exc.message}\n{exc.output}", file=sys.stderr)
        return 1
    args.output.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for e in result["entries"]:
        added = f"  + {e['added']['actions']}" if "added" in e else ""
        what = (e["path"] or "(new resource)") + (f" [{e['variant']}]" if e["variant"] else "")
        print(f"{e['resource_type']:50} {what:60} {'/'.join(e['actions']):14}{added}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
