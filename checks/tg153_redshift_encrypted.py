"""TG153 redshift-encrypted.

Reading: the cluster passes only when `encrypted = true` is stated (unset
means unset). A value that is not known statically is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import Check, Context, Result
from tfguard.compliance import controls
from tfguard.stores import flag


def evaluate(ctx: Context) -> Iterator[Result]:
    for cluster in ctx.graph.of_type("aws_redshift_cluster"):
        setting = flag(cluster, "encrypted")
        yield Result(cluster, setting.status, setting.reason, attribute=setting.attr)


CHECK = Check(
    id="TG153",
    slug="redshift-encrypted",
    title="Redshift cluster is encrypted at rest",
    severity="high",
    resource_types=("aws_redshift_cluster",),
    rationale="A data warehouse gathers the organisation's data in one place; an unencrypted cluster keeps "
    "it, and every snapshot of it, in plain text.",
    remediation="Set encrypted = true and kms_key_id to a customer-managed key on the aws_redshift_cluster.",
    evaluate=evaluate,
    compliance=controls("TG153"),
    references=("https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html",),
    bad_example='resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n'
    '  encrypted          = false\n}',
    good_example=(
        'resource "aws_kms_key" "dw" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_redshift_cluster" "dw" {\n'
        '  cluster_identifier = "dw"\n'
        '  node_type          = "ra3.xlplus"\n'
        '  encrypted          = true\n'
        '  kms_key_id         = aws_kms_key.dw.arn\n'
        '}'
    ),
)
