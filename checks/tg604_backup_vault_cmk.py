"""TG604 backup-vault-cmk.

Reading: an `aws_backup_vault` passes when `kms_key_arn` is a customer-managed
key (a key, replica key, alias or external key of the configuration, or a
literal key/alias ARN that is not `alias/aws/*`). Unset
means AWS Backup's AWS-managed `aws/backup` key: FAIL. A key that is not known
statically is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.keys import cmk_verdict


def evaluate(ctx: Context) -> Iterator[Result]:
    for vault in ctx.graph.of_type("aws_backup_vault"):
        value = vault.values.get("kms_key_arn")
        verdict = cmk_verdict(ctx.graph, vault, "kms_key_arn", value)
        status = PASS if verdict.cmk else FAIL if verdict.cmk is False else UNKNOWN
        reason = verdict.reason if value is not None else "no kms_key_arn: the vault uses the AWS-managed aws/backup key"
        yield Result(vault, status, reason, attribute="kms_key_arn" if value is not None else "",
                     related=(verdict.key,) if verdict.key else ())


CHECK = Check(
    id="TG604",
    slug="backup-vault-cmk",
    title="Backup vault is encrypted with a customer-managed KMS key",
    severity="medium",
    resource_types=("aws_backup_vault",),
    rationale="Recovery points hold full copies of the protected data; with the AWS-managed aws/backup key "
    "their access cannot be restricted or revoked through a key policy you control.",
    remediation="Set kms_key_arn on the vault to an aws_kms_key you manage.",
    evaluate=evaluate,
    compliance=controls("TG604"),
    references=("https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",),
    bad_example='resource "aws_backup_vault" "main" {\n  name = "main"\n}',
    good_example=(
        'resource "aws_kms_key" "backup" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_backup_vault" "main" {\n'
        '  name        = "main"\n'
        '  kms_key_arn = aws_kms_key.backup.arn\n'
        '}'
    ),
)
