"""TG504 config-recorder-on (baseline, account-level).

Reading: the account passes when some `aws_config_configuration_recorder`
records all supported resource types (`recording_group.all_supported`, true
when unset or when there is no `recording_group`) and an
`aws_config_configuration_recorder_status` with `is_enabled = true` is linked
to it: its `name` references the recorder or equals the recorder's literal
name (an unset recorder name is the provider's "default"). Otherwise it
fails, pointing at what to edit: `all_supported`, the status's
`is_enabled`, the recorder that has no status, or (no recorder at all) the
account anchor. Values not known statically give UNKNOWN unless another
recorder passes. One result for the account.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.audit import recorder_statuses
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, Verdict, is_unknown
from tfguard.truth import setting


def _all_supported(recorder: Resource) -> object:
    values = [setting(g.get("all_supported")) if isinstance(g, dict) else g for g in recorder.blocks("recording_group")]
    if any(v is False for v in values):
        return False
    unknown = [v for v in values if is_unknown(v)]
    return unknown[0] if unknown else True


def _judge(recorder: Resource, statuses: list[Resource]) -> Verdict:
    scope = _all_supported(recorder)
    enabled = [setting(s.values.get("is_enabled")) for s in statuses]
    if scope is False:
        return Verdict(FAIL, f"{recorder.address} does not record all supported resource types",
                       "recording_group.all_supported", recorder)
    if not statuses:
        return Verdict(FAIL, f"no aws_config_configuration_recorder_status turns {recorder.address} on", "", recorder)
    if not any(v is True or is_unknown(v) for v in enabled):
        return Verdict(FAIL, f"{statuses[0].address} leaves {recorder.address} off", "is_enabled", statuses[0])
    if is_unknown(scope):
        return Verdict(UNKNOWN, f"whether {recorder.address} records all supported types is not known statically",
                       "recording_group.all_supported", recorder)
    if True not in enabled:
        holder, value = next((s, v) for s, v in zip(statuses, enabled) if is_unknown(v))
        return Verdict(UNKNOWN, f"is_enabled of {holder.address} is not known statically: {getattr(value, 'reason', '')}",
                       "is_enabled", holder)
    on = statuses[enabled.index(True)]
    return Verdict(PASS, f"{recorder.address} records all supported resource types and {on.address} enables it",
                   "is_enabled", on)


def evaluate(ctx: Context) -> Iterator[Result]:
    recorders = ctx.graph.of_type("aws_config_configuration_recorder")
    if not recorders:
        yield Result(ctx.account_subject(), FAIL, "no aws_config_configuration_recorder records the account's resources")
        return
    verdicts: list[tuple[Verdict, tuple[Resource, ...]]] = []
    for recorder in recorders:
        statuses = recorder_statuses(ctx.graph, recorder)
        verdicts.append((_judge(recorder, statuses), (recorder, *statuses)))
    for wanted in (PASS, UNKNOWN, FAIL):
        for v, related in verdicts:
            if v.status is wanted:  # the account, pointing at the argument that decides
                yield Result.of(ctx.account_subject(v.at), v._replace(at=None, related=tuple(r for r in related
                                                                                          if r is not v.at)))
                return


CHECK = Check(
    id="TG504",
    slug="config-recorder-on",
    title="AWS Config records all supported resource types",
    severity="medium",
    baseline=True,
    resource_types=("account",),
    rationale="AWS Config keeps the configuration history of every resource; without a running recorder "
    "for all types there is no record of who changed encryption or access settings, or when.",
    remediation="Add an aws_config_configuration_recorder recording all supported types and an "
    "aws_config_configuration_recorder_status with is_enabled = true for it.",
    evaluate=evaluate,
    compliance=controls("TG504"),
    references=("https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html",),
    bad_example=(
        'variable "config_role_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_config_configuration_recorder" "main" {\n'
        '  name     = "main"\n'
        '  role_arn = var.config_role_arn\n'
        '  recording_group {\n'
        '    all_supported  = false\n'
        '    resource_types = ["AWS::S3::Bucket"]\n'
        '  }\n'
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
        'resource "aws_config_delivery_channel" "main" {\n'
        '  name           = "main"\n'
        '  s3_bucket_name = "acme-config-history"\n'
        '  depends_on     = [aws_config_configuration_recorder.main]\n'
        '}\n'
        '\n'
        'resource "aws_config_configuration_recorder_status" "main" {\n'
        '  name       = aws_config_configuration_recorder.main.name\n'
        '  is_enabled = true\n'
        '  depends_on = [aws_config_delivery_channel.main]\n'
        '}'
    ),
)
