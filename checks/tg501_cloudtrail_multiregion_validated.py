"""TG501 cloudtrail-multiregion-validated.

Reading: every `aws_cloudtrail` must set both `is_multi_region_trail = true`
and `enable_log_file_validation = true`; unset is false (AWS's default, and
"unset means unset"). The finding points at the first argument that is not
true. A value that is not known statically makes the result UNKNOWN, unless
the other argument is known to be off (then it fails).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown
from tfguard.truth import setting

SETTINGS = (
    ("is_multi_region_trail", "the trail records only its own region"),
    ("enable_log_file_validation", "log file integrity validation is off"),
)


def evaluate(ctx: Context) -> Iterator[Result]:
    for trail in ctx.subjects():
        values = {attr: setting(trail.values.get(attr)) for attr, _ in SETTINGS}
        off = [(attr, why) for attr, why in SETTINGS if values[attr] is not True and not is_unknown(values[attr])]
        unknown = [attr for attr, _ in SETTINGS if is_unknown(values[attr])]
        if off:
            yield Result(trail, FAIL, "; ".join(why for _, why in off), attribute=off[0][0])
        elif unknown:
            reason = getattr(values[unknown[0]], "reason", "")
            yield Result(trail, UNKNOWN, f"{unknown[0]} is not known statically: {reason}",
                         attribute=unknown[0])
        else:
            yield Result(trail, PASS, "the trail is multi-region and validates its log files",
                         attribute="is_multi_region_trail")


CHECK = Check(
    id="TG501",
    slug="cloudtrail-multiregion-validated",
    title="CloudTrail trail is multi-region and validates log files",
    severity="medium",
    resource_types=("aws_cloudtrail",),
    rationale="A single-region trail misses API activity in every other region, and without log file "
    "validation nobody can prove that the audit log was not altered or deleted.",
    remediation="Set is_multi_region_trail = true and enable_log_file_validation = true on the trail.",
    evaluate=evaluate,
    compliance=controls("TG501"),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html",
    ),
    bad_example=(
        'resource "aws_cloudtrail" "main" {\n'
        '  name           = "main"\n'
        '  s3_bucket_name = "acme-audit-trail"\n'
        '}'
    ),
    good_example=(
        'resource "aws_cloudtrail" "main" {\n'
        '  name                       = "main"\n'
        '  s3_bucket_name             = "acme-audit-trail"\n'
        '  is_multi_region_trail      = true\n'
        '  enable_log_file_validation = true\n'
        '}'
    ),
)
