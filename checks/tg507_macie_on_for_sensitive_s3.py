"""TG507 macie-on-for-sensitive-s3 (account-level, not baseline).

Reading: runs when the configuration holds an `aws_s3_bucket` whose
effective classification is confidential or higher (its own tags or
default_tags, or data flowing into it: a replication source, or a CloudTrail
trail writing to it, since audit logs are confidential; a trail bucket that
is not in the configuration adds nothing). With no such bucket there is no
result, unless a bucket's own classification tag is not known statically:
then the result is UNKNOWN (PASS when Macie is on anyway). The account
passes when an `aws_macie2_account` has `status` "ENABLED" (the default when
unset), fails when there is none or every one is "PAUSED". The finding
points at the Macie account resource when there is one, else at the account
anchor, else at the root module's main.tf (or its first file by name that
parsed); the sensitive buckets are related locations.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.audit import managed
from tfguard.aws.classification import label_unknown
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown


def evaluate(ctx: Context) -> Iterator[Result]:
    buckets = managed(ctx.graph.of_type("aws_s3_bucket"))
    sensitive = [b for b in buckets if ctx.sensitive(b)]
    maybe = [b for b in buckets if not sensitive and label_unknown(b, ctx.classification_tag)]
    if not sensitive and not maybe:
        return
    macies = ctx.graph.of_type("aws_macie2_account")
    statuses = [m.values.get("status") for m in macies]
    enabled = [m for m, s in zip(macies, statuses) if s is None or s == "ENABLED"]
    if enabled:
        yield Result(ctx.account_subject(enabled[0]), PASS, f"Macie is enabled by {enabled[0].address}",
                     attribute="status", related=tuple(sensitive or maybe))
        return
    if maybe:
        yield Result(ctx.account_subject(macies[0] if macies else None), UNKNOWN,
                     f"the classification of {maybe[0].address} is not known statically "
                     f"({label_unknown(maybe[0], ctx.classification_tag)}), and Macie is not enabled",
                     attribute="status" if macies else "", related=tuple(maybe))
        return
    first = ctx.classification(sensitive[0])
    what = f"{sensitive[0].address} is {first.name}"
    if first.path:
        what += " (data from " + " -> ".join(r.address for r in first.path) + ")"
    unknown = [m for m, s in zip(macies, statuses) if is_unknown(s)]
    if unknown:
        yield Result(ctx.account_subject(unknown[0]), UNKNOWN,
                     f"{what}, and the status of {unknown[0].address} is not known statically",
                     attribute="status", related=tuple(sensitive))
    elif macies:
        yield Result(ctx.account_subject(macies[0]), FAIL, f"{what}, but Macie is {statuses[0]}",
                     attribute="status", related=tuple(sensitive))
    else:
        yield Result(ctx.account_subject(), FAIL, f"{what}, but no aws_macie2_account enables Macie",
                     related=tuple(sensitive))


CHECK = Check(
    id="TG507",
    slug="macie-on-for-sensitive-s3",
    title="Macie is enabled when S3 holds sensitive data",
    severity="medium",
    resource_types=("account",),
    rationale="Macie discovers and reports sensitive data (PII, PHI, card numbers) in S3 and alerts on "
    "buckets that become public or unencrypted; without it, sensitive data stored where it should not "
    "be goes unnoticed.",
    remediation="Add an aws_macie2_account (status ENABLED, the default) to the account that holds the "
    "sensitive buckets.",
    evaluate=evaluate,
    compliance=controls("TG507"),
    references=("https://docs.aws.amazon.com/macie/latest/user/getting-started.html",),
    bad_example='resource "aws_s3_bucket" "records" {\n  bucket = "patient-records"\n'
    '  tags   = { DataClassification = "phi" }\n}',
    good_example=(
        'resource "aws_s3_bucket" "records" {\n'
        '  bucket = "patient-records"\n'
        '  tags   = { DataClassification = "phi" }\n'
        '}\n'
        '\n'
        'resource "aws_macie2_account" "this" {\n'
        '  finding_publishing_frequency = "FIFTEEN_MINUTES"\n'
        '  status                       = "ENABLED"\n'
        '}'
    ),
)
