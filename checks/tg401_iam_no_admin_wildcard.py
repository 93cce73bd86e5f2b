"""TG401 iam-no-admin-wildcard.

Reading: identity policies only: the `policy` of `aws_iam_policy`,
`aws_iam_role_policy`, `aws_iam_user_policy` and `aws_iam_group_policy`. A
`data "aws_iam_policy_document"` that such a resource uses is judged once, on
the data source (its source and override documents merged in), with the IAM
resources that use it as related locations; those resources then get no
result. A document used only as a resource policy (key, bucket, queue, topic
or secret policy, trust policy) or used by nothing gets no result. FAIL when
an Allow statement grants every action (`*`, `*:*`, or a NotAction, which
allows everything but what it lists) on every resource (`*` or a
NotResource). Conditions do not change the verdict. A statement whose
effect, actions or resources are not known statically gives UNKNOWN unless
another statement fails. A resource entry known only after apply that
is an attribute of a configuration object (`aws_kms_key.app.arn`) or a
template with literal text (`${aws_s3_bucket.x.arn}/*`) is specific, not
`*`. In a plan, a `jsonencode` policy with such a reference is entirely
unknown: UNKNOWN there. The finding points at the statement's document (a
source or override document when it comes from there) or at `policy`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfguard.aws.iam import Statement, every_resource
from tfguard.aws.iam_policies import identity_policies
from tfguard.check import Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import judge_identity
from tfguard.model import is_unknown

_EVERY_ACTION = re.compile(r"^\*+(:\*+)?$")


def _every_action(pattern: Any) -> bool | None:
    if is_unknown(pattern) or not isinstance(pattern, str):
        return None
    return bool(_EVERY_ACTION.match(pattern.strip()))


def grants_everything(st: Statement) -> bool | None:
    if st.actions:
        found = [_every_action(p) for p in st.actions]
        return True if any(found) else (None if None in found else False)
    return bool(st.not_actions)


def admin(st: Statement) -> bool | None:
    actions, resources = grants_everything(st), every_resource(st)
    if actions is False or resources is False:
        return False
    return True if actions and resources else None


def _failure(st: Statement) -> str:
    if st.not_actions and not st.actions:
        return "allows every action except those in its NotAction on every resource (\"*\")"
    return "allows every action on every resource (\"*\" on \"*\")"


def evaluate(ctx: Context) -> Iterator[Result]:
    for subject in identity_policies(ctx.graph):
        yield judge_identity(ctx.graph, subject, admin, _failure, "no statement allows every action on every resource")


CHECK = Check(
    id="TG401",
    slug="iam-no-admin-wildcard",
    title="IAM policy does not grant \"*\" on \"*\"",
    severity="high",
    resource_types=("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy",
                    "data.aws_iam_policy_document"),
    rationale="A policy that allows every action on every resource makes its holder an administrator who can "
    "read all data, disable audit trails and change key policies; one leaked credential exposes everything.",
    remediation="List the actions and resources the principal needs; use AWS managed job-function policies "
    "for administrators instead of \"*\" on \"*\".",
    evaluate=evaluate,
    compliance=controls("TG401"),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",),
    bad_example='resource "aws_iam_policy" "ops" {\n  name   = "ops"\n  policy = jsonencode({\n'
    '    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]\n  })\n}',
    good_example='resource "aws_iam_policy" "ops" {\n  name   = "ops"\n  policy = jsonencode({\n'
    '    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"],\n'
    '      Resource = "arn:aws:s3:::acme-reports/*" }]\n  })\n}',
)
