"""TG121 ebs-default-encryption.

Reading: an account-level (baseline) check with one result for `account`.
PASS when any module holds an `aws_ebs_encryption_by_default` whose `enabled`
is true or unset (the provider's default); UNKNOWN when `enabled` is not
known statically; FAIL otherwise. The finding points at the
`aws_ebs_encryption_by_default` (its `enabled` argument) when there is one,
else at the first account anchor, else at the root module's main.tf (or its first
file by name that parsed).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.ebs import ebs_default
from tfguard.check import Check, Context, Result
from tfguard.compliance import controls


def evaluate(ctx: Context) -> Iterator[Result]:
    v = ebs_default(ctx.graph)
    # The account, pointing at the `enabled` argument of the resource that decides.
    yield Result.of(ctx.account_subject(v.at), v._replace(at=None))


CHECK = Check(
    id="TG121",
    slug="ebs-default-encryption",
    title="EBS encryption by default is enabled for the account",
    severity="medium",
    baseline=True,
    resource_types=("account",),
    rationale="With default encryption every new EBS volume and snapshot copy in the region is encrypted, "
    "whatever the tool or person that creates it.",
    remediation="Add resource \"aws_ebs_encryption_by_default\" with enabled = true (and aws_ebs_default_kms_key "
    "naming a customer-managed key).",
    evaluate=evaluate,
    compliance=controls("TG121"),
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",),
    bad_example='resource "aws_ebs_encryption_by_default" "this" {\n  enabled = false\n}',
    good_example='resource "aws_ebs_encryption_by_default" "this" {\n  enabled = true\n}',
)
