"""Data flows: which resource holds a copy of which.

Data flows from a source to a destination that holds a copy of it: S3
replication source -> destination bucket, RDS instance -> read replica,
instance/cluster/volume -> snapshot -> snapshot copy, resource -> backup vault
(through a backup selection and its plan), DynamoDB table -> table replica,
CloudTrail -> its bucket. The edges are built once per graph (`flow_edges`),
with an index of the flows into each resource (`upstream`).

The key that protects each copy is in `tfguard.aws.copies`; effective
classification over these flows is in `tfguard.aws.classification`.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

from tfguard.aws.backup import BACKUP_TYPES, backup_selections
from tfguard.graph import ResourceGraph
from tfguard.model import Resource


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


def _backups(graph: ResourceGraph) -> list[Flow]:
    flows: list[Flow] = []
    for res in graph.of_type(*BACKUP_TYPES):
        for sel in backup_selections(graph, res):
            for plan in graph.targets(sel, via="plan_id", types=("aws_backup_plan",)):
                for attr in ("rule.target_vault_name", "rule.copy_action.destination_vault_arn"):
                    for vault in graph.targets(plan, via=attr, types=("aws_backup_vault",)):
                        flows.append(Flow(res, vault, "backup", (sel, plan)))
    return flows


class _Index(NamedTuple):
    edges: list[Flow]
    upstream: dict[str, list[Flow]]  # destination address -> the flows into it


# Built once per graph, kept as long as the graph lives.
_INDEXES: weakref.WeakKeyDictionary[ResourceGraph, _Index] = weakref.WeakKeyDictionary()


def _index(graph: ResourceGraph) -> _Index:
    index = _INDEXES.get(graph)
    if index is None:
        flows = _replication(graph) + _backups(graph)
        for dst_type, attr, src_types, kind in _COPIES:
            for dst in graph.of_type(dst_type):
                flows.extend(Flow(src, dst, kind) for src in graph.targets(dst, via=attr, types=src_types))
        for trail in graph.of_type("aws_cloudtrail"):
            flows.extend(Flow(trail, b, "audit logs")
                         for b in graph.targets(trail, via="s3_bucket_name", types=("aws_s3_bucket",)))
        into: dict[str, list[Flow]] = {}
        for flow in flows:
            into.setdefault(flow.destination.address, []).append(flow)
        index = _INDEXES[graph] = _Index(flows, into)
    return index


def flow_edges(graph: ResourceGraph) -> list[Flow]:
    """Every data flow of the configuration."""
    return _index(graph).edges


def upstream(graph: ResourceGraph, res: Resource) -> list[Flow]:
    """The flows that end in `res`."""
    return list(_index(graph).upstream.get(res.address, ()))


# Destination types that cannot carry tags (no classification label is possible).
UNTAGGABLE = ("aws_db_instance_automated_backups_replication",)
