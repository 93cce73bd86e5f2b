"""TG508 s3-access-logging (escalates).

Reading: a bucket passes when a linked `aws_s3_bucket_logging` (its `bucket`
names this bucket by reference or literal name) or an inline `logging`
block sends its server access logs to another bucket. It fails with no
logging configuration, or when every configuration logs to the bucket
itself (`target_bucket` references it or equals its literal name or ARN). A
target that is not known statically (and not a reference to another bucket)
gives UNKNOWN. A bucket created with `bucket_prefix` or a provider-generated
name cannot equal a literal target. A log bucket has no result (see
tfguard.aws.s3.log_delivery: the target of another bucket's logging, a policy that
lets `logging.s3.amazonaws.com` put objects, or the `log-delivery-write`
ACL): logging it would log the log deliveries. Severity rises to medium for
sensitive buckets (a CloudTrail bucket is sensitive).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.s3 import access_logging
from tfguard.aws.s3.log_delivery import is_access_log_bucket
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Verdict


def evaluate(ctx: Context) -> Iterator[Result]:
    for bucket in ctx.subjects():
        if is_access_log_bucket(ctx.graph, bucket):
            continue
        configs = access_logging(ctx.graph, bucket)
        related = tuple(dict.fromkeys(c.at for c in configs if c.at is not bucket))
        good = [c for c in configs if c.to_self is False]
        unknown = [c for c in configs if c.to_self is None]
        if good:
            first = good[0]
            targets = ctx.graph.targets(first.at, via=first.attribute, types=("aws_s3_bucket",))
            where = targets[0].address if targets else repr(first.target)
            yield Result.of(bucket, Verdict(PASS, f"server access logs go to {where}", first.attribute, first.at,
                                            related + tuple(targets)))
        elif unknown:
            first = unknown[0]
            yield Result.of(bucket, Verdict(UNKNOWN, "the access log target bucket is not known statically",
                                            first.attribute, first.at, related))
        elif configs:
            first = configs[0]
            yield Result.of(bucket, Verdict(FAIL, "the bucket writes its server access logs to itself",
                                            first.attribute, first.at, related))
        else:
            yield Result(bucket, FAIL, "server access logging is not configured for the bucket")


CHECK = Check(
    id="TG508",
    slug="s3-access-logging",
    title="S3 bucket has server access logging to another bucket",
    severity="low",
    escalates=True,
    resource_types=("aws_s3_bucket",),
    rationale="Server access logs record every request to the bucket's data, the evidence needed to tell "
    "who read or changed it; a bucket logging to itself loops and mixes logs with the data.",
    remediation="Add an aws_s3_bucket_logging for the bucket whose target_bucket is a separate log bucket.",
    evaluate=evaluate,
    compliance=controls("TG508"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",),
    bad_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_logging" "data" {\n'
        '  bucket        = aws_s3_bucket.data.id\n'
        '  target_bucket = aws_s3_bucket.data.id\n'
        '  target_prefix = "log/"\n'
        '}'
    ),
    good_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_logging" "data" {\n'
        '  bucket        = aws_s3_bucket.data.id\n'
        '  target_bucket = "acme-access-logs" # the account\'s central log bucket\n'
        '  target_prefix = "patient-records/"\n'
        '}'
    ),
)
