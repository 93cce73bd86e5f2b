"""tfguard's HCL evaluation against a real ``terraform plan`` of the same directory.

Compared, for managed resources:

- addresses, with their count / for_each keys;
- every leaf of ``change.after`` that the plan knows (not in ``after_unknown``).
  A leaf is *configured* when the plan's ``configuration`` sets its argument
  (or a parent attribute / block of it), or when it lies in a non-empty block
  that the configuration does not list (a ``dynamic`` block: the plan's
  configuration omits them) and is not a provider default there. The
  agreement on configured leaves is the headline number; the other known
  leaves that tfguard claims to know (``tags_all``, ...) are compared too.

Disagreement kinds: ``missing address``, ``extra address``, ``unknown in
tfguard`` (the plan knows it), ``different value`` (tfguard knows another
value: the serious kind), ``missing block in tfguard``, ``null in tfguard
(provider default?)`` (a configured null the provider fills with its default,
or a lost value), ``type`` (same text, other type: "1" for 1).

tfguard's side is each resource's values as a reference to it sees them (and
as Terraform plans them): the configuration's values, with the provider's
defaults that tfguard knows (tfguard/load/defaults.py) for arguments left
unset or null. Checks read the values without the defaults (CHECKS.md:
unset means unset).

Used by scripts/oracle.py and tests/test_oracle.py. Standard library and tfguard only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.load.defaults import planned

_KEY = re.compile(r'\["(?:[^"\\]|\\.)*"\]|\[\d+\]')
SERIOUS = ("different value",)
# tfguard has null where the plan has a value: a configured null the provider fills with its default
# (path = "/", visibility_timeout_seconds = 30), or a value tfguard lost; the plan cannot tell them apart.
NULL_DEFAULT = "null in tfguard (provider default?)"


@dataclass
class Result:
    addresses_plan: int = 0
    addresses_agree: int = 0
    configured: int = 0
    configured_agree: int = 0
    claimed: int = 0  # known leaves that are not configured but tfguard gives a value for
    claimed_agree: int = 0
    limited: int = 0  # configured leaves tfguard leaves unknown because Terraform reads them from AWS
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    def add(self, kind: str, address: str, path: str = "", plan: Any = None, tfguard: Any = None) -> None:
        self.disagreements.append({"kind": kind, "address": address, "path": path,
                                   "plan": _short(plan), "tfguard": _short(tfguard)})

    def merge(self, other: Result) -> None:
        for name in ("addresses_plan", "addresses_agree", "configured", "configured_agree", "claimed", "claimed_agree",
                     "limited"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _short(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else _render(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _render(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return repr(value)


def is_unknown(value: Any) -> bool:
    return type(value).__name__ == "Unknown"


def plan_changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Managed resources the plan creates (or keeps): address -> its change."""
    out: dict[str, dict[str, Any]] = {}
    for rc in plan.get("resource_changes") or []:
        if rc.get("mode") != "managed" or rc.get("change", {}).get("actions") in (["delete"], ["forget"]):
            continue
        out[rc["address"]] = rc
    return out


def configuration_index(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """'module.a.module.b.aws_x.y' (module keys stripped) -> that resource's configured expressions."""
    out: dict[str, dict[str, Any]] = {}

    def walk(module: dict[str, Any], prefix: str) -> None:
        for res in module.get("resources") or []:
            out[prefix + res["address"]] = res.get("expressions") or {}
        for name, call in (module.get("module_calls") or {}).items():
            walk(call.get("module") or {}, f"{prefix}module.{name}.")

    walk((plan.get("configuration") or {}).get("root_module") or {}, "")
    return out


def config_key(change: dict[str, Any]) -> str:
    module = _KEY.sub("", change.get("module_address") or "")
    return (module + "." if module else "") + f"{change['type']}.{change['name']}"


def _json_text(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def same(plan: Any, ours: Any) -> str:
    """'' when equal; else the kind of difference."""
    if is_unknown(ours) or _contains_unknown(ours):
        return "unknown in tfguard"
    if plan == ours and type(plan) is type(ours) or (isinstance(plan, float) and plan == ours):
        return ""
    if isinstance(plan, (int, float)) and not isinstance(plan, bool) and isinstance(ours, (int, float)) \
            and not isinstance(ours, bool) and plan == ours:
        return ""
    if _json_text(plan) != plan and _json_text(plan) == _json_text(ours):
        return ""
    if isinstance(plan, list) and isinstance(ours, list) and _canon(plan) == _canon(ours):
        return ""  # a set: Terraform orders it its own way
    if plan is None and ours in ([], {}, ""):
        return ""  # the provider plans an empty map or list (tags = {}) as null
    if ours is None and (plan in ([], {}) or (plan in ("", 0) and not isinstance(plan, bool)) or plan is False):
        # An absent block is an empty list of blocks, and the provider's legacy SDK plans
        # a null argument as its type's zero value.
        return ""
    if ours is None:
        return NULL_DEFAULT
    if _loose(plan) == _loose(ours):
        return "type"
    return "different value"


def _contains_unknown(value: Any) -> bool:
    return bool(_unknowns(value))


def _unknowns(value: Any) -> list[Any]:
    if is_unknown(value):
        return [value]
    if isinstance(value, dict):
        return [u for v in value.values() for u in _unknowns(v)]
    if isinstance(value, list):
        return [u for v in value for u in _unknowns(v)]
    return []


def _canon(value: list[Any]) -> list[str]:
    return sorted(_render(v) for v in value)


def _loose(value: Any) -> Any:
    """The value with every scalar as its text: equal when only types differ."""
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_loose(v) for v in value]
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Walk:
    def __init__(self, result: Result, address: str) -> None:
        self.result, self.address = result, address

    def node(self, path: str, plan: Any, unknown: Any, conf: Any, ours: Any) -> None:
        """conf: None (not configured), True (an attribute: all of it), dict (a block body), 'dynamic'."""
        if unknown is True:
            return
        if isinstance(plan, dict) and isinstance(ours, list) and len(ours) == 1 and isinstance(ours[0], dict):
            ours = ours[0]  # a single nested block (timeouts): an object in the plan, one block in tfguard
        if is_unknown(ours) and (isinstance(plan, (dict, list))):
            self.leaf(path, plan, conf, ours)  # one leaf: the whole value is unknown to tfguard
            return
        if isinstance(plan, dict) and (isinstance(ours, dict) or ours is None) and conf is not True:
            for key, value in plan.items():
                sub_unknown = unknown.get(key) if isinstance(unknown, dict) else None
                sub_ours = ours.get(key) if isinstance(ours, dict) else None
                self.node(f"{path}.{key}" if path else key, value, sub_unknown, _descend(conf, key, value), sub_ours)
            return
        if _is_blocks(plan) and conf is not True and (ours is None or _is_blocks(ours)):
            self.blocks(path, plan, unknown, conf, ours or [])
            return
        if _has_unknown_mask(unknown):
            return  # a configured attribute with unknown parts: partly known values are not compared
        self.leaf(path, plan, conf, ours)

    def blocks(self, path: str, plan: list[Any], unknown: Any, conf: Any, ours: list[Any]) -> None:
        confs = conf if isinstance(conf, list) else None
        merged: Any = _merge_bodies(confs) if confs else conf
        used: set[int] = set()
        for i, item in enumerate(plan):
            sub_unknown = unknown[i] if isinstance(unknown, list) and i < len(unknown) else None
            match = _best_match(item, ours, used)
            if match is None:
                # tfguard has fewer blocks here: one disagreement for the whole block.
                if conf is not None:
                    self.result.configured += 1
                    self.result.add("missing block in tfguard", self.address, f"{path}[{i}]", item, None)
                continue
            used.add(match)
            # Literal blocks keep their order in tfguard, so the match names the block's own configuration.
            body = confs[match] if confs and match < len(confs) else merged
            self.node(f"{path}[{i}]", item, sub_unknown, body, ours[match])

    def leaf(self, path: str, plan: Any, conf: Any, ours: Any) -> None:
        ours_value = None if ours is None else ours
        if conf == "dynamic" and ours_value is None:
            conf = None  # the plan's configuration does not say whether a dynamic block's content sets it
        if conf is None:
            if ours_value is None or is_unknown(ours_value):
                return
            self.result.claimed += 1
            kind = same(plan, ours_value)
            if not kind:
                self.result.claimed_agree += 1
            else:
                self.result.add(f"{kind} (not configured)", self.address, path, plan, ours_value)
            return
        self.result.configured += 1
        kind = same(plan, ours_value)
        if not kind:
            self.result.configured_agree += 1
            return
        if kind == "unknown in tfguard" and any(read_from_aws(u) for u in _unknowns(ours_value)):
            kind = LIMIT
            self.result.limited += 1
        self.result.add(kind, self.address, path, plan, ours_value)


# Data sources that Terraform reads from AWS during plan (the oracle's stand-in answers some of them).
_FROM_AWS = re.compile(r"data\.aws_(?!iam_policy_document|partition\b|region\b|arn\b|service_principal)\w+\.")
LIMIT = "read from AWS at plan time (limit)"


def read_from_aws(value: Any) -> bool:
    """An unknown of tfguard's that comes from a data source Terraform reads from AWS."""
    text = f"{getattr(value, 'reason', '')} {getattr(value, 'shape', '')} {' '.join(getattr(value, 'refs', ()) or ())}"
    return bool(_FROM_AWS.search(text)) or getattr(value, "shape", "") in ("account_id", "caller_arn")


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _has_unknown_mask(unknown: Any) -> bool:
    if unknown is True:
        return True
    if isinstance(unknown, dict):
        return any(_has_unknown_mask(v) for v in unknown.values())
    if isinstance(unknown, list):
        return any(_has_unknown_mask(v) for v in unknown)
    return False


def _descend(conf: Any, key: str, plan_value: Any) -> Any:
    if conf is True or conf == "dynamic":
        return conf
    if not isinstance(conf, dict):
        return None
    sub = conf.get(key)
    if sub is None:
        # A block the configuration does not list but the plan has: a dynamic block.
        return "dynamic" if _is_blocks(plan_value) else None
    if isinstance(sub, list):
        return sub  # nested block bodies
    return True  # an attribute expression


def _merge_bodies(bodies: list[Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for body in bodies:
        if isinstance(body, dict):
            for k, v in body.items():
                merged.setdefault(k, v)
    return merged


def _best_match(item: dict[str, Any], ours: list[Any], used: set[int]) -> int | None:
    """The unused block of ours that agrees on the most known scalar arguments (sets are unordered)."""
    best, score = None, -1
    for j, candidate in enumerate(ours):
        if j in used or not isinstance(candidate, dict):
            continue
        s = sum(1 for k, v in item.items() if candidate.get(k) == v or (isinstance(v, list) and isinstance(
            candidate.get(k), list) and _canon(v) == _canon(candidate[k])))
        if s > score:
            best, score = j, s
    return best


def compare(plan: dict[str, Any], resources: list[Any]) -> Result:
    """Compare tfguard's resources (tfguard.model.Resource) with a plan document."""
    result = Result()
    changes = plan_changes(plan)
    configs = configuration_index(plan)
    ours = {r.address: r for r in resources if getattr(r, "mode", "managed") == "managed"}
    result.addresses_plan = len(changes)
    for address in sorted(changes):
        if address not in ours:
            result.add("missing address", address, detail_missing(address, ours))
            continue
        result.addresses_agree += 1
        change = changes[address]["change"]
        conf = configs.get(config_key(changes[address]), {})
        mine = ours[address]
        _Walk(result, address).node("", change.get("after") or {}, change.get("after_unknown") or {}, conf,
                                    planned(mine.type, mine.values))
    for address in sorted(set(ours) - set(changes)):
        result.add("extra address", address, "")
    return result


def detail_missing(address: str, ours: dict[str, Any]) -> str:
    base = _KEY.sub("", address)
    siblings = sorted(a for a in ours if _KEY.sub("", a) == base)
    return f"tfguard has {', '.join(siblings[:3])}" if siblings else ""


def load_hcl(directory: Path) -> tuple[list[Any], list[str]]:
    """tfguard's resources for a folder, as `tfguard check DIR --allow-outside-root` loads them."""
    from tfguard.targets import Options, load_target

    groups = load_target(directory, Options(allow_outside_root=True))
    resources = [r for g in groups for r in g.resources]
    diagnostics = [str(d) for g in groups for d in g.diagnostics]
    return resources, diagnostics
