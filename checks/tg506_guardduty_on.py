"""TG506 guardduty-on (baseline, account-level).

Reading: the account fails when no `aws_guardduty_detector` is enabled
(`enable` true or unset, the catalog's default), or when a detector has S3
protection off: `datasources.s3_logs.enable = false`, or a linked
`aws_guardduty_detector_feature` (its `detector_id` references the
detector) with `name = "S3_DATA_EVENTS"` and `status = "DISABLED"`. S3
protection that is not stated counts as on (only an explicit off fails).
Values not known statically give UNKNOWN where they decide. The finding
points at the offending argument (in the feature resource when that is where
S3 protection is turned off), else at the account anchor.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, is_unknown
from tfguard.truth import setting

S3_FEATURE = "S3_DATA_EVENTS"


def _s3_protection(graph: ResourceGraph, detector: Resource) -> tuple[Status, Resource, str]:
    """FAIL/UNKNOWN with where it is decided, or PASS."""
    unknown: tuple[Resource, str] | None = None
    for logs in detector.blocks("datasources", "s3_logs"):
        enable = logs if is_unknown(logs) else setting(logs.get("enable")) if isinstance(logs, dict) else None
        if enable is False:
            return FAIL, detector, "datasources.s3_logs.enable"
        if is_unknown(enable):
            unknown = unknown or (detector, "datasources.s3_logs.enable")
    for feature in graph.referrers(detector, types=("aws_guardduty_detector_feature",), via="detector_id"):
        name, status = feature.values.get("name"), feature.values.get("status")
        if name == S3_FEATURE and isinstance(status, str) and status.upper() == "DISABLED":
            return FAIL, feature, "status"
        if (is_unknown(name) and not (isinstance(status, str) and status.upper() == "ENABLED")) or \
                (name == S3_FEATURE and is_unknown(status)):
            unknown = unknown or (feature, "name" if is_unknown(name) else "status")
    if unknown:
        return UNKNOWN, unknown[0], unknown[1]
    return PASS, detector, ""


def evaluate(ctx: Context) -> Iterator[Result]:
    detectors = ctx.graph.of_type("aws_guardduty_detector")
    if not detectors:
        yield Result(ctx.account_subject(), FAIL, "no aws_guardduty_detector is enabled for the account")
        return
    enables = [setting(d.values.get("enable")) for d in detectors]
    on = [d for d, e in zip(detectors, enables) if e is True or e is None]
    if not on:
        unknown = [d for d, e in zip(detectors, enables) if is_unknown(e)]
        if unknown:
            yield Result(ctx.account_subject(unknown[0]), UNKNOWN,
                         f"enable of {unknown[0].address} is not known statically", attribute="enable",
                         related=tuple(d for d in detectors if d is not unknown[0]))
        else:
            yield Result(ctx.account_subject(detectors[0]), FAIL, f"{detectors[0].address} is disabled",
                         attribute="enable", related=tuple(detectors[1:]))
        return
    verdicts = [(d, *_s3_protection(ctx.graph, d)) for d in detectors]
    for wanted in (FAIL, UNKNOWN):
        for detector, status, holder, attr in verdicts:
            if status is wanted:
                message = (f"S3 protection is turned off for {detector.address}" if status is FAIL
                           else f"whether S3 protection is on for {detector.address} is not known statically")
                yield Result(ctx.account_subject(holder), status, message, attribute=attr,
                             related=tuple(r for r in (detector,) if r is not holder))
                return
    yield Result(ctx.account_subject(on[0]), PASS, f"{on[0].address} is enabled with S3 protection",
                 attribute="enable", related=tuple(d for d in detectors if d is not on[0]))


CHECK = Check(
    id="TG506",
    slug="guardduty-on",
    title="GuardDuty is enabled with S3 protection",
    severity="medium",
    baseline=True,
    resource_types=("account",),
    rationale="GuardDuty detects compromised credentials, unusual API calls and data exfiltration; "
    "S3 protection watches data-plane access to the buckets that hold sensitive data.",
    remediation="Add an aws_guardduty_detector (enable = true) and leave S3 protection on "
    "(no datasources.s3_logs.enable = false, no S3_DATA_EVENTS feature with status DISABLED).",
    evaluate=evaluate,
    compliance=controls("TG506"),
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/s3-protection.html",),
    bad_example='resource "aws_guardduty_detector" "main" {\n  enable = true\n}\n\n'
    'resource "aws_guardduty_detector_feature" "s3" {\n  detector_id = aws_guardduty_detector.main.id\n'
    '  name        = "S3_DATA_EVENTS"\n  status      = "DISABLED"\n}',
    good_example='resource "aws_guardduty_detector" "main" {\n  enable = true\n}\n\n'
    'resource "aws_guardduty_detector_feature" "s3" {\n  detector_id = aws_guardduty_detector.main.id\n'
    '  name        = "S3_DATA_EVENTS"\n  status      = "ENABLED"\n}',
)
