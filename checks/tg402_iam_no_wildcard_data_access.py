"""TG402 iam-no-wildcard-data-access.

Reading: the same identity policies as TG401 (inline `policy` of
`aws_iam_policy` / `aws_iam_role_policy` / `aws_iam_user_policy` /
`aws_iam_group_policy`; a `data "aws_iam_policy_document"` they use is judged
once on the data source with the users as related locations; a document used
only as a resource policy gets no result). FAIL when an Allow statement on
every resource (`*` or a NotResource) grants `kms:*`, `kms:Decrypt`, `s3:*`,
`secretsmanager:GetSecretValue` or `secretsmanager:*`, through the action
itself or a wildcard that covers it (`*`, `*:*`, `kms:*`, `kms:De*`, `s3*`,
`secretsmanager:Get*`...), or a NotAction that leaves it in. `s3:*` means
all of S3: `s3:GetObject` or `s3:Get*` alone do not fail. Resource patterns
other than `*` (e.g. `arn:aws:s3:::*`) are scoped and pass. Conditions do
not change the verdict. Unknown effects, actions or resources give UNKNOWN
unless another statement fails. A resource entry known only after apply that
is an attribute of a configuration object (`aws_kms_key.app.arn`) or a
template with literal text (`${aws_s3_bucket.x.arn}/*`) is specific, not
`*`. In a plan, a `jsonencode` policy with such a reference is entirely
unknown: UNKNOWN there.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.iam import Statement, every_resource, grants
from tfguard.aws.iam_policies import identity_policies
from tfguard.check import Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import judge_identity

DATA_ACTIONS = ("kms:*", "kms:Decrypt", "s3:*", "secretsmanager:GetSecretValue", "secretsmanager:*")


def data_access(st: Statement) -> bool | None:
    resources = every_resource(st)
    if resources is False:
        return False
    found = [grants(st, action) for action in DATA_ACTIONS]
    if not any(found):
        return None if None in found else False
    return True if resources else None


def _failure(st: Statement) -> str:
    granted = [a for a in DATA_ACTIONS if grants(st, a)]
    return f"grants {', '.join(granted)} on every resource (\"*\")"


def evaluate(ctx: Context) -> Iterator[Result]:
    for subject in identity_policies(ctx.graph):
        yield judge_identity(ctx.graph, subject, data_access, _failure,
                             "no statement grants decrypt, S3 or secret access on every resource")


CHECK = Check(
    id="TG402",
    slug="iam-no-wildcard-data-access",
    title="IAM policy does not grant decrypt, S3 or secret access on \"*\"",
    severity="medium",
    resource_types=("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy",
                    "data.aws_iam_policy_document"),
    rationale="kms:Decrypt, s3:* or secretsmanager:GetSecretValue on every resource reaches every key, bucket "
    "and secret of the account, including those that hold sensitive data the principal never needs.",
    remediation="Scope Resource to the ARNs of the keys, buckets and secrets the principal uses.",
    evaluate=evaluate,
    compliance=controls("TG402"),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html",),
    bad_example=(
        'variable "role_name" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_iam_role_policy" "app" {\n'
        '  role   = var.role_name\n'
        '  policy = jsonencode({\n'
        '    Version   = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }]\n'
        '  })\n'
        '}'
    ),
    good_example=(
        'variable "role_name" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_kms_key" "app" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_iam_role_policy" "app" {\n'
        '  role   = var.role_name\n'
        '  policy = jsonencode({\n'
        '    Version   = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Action = "kms:Decrypt",\n'
        '      Resource = aws_kms_key.app.arn }]\n'
        '  })\n'
        '}'
    ),
)
