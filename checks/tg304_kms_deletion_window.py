"""TG304 kms-deletion-window.

Reading: an `aws_kms_key` fails when `deletion_window_in_days` is below 14.
Unset means AWS's default of 30 days (a default the catalog names): PASS. A
value not known statically gives UNKNOWN. Replica and external keys are not
subjects (the catalog names `aws_kms_key` only).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown

MINIMUM = 14
DEFAULT = 30


def evaluate(ctx: Context) -> Iterator[Result]:
    for key in ctx.subjects():
        days = key.values.get("deletion_window_in_days")
        if days is None:
            yield Result(key, PASS, f"deletion_window_in_days is unset: AWS waits the default {DEFAULT} days")
            continue
        if is_unknown(days):
            yield Result(key, UNKNOWN, f"deletion_window_in_days is not known statically: {days.reason}",
                         attribute="deletion_window_in_days")
            continue
        try:
            value = float(days)
        except (TypeError, ValueError):
            yield Result(key, UNKNOWN, f"deletion_window_in_days {days!r} is not a number",
                         attribute="deletion_window_in_days")
            continue
        if value < MINIMUM:
            yield Result(key, FAIL, f"deletion_window_in_days is {days}, below {MINIMUM} days",
                         attribute="deletion_window_in_days")
        else:
            yield Result(key, PASS, f"deletion_window_in_days is {days}", attribute="deletion_window_in_days")


CHECK = Check(
    id="TG304",
    slug="kms-deletion-window",
    title="KMS key keeps a deletion window of at least 14 days",
    severity="low",
    resource_types=("aws_kms_key",),
    rationale="A deleted key makes every piece of data encrypted under it unrecoverable; the waiting period "
    "is the only time to notice and cancel a mistaken or malicious deletion.",
    remediation="Set deletion_window_in_days to 14 or more (30, the maximum, when unset).",
    evaluate=evaluate,
    compliance=controls("TG304"),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",),
    bad_example='resource "aws_kms_key" "data" {\n  deletion_window_in_days = 7\n}',
    good_example='resource "aws_kms_key" "data" {\n  deletion_window_in_days = 30\n}',
)
