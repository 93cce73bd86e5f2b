"""TG151 elasticache-encrypted.

Reading: the replication group passes only when both
`at_rest_encryption_enabled` and `transit_encryption_enabled` are stated true
(unset means unset, whatever the engine version's default). A flag that is
false or unset fails even when the other is unknown; otherwise an unknown flag
makes the result UNKNOWN. The finding points at the first flag that is not true.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import Check, Context, Result
from tfguard.compliance import controls
from tfguard.stores import all_flags

FLAGS = ("at_rest_encryption_enabled", "transit_encryption_enabled")


def evaluate(ctx: Context) -> Iterator[Result]:
    for group in ctx.graph.of_type("aws_elasticache_replication_group"):
        setting = all_flags(group, FLAGS)
        yield Result(group, setting.status, setting.reason, attribute=setting.attr)


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
