"""TG405 scp-protects-audit (baseline, account-level).

Reading: evaluated only when the configuration (any module) holds an
`aws_organizations_organization`; without one there is no result, even with
`--profile baseline`. One result for the account (logical location
`account`, like every baseline result): the catalog lists
`aws_organizations_policy`, but the missing protection often has no policy
resource to report on, and several SCPs may exist. PASS when some
`aws_organizations_policy` of type `SERVICE_CONTROL_POLICY` (unset `type` is
the provider's `SERVICE_CONTROL_POLICY`) is attached (an
`aws_organizations_policy_attachment` whose `policy_id` references it or
names its id; any target counts) and its `content` has a Deny statement
covering `cloudtrail:StopLogging` or `cloudtrail:DeleteTrail` (directly, by
a wildcard such as `cloudtrail:*`, or by a NotAction that leaves it in) on
every resource (`Resource = "*"` or a NotResource). The deny must be
unconditional: a statement with a `Condition` (a break-glass role
exemption, a region guard) leaves a way to stop the trail and does not
count; a Condition hidden by an interpolation gives UNKNOWN. Otherwise
FAIL, pointing at what to edit: the content of an attached SCP that denies
neither action, an SCP that denies them but is not attached, else the
organization (the anchor), which is always a related location. A type or
content not known statically gives UNKNOWN unless another SCP passes.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.iam import Statement, every_resource, grants
from tfguard.aws.iam_policies import judged_policy
from tfguard.check import ACCOUNT, FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, Status, is_unknown

SCP = "SERVICE_CONTROL_POLICY"
PROTECTED = ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail")


def _denies(st: Statement) -> bool | None:
    if is_unknown(st.effect):
        return None
    if not isinstance(st.effect, str) or st.effect.lower() != "deny":
        return False
    if st.conditions:
        return False  # a conditional deny leaves someone, somewhere, able to stop the trail
    found = [grants(st, action) for action in PROTECTED]
    covers = True if any(found) else (None if None in found else False)
    if covers is False:
        return False
    everywhere = every_resource(st)
    if everywhere is False:
        return False
    return True if covers and everywhere and st.conditions_known else None


def denies_trail_tampering(ctx: Context, policy: Resource) -> bool | None:
    statements, _ = judged_policy(ctx.graph, policy, "content")
    if statements is None:
        return False
    if is_unknown(statements):
        return None
    found = [_denies(st) for st in statements]  # type: ignore[union-attr]
    return True if any(found) else (None if None in found else False)


def evaluate(ctx: Context) -> Iterator[Result]:
    orgs = ctx.graph.of_type("aws_organizations_organization")
    if not orgs:
        return
    org = orgs[0]
    verdicts: list[tuple[Status, Resource, str, str, tuple[Resource, ...]]] = []
    for policy in ctx.graph.of_type("aws_organizations_policy"):
        ptype = policy.values.get("type")
        if ptype is not None and not is_unknown(ptype) and ptype != SCP:
            continue
        attachments = tuple(ctx.graph.referrers(policy, types=("aws_organizations_policy_attachment",),
                                                via="policy_id"))
        denies = denies_trail_tampering(ctx, policy)
        name = policy.address
        if attachments and denies and not is_unknown(ptype):
            verdicts.append((PASS, policy, "content", f"attached service control policy {name} denies "
                             "cloudtrail:StopLogging or cloudtrail:DeleteTrail", attachments))
        elif attachments and denies is False:
            verdicts.append((FAIL, policy, "content", f"attached service control policy {name} has no "
                             "unconditional Deny of cloudtrail:StopLogging or cloudtrail:DeleteTrail on every "
                             "resource", attachments))
        elif not attachments and denies is not False:
            verdicts.append((FAIL, policy, "", f"{name} denies stopping or deleting trails but no "
                             "aws_organizations_policy_attachment attaches it", ()))
        elif attachments:
            what = "type" if is_unknown(ptype) and denies else "content"
            verdicts.append((UNKNOWN, policy, what, f"the {what} of {name} is not known statically", attachments))
    for wanted in (PASS, UNKNOWN):
        for status, holder, attr, message, related in verdicts:
            if status is wanted:
                yield Result(ctx.account_subject(holder), status, message, attribute=attr, related=(org, *related))
                return
    fails = [v for v in verdicts if v[0] is FAIL]
    fails.sort(key=lambda v: v[2] != "content")  # an attached policy to extend first
    if fails:
        _, holder, attr, message, related = fails[0]
        yield Result(ctx.account_subject(holder), FAIL, message, attribute=attr, related=(org, *related))
        return
    yield Result(ctx.account_subject(org), FAIL, "no attached service control policy denies cloudtrail:StopLogging "
                 "or cloudtrail:DeleteTrail")


CHECK = Check(
    id="TG405",
    slug="scp-protects-audit",
    title="A service control policy stops member accounts from disabling CloudTrail",
    severity="low",
    baseline=True,
    resource_types=(ACCOUNT,),
    rationale="Without an SCP, an administrator of a member account (or an attacker with its credentials) can "
    "stop or delete the trail and act without an audit record.",
    remediation="Attach an aws_organizations_policy of type SERVICE_CONTROL_POLICY that denies "
    "cloudtrail:StopLogging and cloudtrail:DeleteTrail to the organization root or the OUs.",
    evaluate=evaluate,
    compliance=controls("TG405"),
    references=("https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",),
    bad_example='resource "aws_organizations_organization" "org" {\n'
    '  enabled_policy_types = ["SERVICE_CONTROL_POLICY"]\n}',
    good_example=(
        'resource "aws_organizations_organization" "org" {\n'
        '  enabled_policy_types = ["SERVICE_CONTROL_POLICY"]\n'
        '}\n'
        '\n'
        'resource "aws_organizations_policy" "protect_audit" {\n'
        '  name = "protect-audit"\n'
        '  content = jsonencode({\n'
        '    Version = "2012-10-17"\n'
        '    Statement = [{\n'
        '      Effect   = "Deny"\n'
        '      Action   = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]\n'
        '      Resource = "*"\n'
        '    }]\n'
        '  })\n'
        '}\n'
        '\n'
        'resource "aws_organizations_policy_attachment" "root" {\n'
        '  policy_id = aws_organizations_policy.protect_audit.id\n'
        '  target_id = aws_organizations_organization.org.roots[0].id\n'
        '}'
    ),
)
