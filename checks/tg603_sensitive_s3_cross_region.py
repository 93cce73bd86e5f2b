"""TG603 sensitive-s3-cross-region.

Reading: applies to buckets whose effective classification is confidential or
higher (own tags, default_tags, or data flowing in), except buckets that are
themselves replication destinations (no result). The bucket passes when a
replication rule (linked `aws_s3_bucket_replication_configuration` or inline
`replication_configuration`) writes to a bucket in another region than its
own. Regions are the buckets' provider regions. A destination that is not a
bucket of the configuration (a literal name or ARN; S3 ARNs carry no region),
or a region that cannot be resolved, makes the result UNKNOWN unless another
rule already passes; no replication, or replication only within the region,
fails.

A bucket whose own classification label is not known statically (a tag from
a variable with no value) and that is not otherwise sensitive may be
sensitive: it gets the same judgement, except that what would fail or be
unknown is UNKNOWN naming the unknown label (PASS stays PASS).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.classification import label_unknown
from tfguard.aws.regions import other_region, why_unknown
from tfguard.aws.s3.replication import Rule, is_replication_destination, replication_holders, rules_of
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, Verdict, is_unknown


def _judge(ctx: Context, bucket: Resource) -> Result:
    here = ctx.graph.region(bucket)
    holders = replication_holders(ctx.graph, bucket)
    related = tuple(h for h in holders if h is not bucket)
    unknown: Verdict | None = None
    same: list[Resource] = []
    for holder in holders:
        for rule in rules_of(ctx.graph, holder):
            if not isinstance(rule, Rule):
                path = "rule" if holder is not bucket else "replication_configuration.rules"
                unknown = unknown or Verdict(UNKNOWN, f"a replication rule is not known statically: {rule.reason}",
                                             path, holder, related)
                continue
            if not rule.destinations:
                shown = rule.dest_value if isinstance(rule.dest_value, str) else "the destination"
                what = "is not known statically" if is_unknown(rule.dest_value) and not rule.dest_value.refs \
                    else "is not a bucket of this configuration"
                unknown = unknown or Verdict(UNKNOWN, f"{shown} {what}: its region cannot be resolved",
                                             rule.dest_attr, holder, related)
            for dst in rule.destinations:
                there = ctx.graph.region(dst)
                differs = other_region(here, there)
                if differs:
                    return Result.of(bucket, Verdict(PASS, f"replicates to {dst.address} in {there} (the bucket is in "
                                                     f"{here})", rule.dest_attr, holder, related + (dst,)))
                if differs is None:
                    unknown = unknown or Verdict(UNKNOWN, f"the regions of the bucket and {dst.address} cannot be "
                                                 f"resolved: {why_unknown(here, there)}", rule.dest_attr, holder, related)
                else:
                    same.append(dst)
    if unknown is not None:
        return Result.of(bucket, unknown)
    if same:
        names = ", ".join(d.address for d in same)
        attr = "rule.destination.bucket" if holders[0] is not bucket else "replication_configuration.rules"
        return Result.of(bucket, Verdict(FAIL, f"the sensitive bucket replicates only within its region {here} ({names})",
                                         attr, holders[0], related + tuple(same)))
    return Result(bucket, FAIL, "the sensitive bucket is not replicated to another region", related=related)


def evaluate(ctx: Context) -> Iterator[Result]:
    for bucket in ctx.subjects():
        if is_replication_destination(ctx.graph, bucket):
            continue
        if ctx.sensitive(bucket):
            yield _judge(ctx, bucket)
        elif why := label_unknown(bucket, ctx.classification_tag):
            result = _judge(ctx, bucket)
            if result.status != PASS:
                result = Result(bucket, UNKNOWN, f"the classification of the bucket is not known statically ({why}); "
                                f"if it is sensitive: {result.message}",
                                attribute=result.attribute, at=result.at, related=result.related)
            yield result


CHECK = Check(
    id="TG603",
    slug="sensitive-s3-cross-region",
    title="Sensitive S3 bucket is replicated to another region",
    severity="medium",
    resource_types=("aws_s3_bucket",),
    rationale="A copy in a second region keeps sensitive data available when a whole region is lost, "
    "which disaster recovery plans under HIPAA require.",
    remediation="Add an aws_s3_bucket_replication_configuration whose rule writes to a bucket created "
    "with a provider for another region.",
    evaluate=evaluate,
    compliance=controls("TG603"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html",),
    bad_example='resource "aws_s3_bucket" "records" {\n  bucket = "patient-records"\n'
    '  tags   = { DataClassification = "phi" }\n}',
    good_example=(
        'variable "replication_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'provider "aws" {\n'
        '  region = "us-east-1"\n'
        '}\n'
        '\n'
        'provider "aws" {\n'
        '  alias  = "dr"\n'
        '  region = "us-west-2"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket" "records" {\n'
        '  bucket = "patient-records"\n'
        '  tags   = { DataClassification = "phi" }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "records" {\n'
        '  bucket = aws_s3_bucket.records.id\n'
        '  versioning_configuration {\n'
        '    status = "Enabled"\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket" "replica" {\n'
        '  provider = aws.dr\n'
        '  bucket   = "patient-records-dr"\n'
        '  tags     = { DataClassification = "phi" }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_versioning" "replica" {\n'
        '  provider = aws.dr\n'
        '  bucket   = aws_s3_bucket.replica.id\n'
        '  versioning_configuration {\n'
        '    status = "Enabled"\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_replication_configuration" "records" {\n'
        '  depends_on = [aws_s3_bucket_versioning.records]\n'
        '  bucket     = aws_s3_bucket.records.id\n'
        '  role       = var.replication_role_arn\n'
        '  rule {\n'
        '    status = "Enabled"\n'
        '    destination {\n'
        '      bucket = aws_s3_bucket.replica.arn\n'
        '    }\n'
        '  }\n'
        '}'
    ),
)
