"""TG122 ebs-snapshot-copy-encrypted.

Reading: an `aws_ebs_snapshot_copy` passes only when `encrypted = true` and
`kms_key_id` is set (any key: the catalog asks for the argument); a copy
encrypted only because its source is, or because of account default
encryption, still fails (explicit configuration is the evidence). A value
that is not known statically makes the result UNKNOWN unless the other one
already fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.flows import flow_edges
from tfguard.aws.kms import key_set
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.truth import status_on


def evaluate(ctx: Context) -> Iterator[Result]:
    flows = flow_edges(ctx.graph)
    for res in ctx.subjects():
        sources = tuple(f.source for f in flows if f.destination is res)
        encrypted = status_on(res.values.get("encrypted"))
        key_status = key_set(ctx.graph, res)
        if encrypted is FAIL:
            yield Result(res, FAIL, "encrypted is not set to true", attribute="encrypted", related=sources)
        elif key_status is FAIL:
            yield Result(res, FAIL, "the copy sets no kms_key_id", attribute="kms_key_id", related=sources)
        elif encrypted is UNKNOWN:
            yield Result(res, UNKNOWN, "encrypted is not known statically", attribute="encrypted", related=sources)
        elif key_status is UNKNOWN:
            yield Result(res, UNKNOWN, "kms_key_id is not known statically", attribute="kms_key_id", related=sources)
        else:
            yield Result(res, PASS, "the copy is encrypted with kms_key_id", attribute="kms_key_id", related=sources)


CHECK = Check(
    id="TG122",
    slug="ebs-snapshot-copy-encrypted",
    title="EBS snapshot copies are encrypted with a named KMS key",
    severity="medium",
    resource_types=("aws_ebs_snapshot_copy",),
    rationale="A snapshot copy, often in another region for recovery, holds the whole volume; it must be "
    "encrypted under a key chosen for its region, not left to its source's settings.",
    remediation="Set encrypted = true and kms_key_id to a customer-managed key in the copy's region.",
    evaluate=evaluate,
    compliance=controls("TG122"),
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html",),
    bad_example=(
        'resource "aws_ebs_snapshot_copy" "dr" {\n'
        '  source_snapshot_id = "snap-0123456789abcdef0"\n'
        '  source_region      = "us-east-1"\n'
        '}'
    ),
    good_example=(
        'resource "aws_kms_key" "dr" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_ebs_snapshot_copy" "dr" {\n'
        '  source_snapshot_id = "snap-0123456789abcdef0"\n'
        '  source_region      = "us-east-1"\n'
        '  encrypted          = true\n'
        '  kms_key_id         = aws_kms_key.dr.arn\n'
        '}'
    ),
)
