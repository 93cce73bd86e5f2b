"""TG601 s3-versioning.

Reading: PASS with inline `versioning { enabled = true }` or a linked
`aws_s3_bucket_versioning` whose `versioning_configuration.status` is
"Enabled" (case as AWS writes it). "Suspended"/"Disabled" or no versioning
fails; the finding points at the linked resource when it exists.
"""

from __future__ import annotations

from tfguard.aws.s3 import versioning
from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import judged_by

CHECK = Check(
    id="TG601",
    slug="s3-versioning",
    title="S3 bucket has versioning enabled",
    severity="medium",
    resource_types=("aws_s3_bucket",),
    rationale="Versioning keeps overwritten and deleted objects recoverable, protecting data "
    "integrity against mistakes and ransomware.",
    remediation="Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = \"Enabled\" }.",
    # The verdict is shared with TG602 (replication destinations), so the two agree.
    evaluate=judged_by(versioning),
    compliance=controls("TG601"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",),
    bad_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  versioning_configuration {\n'
        '    status = "Suspended"\n'
        '  }\n'
        '}'
    ),
    good_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  versioning_configuration {\n'
        '    status = "Enabled"\n'
        '  }\n'
        '}'
    ),
)
