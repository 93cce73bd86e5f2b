"""TG140 secret-cmk.

Reading: the secret passes when `kms_key_id` names a customer-managed key (see
tfguard.aws.kms: a reference to a key or alias of the configuration, a literal
key ARN / id / alias that is not `alias/aws/*`, also through module inputs).
Unset means the AWS-managed `aws/secretsmanager` key and fails, as does
`alias/aws/secretsmanager`. A key that is not known statically is UNKNOWN.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import customer_managed_key

CHECK = Check(
    id="TG140",
    slug="secret-cmk",
    title="Secrets Manager secret is encrypted with a customer-managed KMS key",
    severity="medium",
    escalates=True,
    resource_types=("aws_secretsmanager_secret",),
    rationale="A secret encrypted with the AWS-managed aws/secretsmanager key can be read by any principal of "
    "the account allowed GetSecretValue; a customer-managed key adds a key policy you control, "
    "cross-account sharing and the ability to revoke access.",
    remediation="Set kms_key_id to a customer-managed aws_kms_key (or its alias) instead of leaving it unset.",
    evaluate=customer_managed_key("kms_key_id", unset="the secret is encrypted with the AWS-managed aws/secretsmanager key"),
    compliance=controls("TG140"),
    references=("https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",),
    bad_example='resource "aws_secretsmanager_secret" "db" {\n  name = "prod/db/password"\n}',
    good_example=(
        'resource "aws_kms_key" "secrets" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_secretsmanager_secret" "db" {\n'
        '  name       = "prod/db/password"\n'
        '  kms_key_id = aws_kms_key.secrets.arn\n'
        '}'
    ),
)
