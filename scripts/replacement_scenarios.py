"""One scenario per entry of tfguard/fix/replacement.py, planned by scripts/replacement_oracle.py.

A scenario is a resource as deployed ("before") and the same resource with
one argument changed ("after"), the way a fix would change it. In the
template, @NAME@ is the resource name, @ID@ a name for AWS (hyphens) and
@ARG@ the lines that differ. Every other value is a literal: the scenarios are
planned together in one configuration and must not depend on each other.
Entries with path "" add a resource beside an existing one: the template is
the existing resource and ``after`` the added resource (top level).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"


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


def _resource(resource_type: str, body: str) -> str:
    """A resource block; the changed lines go at its end unless the body places @ARG@ itself."""
    tail = "" if "@ARG@" in body else "\n  @ARG@"
    return f'resource "{resource_type}" "@NAME@" {{\n  {body.strip()}{tail}\n}}\n'


DB_INSTANCE = _resource(
    "aws_db_instance",
    """
  identifier          = "@ID@"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "dbadmin"
  password            = "not-a-real-password"
  skip_final_snapshot = true
""",
)
RDS_CLUSTER = _resource(
    "aws_rds_cluster",
    """
  cluster_identifier  = "@ID@"
  engine              = "aurora-postgresql"
  master_username     = "dbadmin"
  master_password     = "not-a-real-password"
  skip_final_snapshot = true
""",
)
EBS_VOLUME = _resource("aws_ebs_volume", 'availability_zone = "us-east-1a"\n  size = 8')
EFS = _resource("aws_efs_file_system", 'creation_token = "@ID@"')
KMS_KEY = _resource("aws_kms_key", 'description = "@ID@"')
DYNAMODB = _resource(
    "aws_dynamodb_table",
    """
  name         = "@ID@"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
""",
)


def _cloudfront(default: str, ordered: str, minimum: str) -> str:
    return f"""resource "aws_cloudfront_distribution" "@NAME@" {{
  enabled = true
  origin {{
    domain_name = "origin.example.com"
    origin_id   = "app"
    custom_origin_config {{
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }}
  }}
  default_cache_behavior {{
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "app"
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    viewer_protocol_policy = {default}
  }}
  ordered_cache_behavior {{
    path_pattern           = "/api/*"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "app"
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    viewer_protocol_policy = {ordered}
  }}
  restrictions {{
    geo_restriction {{
      restriction_type = "none"
    }}
  }}
  viewer_certificate {{
    acm_certificate_arn      = "{CERT}"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = {minimum}
  }}
}}
"""


def _listener(resource_type: str) -> str:
    return _resource(
        resource_type,
        f"""
  load_balancer_arn = "{LB}"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "{CERT}"
  default_action {{
    type = "fixed-response"
    fixed_response {{
      content_type = "text/plain"
      status_code  = "200"
    }}
  }}
""",
    )


CLOUDTRAIL = _resource("aws_cloudtrail", 'name = "@ID@"\n  s3_bucket_name = "tfg-trail-logs"')


def _search(resource_type: str, version: str, instance: str, endpoint: str) -> str:
    return _resource(
        resource_type,
        f"""
  domain_name    = "@ID@"
  {version}
  cluster_config {{
    instance_type = "{instance}"
  }}
  ebs_options {{
    ebs_enabled = true
    volume_size = 10
  }}
  {endpoint}
""",
    )


def _endpoint(enforce: str, policy: str) -> str:
    return f'domain_endpoint_options {{\n    enforce_https = {enforce}\n    tls_security_policy = "{policy}"\n  }}'


# Encryption is enabled in place from Elasticsearch 6.7 on (and on every OpenSearch), not on older engines.
OPENSEARCH = ("aws_opensearch_domain", 'engine_version = "OpenSearch_2.11"', "t3.small.search", 'engine_version = "Elasticsearch_6.5"')
ELASTICSEARCH = ("aws_elasticsearch_domain", 'elasticsearch_version = "7.10"', "t3.small.elasticsearch", 'elasticsearch_version = "6.5"')
TLS10 = "Policy-Min-TLS-1-0-2019-07"
TLS12 = "Policy-Min-TLS-1-2-2019-07"


def _elasticache(engine_version: str) -> str:
    return _resource(
        "aws_elasticache_replication_group",
        f"""
  replication_group_id = "@ID@"
  description          = "cache"
  engine               = "redis"
  engine_version       = "{engine_version}"
  node_type            = "cache.t3.micro"
  num_cache_clusters   = 1
""",
    )


ELASTICACHE = _elasticache("6.2")
# The provider decides on engine_version_actual, which only a deployed group has.
REDIS_6 = (("engine_version_actual", "6.2.6"),)
REDIS_7 = (("engine_version_actual", "7.1.0"),)
DOCDB = _resource(
    "aws_docdb_cluster", 'cluster_identifier = "@ID@"\n  master_username = "dbadmin"\n  master_password = "not-a-real-password"'
)
NEPTUNE = _resource("aws_neptune_cluster", 'cluster_identifier = "@ID@"')
REDSHIFT = _resource(
    "aws_redshift_cluster",
    'cluster_identifier = "@ID@"\n  node_type = "ra3.large"\n  master_username = "dbadmin"\n  master_password = "Not-a-real-password1"',
)
INSTANCE = _resource(
    "aws_instance",
    'ami = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  root_block_device {\n    @ARG@\n  }',
)
INSTANCE_EBS = _resource(
    "aws_instance",
    'ami = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  ebs_block_device {\n'
    '    device_name = "/dev/sdf"\n    volume_size = 8\n    @ARG@\n  }',
)
LAUNCH_TEMPLATE = _resource(
    "aws_launch_template",
    'name = "@ID@"\n  image_id = "ami-0123456789abcdef0"\n  block_device_mappings {\n    device_name = "/dev/xvda"\n    ebs {\n'
    "      volume_size = 8\n      @ARG@\n    }\n  }",
)
LAUNCH_CONFIGURATION = _resource(
    "aws_launch_configuration",
    'name = "@ID@"\n  image_id = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  @ARG@',
)
INLINE_VERSIONING = _resource("aws_s3_bucket", 'bucket = "@ID@"\n  versioning {\n    @ARG@\n  }')
INLINE_SSE = _resource(
    "aws_s3_bucket",
    'bucket = "@ID@"\n  server_side_encryption_configuration {\n    rule {\n'
    "      apply_server_side_encryption_by_default {\n        @ARG@\n      }\n    }\n  }",
)
SQS = _resource("aws_sqs_queue", 'name = "@ID@"')
SNS = _resource("aws_sns_topic", 'name = "@ID@"')
KINESIS = _resource("aws_kinesis_stream", 'name = "@ID@"\n  shard_count = 1')
LOG_GROUP = _resource("aws_cloudwatch_log_group", 'name = "@ID@"')
SECRET = _resource("aws_secretsmanager_secret", 'name = "@ID@"')
BUCKET = 'resource "aws_s3_bucket" "@NAME@" {\n  bucket = "@ID@"\n}\n'
VERSIONING = """resource "aws_s3_bucket_versioning" "@NAME@" {
  bucket = "@ID@"
  versioning_configuration {
    status = "%s"
  }
}"""
SSE = """resource "aws_s3_bucket_server_side_encryption_configuration" "@NAME@" {
  bucket = "@ID@"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "%s"
    }
  }
}"""
FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
ALL_FLAGS = (
    'resource "aws_s3_bucket_public_access_block" "@NAME@" {\n  bucket = "@ID@"\n' + "".join(f"  {f} = false\n" for f in FLAGS) + "}"
)
SSE_RULE = """resource "aws_s3_bucket_server_side_encryption_configuration" "@NAME@" {
  bucket = "@ID@"
  rule {
    bucket_key_enabled = true
    @ARG@
  }
}"""
BLOCK = """resource "aws_s3_bucket_public_access_block" "@NAME@" {
  bucket                  = "@ID@"
  block_public_acls       = %s
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}"""


def _search_scenarios(kind: tuple[str, str, str, str]) -> list[Scenario]:
    resource_type, version, instance, old = kind
    encryption = [
        Scenario(
            resource_type,
            f"{block}.enabled",
            _search(resource_type, engine, instance, "@ARG@"),
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
            _search(resource_type, version, instance, "@ARG@"),
            _endpoint("false", TLS10),
            _endpoint("true", TLS10),
        ),
        Scenario(
            resource_type,
            "domain_endpoint_options.tls_security_policy",
            _search(resource_type, version, instance, "@ARG@"),
            _endpoint("true", TLS10),
            _endpoint("true", TLS12),
        ),
        Scenario(
            resource_type, "domain_endpoint_options", _search(resource_type, version, instance, "@ARG@"), "", _endpoint("true", TLS12)
        ),
    ]


SCENARIOS: list[Scenario] = [
    Scenario("aws_db_instance", "storage_encrypted", DB_INSTANCE, "storage_encrypted = false", "storage_encrypted = true"),
    Scenario("aws_db_instance", "kms_key_id", DB_INSTANCE, "storage_encrypted = true", f'storage_encrypted = true\n  kms_key_id = "{KEY}"'),
    Scenario("aws_db_instance", "storage_encrypted", DB_INSTANCE, "", "storage_encrypted = true", variant="unset"),
    Scenario("aws_db_instance", "backup_retention_period", DB_INSTANCE, "backup_retention_period = 1", "backup_retention_period = 7"),
    Scenario("aws_db_instance", "backup_retention_period", DB_INSTANCE, "", "backup_retention_period = 7", variant="unset"),
    Scenario("aws_rds_cluster", "storage_encrypted", RDS_CLUSTER, "storage_encrypted = false", "storage_encrypted = true"),
    Scenario("aws_rds_cluster", "kms_key_id", RDS_CLUSTER, "storage_encrypted = true", f'storage_encrypted = true\n  kms_key_id = "{KEY}"'),
    Scenario("aws_rds_cluster", "backup_retention_period", RDS_CLUSTER, "backup_retention_period = 1", "backup_retention_period = 7"),
    Scenario("aws_rds_cluster", "backup_retention_period", RDS_CLUSTER, "", "backup_retention_period = 7", variant="unset"),
    Scenario("aws_ebs_volume", "encrypted", EBS_VOLUME, "encrypted = false", "encrypted = true"),
    Scenario("aws_ebs_volume", "kms_key_id", EBS_VOLUME, "encrypted = true", f'encrypted = true\n  kms_key_id = "{KEY}"'),
    Scenario("aws_efs_file_system", "encrypted", EFS, "encrypted = false", "encrypted = true"),
    Scenario("aws_efs_file_system", "kms_key_id", EFS, "encrypted = true", f'encrypted = true\n  kms_key_id = "{KEY}"'),
    Scenario("aws_kms_key", "enable_key_rotation", KMS_KEY, "enable_key_rotation = false", "enable_key_rotation = true"),
    Scenario("aws_kms_key", "enable_key_rotation", KMS_KEY, "", "enable_key_rotation = true", variant="unset"),
    Scenario("aws_kms_key", "deletion_window_in_days", KMS_KEY, "deletion_window_in_days = 7", "deletion_window_in_days = 30"),
    Scenario(
        "aws_dynamodb_table",
        "point_in_time_recovery.enabled",
        DYNAMODB,
        "point_in_time_recovery {\n    enabled = false\n  }",
        "point_in_time_recovery {\n    enabled = true\n  }",
    ),
    Scenario(
        "aws_dynamodb_table",
        "point_in_time_recovery.enabled",
        DYNAMODB,
        "",
        "point_in_time_recovery {\n    enabled = true\n  }",
        variant="unset",
    ),
    Scenario(
        "aws_dynamodb_table",
        "server_side_encryption",
        DYNAMODB,
        "",
        f'server_side_encryption {{\n    enabled = true\n    kms_key_arn = "{KEY}"\n  }}',
    ),
    Scenario(
        "aws_cloudfront_distribution",
        "default_cache_behavior.viewer_protocol_policy",
        _cloudfront("@ARG@", '"redirect-to-https"', '"TLSv1.2_2021"'),
        '"allow-all"',
        '"redirect-to-https"',
    ),
    Scenario(
        "aws_cloudfront_distribution",
        "ordered_cache_behavior.viewer_protocol_policy",
        _cloudfront('"redirect-to-https"', "@ARG@", '"TLSv1.2_2021"'),
        '"allow-all"',
        '"redirect-to-https"',
    ),
    Scenario(
        "aws_cloudfront_distribution",
        "viewer_certificate.minimum_protocol_version",
        _cloudfront('"redirect-to-https"', '"redirect-to-https"', "@ARG@"),
        '"TLSv1"',
        '"TLSv1.2_2021"',
    ),
    Scenario(
        "aws_lb_listener",
        "ssl_policy",
        _listener("aws_lb_listener"),
        'ssl_policy = "ELBSecurityPolicy-2016-08"',
        'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
    ),
    Scenario(
        "aws_lb_listener",
        "ssl_policy",
        _listener("aws_lb_listener"),
        "",
        'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
        variant="unset",
    ),
    Scenario(
        "aws_alb_listener",
        "ssl_policy",
        _listener("aws_alb_listener"),
        'ssl_policy = "ELBSecurityPolicy-2016-08"',
        'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
    ),
    Scenario("aws_cloudtrail", "is_multi_region_trail", CLOUDTRAIL, "is_multi_region_trail = false", "is_multi_region_trail = true"),
    Scenario("aws_cloudtrail", "is_multi_region_trail", CLOUDTRAIL, "", "is_multi_region_trail = true", variant="unset"),
    Scenario(
        "aws_cloudtrail",
        "enable_log_file_validation",
        CLOUDTRAIL,
        "enable_log_file_validation = false",
        "enable_log_file_validation = true",
    ),
    Scenario("aws_cloudtrail", "enable_log_file_validation", CLOUDTRAIL, "", "enable_log_file_validation = true", variant="unset"),
    *_search_scenarios(OPENSEARCH),
    *_search_scenarios(ELASTICSEARCH),
    Scenario(
        "aws_elasticache_replication_group",
        "at_rest_encryption_enabled",
        ELASTICACHE,
        "at_rest_encryption_enabled = false",
        "at_rest_encryption_enabled = true",
        deployed=REDIS_6,
    ),
    Scenario(
        "aws_elasticache_replication_group",
        "transit_encryption_enabled",
        ELASTICACHE,
        "transit_encryption_enabled = false",
        "transit_encryption_enabled = true",
        deployed=REDIS_6,
    ),
    Scenario(
        "aws_elasticache_replication_group",
        "transit_encryption_enabled",
        _elasticache("7.1"),
        "transit_encryption_enabled = false",
        'transit_encryption_enabled = true\n  transit_encryption_mode = "preferred"',
        variant="redis 7.1",
        in_place=True,
        deployed=REDIS_7,
    ),
    Scenario("aws_docdb_cluster", "storage_encrypted", DOCDB, "storage_encrypted = false", "storage_encrypted = true"),
    Scenario("aws_neptune_cluster", "storage_encrypted", NEPTUNE, "storage_encrypted = false", "storage_encrypted = true"),
    Scenario("aws_redshift_cluster", "encrypted", REDSHIFT, "encrypted = false", "encrypted = true"),
    Scenario("aws_instance", "root_block_device.encrypted", INSTANCE, "encrypted = false", "encrypted = true"),
    Scenario("aws_instance", "ebs_block_device.encrypted", INSTANCE_EBS, "encrypted = false", "encrypted = true"),
    Scenario("aws_launch_template", "block_device_mappings.ebs.encrypted", LAUNCH_TEMPLATE, "encrypted = false", "encrypted = true"),
    Scenario(
        "aws_launch_configuration",
        "root_block_device.encrypted",
        LAUNCH_CONFIGURATION,
        "root_block_device {\n    encrypted = false\n  }",
        "root_block_device {\n    encrypted = true\n  }",
    ),
    Scenario(
        "aws_launch_configuration",
        "ebs_block_device.encrypted",
        LAUNCH_CONFIGURATION,
        'ebs_block_device {\n    device_name = "/dev/sdf"\n    encrypted = false\n  }',
        'ebs_block_device {\n    device_name = "/dev/sdf"\n    encrypted = true\n  }',
    ),
    Scenario("aws_sqs_queue", "sqs_managed_sse_enabled", SQS, "sqs_managed_sse_enabled = false", "sqs_managed_sse_enabled = true"),
    Scenario("aws_sqs_queue", "kms_master_key_id", SQS, "", f'kms_master_key_id = "{KEY}"'),
    Scenario("aws_sns_topic", "kms_master_key_id", SNS, "", f'kms_master_key_id = "{KEY}"'),
    Scenario(
        "aws_kinesis_stream", "encryption_type", KINESIS, 'encryption_type = "NONE"', f'encryption_type = "KMS"\n  kms_key_id = "{KEY}"'
    ),
    Scenario("aws_cloudwatch_log_group", "kms_key_id", LOG_GROUP, "", f'kms_key_id = "{KEY}"'),
    Scenario("aws_secretsmanager_secret", "kms_key_id", SECRET, "", f'kms_key_id = "{KEY}"'),
    Scenario("aws_cloudtrail", "kms_key_id", CLOUDTRAIL, "", f'kms_key_id = "{KEY}"'),
    Scenario("aws_s3_bucket_versioning", "", BUCKET, "", VERSIONING % "Enabled", "aws_s3_bucket"),
    Scenario("aws_s3_bucket_server_side_encryption_configuration", "", BUCKET, "", SSE % "aws:kms", "aws_s3_bucket"),
    Scenario("aws_s3_bucket_public_access_block", "", BUCKET, "", BLOCK % "true", "aws_s3_bucket"),
    Scenario(
        "aws_s3_bucket_versioning",
        "versioning_configuration.status",
        BUCKET + VERSIONING.replace('"%s"', "@ARG@"),
        '"Suspended"',
        '"Enabled"',
    ),
    Scenario(
        "aws_s3_bucket_server_side_encryption_configuration",
        "rule.apply_server_side_encryption_by_default.sse_algorithm",
        BUCKET + SSE.replace('"%s"', "@ARG@"),
        '"AES256"',
        '"aws:kms"',
    ),
    *(
        Scenario(
            "aws_s3_bucket_public_access_block", flag, BUCKET + ALL_FLAGS.replace(f"{flag} = false", f"{flag} = @ARG@"), "false", "true"
        )
        for flag in FLAGS
    ),
    Scenario(
        "aws_s3_bucket_server_side_encryption_configuration",
        "rule.apply_server_side_encryption_by_default",
        BUCKET + SSE_RULE,
        "",
        'apply_server_side_encryption_by_default {\n      sse_algorithm = "AES256"\n    }',
    ),
    Scenario("aws_s3_bucket", "versioning.enabled", INLINE_VERSIONING, "enabled = false", "enabled = true"),
    Scenario(
        "aws_s3_bucket",
        "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm",
        INLINE_SSE,
        'sse_algorithm = "aws:kms"',
        'sse_algorithm = "AES256"',
    ),
]
