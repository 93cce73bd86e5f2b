"""TG230 s3-deny-insecure-transport.

Reading: the bucket passes when its policy (inline `policy`, or a linked
`aws_s3_bucket_policy` whose `bucket` names it by reference or literal name;
JSON heredoc, `jsonencode()` or `data "aws_iam_policy_document"`) has a
`Deny` statement with condition `Bool` (or `BoolIfExists`)
`aws:SecureTransport = false` whose resources cover both the bucket ARN and
`<arn>/*`. Covering: `*`, a literal `arn:aws:s3:::<name>` / `.../<name>/*`
(any partition: `aws-cn`, `aws-us-gov`, ...; IAM wildcards allowed),
`aws_s3_bucket.x.arn` and `"${aws_s3_bucket.x.arn}/*"` of this very bucket,
or `arn:${partition}:s3:::${aws_s3_bucket.x.id}` forms; several
such Deny statements may cover the two parts together. The statement must
deny every request without TLS: principal `*` (or `{"AWS": "*"}`), actions
covering `s3:*`, and no further condition keys narrowing it. No policy, or
no such statement, fails; a policy or resource that cannot be resolved
(e.g. a plan where the policy is known only after apply) is UNKNOWN. The
finding points at the policy (or its policy document) when one exists.
"""

from __future__ import annotations

from tfguard.aws.s3.transport import deny_insecure_transport
from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import judged_by

CHECK = Check(
    id="TG230",
    slug="s3-deny-insecure-transport",
    title="S3 bucket policy denies requests without TLS",
    severity="medium",
    escalates=True,
    resource_types=("aws_s3_bucket",),
    rationale="S3 accepts plain HTTP requests unless the bucket policy denies them; without the deny, one "
    "misconfigured client or SDK sends objects and signed requests in clear text.",
    remediation="Add a bucket policy statement: Effect Deny, Principal \"*\", Action \"s3:*\", Resource the bucket "
    "ARN and \"<arn>/*\", Condition Bool aws:SecureTransport = \"false\".",
    evaluate=judged_by(deny_insecure_transport),
    compliance=controls("TG230"),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
                "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html"),
    bad_example='resource "aws_s3_bucket" "data" {\n  bucket = "patient-records"\n}',
    good_example=(
        'resource "aws_s3_bucket" "data" {\n'
        '  bucket = "patient-records"\n'
        '}\n'
        '\n'
        'resource "aws_s3_bucket_policy" "data" {\n'
        '  bucket = aws_s3_bucket.data.id\n'
        '  policy = jsonencode({\n'
        '    Version = "2012-10-17"\n'
        '    Statement = [{\n'
        '      Sid       = "DenyInsecureTransport"\n'
        '      Effect    = "Deny"\n'
        '      Principal = "*"\n'
        '      Action    = "s3:*"\n'
        '      Resource  = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]\n'
        '      Condition = { Bool = { "aws:SecureTransport" = "false" } }\n'
        '    }]\n'
        '  })\n'
        '}'
    ),
)
