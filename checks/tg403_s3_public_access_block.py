"""TG403 s3-public-access-block.

Reading: PASS when a linked `aws_s3_bucket_public_access_block` has all four
flags true, or when the configuration holds an
`aws_s3_account_public_access_block` with all four true. A flag that is not
known statically makes the result UNKNOWN unless another block passes. The
finding points at the linked block when one exists and has a flag off.
"""

from __future__ import annotations

from tfguard.aws.s3 import public_access_block
from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import judged_by

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
    # One verdict function serves TG403 and TG503 (a trail's bucket), so they cannot drift apart.
    evaluate=judged_by(public_access_block),
    compliance=controls("TG403"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",),
    bad_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_public_access_block" "data" {\n'
        '  bucket              = aws_s3_bucket.data.id\n'
        '  block_public_acls   = true\n'
        '  block_public_policy = false\n'
        '}'
    ),
    good_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_public_access_block" "data" {\n'
        '  bucket                  = aws_s3_bucket.data.id\n'
        '  block_public_acls       = true\n'
        '  block_public_policy     = true\n'
        '  ignore_public_acls      = true\n'
        '  restrict_public_buckets = true\n'
        '}'
    ),
)
