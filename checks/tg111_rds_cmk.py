"""TG111 rds-cmk.

Reading: evaluated only where TG110 does not fail (no result for unencrypted
resources, UNKNOWN when TG110 is UNKNOWN). PASS when the key argument
(`kms_key_id`; `kms_key_arn` on `aws_neptune_cluster`) is a customer-managed
key (see tfguard.aws.kms); FAIL when it is unset (the AWS-managed `aws/rds` key,
also for a `serverless` cluster, which counts as encrypted) or `alias/aws/*`.
A read replica without its own key uses its source's key (through chains of
replicas), and the finding then points at the source.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.rds import RDS_TYPES, rds_cmk, rds_encrypted
from tfguard.check import FAIL, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls


def evaluate(ctx: Context) -> Iterator[Result]:
    for res in ctx.subjects():
        enc = rds_encrypted(ctx.graph, res)
        if enc.status is FAIL:
            continue
        if enc.status is UNKNOWN:
            yield Result.of(res, enc._replace(message=f"whether the storage is encrypted is not known: {enc.message}"))
            continue
        yield Result.of(res, rds_cmk(ctx.graph, res))


CHECK = Check(
    id="TG111",
    slug="rds-cmk",
    title="Encrypted RDS, DocumentDB and Neptune storage uses a customer-managed KMS key",
    severity="medium",
    escalates=True,
    resource_types=RDS_TYPES,
    rationale="The AWS-managed aws/rds key cannot be restricted by your key policy, shared with another "
    "account for snapshot copies, or revoked; a customer-managed key puts the data under your control.",
    remediation="Set kms_key_id (kms_key_arn for Neptune) to an aws_kms_key you manage; for a read replica, "
    "set it on the source (same region) or on the replica (cross-region).",
    evaluate=evaluate,
    compliance=controls("TG111"),
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html",),
    bad_example='resource "aws_db_instance" "patients" {\n  identifier        = "patients"\n  engine            = "postgres"\n'
    '  instance_class    = "db.t3.micro"\n  storage_encrypted = true\n}',
    good_example=(
        'resource "aws_kms_key" "rds" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_db_instance" "patients" {\n'
        '  identifier        = "patients"\n'
        '  engine            = "postgres"\n'
        '  instance_class    = "db.t3.micro"\n'
        '  storage_encrypted = true\n'
        '  kms_key_id        = aws_kms_key.rds.arn\n'
        '}'
    ),
)
