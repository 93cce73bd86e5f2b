"""RDS (and DocumentDB, Neptune): storage encryption, keys, replicas, snapshots and copies.

- An instance or cluster (`aws_db_instance`, `aws_rds_cluster`,
  `aws_docdb_cluster`, `aws_neptune_cluster`) is encrypted when
  `storage_encrypted = true`; a `serverless` `aws_rds_cluster` is always
  encrypted; a read replica (`replicate_source_db`, `is_read_replica`) is
  encrypted when its source resolves to an encrypted instance, and without its
  own key it uses the source's key (`rds_encrypted`, TG110; `rds_cmk`, TG111).
- Snapshots and copies: an `aws_db_snapshot` / `aws_db_cluster_snapshot` is
  as encrypted as the instance or cluster it is taken from; a copy or
  replicated backup is encrypted when it sets `kms_key_id`, else like its
  source (`copy_encrypted`), and must set one when its source is encrypted
  (`backup_copy`, TG112).

A source is found through the graph (reference or literal identifier), else
through a literal RDS ARN whose name (and region, when known) matches a
resource of the configuration (`source_of`). A verdict through a chain of sources
(a replica of a replica, a copy of a snapshot) is `Traced` inside this module, with
the reason where the chain was decided (`innermost`), so a message never nests the
messages of every link; outside it is a `Verdict`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tfguard.aws.kms import cmk_verdict, key_set
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Verdict, is_unknown
from tfguard.truth import setting

RDS_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")

CLUSTER_TYPES = ("aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")

SNAPSHOT_COPY_TYPES = ("aws_db_snapshot_copy", "aws_rds_cluster_snapshot_copy")

BACKUP_COPY_TYPES = (*SNAPSHOT_COPY_TYPES, "aws_db_instance_automated_backups_replication")

# copy/snapshot type -> (attribute naming its source, source types); the value names the
# source by reference, identifier or ARN (graph edges, arns.ARN_SHAPES).
_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "aws_db_instance": ("replicate_source_db", ("aws_db_instance",)),
    "aws_db_snapshot": ("db_instance_identifier", ("aws_db_instance",)),
    "aws_db_cluster_snapshot": ("db_cluster_identifier", CLUSTER_TYPES),
    "aws_db_snapshot_copy": ("source_db_snapshot_identifier", ("aws_db_snapshot", "aws_db_snapshot_copy")),
    "aws_rds_cluster_snapshot_copy": ("source_db_cluster_snapshot_identifier",
                                      ("aws_db_cluster_snapshot", "aws_rds_cluster_snapshot_copy")),
    "aws_db_instance_automated_backups_replication": ("source_db_instance_arn", ("aws_db_instance",)),
}


class Traced(NamedTuple):
    verdict: Verdict
    cause: str = ""  # through a chain of sources: the reason where it was decided


def traced(status: Status, message: str, attribute: str = "", at: Resource | None = None,
           related: tuple[Resource, ...] = (), cause: str = "") -> Traced:
    return Traced(Verdict(status, message, attribute, at, related), cause)


def innermost(t: Traced) -> str:
    """The innermost reason, named by the resource it was decided on (no nested messages)."""
    if t.cause:
        return t.cause
    v = t.verdict
    return f"{v.at.address}: {v.message}" if v.at is not None else v.message


def key_attr(res: Resource) -> str:
    """The argument that names the storage key (Neptune calls it kms_key_arn)."""
    return "kms_key_arn" if res.type == "aws_neptune_cluster" else "kms_key_id"


def is_read_replica(res: Resource) -> bool:
    source = res.values.get("replicate_source_db")
    return res.type == "aws_db_instance" and source is not None and source != ""


def source_attr(res: Resource) -> str:
    return _SOURCES[res.type][0] if res.type in _SOURCES else ""


def source_of(graph: ResourceGraph, res: Resource) -> tuple[Any, Resource | None]:
    """(the value naming the source, the source resource in the configuration or None).

    The value is None when the resource names no source (not a replica).
    """
    if res.type not in _SOURCES:
        return None, None
    attr, types = _SOURCES[res.type]
    value = res.values.get(attr)
    if value is None or value == "":
        return None, None
    # One value, so every target of the edge is named by it (by reference, identifier, or a
    # literal ARN such as `arn:aws:rds:us-east-1:111122223333:db:main`: arns.ARN_SHAPES).
    found = graph.targets(res, via=attr, types=types)
    if found:  # a resource of the configuration before an existing one read by a data source
        return value, sorted(found, key=lambda r: r.mode != "managed")[0]
    return value, None


def _unresolved(res: Resource, value: Any, what: str) -> Traced:
    attr = source_attr(res)
    if is_unknown(value):
        reason = f"the {what} ({attr}) is not known statically"
        detail = value.reason
        return traced(Status.UNKNOWN, f"{reason}: {detail}" if detail else reason, attr, res)
    return traced(Status.UNKNOWN, f"the {what} {value!r} is not in the configuration", attr, res)


def _existing(res: Resource, value: Any, attr: str) -> Traced:
    """An existing resource read through a data source: only a value read back decides."""
    if isinstance(value, bool):
        return traced(Status.of(value), f"the existing {res.type} has {attr} = {str(value).lower()}", attr, res)
    return traced(Status.UNKNOWN, f"whether the existing {res.type} is encrypted is not known statically", attr, res)


def _encrypted(graph: ResourceGraph, res: Resource, _seen: frozenset[str]) -> Traced:
    """TG110's verdict for an RDS instance or cluster."""
    encrypted = setting(res.values.get("storage_encrypted"))
    if res.mode == "data":
        return _existing(res, encrypted, "storage_encrypted")
    if encrypted is True:
        return traced(Status.PASS, "storage_encrypted is true", "storage_encrypted", res)
    if res.type == "aws_rds_cluster":
        mode = res.values.get("engine_mode")
        if isinstance(mode, str) and mode.lower() == "serverless":
            return traced(Status.PASS, "a serverless cluster's storage is always encrypted", "engine_mode", res)
        if is_unknown(mode):
            return traced(Status.UNKNOWN, "engine_mode is not known statically", "engine_mode", res)
    value, source = source_of(graph, res)
    if value is not None:  # a read replica: encrypted like its source
        if source is None:
            return _unresolved(res, value, "replica's source")
        if source.address in _seen:
            return traced(Status.UNKNOWN, "the replication sources form a loop", "replicate_source_db", res)
        up = _encrypted(graph, source, _seen | {res.address})
        related = (source, *up.verdict.related)
        cause = innermost(up)
        if up.verdict.status is Status.PASS:
            return traced(Status.PASS, f"read replica of {source.address}, which is encrypted ({cause})",
                          "replicate_source_db", res, related, cause)
        if up.verdict.status is Status.UNKNOWN or is_unknown(encrypted):
            return traced(Status.UNKNOWN, f"read replica of {source.address}, whose encryption is not known ({cause})",
                          up.verdict.attribute, up.verdict.at, related, cause)
        return traced(Status.FAIL, f"read replica of {source.address}, which is not encrypted ({cause})",
                      up.verdict.attribute, up.verdict.at, related, cause)
    if is_unknown(encrypted):
        detail = encrypted.reason
        return traced(Status.UNKNOWN, "storage_encrypted is not known statically" + (f": {detail}" if detail else ""),
                      "storage_encrypted", res)
    if encrypted is False:
        return traced(Status.FAIL, "storage_encrypted is false", "storage_encrypted", res)
    return traced(Status.FAIL, "storage_encrypted is not set to true", "storage_encrypted", res)


def _cmk(graph: ResourceGraph, res: Resource, _seen: frozenset[str]) -> Traced:
    """TG111's key verdict for an encrypted RDS instance or cluster (a replica without its own
    key uses its source's key)."""
    attr = key_attr(res)
    value = res.values.get(attr)
    if res.mode == "data" and not isinstance(value, str):
        return traced(Status.UNKNOWN, f"the key of the existing {res.type} is not known statically", attr, res)
    if value is None or value == "":
        src_value, source = source_of(graph, res)
        if src_value is not None and res.type == "aws_db_instance":
            if source is None:
                return _unresolved(res, src_value, "replica's source, whose key it uses,")
            if source.address in _seen:
                return traced(Status.UNKNOWN, "the replication sources form a loop", "replicate_source_db", res)
            up = _cmk(graph, source, _seen | {res.address})
            cause = innermost(up)
            return traced(up.verdict.status, f"read replica uses the key of its source ({cause})",
                          up.verdict.attribute, up.verdict.at, (source, *up.verdict.related), cause)
    kv = cmk_verdict(graph, res, attr, value).verdict
    reason = kv.message if value not in (None, "") else f"no {attr}: the AWS-managed aws/rds key is used"
    return Traced(kv._replace(message=reason))


def _copy_encrypted(graph: ResourceGraph, res: Resource, _seen: frozenset[str]) -> Traced:
    """Is this RDS instance/cluster, snapshot, snapshot copy or backup replication encrypted?"""
    if res.type in RDS_TYPES:
        return _encrypted(graph, res, _seen)
    if res.mode == "data":
        return _existing(res, res.values.get("encrypted"), "encrypted")
    own_key = key_set(graph, res) if res.type in BACKUP_COPY_TYPES else Status.FAIL
    if own_key is Status.PASS:
        return traced(Status.PASS, "kms_key_id is set", "kms_key_id", res)
    value, source = source_of(graph, res)
    if value is None:
        return traced(Status.UNKNOWN, f"{res.address} names no source", source_attr(res), res)
    if source is None:
        return _unresolved(res, value, "source")
    if source.address in _seen:
        return traced(Status.UNKNOWN, "the snapshot sources form a loop", source_attr(res), res)
    up = _copy_encrypted(graph, source, _seen | {res.address})
    related = (source, *up.verdict.related)
    if up.verdict.status is Status.FAIL and own_key is Status.UNKNOWN:
        return traced(Status.UNKNOWN, "kms_key_id is not known statically", "kms_key_id", res, related)
    return traced(up.verdict.status, up.verdict.message, up.verdict.attribute, up.verdict.at, related, innermost(up))


def _backup_copy(graph: ResourceGraph, res: Resource) -> Traced:
    """TG112: a copy or replicated backup of an encrypted source must set kms_key_id."""
    key = key_set(graph, res)
    if key is Status.PASS:
        named = cmk_verdict(graph, res, "kms_key_id", res.values.get("kms_key_id")).key
        return traced(Status.PASS, "kms_key_id is set" + (f" to {named.address}" if named is not None else ""),
                      "kms_key_id", res, (named,) if named is not None else ())
    value, source = source_of(graph, res)
    if source is None:
        src = _unresolved(res, value, "source")
        return traced(Status.UNKNOWN, f"{src.verdict.message}, so whether it is encrypted is not known", src.verdict.attribute, res)
    up = _copy_encrypted(graph, source, frozenset({res.address}))
    related = (source, *up.verdict.related)
    if up.verdict.status is Status.FAIL:
        return traced(Status.PASS, f"the source {source.address} is not encrypted, so the copy needs no kms_key_id "
                      f"({innermost(up)}; TG110 reports it)", source_attr(res), res, related)
    if up.verdict.status is Status.UNKNOWN:
        return traced(Status.UNKNOWN, f"whether the source {source.address} is encrypted is not known ({innermost(up)})",
                      source_attr(res), res, related)
    if key is Status.UNKNOWN:
        return traced(Status.UNKNOWN, "kms_key_id is not known statically", "kms_key_id", res, related)
    return traced(Status.FAIL, f"the source {source.address} is encrypted ({innermost(up)}) but the copy sets no kms_key_id",
                  "kms_key_id", res, related)


def rds_encrypted(graph: ResourceGraph, res: Resource) -> Verdict:
    """TG110's verdict for an RDS instance or cluster."""
    return _encrypted(graph, res, frozenset()).verdict


def rds_cmk(graph: ResourceGraph, res: Resource) -> Verdict:
    """TG111's key verdict for an encrypted RDS instance or cluster (a replica without its own
    key uses its source's key)."""
    return _cmk(graph, res, frozenset()).verdict


def backup_copy(graph: ResourceGraph, res: Resource) -> Verdict:
    """TG112: a copy or replicated backup of an encrypted source must set kms_key_id."""
    return _backup_copy(graph, res).verdict
