"""TG302 kms-policy-no-public-principal.

Reading: a key policy fails when an Allow statement names Principal "*" or
{"AWS": "*"} (or allows with NotPrincipal) without a condition on
aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn,
kms:CallerAccount or kms:ViaService that must match: as for TG404
(tfguard.aws.iam.public_grant, the one reading of a public grant), a negated
operator (`StringNotEquals`, ...), `...IfExists`, `Null`, `ForAllValues:` or
values that are only "*" restrict nothing. An inline `policy` is judged on the key; a separate
`aws_kms_key_policy` on that resource, and then the key itself gets no result.
A key with neither has AWS's default policy (the account root only): PASS.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.iam import public_grant
from tfguard.aws.iam_documents import statements_of
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown

RESTRICTING = {
    "aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:sourcearn",
    "kms:calleraccount", "kms:viaservice",
}


def judge(ctx: Context, res: Resource) -> Result:
    statements, docs = statements_of(ctx.graph, res, "policy")
    if statements is None:
        return Result(res, PASS, "no policy is set")
    if is_unknown(statements):
        return Result(res, UNKNOWN, f"the policy is not known statically: {statements.reason}",
                      attribute="policy", related=tuple(docs))
    status, message, _ = public_grant(statements, RESTRICTING)  # type: ignore[arg-type]
    at = docs[0] if docs and status is FAIL else None
    return Result(res, status, message, attribute="policy" if at is None else "statement",
                  at=at, related=tuple(docs))


def evaluate(ctx: Context) -> Iterator[Result]:
    for key in ctx.graph.of_type("aws_kms_key"):
        separate = ctx.graph.referrers(key, types=("aws_kms_key_policy",), via="key_id")
        if key.values.get("policy") in (None, ""):
            if not separate:
                yield Result(key, PASS, "the key has AWS's default key policy (account root only)")
            continue
        yield judge(ctx, key)
    for policy in ctx.graph.of_type("aws_kms_key_policy"):
        keys = ctx.graph.targets(policy, via="key_id", types=("aws_kms_key",))
        result = judge(ctx, policy)
        yield Result(result.resource, result.status, result.message, result.attribute, result.at,
                     result.related + tuple(keys))


CHECK = Check(
    id="TG302",
    slug="kms-policy-no-public-principal",
    title="KMS key policy does not allow any principal",
    severity="critical",
    resource_types=("aws_kms_key", "aws_kms_key_policy"),
    rationale="A key policy that allows \"*\" lets any AWS account use or manage the key, and with it "
    "decrypt every piece of data it protects.",
    remediation="Name the account root or specific roles as principals, or add a condition such as "
    "kms:CallerAccount or aws:PrincipalOrgID.",
    evaluate=evaluate,
    compliance=controls("TG302"),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",),
    bad_example='resource "aws_kms_key" "data" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
    '    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }]\n  })\n}',
    good_example='resource "aws_kms_key" "data" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
    '    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" },\n'
    '      Action = "kms:*", Resource = "*" }]\n  })\n}',
)
