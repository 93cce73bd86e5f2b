"""S3 replication: the rules of a bucket and the destination each names.

Rules live inline (`replication_configuration.rules` of the bucket) or in an
`aws_s3_bucket_replication_configuration`; each comes back with the
destination it resolves to (reference, literal bucket name or ARN), its
replica key and whether it replicates KMS-encrypted objects (`rules_of`,
`replication_holders`, TG602, TG603). `is_replication_destination`: the
replication flows into a bucket (`tfguard.aws.flows`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tfguard.aws.flows import Flow, upstream
from tfguard.aws.s3 import linked
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown, is_unknown, nested
from tfguard.truth import is_on


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
