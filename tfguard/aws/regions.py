"""Regions: where a resource lives, the region of an ARN, and where KMS keys are used.

- `arn_region`, `kms_arn_region`: the region field of an ARN (of any ARN
  built around unknown parts, or of a literal KMS key or alias ARN);
  `other_region`: are two known regions different;
- `key_uses` (TG305): every KMS key argument of a resource, the key it resolves
  to and the region that key must be in: the resource's own region, an S3
  replication rule's destination bucket (`replica_kms_key_id`), a DynamoDB
  replica's `region_name`; `compare` judges one use, `same_provider` knows that
  two resources of one provider configuration share its (unknown) region, and
  `configured_bucket` names the bucket a bucket configuration resource configures.
  The key or bucket a value names is found by `ResourceGraph.resolve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tfguard.aws.kms import literal_is_cmk
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Unknown

_ARN_REGION = re.compile(r"^arn:[^:]+:[^:]+:([^:]*):")

KEY_TARGET_TYPES = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_alias", "aws_kms_external_key",
                    "aws_kms_replica_external_key")

# Resources that manage a key rather than use it (a replica key names its primary in
# another region by design).
KEY_MANAGEMENT_TYPES = frozenset(KEY_TARGET_TYPES) | {"aws_kms_key_policy", "aws_kms_grant"}

BUCKET_CONFIG_TYPES = ("aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_replication_configuration")

_KMS_ARN = re.compile(r"^arn:[^:]+:kms:([^:]*):[^:]*:(key|alias)/.+$", re.IGNORECASE)

_REPLICATION = {
    # holder type: (rule path, destination bucket path in a rule, key path in a rule)
    "aws_s3_bucket_replication_configuration": (
        ("rule",), ("destination", "bucket"), ("destination", "encryption_configuration", "replica_kms_key_id")),
    "aws_s3_bucket": (
        ("replication_configuration", "rules"), ("destination", "bucket"), ("destination", "replica_kms_key_id")),
}


def arn_region(value: Any) -> str | None:
    """The region field of an ARN (None when it is not an ARN or the field is empty).

    An ARN built around unknown parts (`arn:aws:backup:us-west-2:${account}:...`)
    still has a region when the text up to that field is known."""
    text = value.partial if isinstance(value, Unknown) else value
    if not isinstance(text, str):
        return None
    m = _ARN_REGION.match(text)
    region = m.group(1) if m else ""
    return region if region and "{" not in region else None


def other_region(here: Any, there: Any) -> bool | None:
    """True when both regions are known and differ; None when either is not known."""
    if not isinstance(here, str) or not isinstance(there, str) or not here or not there:
        return None
    return here != there


def why_unknown(*values: Any) -> str:
    for v in values:
        if isinstance(v, Unknown) and v.reason:
            return v.reason
    return "the region is not known statically"


def kms_arn_region(value: Any) -> str | None:
    """The region field of a literal KMS key or alias ARN."""
    m = _KMS_ARN.match(value) if isinstance(value, str) else None
    return m.group(1) if m else None


def _is_key_name(name: str) -> bool:
    return "kms" in name and "key" in name


@dataclass(frozen=True)
class KeyUse:
    at: Resource  # the resource with the key argument
    attribute: str  # dotted path of the argument in `at`
    key: Resource | None  # the key (or alias, or data source) it resolves to
    key_region: Any  # str, Unknown, or None when the key is looked up in the using region
    use_region: Any  # str or Unknown: where the key is used
    where: str  # what the use region belongs to, for messages
    related: tuple[Resource, ...] = ()
    literal: str = ""  # the literal key ARN, id or alias name when no key resource is named
    use_res: Resource | None = None  # the resource whose provider gives use_region (None: a region argument)


def _key_region(graph: ResourceGraph, key: Resource) -> Any:
    if key.mode == "data":
        named = key.values.get("key_id") or key.values.get("name") or key.values.get("arn")
        region = kms_arn_region(named)
        if region:
            return region
    return graph.region(key)


def _walk(values: dict[str, Any], path: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) of every argument and nested block argument (not map entries)."""
    out: list[tuple[str, Any]] = []
    for name, value in values.items():
        apath = f"{path}{name}"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                out.extend(_walk(item, apath + "."))
        else:
            out.append((apath, value))
    return out


def _key_use(graph: ResourceGraph, holder: Resource, attr: str, value: Any, use_region: Any, where: str,
             related: tuple[Resource, ...] = (), use_res: Resource | None = None) -> KeyUse | None:
    keys = graph.resolve(holder, attr, value, KEY_TARGET_TYPES)
    if keys:
        # Several keys only when a plan cannot tell which block names which; any mismatch counts.
        uses = [KeyUse(holder, attr, k, _key_region(graph, k), use_region, where, related, use_res=use_res)
                for k in keys]
        return next((u for u in uses if compare(u) is Status.FAIL), uses[0])
    if isinstance(value, str):
        region = kms_arn_region(value)
        if region is not None:
            return KeyUse(holder, attr, None, region, use_region, where, related, value, use_res)
        if literal_is_cmk(value) or value.lower().startswith("alias/"):
            # A key id or alias name is looked up in the region where it is used.
            return KeyUse(holder, attr, None, None, use_region, where, related, value, use_res)
        return None
    if isinstance(value, Unknown) and _is_key_name(attr.rsplit(".", 1)[-1]):
        return KeyUse(holder, attr, None, Unknown(value.reason or f"{attr} is not known statically"),
                      use_region, where, related, use_res=use_res)
    return None


def same_provider(a: Resource, b: Resource) -> bool:
    """Two resources created by the same provider configuration whose region is not known
    statically: they are in the same region all the same. In a plan the configuration key
    is global; in HCL the same (unknown) region value of a configuration is shared, and an
    unconfigured default provider is the same implicit one everywhere."""
    ra, rb = a.region, b.region
    if not (isinstance(ra, Unknown) and isinstance(rb, Unknown)):
        return False
    if ra is rb:
        return True
    if a.origin == b.origin == "plan":
        return a.provider == b.provider
    implicit = f"provider {a.provider} is not configured"
    return a.provider == b.provider and ra.reason == rb.reason == implicit


def compare(use: KeyUse) -> Status:
    if use.key_region is None:
        return Status.PASS
    key_region, use_region = use.key_region, use.use_region
    if isinstance(key_region, str) and isinstance(use_region, str) and key_region and use_region:
        return Status.PASS if key_region == use_region else Status.FAIL
    if use.key is not None and use.use_res is not None and use.key.mode == "managed" \
            and same_provider(use.key, use.use_res):
        return Status.PASS
    return Status.UNKNOWN


def _replication_uses(graph: ResourceGraph, holder: Resource) -> tuple[list[KeyUse], set[str]]:
    spec = _REPLICATION.get(holder.type)
    if spec is None:
        return [], set()
    rules_path, dest_path, key_path = spec
    dest_attr = ".".join(rules_path + dest_path)
    key_attr = ".".join(rules_path + key_path)
    uses: list[KeyUse] = []
    for rule in holder.blocks(*rules_path):
        if not isinstance(rule, dict):
            continue
        dest_value = next(iter(_values(rule, dest_path)), None)
        buckets = [b for b in graph.resolve(holder, dest_attr, dest_value, ("aws_s3_bucket",)) if b.mode == "managed"]
        if buckets:
            region, where = graph.region(buckets[0]), f"destination bucket {buckets[0].address}"
        else:
            named = f" {dest_value}" if isinstance(dest_value, str) else ""
            region = Unknown(f"the destination bucket{named} is not in the configuration")
            where = "the destination bucket"
        for value in _values(rule, key_path):
            use = _key_use(graph, holder, key_attr, value, region, where, tuple(buckets),
                           buckets[0] if buckets else None)
            if use is not None:
                uses.append(use)
    return uses, {key_attr}


def _values(block: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    current: list[Any] = [block]
    for name in path:
        found: list[Any] = []
        for item in current:
            if isinstance(item, dict):
                value = item.get(name)
                found.extend(value if isinstance(value, list) else [value])
            elif isinstance(item, Unknown):
                found.append(item)
        current = [v for v in found if v is not None]
    return current


def _dynamodb_replica_uses(graph: ResourceGraph, table: Resource) -> tuple[list[KeyUse], set[str]]:
    if table.type != "aws_dynamodb_table":
        return [], set()
    uses: list[KeyUse] = []
    for replica in table.blocks("replica"):
        if not isinstance(replica, dict):
            continue
        value = replica.get("kms_key_arn")
        if value is None or value == "":
            continue
        region = replica.get("region_name")
        if region is None:
            region = Unknown("the replica's region_name is not set")
        use = _key_use(graph, table, "replica.kms_key_arn", value, region, "the replica")
        if use is not None:
            uses.append(use)
    return uses, {"replica.kms_key_arn"}


def key_uses(graph: ResourceGraph, holder: Resource) -> list[KeyUse]:
    """Every KMS key argument of `holder`, with the key's region and the region it is used in."""
    if holder.mode != "managed" or holder.type in KEY_MANAGEMENT_TYPES:
        return []
    uses, done = _replication_uses(graph, holder)
    more, done2 = _dynamodb_replica_uses(graph, holder)
    uses += more
    done |= done2
    own = graph.region(holder)
    for attr, value in _walk(holder.values):
        if attr in done or value is None or value == "":
            continue
        name = attr.rsplit(".", 1)[-1]
        literal = any(kms_arn_region(v) for v in (value if isinstance(value, list) else [value]))
        if "key" not in name or not (_is_key_name(name) or literal
                                      or graph.targets(holder, via=attr, types=KEY_TARGET_TYPES)):
            continue
        for item in value if isinstance(value, list) else [value]:
            use = _key_use(graph, holder, attr, item, own, holder.address, use_res=holder)
            if use is not None:
                uses.append(use)
    return uses


def configured_bucket(graph: ResourceGraph, holder: Resource) -> Resource | None:
    """The bucket a bucket encryption or replication configuration resource configures."""
    if holder.type in BUCKET_CONFIG_TYPES:
        buckets = [b for b in graph.targets(holder, via="bucket", types=("aws_s3_bucket",)) if b.mode == "managed"]
        if buckets:
            return buckets[0]
    return None
