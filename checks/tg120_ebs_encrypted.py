"""TG120 ebs-encrypted.

Reading: one result per `aws_ebs_volume`, `aws_instance` (every
`root_block_device` and `ebs_block_device`), `aws_launch_template` (every
`block_device_mappings.ebs`) and `aws_launch_configuration`
(`root_block_device`, `ebs_block_device`). It fails when a declared volume
does not set `encrypted = true` ("true" in a launch template), and for an
`aws_instance` without a `root_block_device` block (its root volume is not
encrypted). A launch template or launch configuration that declares no EBS
volume passes (nothing in it is unencrypted). Every volume passes when the
configuration, in any module, holds an `aws_ebs_encryption_by_default` with
`enabled` true or unset; an `enabled` that is not known statically makes an
otherwise failing result UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.ebs import EBS_TYPES, ebs_default, volumes_encrypted
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls


def evaluate(ctx: Context) -> Iterator[Result]:
    default = ebs_default(ctx.graph)
    account = (default.at,) if default.at is not None else ()
    for res in ctx.subjects():
        own = volumes_encrypted(res)
        if default.status is PASS:
            yield Result(res, PASS, default.message, related=account)
        elif own.status is PASS:
            yield Result.of(res, own)
        elif default.status is UNKNOWN:
            yield Result.of(res, own._replace(status=UNKNOWN, message=f"{own.message}, and {default.message}",
                                              related=account))
        elif own.status is FAIL:
            yield Result.of(res, own._replace(related=account))
        else:
            yield Result.of(res, own)


CHECK = Check(
    id="TG120",
    slug="ebs-encrypted",
    title="EBS volumes are encrypted",
    severity="high",
    resource_types=EBS_TYPES,
    rationale="An unencrypted EBS volume, and every snapshot taken from it, keeps its data readable at rest; "
    "an instance's root volume often holds application data and credentials too.",
    remediation="Set encrypted = true (with kms_key_id) on every volume and block device, or enable account "
    "default encryption with aws_ebs_encryption_by_default.",
    evaluate=evaluate,
    compliance=controls("TG120"),
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",),
    bad_example='resource "aws_instance" "app" {\n  ami           = "ami-0123456789abcdef0"\n'
    '  instance_type = "t3.micro"\n}',
    good_example=(
        'resource "aws_kms_key" "ebs" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_instance" "app" {\n'
        '  ami           = "ami-0123456789abcdef0"\n'
        '  instance_type = "t3.micro"\n'
        '\n'
        '  root_block_device {\n'
        '    encrypted  = true\n'
        '    kms_key_id = aws_kms_key.ebs.arn\n'
        '  }\n'
        '}'
    ),
)
