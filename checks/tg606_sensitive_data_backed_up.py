"""TG606 sensitive-data-backed-up.

Reading: applies to data stores whose effective classification is
confidential or higher (own tags, default_tags, or data flowing in). RDS read
replicas (`replicate_source_db` set) give no result. PASS when an
`aws_backup_selection` selects the store (see below)
or when the store has a native backup: RDS `backup_retention_period` >= 7,
DynamoDB `point_in_time_recovery.enabled = true`. EBS volumes and EFS file
systems have only backup selections (the catalog names no native backup for
them). A native setting that is not known statically,
or a backup selection whose resources or tags are not known statically, makes
an otherwise failing result UNKNOWN.

A selection assigns the store as AWS Backup does (tfguard/aws/backup.py): its
`resources` name it (reference, ARN, `"*"`, or an ARN pattern such as
`arn:*:rds:*:*:db:*`) or ANY of its `selection_tag` blocks matches the
store's tags (with neither, every supported resource is a candidate, as in
AWS Backup); then every `condition` (`aws:ResourceTag/...`) must hold and
`not_resources` must not name it. An ARN pattern that may or may not name
the store (a literal region, account or name in it) is not known statically.

A store whose own classification label is not known statically (a tag from a
variable with no value) and that is not otherwise sensitive may be
sensitive: it gets the same judgement, except that what would fail or be
unknown is UNKNOWN naming the unknown label (PASS stays PASS).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.backup import number, selection_verdicts
from tfguard.aws.classification import label_unknown
from tfguard.aws.dynamodb import pitr
from tfguard.aws.rds import is_read_replica
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown
from tfguard.unknowns import cause

TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_ebs_volume", "aws_efs_file_system")


def _judge(ctx: Context, res: Resource) -> Result:
    verdicts = selection_verdicts(ctx.graph, res)
    selections = [s for s, v in verdicts if v is True]
    undecided = [s for s, v in verdicts if v is None]
    level = ctx.classification(res)
    data = f"{level.name} data" if level.level is not None else "its data"
    if selections:
        return Result(res, PASS, f"{data} is backed up by {selections[0].address}", related=tuple(selections))
    unknown = ""
    attr = ""
    if res.type in ("aws_db_instance", "aws_rds_cluster"):
        attr = "backup_retention_period"
        days = number(res.values.get(attr))
        if is_unknown(days):
            unknown = f"backup_retention_period is not known statically: {days.reason}"
        elif days is not None and days >= 7:
            return Result(res, PASS, f"automated backups are kept {days} days", attribute=attr)
        native = f"backup_retention_period is {days if days is not None else 'unset (AWS default 1 day)'}, below 7 days"
    elif res.type == "aws_dynamodb_table":
        attr = "point_in_time_recovery.enabled"
        enabled = pitr(res)
        if is_unknown(enabled):
            unknown = f"point_in_time_recovery is not known statically: {enabled.reason}"
        elif enabled:
            return Result(res, PASS, "point-in-time recovery is enabled", attribute=attr)
        native = "point-in-time recovery is not enabled"
    else:
        native = "it has no native backup setting"
    if not unknown and undecided:
        # What the selection decides on: its resources and conditions, or the store's tags and name.
        sel = undecided[0].values
        why = (cause([sel.get(k) for k in ("resources", "not_resources", "selection_tag", "condition")])
               or cause([res.values.get(k) for k in ("tags_all", "tags", "name", "identifier", "arn")])
               # else an ARN pattern with a literal account or region meets the store's ARN
               or f"{res.address}.arn is known only after apply")
        unknown = f"whether {undecided[0].address} selects it is not known statically ({why})"
    if attr and res.values.get(attr.split(".")[0]) in (None, []):
        attr = ""  # the setting is missing: point at the block
    if unknown:
        return Result(res, UNKNOWN, unknown, attribute=attr, related=tuple(undecided))
    return Result(res, FAIL, f"{data} is not selected by any aws_backup_selection and {native}", attribute=attr)


def evaluate(ctx: Context) -> Iterator[Result]:
    for res in ctx.subjects():
        if is_read_replica(res):
            continue
        if ctx.sensitive(res):
            yield _judge(ctx, res)
        elif why := label_unknown(res, ctx.classification_tag):
            result = _judge(ctx, res)
            if result.status != PASS:
                result = Result(res, UNKNOWN, f"the classification is not known statically ({why}); if it is sensitive: "
                                + result.message,
                                attribute=result.attribute, related=result.related)
            yield result


CHECK = Check(
    id="TG606",
    slug="sensitive-data-backed-up",
    title="Sensitive data store is backed up",
    severity="medium",
    resource_types=TYPES,
    rationale="Sensitive records must be restorable after deletion, corruption or ransomware; HIPAA and PCI DSS "
    "require a data backup plan.",
    remediation="Select the resource in an aws_backup_selection of a backup plan, or enable its native backup "
    "(RDS backup_retention_period >= 7, DynamoDB point_in_time_recovery).",
    evaluate=evaluate,
    compliance=controls("TG606"),
    references=("https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html",),
    bad_example='resource "aws_ebs_volume" "records" {\n  availability_zone = "us-east-1a"\n  size              = 100\n'
    '  tags              = { DataClassification = "phi" }\n}',
    good_example=(
        'variable "backup_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_ebs_volume" "records" {\n'
        '  availability_zone = "us-east-1a"\n'
        '  size              = 100\n'
        '  encrypted         = true\n'
        '  tags              = { DataClassification = "phi" }\n'
        '}\n'
        '\n'
        'resource "aws_backup_vault" "main" {\n'
        '  name = "main"\n'
        '}\n'
        '\n'
        'resource "aws_backup_plan" "daily" {\n'
        '  name = "daily"\n'
        '  rule {\n'
        '    rule_name         = "daily"\n'
        '    target_vault_name = aws_backup_vault.main.name\n'
        '    schedule          = "cron(0 5 * * ? *)"\n'
        '  }\n'
        '}\n'
        '\n'
        'resource "aws_backup_selection" "records" {\n'
        '  name         = "records"\n'
        '  plan_id      = aws_backup_plan.daily.id\n'
        '  iam_role_arn = var.backup_role_arn\n'
        '  resources    = [aws_ebs_volume.records.arn]\n'
        '}'
    ),
)
