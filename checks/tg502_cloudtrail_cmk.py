"""TG502 cloudtrail-cmk.

Reading: `kms_key_id` of every `aws_cloudtrail` must be a customer-managed
key as tfguard.aws.kms judges it: a reference to an `aws_kms_key`,
`aws_kms_replica_key`, `aws_kms_alias` or `aws_kms_external_key` (also one
created in the same plan), or a literal key/alias ARN that is not
`alias/aws/*`. Unset (SSE-S3 log files) fails; a key that is not known
statically is UNKNOWN.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import customer_managed_key

CHECK = Check(
    id="TG502",
    slug="cloudtrail-cmk",
    title="CloudTrail log files are encrypted with a customer-managed KMS key",
    severity="medium",
    resource_types=("aws_cloudtrail",),
    rationale="Without a customer-managed key, anyone who can read the log bucket can read the audit "
    "trail; a CMK adds a key policy you control and its own audit of every decryption.",
    remediation="Set kms_key_id to the ARN of an aws_kms_key whose policy lets cloudtrail.amazonaws.com encrypt.",
    evaluate=customer_managed_key("kms_key_id", protects="trail log files"),
    compliance=controls("TG502"),
    references=("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html",),
    bad_example=(
        'resource "aws_cloudtrail" "main" {\n'
        '  name           = "main"\n'
        '  s3_bucket_name = "acme-audit-trail"\n'
        '}'
    ),
    good_example=(
        'resource "aws_kms_key" "trail" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_cloudtrail" "main" {\n'
        '  name           = "main"\n'
        '  s3_bucket_name = "acme-audit-trail"\n'
        '  kms_key_id     = aws_kms_key.trail.arn\n'
        '}'
    ),
)
