"""TG605 backup-cross-region-copy.

Reading: an `aws_backup_plan` passes when some rule has a `copy_action` whose
`destination_vault_arn` resolves to a vault in another region than the plan:
an `aws_backup_vault` of the configuration (reference, or equal literal
name/ARN) compared by provider region, or a literal vault ARN compared by its
region field. A destination that is neither, or a region that cannot be
resolved, is UNKNOWN unless another copy passes. No copy action, or copies only
within the plan's region, fail. Severity escalates when the plan's own
effective classification is sensitive (its tags or default_tags).
"""

from __future__ import annotations

from tfguard.aws.regions import arn_region, other_region, why_unknown
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource, Unknown, is_unknown, nested

ATTR = "rule.copy_action.destination_vault_arn"


def _judge(ctx: Context, plan: Resource) -> Result:
    here = ctx.graph.region(plan)
    unknown = ""
    same: list[str] = []
    related: list[Resource] = []
    for rule in plan.blocks("rule"):
        if is_unknown(rule):
            unknown = unknown or f"a backup rule is not known statically: {rule.reason}"
            continue
        copies = nested(rule, "copy_action") if isinstance(rule, dict) else []
        for copy in copies:
            if is_unknown(copy):
                unknown = unknown or f"a copy action is not known statically: {copy.reason}"
                continue
            value = copy.get("destination_vault_arn") if isinstance(copy, dict) else None
            vaults = ctx.graph.resolve(plan, ATTR, value, ("aws_backup_vault",), managed=True)
            targets: list[tuple[str, object]] = [(v.address, ctx.graph.region(v)) for v in vaults]
            related.extend(vaults)
            if not vaults:
                region = arn_region(value)
                if region is None:
                    if is_unknown(value) and not value.refs:
                        why = f"destination_vault_arn is not known statically: {value.reason}"
                    else:
                        shown = value if isinstance(value, str) else "the destination vault"
                        why = f"{shown} is neither a vault of this configuration nor an ARN with a region"
                    unknown = unknown or why
                    continue
                targets.append((value.partial if isinstance(value, Unknown) else str(value), region))
            for name, there in targets:
                differs = other_region(here, there)
                if differs:
                    return Result(plan, PASS, f"copies recovery points to {name} in {there} (the plan is in {here})",
                                  attribute=ATTR, related=tuple(related))
                if differs is None:
                    unknown = unknown or f"the region of the plan or of {name} cannot be resolved: {why_unknown(here, there)}"
                else:
                    same.append(name)
    if unknown:
        return Result(plan, UNKNOWN, unknown, attribute=ATTR, related=tuple(related))
    if same:
        return Result(plan, FAIL, f"copy actions stay in the plan's region {here} ({', '.join(same)})",
                      attribute=ATTR, related=tuple(related))
    return Result(plan, FAIL, "no rule copies recovery points to a vault in another region", attribute="rule")


CHECK = Check(
    id="TG605",
    slug="backup-cross-region-copy",
    title="Backup plan copies recovery points to another region",
    severity="low",
    escalates=True,
    resource_types=("aws_backup_plan",),
    rationale="Backups kept only in the region they protect are lost with that region; a copy in a "
    "second region is what makes disaster recovery possible.",
    remediation="Add a copy_action to a backup rule whose destination_vault_arn is a vault created with "
    "a provider for another region.",
    evaluate=each(_judge),
    compliance=controls("TG605"),
    references=("https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html",),
    bad_example=(
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
        '}'
    ),
    good_example=(
        'provider "aws" {\n'
        '  region = "us-east-1"\n'
        '}\n'
        '\n'
        'provider "aws" {\n'
        '  alias  = "dr"\n'
        '  region = "us-west-2"\n'
        '}\n'
        '\n'
        'resource "aws_backup_vault" "main" {\n'
        '  name = "main"\n'
        '}\n'
        '\n'
        'resource "aws_backup_vault" "dr" {\n'
        '  provider = aws.dr\n'
        '  name     = "dr"\n'
        '}\n'
        '\n'
        'resource "aws_backup_plan" "daily" {\n'
        '  name = "daily"\n'
        '  rule {\n'
        '    rule_name         = "daily"\n'
        '    target_vault_name = aws_backup_vault.main.name\n'
        '    schedule          = "cron(0 5 * * ? *)"\n'
        '    copy_action {\n'
        '      destination_vault_arn = aws_backup_vault.dr.arn\n'
        '    }\n'
        '  }\n'
        '}'
    ),
)
