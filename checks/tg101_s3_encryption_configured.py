"""TG101 s3-encryption-configured.

Reading: the bucket passes when an inline `server_side_encryption_configuration`
or a linked `aws_s3_bucket_server_side_encryption_configuration` (linked by
reference to `.id`/`.bucket`/`.arn` or by the same literal bucket name) has a
rule with `apply_server_side_encryption_by_default.sse_algorithm` set. A
linked resource that names another bucket does not count. An algorithm that
is not known statically makes the result UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.s3 import encryption
from tfguard.check import Check, Context, Result
from tfguard.compliance import controls
from tfguard.examples import CMK_ENCRYPTED_BUCKET


def evaluate(ctx: Context) -> Iterator[Result]:
    for bucket in ctx.subjects():
        yield Result.of(bucket, encryption(ctx.graph, bucket).verdict)


CHECK = Check(
    id="TG101",
    slug="s3-encryption-configured",
    title="S3 bucket has default encryption configured",
    severity="high",
    resource_types=("aws_s3_bucket",),
    rationale="Objects written without default encryption depend on every writer asking for it; "
    "a bucket with default encryption stores every object encrypted at rest.",
    remediation="Add an aws_s3_bucket_server_side_encryption_configuration for the bucket "
    "with a rule that sets apply_server_side_encryption_by_default.sse_algorithm.",
    evaluate=evaluate,
    compliance=controls("TG101"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html",),
    bad_example='resource "aws_s3_bucket" "data" {\n  bucket = "patient-records"\n}',
    good_example=CMK_ENCRYPTED_BUCKET,
)
