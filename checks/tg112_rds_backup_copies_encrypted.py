"""TG112 rds-backup-copies-encrypted.

Reading: subjects are `aws_db_snapshot_copy`, `aws_rds_cluster_snapshot_copy`
(the copies of `aws_db_cluster_snapshot`s; a cluster snapshot itself is never
a copy and gets no result) and `aws_db_instance_automated_backups_replication`.
PASS when `kms_key_id` is set (any key: the catalog asks for the argument).
Otherwise the source is resolved (reference, literal identifier, or literal
RDS ARN naming a resource of the configuration) through snapshots and earlier
copies to the instance or cluster, judged like TG110: an encrypted source
fails, an unencrypted one passes (the condition is about encrypted sources;
TG110 reports the source), and a source that is not in the configuration or
not known statically is UNKNOWN.
"""

from __future__ import annotations

from tfguard.aws.rds import BACKUP_COPY_TYPES, backup_copy
from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import judged_by

CHECK = Check(
    id="TG112",
    slug="rds-backup-copies-encrypted",
    title="Copies and replicated backups of encrypted RDS data name their KMS key",
    severity="high",
    resource_types=BACKUP_COPY_TYPES,
    rationale="A snapshot copy or replicated backup holds the same data as its source; without an explicit "
    "key it is not encrypted under a key you chose for its region and account.",
    remediation="Set kms_key_id on the snapshot copy or backup replication to a customer-managed key in the "
    "destination region.",
    evaluate=judged_by(backup_copy),
    compliance=controls("TG112"),
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html",
                "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html"),
    bad_example=(
        'resource "aws_db_instance" "patients" {\n'
        '  identifier        = "patients"\n'
        '  engine            = "postgres"\n'
        '  instance_class    = "db.t3.micro"\n'
        '  storage_encrypted = true\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot" "patients" {\n'
        '  db_instance_identifier = aws_db_instance.patients.identifier\n'
        '  db_snapshot_identifier = "patients"\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot_copy" "dr" {\n'
        '  source_db_snapshot_identifier = aws_db_snapshot.patients.db_snapshot_arn\n'
        '  target_db_snapshot_identifier = "patients-dr"\n'
        '}'
    ),
    good_example=(
        'resource "aws_kms_key" "dr" {\n'
        '  enable_key_rotation = true\n'
        '}\n'
        '\n'
        'resource "aws_db_instance" "patients" {\n'
        '  identifier        = "patients"\n'
        '  engine            = "postgres"\n'
        '  instance_class    = "db.t3.micro"\n'
        '  storage_encrypted = true\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot" "patients" {\n'
        '  db_instance_identifier = aws_db_instance.patients.identifier\n'
        '  db_snapshot_identifier = "patients"\n'
        '}\n'
        '\n'
        'resource "aws_db_snapshot_copy" "dr" {\n'
        '  source_db_snapshot_identifier = aws_db_snapshot.patients.db_snapshot_arn\n'
        '  target_db_snapshot_identifier = "patients-dr"\n'
        '  kms_key_id                    = aws_kms_key.dr.arn\n'
        '}'
    ),
)
