"""TG608 dynamodb-pitr.

Reading: an `aws_dynamodb_table` passes with `point_in_time_recovery { enabled
= true }`; no block or `enabled = false` fails; a value that is not known
statically is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.dynamodb import pitr
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown

ATTR = "point_in_time_recovery.enabled"


def evaluate(ctx: Context) -> Iterator[Result]:
    for table in ctx.subjects():
        enabled = pitr(table)
        has_block = bool(table.blocks("point_in_time_recovery"))
        if is_unknown(enabled):
            yield Result(table, UNKNOWN, f"point_in_time_recovery is not known statically: {enabled.reason}", attribute=ATTR)
        elif enabled:
            yield Result(table, PASS, "point-in-time recovery is enabled", attribute=ATTR)
        else:
            msg = "point_in_time_recovery.enabled is false" if has_block else "no point_in_time_recovery block"
            yield Result(table, FAIL, f"{msg}: the table cannot be restored to a point in time",
                         attribute=ATTR if has_block else "")


CHECK = Check(
    id="TG608",
    slug="dynamodb-pitr",
    title="DynamoDB table has point-in-time recovery",
    severity="medium",
    resource_types=("aws_dynamodb_table",),
    rationale="Point-in-time recovery restores a table to any second of the last 35 days after an "
    "accidental write or delete; without it only on-demand backups exist.",
    remediation="Add point_in_time_recovery { enabled = true } to the table.",
    evaluate=evaluate,
    compliance=controls("TG608"),
    references=("https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html",),
    bad_example='resource "aws_dynamodb_table" "orders" {\n  name     = "orders"\n  hash_key = "id"\n}',
    good_example='resource "aws_dynamodb_table" "orders" {\n  name     = "orders"\n  hash_key = "id"\n'
    '  point_in_time_recovery {\n    enabled = true\n  }\n}',
)
