#!/usr/bin/env python3
"""Generate ``tfguard/data/aws_defaults.json``: the values the AWS provider plans
for arguments that a configuration leaves unset (or sets to null).

The provider schema (``terraform providers schema -json``) does not carry
defaults, so the provider itself is asked: for every resource type, the
script writes probe resources that set only what the schema requires (with
placeholder values), plans them offline with the installed provider, and
records each known planned value of an argument that the probe did not set.

- An optional, non-computed argument that the plan knows is the provider's
  static default (``path = "/"``, ``max_session_duration = 3600``): Terraform
  plans nothing else for an unset argument that the provider does not compute.
- An optional *computed* argument may also be derived from other arguments
  or from the provider's configuration; it is kept only when two probes with
  different placeholder values plan the same value and that value does not
  mention the provider's region (a static default in the plugin framework).

Probes that the provider rejects (validation of enumerations, ranges and
patterns) are repaired from the diagnostic where it names the allowed values,
else dropped: the table covers what could be planned, and tfguard knows no
default for the rest. Nested blocks are probed once with every optional
block present, to record their defaults too (``metric_transformation.unit``).

Usage::

    python scripts/gen_defaults.py [--plugin-dir /opt/tf-plugins] [--types aws_iam_role,...] [--merge]

Probing every type takes a while (two plans of ~250 probes per batch of
120 types); `--types ... --merge` refreshes part of the table.

Standard library only. No network: fake credentials, every AWS call skipped.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_plans import PROVIDER_BLOCK  # noqa: E402
from gen_schema import PROVIDER, provider_schema  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "tfguard" / "data" / "aws_defaults.json"
REGION = "us-east-1"
BATCH = 120
ROUNDS = 6
SKIP_BLOCKS = {"timeouts"}
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
_ENUM = re.compile(r"to be one of \[?([^\]]*?)\]?,? got")
_ONE_OF = re.compile(r"one of `([^`]+)` must be specified")
_CONFLICT = re.compile(r'"(\w+)": conflicts with')
_ONLY_ONE = re.compile(r"only one of `([^`]+)` can be specified")
_MUST_LEAST = re.compile(r"(\w+) must be at least (\d+)")
_NAMED = re.compile(r'expected "?([\w.]+)"? to be')
_RANGE = re.compile(r"to be in the range \((-?\d+) - (-?\d+)\)")
_ATLEAST = re.compile(r"(?:at least|>=) \(?(-?\d+)")


def terraform(args: list[str], cwd: Path, plugin_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    if args[0] == "init":
        args = [*args, f"-plugin-dir={plugin_dir}"]
    return subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=900)


def placeholder(name: str, ttype: Any, variant: str) -> Any:
    if ttype == "string":
        if name.endswith("arn") or name.endswith("_arns"):
            return f"arn:aws:iam::123456789012:role/probe-{variant}"
        if "policy" in name:
            return POLICY
        if "cidr" in name:
            return "10.0.0.0/16"
        return f"probe-{variant}"
    if ttype == "number":
        return 1 if variant == "a" else 2
    if ttype == "bool":
        return False
    if isinstance(ttype, list):
        kind = ttype[0]
        if kind in ("list", "set"):
            return [placeholder(name.rstrip("s"), ttype[1], variant)]
        if kind == "map":
            return {"probe": placeholder(name, ttype[1], variant)}
        if kind == "object":
            optional = set(ttype[2]) if len(ttype) > 2 else set()
            return {k: placeholder(k, v, variant) for k, v in ttype[1].items() if k not in optional}
    return f"probe-{variant}"


def _b(**body: Any) -> tuple[str, dict[str, Any]]:
    return ("block", body)


# Types whose required arguments depend on each other in ways no diagnostic spells
# out: the probe starts from these values (everything else as usual).
SEEDS: dict[str, dict[str, Any]] = {
    "aws_lb_listener": {"default_action": _b(type="fixed-response", fixed_response=_b(content_type="text/plain"))},
    "aws_alb_listener": {"default_action": _b(type="fixed-response", fixed_response=_b(content_type="text/plain"))},
    "aws_rds_cluster": {"engine": "aurora-postgresql"},
    "aws_s3_directory_bucket": {"bucket": "probe--use1-az4--x-s3", "location": _b(name="use1-az4")},
    "aws_dynamodb_table": {"hash_key": "id", "billing_mode": "PAY_PER_REQUEST", "attribute": _b(name="id", type="S")},
}


# Types whose defaults depend on another argument: probed once more per value here,
# and a default is kept only where every probe plans the same (aws_lb's HTTP settings
# are null on a network or gateway load balancer).
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "aws_lb": [{"load_balancer_type": "network"}, {"load_balancer_type": "gateway"}],
    "aws_alb": [{"load_balancer_type": "network"}, {"load_balancer_type": "gateway"}],
}


class Probe:
    """One probe resource: the values it sets, kept as a tree so a diagnostic can repair one leaf."""

    def __init__(self, rtype: str, variant: str, block: dict[str, Any], with_optional: bool,
                 extra: dict[str, Any] | None = None) -> None:
        self.rtype, self.variant, self.with_optional = rtype, variant, with_optional
        self.name = f"probe_{variant}"
        self.block = block
        self.body = self._block(block, with_optional)
        self.body.update(SEEDS.get(rtype, {}))
        self.body.update(extra or {})

    def _block(self, block: dict[str, Any], optional_blocks: bool) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for name, spec in sorted((block.get("attributes") or {}).items()):
            if not spec.get("required"):
                continue
            nested = spec.get("nested_type")
            if nested is not None:
                inner = self._block(nested, False)
                body[name] = inner if nested.get("nesting_mode") == "single" else [inner]
            else:
                body[name] = placeholder(name, spec.get("type"), self.variant)
        for name, spec in sorted((block.get("block_types") or {}).items()):
            if name in SKIP_BLOCKS:
                continue
            if spec.get("min_items", 0) > 0 or optional_blocks:
                body[name] = ("block", self._block(spec.get("block") or {}, False))
        return body


def hcl_value(value: Any) -> str:
    return json.dumps(value)


def render(probes: list[Probe]) -> tuple[str, dict[int, tuple[int, list[str]]]]:
    """Terraform text of the probes, and line -> (probe index, attribute path) for the diagnostics."""
    lines: list[str] = []
    where: dict[int, tuple[int, list[str]]] = {}

    def emit(index: int, body: dict[str, Any], path: list[str], indent: str) -> None:
        for key, value in body.items():
            if isinstance(value, tuple) and value[0] == "block":
                lines.append(f"{indent}{key} {{")
                where[len(lines)] = (index, [*path, key])
                emit(index, value[1], [*path, key], indent + "  ")
                lines.append(f"{indent}}}")
            else:
                lines.append(f"{indent}{key} = {hcl_value(value)}")
                where[len(lines)] = (index, [*path, key])

    for index, probe in enumerate(probes):
        lines.append(f'resource "{probe.rtype}" "{probe.name}" {{')
        where[len(lines)] = (index, [])
        emit(index, probe.body, [], "  ")
        lines.append("}")
    return "\n".join(lines) + "\n", where


def leaf(body: dict[str, Any], path: list[str]) -> tuple[dict[str, Any], str] | None:
    for key in path[:-1]:
        value = body.get(key)
        if not (isinstance(value, tuple) and value[0] == "block"):
            return None
        body = value[1]
    return (body, path[-1]) if path and path[-1] in body else None


def add_one_of(probe: Probe, path: list[str], detail: str, block: dict[str, Any]) -> bool:
    """"one of `a,b` must be specified": set the first of them that the probe can build."""
    names = _ONE_OF.search(detail)
    if names is None:
        return False
    body = probe.body
    for key in path:
        value = body.get(key)
        if not (isinstance(value, tuple) and value[0] == "block"):
            return False
        body = value[1]
        block = ((block.get("block_types") or {}).get(key) or {}).get("block") or {}
    choices = [name.strip().split(".")[-1] for name in names.group(1).split(",")]
    if any(name in body for name in choices):
        return True  # the same diagnostic again, for another of the names: already repaired
    for name in choices:
        spec = (block.get("attributes") or {}).get(name)
        if spec is not None and "nested_type" not in spec:
            body[name] = placeholder(name, spec.get("type"), probe.variant)
            return True
        inner = (block.get("block_types") or {}).get(name)
        if inner is not None:
            body[name] = ("block", probe._block(inner.get("block") or {}, False))
            return True
    return False


def find_leaf(body: dict[str, Any], name: str) -> tuple[dict[str, Any], str] | None:
    """The first leaf called `name` anywhere in the probe (a diagnostic placed on its block)."""
    for key, value in body.items():
        if isinstance(value, tuple) and value[0] == "block":
            found = find_leaf(value[1], name)
            if found is not None:
                return found
        elif key == name:
            return body, key
    return None


def drop_conflict(probe: Probe, detail: str) -> bool:
    """Two optional blocks that exclude each other (probes with every optional block): keep one."""
    names = _CONFLICT.search(detail) or _ONLY_ONE.search(detail)
    if names is None:
        return False
    if names.re is _ONLY_ONE:
        choices = [n.strip() for n in names.group(1).split(",")]
        present = [n for n in choices if n in probe.body]
        for name in present[1:]:
            del probe.body[name]
        return len(present) > 1
    name = names.group(1)
    if name in probe.body and probe.with_optional:
        del probe.body[name]
        return True
    return False


def repair(probe: Probe, path: list[str], detail: str) -> bool:
    """Give a rejected leaf an allowed value named by the diagnostic; False when it cannot."""
    if add_one_of(probe, path, detail, probe.block) or drop_conflict(probe, detail):
        return True
    least = _MUST_LEAST.search(detail)
    if least and least.group(1) not in probe.body:
        spec = (probe.block.get("attributes") or {}).get(least.group(1)) or {}
        if spec.get("type") == "number":
            probe.body[least.group(1)] = int(least.group(2))
            return True
    found = leaf(probe.body, path)
    named = _NAMED.search(detail)
    if (found is None or isinstance(found[0][found[1]], tuple)) and named:
        found = find_leaf(probe.body, re.sub(r"\.\d+", "", named.group(1)).split(".")[-1])
    if found is None:
        return False
    body, key = found
    value = body[key]
    if isinstance(value, str) and "invalid JSON" in detail and value != POLICY:
        body[key] = POLICY
        return True
    if isinstance(value, str) and "invalid ARN" in detail and not value.startswith("arn:"):
        body[key] = f"arn:aws:iam::123456789012:role/probe-{probe.variant}"
        return True
    enum = _ENUM.search(detail)
    if enum and isinstance(value, (str, list)):
        choices = re.findall(r'"([^"]*)"', enum.group(1)) or enum.group(1).split()
        if choices:
            pick = choices[0] if probe.variant == "a" else choices[-1]
            new: Any = [pick] if isinstance(value, list) else pick
            if new != value:
                body[key] = new
                return True
    bounds = _RANGE.search(detail) or _ATLEAST.search(detail)
    if bounds and isinstance(value, (int, float)) and not isinstance(value, bool):
        low = int(bounds.group(1))
        new = low if probe.variant == "a" else low + 1
        if new != value:
            body[key] = new
            return True
    return False


def diagnostics(stdout: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for line in stdout.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict) and "diagnostics" in doc:
            out.extend(doc["diagnostics"])
        elif isinstance(doc, dict) and doc.get("type") == "diagnostic":
            out.append(doc.get("diagnostic") or {})
    return [d for d in out if d.get("severity") == "error"]


def plan_batch(probes: list[Probe], work: Path, plugin_dir: str) -> dict[str, Any]:
    """Plan the probes, repairing or dropping rejected ones; the plan JSON of the survivors."""
    for attempt in range(ROUNDS + 3):
        if not probes:
            return {}
        text, where = render(probes)
        (work / "main.tf").write_text(text, encoding="utf-8")
        errors = diagnostics(terraform(["validate", "-json"], work, plugin_dir).stdout)
        if not errors:
            done = terraform(["plan", "-json", "-refresh=false", "-input=false", "-lock=false", "-out=plan.out"],
                             work, plugin_dir)
            errors = diagnostics(done.stdout)
            if not errors and done.returncode == 0:
                shown = terraform(["show", "-json", "plan.out"], work, plugin_dir)
                return dict(json.loads(shown.stdout))
        bad: set[int] = set()
        for error in errors:
            line = ((error.get("range") or {}).get("start") or {}).get("line")
            address = error.get("address") or ""
            target = where.get(line) if line else None
            if target is None and address:
                target = next(((i, []) for i, p in enumerate(probes) if address == f"{p.rtype}.{p.name}"), None)
            if target is None:
                # Unplaced error: drop the whole batch half by half would be slow; drop every probe it names.
                named = [i for i, p in enumerate(probes) if f"{p.rtype}.{p.name}" in json.dumps(error)]
                bad.update(named or range(len(probes)))
                continue
            index, path = target
            detail = str(error.get("detail", "")) + " " + str(error.get("summary", ""))
            if "request was cancelled" in detail:
                continue  # another probe's error stopped this one: try it again
            if attempt >= ROUNDS or not repair(probes[index], path, detail):
                bad.add(index)
                if os.environ.get("GEN_DEFAULTS_DEBUG"):
                    print(f"drop {probes[index].rtype}.{probes[index].name} {'.'.join(path)}: {detail[:200]!r}",
                          file=sys.stderr)
        probes = [p for i, p in enumerate(probes) if i not in bad]
    return {}


def leaves(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            leaves(inner, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for inner in value:
            leaves(inner, path, out)
    else:
        out[path] = value


def defaults_of(plan: dict[str, Any], probes: list[Probe], schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """type -> {dotted path: default} from the planned probes."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for change in plan.get("resource_changes", []):
        after, unknown = change["change"].get("after") or {}, change["change"].get("after_unknown") or {}
        values: dict[str, Any] = {}
        leaves(after, "", values)
        gaps: dict[str, Any] = {}
        leaves(unknown, "", gaps)
        seen[(change["type"], change["name"])] = {k: v for k, v in values.items() if gaps.get(k) is not True}
    table: dict[str, dict[str, Any]] = {}
    for rtype in sorted({p.rtype for p in probes}):
        block = schema[rtype]["block"]
        # Each planned probe of the type, with the paths it sets itself.
        runs = [(seen[(p.rtype, p.name)], _set_paths(p.body, "")) for p in probes
                if p.rtype == rtype and (p.rtype, p.name) in seen]
        if not runs:
            continue
        found: dict[str, Any] = {}
        for path in sorted(set.union(*(set(r) for r, _ in runs))):
            spec = attribute_spec(block, path)
            if spec is None or path == "tags_all" or not spec.get("optional"):
                continue
            free = [r for r, set_here in runs if path not in set_here]
            seen_values = [r.get(path) for r in free]
            if not seen_values or any(v != seen_values[0] for v in seen_values):
                continue  # set by every probe, or a default that depends on other arguments
            value = seen_values[0]
            if value is None or isinstance(value, (list, dict)):
                continue
            if spec.get("computed") and (len(seen_values) < 2 or REGION in str(value) or "probe" in str(value)):
                continue
            found[path] = value
        if found:
            table[rtype] = found
    return table


def _set_paths(body: dict[str, Any], prefix: str) -> set[str]:
    out: set[str] = set()
    for key, value in body.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, tuple) and value[0] == "block":
            out |= _set_paths(value[1], path)
        else:
            out.add(path)
    return out


def attribute_spec(block: dict[str, Any], path: str) -> dict[str, Any] | None:
    parts = path.split(".")
    for name in parts[:-1]:
        inner = (block.get("block_types") or {}).get(name)
        if inner is None:
            return None
        block = inner.get("block") or {}
    spec = (block.get("attributes") or {}).get(parts[-1])
    return spec if isinstance(spec, dict) and "nested_type" not in spec else None


def run_batch(batch: list[str], schema: dict[str, Any], plugin_dir: str) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="tfguard-defaults-") as tmp:
        work = Path(tmp)
        (work / "versions.tf").write_text('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }'
                                          '\n  }\n}\n' + PROVIDER_BLOCK, encoding="utf-8")
        done = terraform(["init", "-backend=false", "-input=false"], work, plugin_dir)
        if done.returncode != 0:
            sys.exit(f"terraform init failed:\n{done.stderr}")
        # Top-level arguments: two variants, so a computed value must be the same in both.
        probes = [Probe(t, v, schema[t]["block"], False) for t in batch for v in ("a", "b")]
        probes += [Probe(t, f"v{i}", schema[t]["block"], False, extra) for t in batch
                   for i, extra in enumerate(VARIANTS.get(t, []))]
        table = defaults_of(plan_batch(probes, work, plugin_dir), probes, schema)
        # Nested blocks: one variant with every optional block present; only non-computed
        # arguments inside blocks are taken from it (static by construction).
        probes = [Probe(t, "a", schema[t]["block"], True) for t in batch]
        for rtype, found in defaults_of(plan_batch(probes, work, plugin_dir), probes, schema).items():
            block = schema[rtype]["block"]
            for path, value in found.items():
                if "." in path and not (attribute_spec(block, path) or {}).get("computed"):
                    table.setdefault(rtype, {}).setdefault(path, value)
        return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin-dir", default=os.environ.get("TFGUARD_TF_PLUGIN_DIR", "/opt/tf-plugins"))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--types", default="", help="comma-separated resource types (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--merge", action="store_true",
                        help="keep the types already in --out that this run does not probe (build the table in parts)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tfguard-schema-") as tmp:
        version, schema = provider_schema(Path(tmp), args.plugin_dir)
    resources = schema["resource_schemas"]
    types = [t for t in args.types.split(",") if t] or sorted(resources)
    batches = [types[i:i + BATCH] for i in range(0, len(types), BATCH)]
    table: dict[str, dict[str, Any]] = {}
    if args.merge and args.out.exists():
        old = json.loads(args.out.read_text(encoding="utf-8"))
        if old.get("version") == version:
            table = {t: v for t, v in old.get("resource", {}).items() if t not in types}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for n, found in enumerate(pool.map(lambda b: run_batch(b, resources, args.plugin_dir), batches), 1):
            table.update(found)
            print(f"batch {n}/{len(batches)}: {sum(len(v) for v in table.values())} defaults so far", file=sys.stderr)
    doc = {"provider": PROVIDER.split("/", 1)[1], "version": version, "resource": dict(sorted(table.items()))}
    args.out.write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.out}: provider {version}, {len(table)} types, {sum(len(v) for v in table.values())} defaults")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
