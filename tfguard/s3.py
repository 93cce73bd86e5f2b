"""S3 bucket settings that may live inline or in linked aws_s3_bucket_* resources.

Shared by every check that asks "is the bucket encrypted / versioned /
blocked from public access", so the linking rules exist once.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, is_unknown
from tfguard.truth import setting

_SSE = "apply_server_side_encryption_by_default"


def linked(graph: ResourceGraph, bucket: Resource, rtype: str) -> list[Resource]:
    """Resources of `rtype` whose `bucket` argument names this bucket (reference or literal)."""
    return graph.referrers(bucket, types=(rtype,), via="bucket")


class Encryption(NamedTuple):
    status: Status  # TG101's verdict
    algorithm: Any
    key: Any  # kms_master_key_id value
    holder: Resource  # the resource holding the rule (or to edit when missing)
    attr: str  # path of the rule's default block in holder
    related: tuple[Resource, ...]


def encryption(graph: ResourceGraph, bucket: Resource) -> Encryption:
    configs = linked(graph, bucket, "aws_s3_bucket_server_side_encryption_configuration")
    candidates: list[tuple[Resource, str, Any]] = []
    for cfg in configs:  # a separate resource overrides the inline block, so it goes first
        candidates += [(cfg, f"rule.{_SSE}", d) for d in cfg.blocks("rule", _SSE)]
    inline = f"server_side_encryption_configuration.rule.{_SSE}"
    candidates += [(bucket, inline, d) for d in bucket.blocks("server_side_encryption_configuration", "rule", _SSE)]
    related = tuple(configs)
    unknown: tuple[Resource, str] | None = None
    for holder, attr, default in candidates:
        if is_unknown(default) or is_unknown(default.get("sse_algorithm")):
            unknown = unknown or (holder, attr)
            continue
        algorithm = default.get("sse_algorithm")
        if algorithm:
            return Encryption(Status.PASS, algorithm, default.get("kms_master_key_id"), holder, attr, related)
    for cfg in configs:  # unknown whole rule blocks (dynamic over an unknown list)
        if any(is_unknown(r) for r in cfg.blocks("rule")):
            unknown = unknown or (cfg, "rule")
    if unknown is not None:
        return Encryption(Status.UNKNOWN, None, None, unknown[0], f"{unknown[1]}.sse_algorithm", related)
    if configs:
        return Encryption(Status.FAIL, None, None, configs[0], "rule", related)
    return Encryption(Status.FAIL, None, None, bucket, "", related)


def all_true(res: Resource, flags: tuple[str, ...]) -> Status:
    values = [setting(res.values.get(f)) for f in flags]
    if all(v is True for v in values):
        return Status.PASS
    if any(v is False or v is None for v in values):
        return Status.FAIL
    return Status.UNKNOWN
