"""TG305 kms-key-region-match.

Reading: every KMS key argument of a managed resource (`kms_key_id`,
`kms_key_arn`, `kms_master_key_id`, `replica_kms_key_id`, nested ones such as
`server_side_encryption.kms_key_arn`, and any other argument that references
a key) is compared with the region where the key is used. The key's region is
the region of the provider configuration that creates the referenced
`aws_kms_key` / `aws_kms_replica_key` / `aws_kms_alias` (aliases and
`providers = {}` into modules resolved), the region of the provider that reads
a `data "aws_kms_key"` (or the region field of the ARN it names), or the
region field of a literal key or alias ARN. A literal key id or alias name is
looked up in the region where it is used: PASS. The region of use is the
resource's own, except S3 `replica_kms_key_id` (the rule's destination
bucket) and DynamoDB `replica.kms_key_arn` (that replica's `region_name`).
FAIL when the regions differ. A key created by the same provider
configuration as the resource that uses it is in the same region even when
that region is not known statically (a `region = var.x` without a value, or
no provider block at all): PASS. Otherwise UNKNOWN when the key or a region
cannot be resolved (a destination bucket outside the configuration, a
provider whose region is not known, a key from an unset variable). Resources without a key argument
give no result; resources that manage keys (keys, replica keys, aliases, key
policies, grants) are not subjects. The subject is the resource that holds
the key argument (CHECKS.md, "Subjects that carry the argument"): an
`aws_s3_bucket_server_side_encryption_configuration` or
`aws_s3_bucket_replication_configuration` is reported on itself, with the
bucket it configures as a related location; that is where the fix goes. One
result per subject: FAIL if any of its key arguments fails, else UNKNOWN if
any is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.regions import KeyUse, compare, configured_bucket, key_uses
from tfguard.check import ANY_RESOURCE, FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, Status, Verdict, is_unknown


def _key_name(use: KeyUse) -> str:
    if use.key is not None:
        return use.key.address
    return f"key {use.literal}" if use.literal else "the key"


def _message(status: Status, use: KeyUse) -> str:
    if status is FAIL:
        return (f"{use.attribute} uses {_key_name(use)} in {use.key_region}, "
                f"but {use.where} is in {use.use_region}")
    if status is UNKNOWN:
        for value in (use.key_region, use.use_region):
            if is_unknown(value) and value.reason:
                reason = value.reason
                return f"the region of {use.attribute} cannot be compared: {reason}"
        return f"the region of {use.attribute} cannot be compared"
    if use.key_region is None:
        return f"{use.attribute} names a key id or alias, looked up in the region where it is used"
    if not isinstance(use.key_region, str):
        return (f"{use.attribute} uses {_key_name(use)}, created by the same provider configuration "
                f"as {use.where}")
    return f"{use.attribute} uses {_key_name(use)} in {use.key_region}, the region of {use.where}"


def evaluate(ctx: Context) -> Iterator[Result]:
    subjects: dict[str, tuple[Resource, list[KeyUse]]] = {}
    for res in ctx.graph.resources:
        uses = key_uses(ctx.graph, res)
        if uses:
            subjects.setdefault(res.address, (res, []))[1].extend(uses)
    for subject, uses in subjects.values():
        verdicts = [(compare(u), u) for u in uses]
        status, use = next(((s, u) for wanted in (FAIL, UNKNOWN, PASS) for s, u in verdicts if s is wanted))
        bucket = configured_bucket(ctx.graph, subject)
        related: list[Resource] = [bucket] if bucket is not None else []
        for _, u in verdicts:
            for r in ((u.at,) if u.at is not subject else ()) + ((u.key,) if u.key else ()) + u.related:
                if r not in related and r is not use.at:
                    related.append(r)
        message = _message(status, use)
        if status is PASS and len(uses) > 1:
            message = f"all {len(uses)} KMS key arguments use keys of the region where they are used"
        yield Result.of(subject, Verdict(status, message, use.attribute, use.at, tuple(related)))


CHECK = Check(
    id="TG305",
    slug="kms-key-region-match",
    title="KMS key is in the region of the resource that uses it",
    severity="high",
    # Any managed resource with a KMS key argument: the argument, not the type, makes the subject.
    resource_types=(ANY_RESOURCE,),
    rationale="KMS keys are regional: a resource cannot encrypt with a key from another region, so the "
    "apply fails or the data ends up under a key (or no key) the design did not intend; replicas "
    "need a key in the replica's region.",
    remediation="Use a key created by the provider configuration of the resource's region (for replicas, the "
    "destination's region), e.g. an aws_kms_replica_key of a multi-region key.",
    evaluate=evaluate,
    compliance=controls("TG305"),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",),
    bad_example=(
        'provider "aws" {\n'
        '  region = "us-east-1"\n'
        '}\n'
        '\n'
        'provider "aws" {\n'
        '  alias  = "west"\n'
        '  region = "us-west-2"\n'
        '}\n'
        '\n'
        'resource "aws_kms_key" "west" {\n'
        '  provider            = aws.west\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_sqs_queue" "orders" {\n'
        '  name              = "orders" # default provider: us-east-1\n'
        '  kms_master_key_id = aws_kms_key.west.arn\n'
        '}'
    ),
    good_example=(
        'provider "aws" {\n'
        '  region = "us-east-1"\n'
        '}\n'
        '\n'
        'resource "aws_kms_key" "east" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_sqs_queue" "orders" {\n'
        '  name              = "orders"\n'
        '  kms_master_key_id = aws_kms_key.east.arn\n'
        '}'
    ),
)
