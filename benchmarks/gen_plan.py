"""Large `terraform show -json` plans made from plans Terraform wrote: a base plan replicated into module instances.

A base plan's root module becomes the module `m`, called with `count = N`:
every section Terraform writes is carried over, with the addresses Terraform
gives a counted module's contents (`module.m[3].aws_s3_bucket.data["public"]`):

* `planned_values` and `prior_state`: one child module per instance;
* `resource_changes` (and `resource_drift`): every entry once per instance,
  with its `module_address`;
* `configuration`: the base's root module under `module_calls.m` once (the
  configuration is per module, not per instance), with `count_expression`,
  and the base's root variables passed as the call's arguments;
* `relevant_attributes`: once per instance.

The base's root outputs are dropped (a child module's outputs are not in a
plan). With `token`, a string in a copy's values that contains it has it
replaced by token + instance number, so that bucket and other names stay
unique as they would in a real deployment.

Bases (real plans): `plans/unit/plan.json` (ours: `plans/unit/main.tf`,
planned by scripts/gen_plans.py; 25 managed resources and 4 data sources),
and any plan of the corpus in tests/data/plans/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
UNIT_PLAN = HERE / "plans" / "unit" / "plan.json"
UNIT_TOKEN = "bench-i"  # in plans/unit/main.tf's names
CORPUS = HERE.parent / "tests" / "data" / "plans"
_M = "@@MODULE@@"  # stands for "module.m[i]" in a copy's template


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def managed_count(doc: dict[str, Any]) -> int:
    """Managed resources a plan creates, updates or keeps (what both tools scan)."""
    return sum(1 for rc in doc.get("resource_changes") or []
               if rc.get("mode") == "managed" and rc["change"].get("actions") != ["delete"])


def _prefixed(address: str) -> str:
    return f"{_M}.{address}"


def _module(mod: dict[str, Any]) -> dict[str, Any]:
    """A planned_values/prior_state module as the content of instance _M."""
    out = {k: v for k, v in mod.items() if k not in ("resources", "child_modules", "address", "outputs")}
    out["resources"] = [{**r, "address": _prefixed(r["address"])} for r in mod.get("resources") or []]
    children = [_module(c) | {"address": _prefixed(c["address"])} for c in mod.get("child_modules") or []]
    if children:
        out["child_modules"] = children
    out["address"] = _M
    return out


def _change(rc: dict[str, Any]) -> dict[str, Any]:
    out = {**rc, "address": _prefixed(rc["address"])}
    out["module_address"] = _prefixed(rc["module_address"]) if rc.get("module_address") else _M
    if rc.get("previous_address"):
        out["previous_address"] = _prefixed(rc["previous_address"])
    return out


def _template(base: dict[str, Any]) -> str:
    """Everything one instance contributes, as JSON text with _M for its module address."""
    part: dict[str, Any] = {
        "planned": _module((base.get("planned_values") or {}).get("root_module") or {}),
        "changes": [_change(rc) for rc in base.get("resource_changes") or []],
        "drift": [_change(rc) for rc in base.get("resource_drift") or []],
        "relevant": [{**ra, "resource": _prefixed(ra["resource"])} for ra in base.get("relevant_attributes") or []],
    }
    prior = ((base.get("prior_state") or {}).get("values") or {}).get("root_module")
    if prior is not None:
        part["prior"] = _module(prior)
    return json.dumps(part)


def _configuration(base: dict[str, Any], copies: int) -> dict[str, Any]:
    config = base.get("configuration") or {}
    root = {k: v for k, v in (config.get("root_module") or {}).items()}
    args = {name: {"constant_value": v.get("value")} for name, v in (base.get("variables") or {}).items()}
    call = {"source": "./m", "expressions": args, "count_expression": {"constant_value": copies}, "module": root}
    return {**{k: v for k, v in config.items() if k != "root_module"},
            "root_module": {"module_calls": {"m": call}}}


def replicate(base: dict[str, Any], copies: int, token: str | None = None) -> dict[str, Any]:
    """`base` with its root module called `copies` times as module.m[0..copies-1]."""
    template = _template(base)
    planned, prior, changes, drift, relevant = [], [], [], [], []
    for i in range(copies):
        text = template.replace(_M, f"module.m[{i}]")
        if token:
            text = text.replace(token, f"{token}{i}")
        part = json.loads(text)
        planned.append(part["planned"])
        prior.append(part.get("prior"))
        changes += part["changes"]
        drift += part["drift"]
        relevant += part["relevant"]
    keep = ("format_version", "terraform_version", "timestamp", "applyable", "complete", "errored")
    doc: dict[str, Any] = {k: base[k] for k in keep if k in base}
    doc["planned_values"] = {"root_module": {"child_modules": planned}}
    if drift:
        doc["resource_drift"] = drift
    doc["resource_changes"] = changes
    if base.get("prior_state"):
        values = {"root_module": {"child_modules": [p for p in prior if p is not None]}}
        doc["prior_state"] = {**{k: v for k, v in base["prior_state"].items() if k != "values"}, "values": values}
    doc["configuration"] = _configuration(base, copies)
    if relevant:
        doc["relevant_attributes"] = relevant
    return doc


def write(path: Path, copies: int, base: Path = UNIT_PLAN, token: str | None = UNIT_TOKEN) -> dict[str, Any]:
    """Writes the replicated plan compact, as `terraform show -json` does; returns it."""
    doc = replicate(load(base), copies, token)
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return doc


def copies_for(resources: int, base: Path = UNIT_PLAN) -> int:
    """Instances needed for at least `resources` managed resources."""
    per = managed_count(load(base))
    return max(1, -(-resources // per))


def copies_for_mb(mb: float, base: Path = UNIT_PLAN) -> int:
    per = len(json.dumps(replicate(load(base), 2, UNIT_TOKEN), separators=(",", ":"))) / 2
    return max(1, int(mb * 1_000_000 / per))
