"""TG303 kms-policy-least-privilege.

Reading: a key policy fails when an Allow statement grants `kms:*` (Action
`*`, `kms:*`, `*:*`, or a NotAction that leaves `kms:*` in) to any principal
other than the account root. The account root is
`arn:<partition>:iam::<acct>:root`, the bare 12-digit account id (also as
{"AWS": "<acct>"}), and the same built from `data.aws_caller_identity` /
`data.aws_partition`. Principal "*", NotPrincipal, roles, users and service
principals are not the root; conditions do not change that (TG302 judges
public principals with conditions). Narrower grants (`kms:Decrypt`,
`kms:Encrypt*`) pass. An inline `policy` is judged on the key; a separate
`aws_kms_key_policy` on itself, and then the key gets no result. A key with
neither has AWS's default key policy (the account root only): PASS. A
principal or action not known statically gives UNKNOWN unless another
statement fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.iam import Statement, describe, grants, non_root_grantee
from tfguard.aws.iam_policies import judged_policy, pointer
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, Status, is_unknown


def verdict(statements: list[Statement]) -> tuple[Status, str, Statement | None]:
    unknown = ""
    for st in statements:
        if is_unknown(st.effect):
            unknown = "a statement's effect is not known statically"
            continue
        if not st.allows:
            continue
        full = grants(st, "kms:*")
        if full is False:
            continue
        other, who = non_root_grantee(st)
        if other is False:
            continue
        if full and other:
            return FAIL, f"{describe(st)} grants kms:* to {who}, not only the account root", st
        unknown = who if other is None else "a statement's actions are not known statically"
    if unknown:
        return UNKNOWN, unknown, None
    return PASS, "only the account root is granted kms:*", None


def judge(ctx: Context, res: Resource, related: tuple[Resource, ...] = ()) -> Result:
    statements, docs = judged_policy(ctx.graph, res, "policy")
    if statements is None:
        return Result(res, PASS, "no policy is set", related=related)
    if is_unknown(statements):
        return Result(res, UNKNOWN, f"the policy is not known statically: {statements.reason}",
                      attribute="policy", related=tuple(docs) + related)
    status, message, st = verdict(statements)  # type: ignore[arg-type]
    at, attribute = pointer(ctx.graph, res, "policy", docs, st)
    return Result(res, status, message, attribute=attribute, at=at, related=tuple(docs) + related)


def evaluate(ctx: Context) -> Iterator[Result]:
    for key in ctx.graph.of_type("aws_kms_key"):
        separate = ctx.graph.referrers(key, types=("aws_kms_key_policy",), via="key_id")
        if key.values.get("policy") in (None, ""):
            if not separate:
                yield Result(key, PASS, "the key has AWS's default key policy (account root only)")
            continue
        yield judge(ctx, key)
    for policy in ctx.graph.of_type("aws_kms_key_policy"):
        yield judge(ctx, policy, tuple(ctx.graph.targets(policy, via="key_id", types=("aws_kms_key",))))


CHECK = Check(
    id="TG303",
    slug="kms-policy-least-privilege",
    title="KMS key policy grants full key access only to the account root",
    severity="medium",
    resource_types=("aws_kms_key", "aws_kms_key_policy"),
    rationale="kms:* lets a principal change the key policy, disable or schedule deletion of the key and "
    "decrypt everything it protects; only the account root (which delegates through IAM) should hold it.",
    remediation="Grant roles and services only the KMS actions they need (kms:Decrypt, kms:GenerateDataKey*...), "
    "and keep kms:* for arn:aws:iam::<account>:root.",
    evaluate=evaluate,
    compliance=controls("TG303"),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",),
    bad_example='resource "aws_kms_key" "data" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
    '    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" },\n'
    '      Action = "kms:*", Resource = "*" }]\n  })\n}',
    good_example='resource "aws_kms_key" "data" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
    '    Statement = [\n      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" },\n'
    '        Action = "kms:*", Resource = "*" },\n'
    '      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" },\n'
    '        Action = ["kms:Decrypt", "kms:GenerateDataKey*"], Resource = "*" },\n    ]\n  })\n}',
)
