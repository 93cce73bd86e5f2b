"""TG153 redshift-encrypted.

Reading: the cluster passes only when `encrypted = true` is stated (unset
means unset). A value that is not known statically is UNKNOWN.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import flags_on

CHECK = Check(
    id="TG153",
    slug="redshift-encrypted",
    title="Redshift cluster is encrypted at rest",
    severity="high",
    resource_types=("aws_redshift_cluster",),
    rationale="A data warehouse gathers the organisation's data in one place; an unencrypted cluster keeps "
    "it, and every snapshot of it, in plain text.",
    remediation="Set encrypted = true and kms_key_id to a customer-managed key on the aws_redshift_cluster.",
    evaluate=flags_on("encrypted"),
    compliance=controls("TG153"),
    references=("https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html",),
    bad_example='resource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n'
    '  encrypted          = false\n}',
    good_example=(
        'resource "aws_kms_key" "dw" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_redshift_cluster" "dw" {\n'
        '  cluster_identifier = "dw"\n'
        '  node_type          = "ra3.xlplus"\n'
        '  encrypted          = true\n'
        '  kms_key_id         = aws_kms_key.dw.arn\n'
        '}'
    ),
)
