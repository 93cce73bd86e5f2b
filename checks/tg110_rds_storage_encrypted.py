"""TG110 rds-storage-encrypted.

Reading: PASS when `storage_encrypted = true`, for an `aws_rds_cluster` with
`engine_mode = "serverless"`, and for a read replica (`replicate_source_db`)
whose source resolves (reference, literal identifier, or a literal RDS ARN
naming an instance of the configuration) to an encrypted instance, through
chains of replicas. A replica whose source is unencrypted fails and points at
the source's `storage_encrypted`; one whose source is not in the
configuration is UNKNOWN (its encryption is decided by the source). Otherwise
unset or false fails (unset means unset). The table's wording is followed for
`storage_encrypted = true` on a replica: it passes.
"""

from __future__ import annotations

from tfguard.aws.rds import RDS_TYPES, rds_encrypted
from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import judged_by

CHECK = Check(
    id="TG110",
    slug="rds-storage-encrypted",
    title="RDS, DocumentDB and Neptune storage is encrypted",
    severity="high",
    resource_types=RDS_TYPES,
    rationale="An unencrypted database keeps its data, logs, automated backups, replicas and snapshots "
    "readable on disk; encryption can only be turned on by restoring into a new encrypted instance.",
    remediation="Set storage_encrypted = true (with kms_key_id naming a customer-managed key); for a read "
    "replica, encrypt its source.",
    evaluate=judged_by(rds_encrypted),
    compliance=controls("TG110"),
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",),
    bad_example='resource "aws_db_instance" "patients" {\n  identifier     = "patients"\n  engine         = "postgres"\n'
    '  instance_class = "db.t3.micro"\n}',
    good_example=(
        'resource "aws_kms_key" "rds" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_db_instance" "patients" {\n'
        '  identifier        = "patients"\n'
        '  engine            = "postgres"\n'
        '  instance_class    = "db.t3.micro"\n'
        '  storage_encrypted = true\n'
        '  kms_key_id        = aws_kms_key.rds.arn\n'
        '}'
    ),
)
