"""TG151 elasticache-encrypted.

Reading: the replication group passes only when both
`at_rest_encryption_enabled` and `transit_encryption_enabled` are stated true
(unset means unset, whatever the engine version's default). A flag that is
false or unset fails even when the other is unknown; otherwise an unknown flag
makes the result UNKNOWN. The finding points at the first flag that is not true.

A replication group that joins a Global Datastore (`global_replication_group_id`
set) is a secondary: AWS rejects the encryption arguments on it and it takes
the encryption of the datastore's primary. It is judged by the flags of the
primary replication group (`primary_replication_group_id` of the
`aws_elasticache_global_replication_group` it names, by reference or by
literal `replication_group_id`), and the finding points at the primary's
flag. When the datastore or its primary is not in the configuration, the
result is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.stores import all_flags
from tfguard.check import UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.graph import ResourceGraph
from tfguard.model import Resource
from tfguard.unknowns import cause

FLAGS = ("at_rest_encryption_enabled", "transit_encryption_enabled")
GROUP = "aws_elasticache_replication_group"
DATASTORE = "aws_elasticache_global_replication_group"


def _named(graph: ResourceGraph, holder: Resource, attr: str, rtype: str, identity: str) -> Resource | None:
    """The managed resource of `rtype` that `attr` of `holder` names: by reference, else by a
    literal equal to its `identity` argument."""
    found = [t for t in graph.targets(holder, via=attr, types=(rtype,)) if t.mode == "managed"]
    value = holder.values.get(attr)
    if not found and isinstance(value, str):
        found = [r for r in graph.of_type(rtype) if r.values.get(identity) == value and r.mode == "managed"]
    return found[0] if len(found) == 1 else None


def _secondary(ctx: Context, group: Resource) -> Result:
    """A Global Datastore member, judged by the datastore's primary."""
    datastore = _named(ctx.graph, group, "global_replication_group_id", DATASTORE, "global_replication_group_id")
    if datastore is None:
        value = group.values.get("global_replication_group_id")
        shown = f"'{value}'" if isinstance(value, str) else f"({cause(value) or 'not known statically'})"
        return Result(group, UNKNOWN, f"it joins the Global Datastore {shown}, which is not in the configuration: "
                      "its encryption is that of the datastore's primary", attribute="global_replication_group_id")
    primary = _named(ctx.graph, datastore, "primary_replication_group_id", GROUP, "replication_group_id")
    if primary is None or primary is group:
        return Result(group, UNKNOWN, f"the primary replication group of {datastore.address} is not in the "
                      "configuration: the secondary's encryption is the primary's",
                      attribute="global_replication_group_id", related=(datastore,))
    setting = all_flags(primary, FLAGS)
    return Result(group, setting.status, f"the Global Datastore {datastore.address} takes its encryption from its "
                  f"primary {primary.address}: {setting.message}", attribute=setting.attribute,
                  at=primary if setting.attribute else None, related=(datastore, primary))


def evaluate(ctx: Context) -> Iterator[Result]:
    for group in ctx.subjects():
        if group.values.get("global_replication_group_id") is not None:
            yield _secondary(ctx, group)
            continue
        yield Result.of(group, all_flags(group, FLAGS))


CHECK = Check(
    id="TG151",
    slug="elasticache-encrypted",
    title="ElastiCache replication group is encrypted at rest and in transit",
    severity="high",
    resource_types=("aws_elasticache_replication_group",),
    rationale="Cached data is often a copy of the most sensitive rows of a database (sessions, tokens, "
    "profiles); without encryption it sits in plain text on disk and in backups and crosses the network "
    "readable.",
    remediation="Set at_rest_encryption_enabled = true and transit_encryption_enabled = true (with a kms_key_id "
    "of a customer-managed key) on the aws_elasticache_replication_group.",
    evaluate=evaluate,
    compliance=controls("TG151"),
    references=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html",
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html",
    ),
    bad_example='resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id = "sessions"\n'
    '  description          = "sessions"\n  node_type            = "cache.t4g.small"\n}',
    good_example='resource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n'
    '  description                = "sessions"\n  node_type                  = "cache.t4g.small"\n'
    '  at_rest_encryption_enabled = true\n  transit_encryption_enabled = true\n}',
)
