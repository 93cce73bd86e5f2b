"""TG604 backup-vault-cmk.

Reading: an `aws_backup_vault` passes when `kms_key_arn` is a customer-managed
key (a key, replica key, alias or external key of the configuration, or a
literal key/alias ARN that is not `alias/aws/*`). Unset (null or empty)
means AWS Backup's AWS-managed `aws/backup` key: FAIL, pointing at
`kms_key_arn` like the other customer-managed-key checks. A key that is not
known statically is UNKNOWN.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import customer_managed_key

CHECK = Check(
    id="TG604",
    slug="backup-vault-cmk",
    title="Backup vault is encrypted with a customer-managed KMS key",
    severity="medium",
    resource_types=("aws_backup_vault",),
    rationale="Recovery points hold full copies of the protected data; with the AWS-managed aws/backup key "
    "their access cannot be restricted or revoked through a key policy you control.",
    remediation="Set kms_key_arn on the vault to an aws_kms_key you manage.",
    evaluate=customer_managed_key("kms_key_arn", unset="the vault uses the AWS-managed aws/backup key"),
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
