"""TG503 cloudtrail-bucket-protected.

Reading: the trail's bucket is the `aws_s3_bucket` of this configuration
that `s3_bucket_name` names (by reference or by the same literal name). The
trail fails when that bucket fails TG101 (no default encryption) or TG403
(no public access block with all four flags, for the bucket or the account),
and passes when it passes both. UNKNOWN when the bucket is not in the
configuration (a literal name of another bucket, a data source) or when
either verdict is not known statically. The finding points at the trail's
`s3_bucket_name`; the bucket and the linked encryption / public access
block resources are related locations. Several buckets (one literal name
shared by instances) must all pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.audit import trail_buckets
from tfguard.aws.s3 import bucket_protection
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown


def evaluate(ctx: Context) -> Iterator[Result]:
    for trail in ctx.subjects():
        buckets = trail_buckets(ctx.graph, trail)
        if not buckets:
            name = trail.values.get("s3_bucket_name")
            shown = "is not known statically" if is_unknown(name) or name is None else f"{name!r} is not in the configuration"
            yield Result(trail, UNKNOWN, f"the trail's bucket {shown}; its protection cannot be judged",
                         attribute="s3_bucket_name")
            continue
        verdicts = [bucket_protection(ctx.graph, b) for b in buckets]
        related = tuple(dict.fromkeys(r for v in verdicts for r in v.related))
        for status in (FAIL, UNKNOWN):
            worst = [v for v in verdicts if v.status is status]
            if worst:
                yield Result(trail, status, f"the trail's bucket {worst[0].message}",
                             attribute="s3_bucket_name", related=related)
                break
        else:
            yield Result(trail, PASS, "the trail's bucket " + "; ".join(v.message for v in verdicts),
                         attribute="s3_bucket_name",
                         related=related)


CHECK = Check(
    id="TG503",
    slug="cloudtrail-bucket-protected",
    title="CloudTrail bucket is encrypted and blocked from public access",
    severity="high",
    resource_types=("aws_cloudtrail",),
    rationale="The trail's bucket holds the account's audit log: an unencrypted or publicly reachable "
    "bucket exposes it, and exposed audit logs help an attacker and fail PCI DSS log protection.",
    remediation="Give the trail's bucket an aws_s3_bucket_server_side_encryption_configuration and an "
    "aws_s3_bucket_public_access_block with all four flags true.",
    evaluate=evaluate,
    compliance=controls("TG503"),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ),
    bad_example='resource "aws_s3_bucket" "trail" {\n  bucket = "acme-audit-trail"\n}\n\n'
    'resource "aws_cloudtrail" "main" {\n  name           = "main"\n  s3_bucket_name = aws_s3_bucket.trail.id\n}',
    good_example=(
        'resource "aws_s3_bucket" "trail" {\n'
        '  bucket = "acme-audit-trail"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {\n'
        '  bucket = aws_s3_bucket.trail.id\n'
        '  rule {\n'
        '    apply_server_side_encryption_by_default {\n'
        '      sse_algorithm = "aws:kms"\n'
        '    }\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_public_access_block" "trail" {\n'
        '  bucket                  = aws_s3_bucket.trail.id\n'
        '  block_public_acls       = true\n'
        '  block_public_policy     = true\n'
        '  ignore_public_acls      = true\n'
        '  restrict_public_buckets = true\n'
        '}\n'
        '\n'
        'resource "aws_cloudtrail" "main" {\n'
        '  name           = "main"\n'
        '  s3_bucket_name = aws_s3_bucket.trail.id\n'
        '}'
    ),
)
