"""TG150 efs-encrypted.

Reading: the file system passes only when `encrypted = true` is stated
(unset means unset: AWS's console default does not count). A value that is
not known statically is UNKNOWN.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import flags_on

CHECK = Check(
    id="TG150",
    slug="efs-encrypted",
    title="EFS file system is encrypted at rest",
    severity="high",
    resource_types=("aws_efs_file_system",),
    rationale="Encryption at rest can only be chosen when an EFS file system is created; a file system "
    "created without it stores every file in plain text until it is rebuilt and the data copied.",
    remediation="Set encrypted = true (and kms_key_id to a customer-managed key) on the aws_efs_file_system.",
    evaluate=flags_on("encrypted"),
    compliance=controls("TG150"),
    references=("https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",),
    bad_example='resource "aws_efs_file_system" "shared" {\n  creation_token = "shared"\n}',
    good_example=(
        'resource "aws_kms_key" "efs" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_efs_file_system" "shared" {\n'
        '  creation_token = "shared"\n'
        '  encrypted      = true\n'
        '  kms_key_id     = aws_kms_key.efs.arn\n'
        '}'
    ),
)
