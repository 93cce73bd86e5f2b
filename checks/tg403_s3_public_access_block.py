"""TG403 s3-public-access-block.

Reading: PASS when a linked `aws_s3_bucket_public_access_block` has all four
flags true, or when the configuration holds an
`aws_s3_account_public_access_block` with all four true. A flag that is not
known statically makes the result UNKNOWN unless another block passes. The
finding points at the linked block when one exists and has a flag off.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.s3 import all_true, linked

FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def evaluate(ctx: Context) -> Iterator[Result]:
    accounts = ctx.graph.of_type("aws_s3_account_public_access_block")
    account_ok = [a for a in accounts if all_true(a, FLAGS) is PASS]
    for bucket in ctx.graph.of_type("aws_s3_bucket"):
        blocks = linked(ctx.graph, bucket, "aws_s3_bucket_public_access_block")
        verdicts = [(b, all_true(b, FLAGS)) for b in blocks]
        passing = [b for b, v in verdicts if v is PASS]
        if passing or account_ok:
            by = passing[0] if passing else account_ok[0]
            yield Result(bucket, PASS, f"public access is blocked by {by.address}", related=(by,))
            continue
        unknown = [b for b, v in verdicts if v is UNKNOWN] or [a for a in accounts if all_true(a, FLAGS) is UNKNOWN]
        if unknown:
            yield Result(bucket, UNKNOWN, "the public access block flags are not known statically",
                         at=unknown[0], related=tuple(blocks))
            continue
        if blocks:
            off = [f for f in FLAGS if blocks[0].values.get(f) is not True]
            yield Result(bucket, FAIL, f"the public access block leaves {', '.join(off)} off",
                         attribute=off[0], at=blocks[0], related=tuple(blocks[1:]))
        else:
            yield Result(bucket, FAIL, "no public access block with all four flags covers the bucket")


CHECK = Check(
    id="TG403",
    slug="s3-public-access-block",
    title="S3 bucket is covered by a public access block",
    severity="high",
    resource_types=("aws_s3_bucket",),
    rationale="Without all four public access block flags, one ACL or bucket policy change can "
    "expose the bucket's data to the internet.",
    remediation="Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, "
    "block_public_policy, ignore_public_acls and restrict_public_buckets set to true.",
    evaluate=evaluate,
    compliance=controls("TG403"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",),
    bad_example='resource "aws_s3_bucket_public_access_block" "data" {\n  bucket = aws_s3_bucket.data.id\n'
    '  block_public_acls = true\n  block_public_policy = false\n}',
    good_example='resource "aws_s3_bucket_public_access_block" "data" {\n  bucket                  = aws_s3_bucket.data.id\n'
    '  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n'
    '  restrict_public_buckets = true\n}',
)
