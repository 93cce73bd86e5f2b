"""Backup, replication and classification helpers shared by the 6xx and 7xx checks.

- S3 versioning for a bucket (inline `versioning` or a linked
  `aws_s3_bucket_versioning`), the same rule TG601 applies.
- Replication rules of a bucket, inline (`replication_configuration.rules`)
  or in an `aws_s3_bucket_replication_configuration`, each with the
  destination it resolves to (reference, literal bucket name or ARN).
- Regions: a resource's provider region, or the region field of a literal ARN.
- Backup retention and point-in-time recovery values.
- The key that protects a data-flow destination (its own key argument, or the
  key it inherits from its source: a DB snapshot from its instance, an EBS
  snapshot from its volume, a read replica without `kms_key_id` from its
  primary), judged with tfguard.keys.cmk_verdict.
- The flow path behind an effective classification, with the resources that
  make each hop (replication configuration, backup selection and plan).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from tfguard.flows import Flow, effective, flow_edges
from tfguard.graph import ResourceGraph
from tfguard.keys import KeyVerdict, cmk_verdict
from tfguard.model import Resource, Status, Unknown, is_unknown, nested
from tfguard.s3 import encryption, linked
from tfguard.truth import is_on

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
_ARN_REGION = re.compile(r"^arn:[^:]+:[^:]+:([^:]*):")

# -- S3 versioning ---------------------------------------------------------------


class Versioning(NamedTuple):
    status: Status
    holder: Resource  # where the setting lives (or the bucket when it is missing)
    attr: str
    related: tuple[Resource, ...]


def versioning(graph: ResourceGraph, bucket: Resource) -> Versioning:
    """TG601's verdict: inline `versioning { enabled = true }` or a linked
    `aws_s3_bucket_versioning` with `versioning_configuration.status = "Enabled"`."""
    configs = linked(graph, bucket, "aws_s3_bucket_versioning")
    states: list[tuple[Resource, str, Any]] = [
        (c, "versioning_configuration.status", s.get("status") if isinstance(s, dict) else s)
        for c in configs for s in c.blocks("versioning_configuration")
    ]
    states += [(bucket, "versioning.enabled", v.get("enabled") if isinstance(v, dict) else v)
               for v in bucket.blocks("versioning")]
    related = tuple(configs)
    if any(is_on(v) or v == "Enabled" for _, _, v in states):
        return Versioning(Status.PASS, bucket, "", related)
    for holder, attr, value in states:
        if is_unknown(value):
            return Versioning(Status.UNKNOWN, holder, attr, related)
    if configs:
        return Versioning(Status.FAIL, configs[0], "versioning_configuration.status", related)
    return Versioning(Status.FAIL, bucket, "versioning.enabled" if states else "", related)


def uses_cmk(graph: ResourceGraph, bucket: Resource) -> KeyVerdict:
    """Is the bucket's default encryption a customer-managed KMS key? (TG102's reading)"""
    enc = encryption(graph, bucket)
    if enc.status is Status.UNKNOWN:
        return KeyVerdict(None, None, f"the encryption of {bucket.address} is not known statically")
    if enc.status is Status.FAIL:
        return KeyVerdict(False, None, f"{bucket.address} has no default encryption")
    if is_unknown(enc.algorithm):
        return KeyVerdict(None, None, f"the encryption algorithm of {bucket.address} is not known statically")
    if str(enc.algorithm).lower() not in KMS_ALGORITHMS:
        return KeyVerdict(False, None, f"{bucket.address} is encrypted with {enc.algorithm}")
    return cmk_verdict(graph, enc.holder, f"{enc.attr}.kms_master_key_id", enc.key)


# -- regions ------------------------------------------------------------------------


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


# -- S3 replication rules --------------------------------------------------------


class Rule(NamedTuple):
    holder: Resource  # the replication configuration, or the bucket for an inline block
    path: str  # attribute path of the rule block in holder
    body: dict[str, Any]
    source: Resource | None  # the replicated bucket, when it is in the configuration
    dest_value: Any  # destination.bucket as written
    destinations: tuple[Resource, ...]  # the buckets it resolves to (empty: not in the configuration)
    inline: bool

    @property
    def dest_attr(self) -> str:
        return f"{self.path}.destination.bucket"

    def destination(self) -> dict[str, Any]:
        for d in nested(self.body, "destination"):
            if isinstance(d, dict):
                return d
        return {}

    def replica_key(self) -> Any:
        dest = self.destination()
        if self.inline:
            return dest.get("replica_kms_key_id")
        for enc in nested(dest, "encryption_configuration"):
            if is_unknown(enc):
                return enc
            if isinstance(enc, dict):
                return enc.get("replica_kms_key_id")
        return None

    def replicates_kms(self) -> Any:
        """True/False, or an Unknown, for `source_selection_criteria.sse_kms_encrypted_objects`."""
        for crit in nested(self.body, "source_selection_criteria"):
            if is_unknown(crit):
                return crit
            for sse in nested(crit, "sse_kms_encrypted_objects"):
                if is_unknown(sse):
                    return sse
                value = sse.get("enabled") if self.inline else sse.get("status")
                if is_unknown(value):
                    return value
                return is_on(value) or value == "Enabled"
        return False

    @property
    def kms_attr(self) -> str:
        leaf = "enabled" if self.inline else "status"
        return f"{self.path}.source_selection_criteria.sse_kms_encrypted_objects.{leaf}"


def rules_of(graph: ResourceGraph, holder: Resource) -> list[Rule | Unknown]:
    """Rules of an aws_s3_bucket_replication_configuration, or the inline rules of a bucket.
    A rule block that is not known statically comes back as an Unknown."""
    if holder.type == "aws_s3_bucket":
        path, inline, sources = "replication_configuration.rules", True, [holder]
        bodies = holder.blocks("replication_configuration", "rules")
    else:
        path, inline = "rule", False
        sources = [s for s in graph.targets(holder, via="bucket", types=("aws_s3_bucket",)) if s.mode == "managed"]
        bodies = holder.blocks("rule")
    source = sources[0] if sources else None
    out: list[Rule | Unknown] = []
    for body in bodies:
        if not isinstance(body, dict):
            out.append(body if is_unknown(body) else Unknown("a replication rule is not known statically"))
            continue
        dests = [d for d in nested(body, "destination") if isinstance(d, dict)]
        value = dests[0].get("bucket") if dests else None
        found = graph.resolve(holder, f"{path}.destination.bucket", value, ("aws_s3_bucket",), managed=True)
        out.append(Rule(holder, path, body, source, value, tuple(found), inline))
    return out


def replication_holders(graph: ResourceGraph, bucket: Resource) -> list[Resource]:
    """Where the bucket's outgoing replication is configured: linked configurations, then the bucket."""
    holders = linked(graph, bucket, "aws_s3_bucket_replication_configuration")
    if bucket.blocks("replication_configuration"):
        holders.append(bucket)
    return holders


def is_replication_destination(graph: ResourceGraph, bucket: Resource) -> list[Flow]:
    """The replication flows that end in the bucket."""
    return [f for f in upstream(graph, bucket) if f.kind == "replication"]


# -- backups ---------------------------------------------------------------------


def number(value: Any) -> Any:
    """An int from a number or numeric string; None when unset; an Unknown as it is."""
    if value is None or is_unknown(value):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return Unknown(f"{value!r} is not a number")


def is_read_replica(res: Resource) -> bool:
    source = res.values.get("replicate_source_db")
    return res.type == "aws_db_instance" and source is not None and source != ""


def pitr(res: Resource) -> Any:
    """`point_in_time_recovery.enabled` of a DynamoDB table: True/False or an Unknown."""
    for block in res.blocks("point_in_time_recovery"):
        if is_unknown(block):
            return block
        if isinstance(block, dict):
            value = block.get("enabled")
            return value if is_unknown(value) else is_on(value)
    return False


# -- keys of data-flow destinations -------------------------------------------------

# Destination type -> the argument that holds its KMS key.
KEY_ARGS = {
    "aws_backup_vault": "kms_key_arn",
    "aws_db_snapshot_copy": "kms_key_id",
    "aws_ebs_snapshot_copy": "kms_key_id",
    "aws_dynamodb_table_replica": "kms_key_arn",
    "aws_db_instance_automated_backups_replication": "kms_key_id",
    "aws_db_instance": "kms_key_id",
    "aws_rds_cluster": "kms_key_id",
    "aws_docdb_cluster": "kms_key_id",
    "aws_neptune_cluster": "kms_key_id",
    "aws_ebs_volume": "kms_key_id",
    "aws_efs_file_system": "kms_key_id",
}
# Destinations that have no key argument of their own: they are encrypted with their source's key.
INHERITS = ("aws_db_snapshot", "aws_db_cluster_snapshot", "aws_ebs_snapshot")
# Destination types that cannot carry tags (no classification label is possible).
UNTAGGABLE = ("aws_db_instance_automated_backups_replication",)


class DestinationKey(NamedTuple):
    verdict: KeyVerdict
    holder: Resource  # where the key argument lives
    attr: str


def destination_key(graph: ResourceGraph, res: Resource, _depth: int = 0) -> DestinationKey:
    """The CMK verdict for the data a destination holds."""
    if res.type == "aws_s3_bucket":
        enc = encryption(graph, res)
        attr = f"{enc.attr}.kms_master_key_id" if enc.status is Status.PASS and enc.key is not None else enc.attr
        return DestinationKey(uses_cmk(graph, res), enc.holder, attr)
    inherits = res.type in INHERITS or (is_read_replica(res) and res.values.get("kms_key_id") is None)
    if inherits and _depth < 10:
        sources = [f.source for f in upstream(graph, res) if f.source.mode == "managed"]
        if sources:
            inherited = destination_key(graph, sources[0], _depth + 1)
            verdict = inherited.verdict
            reason = f"inherits the key of {sources[0].address}: {verdict.reason}"
            if res.type in INHERITS:  # the key can only be set on the source
                return DestinationKey(KeyVerdict(verdict.cmk, verdict.key, reason), inherited.holder, inherited.attr)
            return DestinationKey(KeyVerdict(verdict.cmk, verdict.key, reason), res, "kms_key_id")
        if res.type in INHERITS:
            return DestinationKey(KeyVerdict(None, None, f"the source of {res.address} is not in the configuration"), res, "")
    attr = KEY_ARGS.get(res.type, "kms_key_id")
    return DestinationKey(cmk_verdict(graph, res, attr, res.values.get(attr)), res, attr)


# -- flow paths --------------------------------------------------------------------


def flow_path(graph: ResourceGraph, path: Iterable[Resource]) -> tuple[Resource, ...]:
    """A classification path (source first) with the resources that make each hop inserted
    (`table -> selection -> plan -> vault`)."""
    hops = list(path)
    if not hops:
        return ()
    out: list[Resource] = [hops[0]]
    for prev, nxt in zip(hops, hops[1:]):
        flow = next((f for f in upstream(graph, nxt) if f.source is prev), None)
        out.extend(v for v in (flow.via if flow else ()) if v not in out)
        out.append(nxt)
    return tuple(out)


def origin_path(graph: ResourceGraph, res: Resource, path: Iterable[Resource], tag: str = "DataClassification") -> list[Resource]:
    """The flow chain into `res` from where the data originates: the classification path
    (source first; just `res` when its own label is the highest), extended upstream through
    the most classified source of each hop (`instance -> snapshot -> copy`)."""
    hops = list(path) or [res]
    seen = {r.address for r in hops}
    while True:
        flows = [f for f in upstream(graph, hops[0]) if f.source.address not in seen]
        if not flows:
            return hops
        levels = [effective(graph, f.source, tag).level for f in flows]
        best = flows[levels.index(max(levels, key=lambda lv: -1 if lv is None else lv))]
        hops.insert(0, best.source)
        seen.add(best.source.address)


def describe(path: Iterable[Resource]) -> str:
    return " -> ".join(r.address for r in path)


def upstream(graph: ResourceGraph, res: Resource) -> list[Flow]:
    """The flows that end in `res` (indexed once per graph)."""
    index: dict[str, list[Flow]] | None = getattr(graph, "_recovery_upstream", None)
    if index is None:
        index = {}
        for flow in flow_edges(graph):
            index.setdefault(flow.destination.address, []).append(flow)
        graph._recovery_upstream = index  # type: ignore[attr-defined]  # computed once per graph
    return list(index.get(res.address, ()))
