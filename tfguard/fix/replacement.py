"""Which arguments force the replacement of their resource when a fix changes them.

A fix that changes one of these arguments on a deployed resource makes
Terraform destroy and re-create it (a new database, a new volume: the data
does not follow), so such a fix is unsafe. The table covers every argument a
fix may set. Each entry is proven by a real plan of hashicorp/aws 5.100.0
(scripts/replacement_oracle.py writes the evidence to
tests/data/replacement_plans.json; tests/test_replacement.py holds the table
to it): where the provider's documentation and its plan disagree, the plan
wins and the reason says so.

Paths are dotted argument names, blocks included, without list indexes
(``point_in_time_recovery.enabled``). The path "" stands for adding a new
resource of that type beside the one it configures (``aws_s3_bucket_versioning``
after an ``aws_s3_bucket``): whether that replaces the existing resource.
An argument that is not in the table is unknown (None): treat it as unsafe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROVIDER = "hashicorp/aws 5.100.0"
DOCS = "https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/"
# Resource types documented on another type's page.
_DOC_PAGE = {"aws_alb_listener": "lb_listener"}


@dataclass(frozen=True)
class Argument:
    resource_type: str
    path: str
    replaces: bool
    reason: str
    # A condition under which the change is in place although ``replaces`` is True.
    in_place_when: str = ""
    # The provider plans no change at all for a deployed resource: only resources created later get the value.
    ignored_when_deployed: bool = False

    @property
    def reference(self) -> str:
        """The provider's documentation of the resource."""
        page = _DOC_PAGE.get(self.resource_type, self.resource_type.removeprefix("aws_"))
        return f"{DOCS}{page}"


def _replaces(resource_type: str, path: str, reason: str, in_place_when: str = "") -> Argument:
    return Argument(resource_type, path, True, reason, in_place_when)


def _in_place(resource_type: str, path: str, reason: str) -> Argument:
    return Argument(resource_type, path, False, reason)


_NEW = "a new resource beside the bucket: the bucket is not touched"
_SEARCH_ENCRYPTION = "enabled in place from Elasticsearch 6.7 on; on an older engine only at creation: a new, empty domain"
_RDS_ENCRYPTION = "RDS encrypts storage only at creation: a new, empty {what} (restore from an encrypted snapshot copy instead)"

TABLE: tuple[Argument, ...] = (
    _replaces("aws_db_instance", "storage_encrypted", _RDS_ENCRYPTION.format(what="instance")),
    _replaces("aws_db_instance", "kms_key_id", "the storage key is fixed at creation: a new, empty instance"),
    _in_place("aws_db_instance", "backup_retention_period", "modified in place (ModifyDBInstance)"),
    _replaces("aws_rds_cluster", "storage_encrypted", _RDS_ENCRYPTION.format(what="cluster")),
    _replaces("aws_rds_cluster", "kms_key_id", "the storage key is fixed at creation: a new, empty cluster"),
    _in_place("aws_rds_cluster", "backup_retention_period", "modified in place (ModifyDBCluster)"),
    _replaces("aws_docdb_cluster", "storage_encrypted", "DocumentDB encrypts storage only at creation: a new, empty cluster"),
    _replaces("aws_neptune_cluster", "storage_encrypted", "Neptune encrypts storage only at creation: a new, empty cluster"),
    _replaces("aws_ebs_volume", "encrypted", "a volume is encrypted at creation only: a new, empty volume (copy an encrypted snapshot)"),
    _replaces("aws_ebs_volume", "kms_key_id", "the volume key is fixed at creation: a new, empty volume"),
    _replaces("aws_instance", "root_block_device.encrypted", "the root volume is encrypted at launch only: a new instance"),
    Argument(
        "aws_instance",
        "ebs_block_device.encrypted",
        False,
        "not detected on a deployed instance, as the documentation warns (volumes are told apart by device_name and "
        "snapshot_id only): the plan shows no change and the volume stays unencrypted; use aws_ebs_volume",
        ignored_when_deployed=True,
    ),
    _in_place("aws_launch_template", "block_device_mappings.ebs.encrypted", "a new template version: running instances keep their volumes"),
    _replaces(
        "aws_launch_configuration",
        "root_block_device.encrypted",
        "a launch configuration cannot change: a new one (running instances stay)",
    ),
    _replaces(
        "aws_launch_configuration", "ebs_block_device.encrypted", "a launch configuration cannot change: a new one (running instances stay)"
    ),
    _replaces("aws_efs_file_system", "encrypted", "a file system is encrypted at creation only: a new, empty file system"),
    _replaces("aws_efs_file_system", "kms_key_id", "the file system key is fixed at creation: a new, empty file system"),
    _in_place("aws_redshift_cluster", "encrypted", "Redshift encrypts an existing cluster in place (ModifyCluster migrates the data)"),
    _in_place("aws_kms_key", "enable_key_rotation", "rotation is switched in place (EnableKeyRotation)"),
    _in_place("aws_kms_key", "deletion_window_in_days", "only read when the key is deleted: no API call"),
    _in_place("aws_dynamodb_table", "point_in_time_recovery.enabled", "switched in place (UpdateContinuousBackups)"),
    _in_place("aws_dynamodb_table", "server_side_encryption", "the table key is changed in place (UpdateTable SSESpecification)"),
    _in_place(
        "aws_cloudfront_distribution", "default_cache_behavior.viewer_protocol_policy", "the distribution config is updated in place"
    ),
    _in_place(
        "aws_cloudfront_distribution", "ordered_cache_behavior.viewer_protocol_policy", "the distribution config is updated in place"
    ),
    _in_place("aws_cloudfront_distribution", "viewer_certificate.minimum_protocol_version", "the distribution config is updated in place"),
    _in_place("aws_lb_listener", "ssl_policy", "modified in place (ModifyListener)"),
    _in_place("aws_alb_listener", "ssl_policy", "modified in place (ModifyListener); aws_alb_listener is aws_lb_listener"),
    _in_place("aws_cloudtrail", "is_multi_region_trail", "modified in place (UpdateTrail)"),
    _in_place("aws_cloudtrail", "enable_log_file_validation", "modified in place (UpdateTrail)"),
    _in_place("aws_cloudtrail", "kms_key_id", "modified in place (UpdateTrail); earlier log files keep their encryption"),
    *(
        arg
        for domain, version in (
            ("aws_opensearch_domain", "engine_version is OpenSearch_* or Elasticsearch_6.7 or later"),
            ("aws_elasticsearch_domain", 'elasticsearch_version >= "6.7"'),
        )
        for arg in (
            _in_place(domain, "domain_endpoint_options", "modified in place (UpdateDomainConfig)"),
            _in_place(domain, "domain_endpoint_options.enforce_https", "modified in place (UpdateDomainConfig)"),
            _in_place(domain, "domain_endpoint_options.tls_security_policy", "modified in place (UpdateDomainConfig)"),
            _replaces(domain, "encrypt_at_rest.enabled", _SEARCH_ENCRYPTION, in_place_when=version),
            _replaces(domain, "node_to_node_encryption.enabled", _SEARCH_ENCRYPTION, in_place_when=version),
        )
    ),
    _replaces("aws_elasticache_replication_group", "at_rest_encryption_enabled", "set at creation only: a new, empty replication group"),
    _replaces(
        "aws_elasticache_replication_group",
        "transit_encryption_enabled",
        "before Redis 7.0.5 set at creation only; from 7.0.5 in place, transit_encryption_mode = preferred first. "
        "The provider reads the running version (engine_version_actual in the state), not engine_version",
        in_place_when="the running engine is Redis 7.0.5 or later",
    ),
    _in_place("aws_sqs_queue", "sqs_managed_sse_enabled", "a queue attribute, set in place (SetQueueAttributes)"),
    _in_place("aws_sqs_queue", "kms_master_key_id", "a queue attribute, set in place (SetQueueAttributes)"),
    _in_place("aws_sns_topic", "kms_master_key_id", "a topic attribute, set in place (SetTopicAttributes)"),
    _in_place("aws_kinesis_stream", "encryption_type", "encryption is started in place (StartStreamEncryption)"),
    _in_place("aws_cloudwatch_log_group", "kms_key_id", "the key is associated in place (AssociateKmsKey); older events stay as they are"),
    _in_place("aws_secretsmanager_secret", "kms_key_id", "changed in place (UpdateSecret); later versions use the new key"),
    _in_place("aws_s3_bucket_versioning", "", _NEW),
    _in_place("aws_s3_bucket_versioning", "versioning_configuration.status", "modified in place (PutBucketVersioning)"),
    _in_place("aws_s3_bucket_server_side_encryption_configuration", "", _NEW),
    _in_place(
        "aws_s3_bucket_server_side_encryption_configuration",
        "rule.apply_server_side_encryption_by_default",
        "modified in place (PutBucketEncryption); existing objects keep their encryption",
    ),
    _in_place(
        "aws_s3_bucket_server_side_encryption_configuration",
        "rule.apply_server_side_encryption_by_default.sse_algorithm",
        "modified in place (PutBucketEncryption); existing objects keep their encryption",
    ),
    _in_place("aws_s3_bucket_public_access_block", "", _NEW + "; it may still cut off public access (a website)"),
    *(
        _in_place("aws_s3_bucket_public_access_block", flag, "modified in place (PutPublicAccessBlock); may cut off public access")
        for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    ),
    _in_place("aws_s3_bucket", "versioning.enabled", "the bucket's inline versioning, modified in place (PutBucketVersioning)"),
    _in_place(
        "aws_s3_bucket",
        "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm",
        "the bucket's inline default encryption, modified in place (PutBucketEncryption)",
    ),
)

_BY_KEY = {(a.resource_type, a.path): a for a in TABLE}
_INDEX = re.compile(r"\[\d+\]|\.\d+(?=\.|$)")


def normalize(path: str) -> str:
    """A path without list indexes: ``rule[0].x`` and ``rule.0.x`` are ``rule.x``."""
    return _INDEX.sub("", path)


def lookup(resource_type: str, path: str) -> Argument | None:
    return _BY_KEY.get((resource_type, normalize(path)))


def forces_replacement(resource_type: str, path: str) -> bool | None:
    """True when changing the argument may replace the resource, None when the table does not know it.

    Conditional entries (``in_place_when``) answer True: the fix cannot
    always tell the condition, and replacing by surprise is the worse error.
    """
    found = lookup(resource_type, path)
    return None if found is None else found.replaces


def takes_effect(resource_type: str, path: str) -> bool | None:
    """False when a deployed resource does not change at all (the edit reaches only resources created later)."""
    found = lookup(resource_type, path)
    return None if found is None else not found.ignored_when_deployed


def reason(resource_type: str, path: str) -> str | None:
    """Why the change does or does not replace the resource, for a fix's diff."""
    found = lookup(resource_type, path)
    return None if found is None else found.reason


def markdown() -> str:
    """The table for docs/fix.md ("Arguments that force replacement")."""
    lines = ["| resource type | argument | forces replacement | why |", "|---|---|---|---|"]
    for a in TABLE:
        argument = f"`{a.path}`" if a.path else "(adding the resource)"
        replaces = "yes" if a.replaces else ("no change at all" if a.ignored_when_deployed else "no")
        replaces += f", unless {a.in_place_when}" if a.in_place_when else ""
        lines.append(f"| [`{a.resource_type}`]({a.reference}) | {argument} | {replaces} | {a.reason} |")
    return "\n".join(lines) + "\n"
