"""TG404 resource-policy-no-public-principal.

Reading: resource policies held by `aws_s3_bucket_policy`,
`aws_sqs_queue_policy`, `aws_sns_topic_policy` and
`aws_secretsmanager_secret_policy` are judged on those resources; an inline
`policy` on an `aws_s3_bucket` on the bucket (a bucket without one gets no
result). Inline `policy` arguments of queues, topics and secrets are not
subjects (the catalog names the separate resources). FAIL when an Allow
statement has principal "*" / {"AWS": "*"} (or allows with NotPrincipal)
and no condition restricting it on `aws:PrincipalOrgID`,
`aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`,
`kms:CallerAccount`, `kms:ViaService`, `aws:SourceVpce`, `aws:SourceVpc` or
`aws:SourceIp`. A condition restricts only when it must match: negated
operators (`StringNotEquals`, `NotIpAddress`...), `...IfExists`, `Null`,
`ForAllValues:`, values that are only "*", and `aws:SourceIp` 0.0.0.0/0 or
::/0 do not. `Resource: "*"` is "this resource" and is not a finding. A
principal or effect not known statically gives UNKNOWN unless another
statement fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.iam import public_grant
from tfguard.aws.iam_policies import judged_policy, pointer
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown

RESTRICTING = {
    "aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:sourcearn",
    "kms:calleraccount", "kms:viaservice", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceip",
}
# policy resource type -> (argument naming the protected resource, its types)
HOLDERS = {
    "aws_s3_bucket_policy": ("bucket", ("aws_s3_bucket",)),
    "aws_sqs_queue_policy": ("queue_url", ("aws_sqs_queue",)),
    "aws_sns_topic_policy": ("arn", ("aws_sns_topic",)),
    "aws_secretsmanager_secret_policy": ("secret_arn", ("aws_secretsmanager_secret",)),
}


def judge(ctx: Context, res: Resource, related: tuple[Resource, ...]) -> Result:
    statements, docs = judged_policy(ctx.graph, res, "policy")
    if statements is None:
        return Result(res, PASS, "no policy is set", related=related)
    if is_unknown(statements):
        return Result(res, UNKNOWN, f"the policy is not known statically: {statements.reason}",
                      attribute="policy", related=tuple(docs) + related)
    status, message, st = public_grant(statements, RESTRICTING)  # type: ignore[arg-type]
    at, attribute = pointer(ctx.graph, res, "policy", docs, st) if status is FAIL else (None, "policy")
    return Result(res, status, message, attribute=attribute, at=at, related=tuple(docs) + related)


def evaluate(ctx: Context) -> Iterator[Result]:
    for bucket in ctx.graph.of_type("aws_s3_bucket"):
        if bucket.values.get("policy") not in (None, ""):
            yield judge(ctx, bucket, ())
    for rtype, (attr, types) in HOLDERS.items():
        for res in ctx.graph.of_type(rtype):
            yield judge(ctx, res, tuple(ctx.graph.targets(res, via=attr, types=types)))


CHECK = Check(
    id="TG404",
    slug="resource-policy-no-public-principal",
    title="Bucket, queue, topic and secret policies do not allow any principal",
    severity="critical",
    resource_types=("aws_s3_bucket_policy", "aws_s3_bucket", "aws_sqs_queue_policy", "aws_sns_topic_policy",
                    "aws_secretsmanager_secret_policy"),
    rationale="A resource policy that allows \"*\" without a condition opens the bucket, queue, topic or "
    "secret to every AWS account and, for S3, to anonymous internet users.",
    remediation="Name the accounts or roles as principals, or add a condition on aws:PrincipalOrgID, "
    "aws:SourceAccount, aws:SourceArn or aws:SourceVpce.",
    evaluate=evaluate,
    compliance=controls("TG404"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html",),
    bad_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_policy" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  policy = jsonencode({\n'
        '    Version = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",\n'
        '      Resource = "${aws_s3_bucket.data.arn}/*" }]\n'
        '  })\n'
        '}'
    ),
    good_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_policy" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  policy = jsonencode({\n'
        '    Version = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject",\n'
        '      Resource = "${aws_s3_bucket.data.arn}/*",\n'
        '      Condition = { StringEquals = { "aws:SourceVpce" = "vpce-0a1b2c3d" } } }]\n'
        '  })\n'
        '}'
    ),
)
