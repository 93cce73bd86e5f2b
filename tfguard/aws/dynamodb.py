"""DynamoDB: point-in-time recovery, and the KMS key of each replica.

- `pitr`: `point_in_time_recovery.enabled` of a table (TG606, TG608);
- `item_key_verdict`: the customer-managed-key verdict of one `replica`
  block's `kms_key_arn`, judged only against the keys that block names (the
  graph's edges carry attribute paths without block indices) (TG130).

Where a replica's key lives against its `region_name` (TG305) is in
`tfguard.aws.regions`; a table's replicas and copies as data flows in
`tfguard.aws.flows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfguard.aws.kms import KeyVerdict, cmk_verdict
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, is_unknown
from tfguard.truth import is_on


def pitr(res: Resource) -> Any:
    """`point_in_time_recovery.enabled` of a DynamoDB table: True/False or an Unknown."""
    for block in res.blocks("point_in_time_recovery"):
        if is_unknown(block):
            return block
        if isinstance(block, dict):
            value = block.get("enabled")
            return value if is_unknown(value) else is_on(value)
    return False


class _ItemTargets(ResourceGraph):
    """The graph as one instance of a repeated block sees it.

    Graph edges carry attribute paths without block indices, so the targets of
    `replica.kms_key_arn` are those of every replica block together; this view
    keeps only the targets named by one block's own value.
    """

    def __init__(self, graph: ResourceGraph, allowed: set[str]) -> None:  # only targets() is delegated
        self._graph = graph
        self._allowed = allowed

    def targets(self, res: Resource, via: str | None = None, types: Iterable[str] = ()) -> list[Resource]:
        return [t for t in self._graph.targets(res, via=via, types=types) if t.address in self._allowed or t.base in self._allowed]

    def has_reference(self, res: Resource, via: str) -> bool:
        return self._graph.has_reference(res, via)


def item_key_verdict(graph: ResourceGraph, res: Resource, attr: str, value: Any) -> KeyVerdict:
    """cmk_verdict for the key argument of one instance of a repeated block (e.g. one
    DynamoDB `replica`), judged only against the objects that instance names."""
    if value is None or value == "":
        return cmk_verdict(_ItemTargets(graph, set()), res, attr, None)
    allowed = {t.address for t in graph.resolve(res, attr, value)}
    return cmk_verdict(_ItemTargets(graph, allowed), res, attr, value)
