"""TG505 config-encryption-rules (baseline, account-level).

Reading: applies when the configuration has an
`aws_config_configuration_recorder`; with none there is no result (TG504
reports the missing recorder). The account passes when `aws_config_config_rule`
resources with `source.source_identifier` equal to
S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, ENCRYPTED_VOLUMES and
RDS_STORAGE_ENCRYPTED (AWS's managed rule identifiers, exact spelling) are
all present, and fails naming the missing ones; a rule identifier that is
not known statically makes a missing rule UNKNOWN. The finding points at the
recorder.

An `aws_config_conformance_pack` counts too: the managed rules it deploys are
the `SourceIdentifier` values in its `template_body` (a CloudFormation
template, YAML or JSON). A template that is not known statically, or one kept
in S3 (`template_s3_uri`), makes a missing rule UNKNOWN.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown
from tfguard.unknowns import cause

RULES = ("S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "ENCRYPTED_VOLUMES", "RDS_STORAGE_ENCRYPTED")


# A CloudFormation template's rule identifiers, in YAML (`SourceIdentifier: X`) or JSON.
_IDENTIFIER = re.compile(r"""["']?\bSourceIdentifier["']?\s*:\s*["']?([A-Za-z0-9_]+)""")


def _deployed(ctx: Context) -> Iterator[tuple[Resource, str | None, str]]:
    """(resource, managed rule identifier, "") for each rule deployed, and (resource, None, why)
    for a rule or template that is not known statically."""
    for rule in ctx.graph.of_type("aws_config_config_rule"):
        for source in rule.blocks("source"):
            ident = source if is_unknown(source) else source.get("source_identifier") if isinstance(source, dict) else None
            if is_unknown(ident):
                why = cause(rule.values.get("source"))
                yield rule, None, f"the source_identifier of {rule.address} is not known statically{f' ({why})' if why else ''}"
            elif isinstance(ident, str):
                yield rule, ident, ""
    for pack in ctx.graph.of_type("aws_config_conformance_pack"):
        body, uri = pack.values.get("template_body"), pack.values.get("template_s3_uri")
        if isinstance(body, str):
            for ident in _IDENTIFIER.findall(body):
                yield pack, ident, ""
        elif is_unknown(body):
            why = cause(body)
            yield pack, None, f"the template_body of {pack.address} is not known statically{f' ({why})' if why else ''}"
        elif uri is not None:
            shown = f"'{uri}'" if isinstance(uri, str) else f"({cause(uri) or 'not known statically'})"
            yield pack, None, f"the template of {pack.address} is in S3 {shown}, not in the configuration"


def evaluate(ctx: Context) -> Iterator[Result]:
    recorders = ctx.graph.of_type("aws_config_configuration_recorder")
    if not recorders:
        return
    subject = ctx.account_subject(recorders[0])
    present: dict[str, Resource] = {}
    unknown: list[tuple[Resource, str]] = []
    for res, ident, why in _deployed(ctx):
        if ident is None:
            unknown.append((res, why))
        elif ident in RULES:
            present.setdefault(ident, res)
    related = tuple(dict.fromkeys([*present.values(), *(res for res, _ in unknown)]))
    missing = [r for r in RULES if r not in present]
    if not missing:
        yield Result(subject, PASS, "the managed rules " + ", ".join(RULES) + " are deployed", related=related)
    elif unknown:
        yield Result(subject, UNKNOWN, f"{unknown[0][1]}; {', '.join(missing)} may be missing", related=related)
    else:
        yield Result(subject, FAIL, f"the AWS Config managed rule(s) {', '.join(missing)} are not deployed",
                     related=related)


CHECK = Check(
    id="TG505",
    slug="config-encryption-rules",
    title="AWS Config evaluates S3, EBS and RDS encryption",
    severity="low",
    baseline=True,
    resource_types=("account",),
    rationale="A recorder alone only stores history; the managed rules S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, "
    "ENCRYPTED_VOLUMES and RDS_STORAGE_ENCRYPTED continuously flag stores that lose encryption at rest.",
    remediation="Add an aws_config_config_rule with source { owner = \"AWS\", source_identifier = ... } "
    "for each of the three managed rules, or deploy them in an aws_config_conformance_pack.",
    evaluate=evaluate,
    compliance=controls("TG505"),
    references=("https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html",),
    bad_example=(
        'variable "config_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_config_configuration_recorder" "main" {\n'
        '  name     = "main"\n'
        '  role_arn = var.config_role_arn\n'
        '}'
    ),
    good_example=(
        'variable "config_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_config_configuration_recorder" "main" {\n'
        '  name     = "main"\n'
        '  role_arn = var.config_role_arn\n'
        '}\n'
        '\n'
        'resource "aws_config_config_rule" "encryption" {\n'
        '  for_each = toset([\n'
        '    "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",\n'
        '    "ENCRYPTED_VOLUMES",\n'
        '    "RDS_STORAGE_ENCRYPTED",\n'
        '  ])\n'
        '  name = lower(replace(each.key, "_", "-"))\n'
        '  source {\n'
        '    owner             = "AWS"\n'
        '    source_identifier = each.key\n'
        '  }\n'
        '  depends_on = [aws_config_configuration_recorder.main]\n'
        '}'
    ),
)
