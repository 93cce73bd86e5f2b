"""TG601 s3-versioning.

Reading: PASS with inline `versioning { enabled = true }` or a linked
`aws_s3_bucket_versioning` whose `versioning_configuration.status` is
"Enabled" (case as AWS writes it). "Suspended"/"Disabled" or no versioning
fails; the finding points at the linked resource when it exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown
from tfguard.s3 import linked


def evaluate(ctx: Context) -> Iterator[Result]:
    for bucket in ctx.graph.of_type("aws_s3_bucket"):
        configs = linked(ctx.graph, bucket, "aws_s3_bucket_versioning")
        states = [(c, "versioning_configuration.status", s.get("status") if isinstance(s, dict) else s)
                  for c in configs for s in c.blocks("versioning_configuration")]
        states += [(bucket, "versioning.enabled", v.get("enabled") if isinstance(v, dict) else v)
                   for v in bucket.blocks("versioning")]
        if any(v is True or v == "Enabled" for _, _, v in states):
            yield Result(bucket, PASS, "versioning is enabled", related=tuple(configs))
        elif any(is_unknown(v) for _, _, v in states):
            holder, attr, _ = next(s for s in states if is_unknown(s[2]))
            yield Result(bucket, UNKNOWN, "the versioning status is not known statically", attribute=attr,
                         at=holder if holder is not bucket else None, related=tuple(configs))
        elif configs:
            yield Result(bucket, FAIL, "the linked versioning configuration does not enable versioning",
                         attribute="versioning_configuration.status", at=configs[0], related=tuple(configs[1:]))
        else:
            attr = "versioning.enabled" if states else ""
            yield Result(bucket, FAIL, "versioning is not enabled for the bucket", attribute=attr)


CHECK = Check(
    id="TG601",
    slug="s3-versioning",
    title="S3 bucket has versioning enabled",
    severity="medium",
    resource_types=("aws_s3_bucket",),
    rationale="Versioning keeps overwritten and deleted objects recoverable, protecting data "
    "integrity against mistakes and ransomware.",
    remediation="Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = \"Enabled\" }.",
    evaluate=evaluate,
    compliance=controls("TG601"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",),
    bad_example='resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n'
    '  versioning_configuration {\n    status = "Suspended"\n  }\n}',
    good_example='resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n'
    '  versioning_configuration {\n    status = "Enabled"\n  }\n}',
)
