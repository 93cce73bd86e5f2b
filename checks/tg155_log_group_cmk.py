"""TG155 log-group-cmk.

Reading: the log group fails when it has no `kms_key_id` (CloudWatch Logs then
encrypts with its service-owned key). The key is judged by tfguard.aws.kms like
every "is it a CMK" question: a reference to a key of the configuration or a
literal key ARN passes; `alias/aws/*` fails (CloudWatch Logs accepts only
customer-managed keys); a value that is not known statically, or a literal not
recognised as a KMS key, is UNKNOWN.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import customer_managed_key

CHECK = Check(
    id="TG155",
    slug="log-group-cmk",
    title="CloudWatch log group is encrypted with a customer-managed KMS key",
    severity="low",
    escalates=True,
    resource_types=("aws_cloudwatch_log_group",),
    rationale="Application logs often carry personal data, tokens and request bodies; without a "
    "customer-managed key anyone allowed logs:GetLogEvents reads them, and access cannot be revoked "
    "by disabling the key.",
    remediation="Set kms_key_id to the ARN of an aws_kms_key whose key policy allows the logs service principal.",
    evaluate=customer_managed_key("kms_key_id", unset="the log group is encrypted with the CloudWatch Logs service key"),
    compliance=controls("TG155"),
    references=("https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",),
    bad_example='resource "aws_cloudwatch_log_group" "app" {\n  name              = "/app/api"\n'
    '  retention_in_days = 90\n}',
    good_example=(
        'resource "aws_kms_key" "logs" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_cloudwatch_log_group" "app" {\n'
        '  name              = "/app/api"\n'
        '  retention_in_days = 90\n'
        '  kms_key_id        = aws_kms_key.logs.arn\n'
        '}'
    ),
)
