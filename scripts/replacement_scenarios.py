"""One scenario per entry of tfguard/fix/replacement.py, planned by scripts/replacement_oracle.py.

A scenario is a resource as deployed ("before") and the same resource with
one argument changed ("after"), the way a fix would change it; the
resources as deployed are templates in replacement_templates.py, where @ARG@
stands for the lines that differ. Entries with path "" add a resource beside an existing one: the template is
the existing resource and ``after`` the added resource (top level).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import replacement_templates as t


@dataclass(frozen=True)
class Scenario:
    resource_type: str
    path: str
    template: str
    before: str
    after: str
    # The resource whose actions are the evidence, when it is not of resource_type (added resources).
    subject_type: str = ""
    # Another way to the same change (the argument absent before, an engine version), named in the evidence.
    variant: str = ""
    # The scenario meets the entry's in_place_when condition.
    in_place: bool = False
    # Deployed values of attributes the plan knows only after apply, where the provider's plan reads them.
    deployed: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        name = self.path or self.resource_type.removeprefix("aws_")
        return re.sub(r"\W", "_", f"{name}__{self.variant}" if self.variant else name)

    @property
    def address(self) -> str:
        return f"{self.subject_type or self.resource_type}.{self.name}"

    @property
    def added(self) -> str:
        return "" if self.path else f"{self.resource_type}.{self.name}"

    def hcl(self, phase: str) -> str:
        arg = self.before if phase == "before" else self.after
        # Short and lower case: AWS limits names (an OpenSearch domain to 28 characters).
        ident = "tfg-" + hashlib.sha256(self.address.encode()).hexdigest()[:10]
        if not self.path:
            return self.template.replace("@NAME@", self.name).replace("@ID@", ident) + (
                "\n" + arg.replace("@NAME@", self.name).replace("@ID@", ident) if arg else ""
            )
        return self.template.replace("@NAME@", self.name).replace("@ID@", ident).replace("@ARG@", arg)


def _search_scenarios(kind: tuple[str, str, str, str]) -> list[Scenario]:
    resource_type, version, instance, old = kind
    encryption = [
        Scenario(
            resource_type,
            f"{block}.enabled",
            t.search(resource_type, engine, instance, "@ARG@"),
            f"{block} {{\n    enabled = false\n  }}",
            f"{block} {{\n    enabled = true\n  }}",
            variant=variant,
            in_place=not variant,
        )
        for block in ("encrypt_at_rest", "node_to_node_encryption")
        for engine, variant in ((version, ""), (old, "engine 6.5"))
    ]
    return encryption + [
        Scenario(
            resource_type,
            "domain_endpoint_options.enforce_https",
            t.search(resource_type, version, instance, "@ARG@"),
            t.endpoint("false", t.TLS10),
            t.endpoint("true", t.TLS10),
        ),
        Scenario(
            resource_type,
            "domain_endpoint_options.tls_security_policy",
            t.search(resource_type, version, instance, "@ARG@"),
            t.endpoint("true", t.TLS10),
            t.endpoint("true", t.TLS12),
        ),
        Scenario(
            resource_type, "domain_endpoint_options", t.search(resource_type, version, instance, "@ARG@"), "", t.endpoint("true", t.TLS12)
        ),
    ]


def _on(resource_type: str, arg: str, template: str, **more: Any) -> Scenario:
    """`arg` turned on: false as deployed, true after."""
    return Scenario(resource_type, arg, template, f"{arg} = false", f"{arg} = true", **more)


def _unset(resource_type: str, path: str, template: str, after: str) -> Scenario:
    """The argument absent as deployed (the provider's default), set after."""
    return Scenario(resource_type, path, template, "", after, variant="unset")


def _block(name: str, body: str) -> str:
    return f"{name} {{\n    {body}\n  }}"


def _with_key(before: str, key: str = "kms_key_id") -> str:
    return f'{before}\n  {key} = "{t.KEY}"'


DB, CLUSTER, EC = "aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group"
PITR, CDN, TRAIL = "point_in_time_recovery", "aws_cloudfront_distribution", "aws_cloudtrail"
TLS_OLD, TLS_NEW = 'ssl_policy = "ELBSecurityPolicy-2016-08"', 'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"'
HTTPS = '"redirect-to-https"'
SSE = "aws_s3_bucket_server_side_encryption_configuration"
DYNAMODB_KEY = _with_key("enabled = true", "  kms_key_arn")  # within a block: indented once more
SSE_ALGORITHM = "rule.apply_server_side_encryption_by_default.sse_algorithm"

SCENARIOS: list[Scenario] = [
    _on(DB, "storage_encrypted", t.DB_INSTANCE),
    Scenario(DB, "kms_key_id", t.DB_INSTANCE, "storage_encrypted = true", _with_key("storage_encrypted = true")),
    _unset(DB, "storage_encrypted", t.DB_INSTANCE, "storage_encrypted = true"),
    Scenario(DB, "backup_retention_period", t.DB_INSTANCE, "backup_retention_period = 1", "backup_retention_period = 7"),
    _unset(DB, "backup_retention_period", t.DB_INSTANCE, "backup_retention_period = 7"),
    _on(CLUSTER, "storage_encrypted", t.RDS_CLUSTER),
    Scenario(CLUSTER, "kms_key_id", t.RDS_CLUSTER, "storage_encrypted = true", _with_key("storage_encrypted = true")),
    Scenario(CLUSTER, "backup_retention_period", t.RDS_CLUSTER, "backup_retention_period = 1", "backup_retention_period = 7"),
    _unset(CLUSTER, "backup_retention_period", t.RDS_CLUSTER, "backup_retention_period = 7"),
    _on("aws_ebs_volume", "encrypted", t.EBS_VOLUME),
    Scenario("aws_ebs_volume", "kms_key_id", t.EBS_VOLUME, "encrypted = true", _with_key("encrypted = true")),
    _on("aws_efs_file_system", "encrypted", t.EFS),
    Scenario("aws_efs_file_system", "kms_key_id", t.EFS, "encrypted = true", _with_key("encrypted = true")),
    _on("aws_kms_key", "enable_key_rotation", t.KMS_KEY),
    _unset("aws_kms_key", "enable_key_rotation", t.KMS_KEY, "enable_key_rotation = true"),
    Scenario("aws_kms_key", "deletion_window_in_days", t.KMS_KEY, "deletion_window_in_days = 7", "deletion_window_in_days = 30"),
    Scenario("aws_dynamodb_table", f"{PITR}.enabled", t.DYNAMODB, _block(PITR, "enabled = false"), _block(PITR, "enabled = true")),
    _unset("aws_dynamodb_table", f"{PITR}.enabled", t.DYNAMODB, _block(PITR, "enabled = true")),
    Scenario("aws_dynamodb_table", "server_side_encryption", t.DYNAMODB, "", _block("server_side_encryption", DYNAMODB_KEY)),
    Scenario(CDN, "default_cache_behavior.viewer_protocol_policy", t.cloudfront("@ARG@", HTTPS, '"TLSv1.2_2021"'), '"allow-all"', HTTPS),
    Scenario(CDN, "ordered_cache_behavior.viewer_protocol_policy", t.cloudfront(HTTPS, "@ARG@", '"TLSv1.2_2021"'), '"allow-all"', HTTPS),
    Scenario(CDN, "viewer_certificate.minimum_protocol_version", t.cloudfront(HTTPS, HTTPS, "@ARG@"), '"TLSv1"', '"TLSv1.2_2021"'),
    Scenario("aws_lb_listener", "ssl_policy", t.listener("aws_lb_listener"), TLS_OLD, TLS_NEW),
    _unset("aws_lb_listener", "ssl_policy", t.listener("aws_lb_listener"), TLS_NEW),
    Scenario("aws_alb_listener", "ssl_policy", t.listener("aws_alb_listener"), TLS_OLD, TLS_NEW),
    _on(TRAIL, "is_multi_region_trail", t.CLOUDTRAIL),
    _unset(TRAIL, "is_multi_region_trail", t.CLOUDTRAIL, "is_multi_region_trail = true"),
    _on(TRAIL, "enable_log_file_validation", t.CLOUDTRAIL),
    _unset(TRAIL, "enable_log_file_validation", t.CLOUDTRAIL, "enable_log_file_validation = true"),
    *_search_scenarios(t.OPENSEARCH),
    *_search_scenarios(t.ELASTICSEARCH),
    _on(EC, "at_rest_encryption_enabled", t.ELASTICACHE, deployed=t.REDIS_6),
    _on(EC, "transit_encryption_enabled", t.ELASTICACHE, deployed=t.REDIS_6),
    Scenario(
        EC,
        "transit_encryption_enabled",
        t.elasticache("7.1"),
        "transit_encryption_enabled = false",
        'transit_encryption_enabled = true\n  transit_encryption_mode = "preferred"',
        variant="redis 7.1",
        in_place=True,
        deployed=t.REDIS_7,
    ),
    _on("aws_docdb_cluster", "storage_encrypted", t.DOCDB),
    _on("aws_neptune_cluster", "storage_encrypted", t.NEPTUNE),
    _on("aws_redshift_cluster", "encrypted", t.REDSHIFT),
    Scenario("aws_instance", "root_block_device.encrypted", t.INSTANCE, "encrypted = false", "encrypted = true"),
    Scenario("aws_instance", "ebs_block_device.encrypted", t.INSTANCE_EBS, "encrypted = false", "encrypted = true"),
    Scenario("aws_launch_template", "block_device_mappings.ebs.encrypted", t.LAUNCH_TEMPLATE, "encrypted = false", "encrypted = true"),
    Scenario(
        "aws_launch_configuration",
        "root_block_device.encrypted",
        t.LAUNCH_CONFIGURATION,
        _block("root_block_device", "encrypted = false"),
        _block("root_block_device", "encrypted = true"),
    ),
    Scenario(
        "aws_launch_configuration",
        "ebs_block_device.encrypted",
        t.LAUNCH_CONFIGURATION,
        _block("ebs_block_device", 'device_name = "/dev/sdf"\n    encrypted = false'),
        _block("ebs_block_device", 'device_name = "/dev/sdf"\n    encrypted = true'),
    ),
    _on("aws_sqs_queue", "sqs_managed_sse_enabled", t.SQS),
    Scenario("aws_sqs_queue", "kms_master_key_id", t.SQS, "", _with_key("", "kms_master_key_id").lstrip()),
    Scenario("aws_sns_topic", "kms_master_key_id", t.SNS, "", _with_key("", "kms_master_key_id").lstrip()),
    Scenario("aws_kinesis_stream", "encryption_type", t.KINESIS, 'encryption_type = "NONE"', _with_key('encryption_type = "KMS"')),
    Scenario("aws_cloudwatch_log_group", "kms_key_id", t.LOG_GROUP, "", _with_key("").lstrip()),
    Scenario("aws_secretsmanager_secret", "kms_key_id", t.SECRET, "", _with_key("").lstrip()),
    Scenario(TRAIL, "kms_key_id", t.CLOUDTRAIL, "", _with_key("").lstrip()),
    Scenario("aws_s3_bucket_versioning", "", t.BUCKET, "", t.VERSIONING % "Enabled", "aws_s3_bucket"),
    Scenario(SSE, "", t.BUCKET, "", t.SSE % "aws:kms", "aws_s3_bucket"),
    Scenario("aws_s3_bucket_public_access_block", "", t.BUCKET, "", t.BLOCK % "true", "aws_s3_bucket"),
    Scenario("aws_s3_bucket_versioning", "versioning_configuration.status", t.BUCKET + t.VERSIONING.replace('"%s"', "@ARG@"), '"Suspended"',
             '"Enabled"'),
    Scenario(SSE, SSE_ALGORITHM, t.BUCKET + t.SSE.replace('"%s"', "@ARG@"), '"AES256"', '"aws:kms"'),
    *(
        Scenario("aws_s3_bucket_public_access_block", f, t.BUCKET + t.ALL_FLAGS.replace(f"{f} = false", f"{f} = @ARG@"), "false", "true")
        for f in t.FLAGS
    ),
    Scenario(
        SSE,
        "rule.apply_server_side_encryption_by_default",
        t.BUCKET + t.SSE_RULE,
        "",
        'apply_server_side_encryption_by_default {\n      sse_algorithm = "AES256"\n    }',
    ),
    Scenario("aws_s3_bucket", "versioning.enabled", t.INLINE_VERSIONING, "enabled = false", "enabled = true"),
    Scenario(
        "aws_s3_bucket",
        f"server_side_encryption_configuration.{SSE_ALGORITHM}",
        t.INLINE_SSE,
        'sse_algorithm = "aws:kms"',
        'sse_algorithm = "AES256"',
    ),
]
