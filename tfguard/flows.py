"""Data-flow edges and effective classification.

Data flows from a source to a destination that holds a copy of it: S3
replication source -> destination bucket, RDS instance -> read replica,
instance/cluster/volume -> snapshot -> snapshot copy, resource -> backup vault
(through a backup selection and its plan), DynamoDB table -> table replica,
CloudTrail -> its bucket (audit logs count as confidential). The effective
classification of a resource is the highest over every upstream path.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

from tfguard.classify import CONFIDENTIAL, Classification, own_level
from tfguard.graph import ResourceGraph
from tfguard.model import Resource
from tfguard.selection import selects


class Flow(NamedTuple):
    source: Resource
    destination: Resource
    kind: str
    via: tuple[Resource, ...] = ()  # the resources that make the flow (replication config, selection...)


# (destination type, attribute naming the source, source types, kind): copies that name their source.
_COPIES = (
    ("aws_db_instance", "replicate_source_db", ("aws_db_instance",), "read replica"),
    ("aws_db_snapshot", "db_instance_identifier", ("aws_db_instance",), "snapshot"),
    ("aws_db_cluster_snapshot", "db_cluster_identifier", ("aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"), "snapshot"),
    ("aws_db_snapshot_copy", "source_db_snapshot_identifier", ("aws_db_snapshot", "aws_db_snapshot_copy"), "snapshot copy"),
    ("aws_ebs_snapshot", "volume_id", ("aws_ebs_volume",), "snapshot"),
    ("aws_ebs_snapshot_copy", "source_snapshot_id", ("aws_ebs_snapshot", "aws_ebs_snapshot_copy"), "snapshot copy"),
    ("aws_dynamodb_table_replica", "global_table_arn", ("aws_dynamodb_table",), "table replica"),
    ("aws_db_instance_automated_backups_replication", "source_db_instance_arn", ("aws_db_instance",), "backup replication"),
)
BACKUP_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume", "aws_efs_file_system",
                "aws_s3_bucket", "aws_instance", "aws_fsx_lustre_file_system", "aws_docdb_cluster", "aws_neptune_cluster")


def _replication(graph: ResourceGraph) -> list[Flow]:
    flows: list[Flow] = []
    for cfg in graph.of_type("aws_s3_bucket_replication_configuration"):
        for src in graph.targets(cfg, via="bucket", types=("aws_s3_bucket",)):
            for dst in graph.targets(cfg, via="rule.destination.bucket", types=("aws_s3_bucket",)):
                flows.append(Flow(src, dst, "replication", (cfg,)))
    for bucket in graph.of_type("aws_s3_bucket"):
        for dst in graph.targets(bucket, via="replication_configuration.rules.destination.bucket", types=("aws_s3_bucket",)):
            flows.append(Flow(bucket, dst, "replication"))
    return flows


def _candidate_selections(graph: ResourceGraph, res: Resource) -> list[Resource]:
    referring = graph.referrers(res, types=("aws_backup_selection",), via="resources")
    return referring + [s for s in graph.of_type("aws_backup_selection") if s not in referring]


def selection_verdicts(graph: ResourceGraph, res: Resource) -> list[tuple[Resource, bool | None]]:
    """Every aws_backup_selection with whether it assigns `res` to its plan
    (True, False, or None when not known statically; selection.py); those that
    name it by reference first."""
    return [(s, selects(graph, s, res)) for s in _candidate_selections(graph, res)]


def backup_selections(graph: ResourceGraph, res: Resource) -> list[Resource]:
    return [s for s, verdict in selection_verdicts(graph, res) if verdict is True]


def _backups(graph: ResourceGraph) -> list[Flow]:
    flows: list[Flow] = []
    for res in graph.of_type(*BACKUP_TYPES):
        for sel in backup_selections(graph, res):
            for plan in graph.targets(sel, via="plan_id", types=("aws_backup_plan",)):
                for attr in ("rule.target_vault_name", "rule.copy_action.destination_vault_arn"):
                    for vault in graph.targets(plan, via=attr, types=("aws_backup_vault",)):
                        flows.append(Flow(res, vault, "backup", (sel, plan)))
    return flows


def flow_edges(graph: ResourceGraph) -> list[Flow]:
    cached: list[Flow] | None = getattr(graph, "_flows", None)
    if cached is not None:
        return cached
    flows = _replication(graph) + _backups(graph)
    for dst_type, attr, src_types, kind in _COPIES:
        for dst in graph.of_type(dst_type):
            flows.extend(Flow(src, dst, kind) for src in graph.targets(dst, via=attr, types=src_types))
    for trail in graph.of_type("aws_cloudtrail"):
        flows.extend(Flow(trail, b, "audit logs") for b in graph.targets(trail, via="s3_bucket_name", types=("aws_s3_bucket",)))
    graph._flows = flows  # type: ignore[attr-defined]  # computed once per graph
    return flows


def _source_level(res: Resource, tag: str) -> int | None:
    level = own_level(res, tag)
    if res.type == "aws_cloudtrail":  # audit logs are confidential whatever the trail says
        level = max(level if level is not None else -1, CONFIDENTIAL)
    return level


def effective(graph: ResourceGraph, res: Resource, tag: str = "DataClassification") -> Classification:
    """Highest classification over the resource and everything that flows into it (transitively)."""
    upstream: dict[str, list[Flow]] = getattr(graph, "_upstream", {})
    if not upstream:
        for flow in flow_edges(graph):
            upstream.setdefault(flow.destination.address, []).append(flow)
        graph._upstream = upstream  # type: ignore[attr-defined]
    own = own_level(res, tag)
    best: int | None = _source_level(res, tag)
    best_path: tuple[Resource, ...] = (res,)
    seen = {res.address}
    queue: deque[tuple[Resource, tuple[Resource, ...]]] = deque([(res, (res,))])
    while queue:
        node, path = queue.popleft()
        for flow in upstream.get(node.address, ()):
            src = flow.source
            if src.address in seen:
                continue
            seen.add(src.address)
            new_path = (src, *path)
            level = _source_level(src, tag)
            if level is not None and (best is None or level > best):
                best, best_path = level, new_path
            queue.append((src, new_path))
    return Classification(own, best, best_path if best_path != (res,) else ())
