"""TG102 s3-encryption-cmk.

Reading: evaluated only where TG101 does not fail (UNKNOWN when TG101 is
UNKNOWN). PASS for `aws:kms` / `aws:kms:dsse` whose `kms_master_key_id` is a
customer-managed key (see tfguard.aws.kms); FAIL for `AES256`, for KMS without a
key (the AWS-managed `aws/s3` key) or with `alias/aws/*`. An algorithm outside
these values fails: it is not a CMK. A bucket that receives load balancer
access logs has no result (ELB delivers only to SSE-S3 buckets; see
tfguard.aws.s3.log_delivery: named by an LB's `access_logs.bucket`, or a policy that
lets the ELB log delivery service or account put objects).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.kms import cmk_verdict
from tfguard.aws.s3 import encryption
from tfguard.aws.s3.log_delivery import receives_lb_logs
from tfguard.check import FAIL, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.examples import CMK_ENCRYPTED_BUCKET


def evaluate(ctx: Context) -> Iterator[Result]:
    for bucket in ctx.subjects():
        encrypted = encryption(ctx.graph, bucket)
        enc = encrypted.verdict
        if enc.status is FAIL or receives_lb_logs(ctx.graph, bucket):
            continue
        if enc.status is UNKNOWN:
            yield Result.of(bucket, enc._replace(message="the bucket's encryption is not known statically"))
            continue
        algorithm = str(encrypted.algorithm)
        key_attr = f"{enc.attribute}.kms_master_key_id"
        if algorithm.lower() not in ("aws:kms", "aws:kms:dsse"):
            yield Result.of(bucket, enc._replace(status=FAIL, attribute=f"{enc.attribute}.sse_algorithm",
                                                 message=f"default encryption is {algorithm}, not a customer-managed KMS key"))
            continue
        key = cmk_verdict(ctx.graph, enc.at or bucket, key_attr, encrypted.key).verdict
        yield Result.of(bucket, key._replace(message=f"{algorithm} encryption: {key.message}",
                                             attribute=key_attr if encrypted.key is not None else enc.attribute,
                                             related=enc.related + key.related))


CHECK = Check(
    id="TG102",
    slug="s3-encryption-cmk",
    title="S3 bucket is encrypted with a customer-managed KMS key",
    severity="medium",
    escalates=True,
    resource_types=("aws_s3_bucket",),
    rationale="SSE-S3 and the AWS-managed aws/s3 key cannot be restricted, rotated on your schedule "
    "or revoked; a customer-managed key puts access to the data under your key policy.",
    remediation="Set sse_algorithm = \"aws:kms\" and kms_master_key_id to an aws_kms_key you manage.",
    evaluate=evaluate,
    compliance=controls("TG102"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",),
    bad_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  rule {\n'
        '    apply_server_side_encryption_by_default {\n'
        '      sse_algorithm = "AES256"\n'
        '    }\n'
        '  }\n'
        '}'
    ),
    good_example=CMK_ENCRYPTED_BUCKET,
)
