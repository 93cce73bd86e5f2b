"""TG607 rds-backup-retention.

Reading: `aws_db_instance` and `aws_rds_cluster` must keep automated backups
at least 7 days (`backup_retention_period` >= 7; a numeric string counts as
its number). Unset means AWS's default of 1 day and fails (a catalog-named
default). A read replica (`replicate_source_db` set) has no result. A value
that is not known statically is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.backup import number
from tfguard.aws.rds import is_read_replica
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown

ATTR = "backup_retention_period"


def evaluate(ctx: Context) -> Iterator[Result]:
    for db in ctx.subjects():
        if is_read_replica(db):
            continue
        days = number(db.values.get(ATTR))
        if is_unknown(days):
            yield Result(db, UNKNOWN, f"backup_retention_period is not known statically: {days.reason}", attribute=ATTR)
        elif days is None:
            yield Result(db, FAIL, "backup_retention_period is unset: AWS keeps automated backups 1 day")
        elif days < 7:
            yield Result(db, FAIL, f"automated backups are kept {days} day(s), fewer than 7", attribute=ATTR)
        else:
            yield Result(db, PASS, f"automated backups are kept {days} days", attribute=ATTR)


CHECK = Check(
    id="TG607",
    slug="rds-backup-retention",
    title="RDS keeps automated backups at least 7 days",
    severity="medium",
    resource_types=("aws_db_instance", "aws_rds_cluster"),
    rationale="With one day of automated backups, corruption noticed after a weekend cannot be restored "
    "from a point in time before it happened.",
    remediation="Set backup_retention_period to 7 or more (up to 35).",
    evaluate=evaluate,
    compliance=controls("TG607"),
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",),
    bad_example=(
        'resource "aws_db_instance" "main" {\n'
        '  identifier              = "main"\n'
        '  engine                  = "postgres"\n'
        '  instance_class          = "db.t3.micro"\n'
        '  backup_retention_period = 1\n'
        '}'
    ),
    good_example=(
        'resource "aws_db_instance" "main" {\n'
        '  identifier              = "main"\n'
        '  engine                  = "postgres"\n'
        '  instance_class          = "db.t3.micro"\n'
        '  backup_retention_period = 14\n'
        '}'
    ),
)
