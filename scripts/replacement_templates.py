"""The resources of scripts/replacement_scenarios.py as deployed, as templates.

@NAME@ is the resource name, @ID@ a name for AWS and @ARG@ where the lines a
scenario changes go. Every value is a literal: the scenarios are planned
together in one configuration and must not depend on each other.
"""

from __future__ import annotations

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"


def resource(resource_type: str, body: str) -> str:
    """A resource block; the changed lines go at its end unless the body places @ARG@ itself."""
    tail = "" if "@ARG@" in body else "\n  @ARG@"
    return f'resource "{resource_type}" "@NAME@" {{\n  {body.strip()}{tail}\n}}\n'


DB_INSTANCE = resource(
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
RDS_CLUSTER = resource(
    "aws_rds_cluster",
    """
  cluster_identifier  = "@ID@"
  engine              = "aurora-postgresql"
  master_username     = "dbadmin"
  master_password     = "not-a-real-password"
  skip_final_snapshot = true
""",
)
EBS_VOLUME = resource("aws_ebs_volume", 'availability_zone = "us-east-1a"\n  size = 8')
EFS = resource("aws_efs_file_system", 'creation_token = "@ID@"')
KMS_KEY = resource("aws_kms_key", 'description = "@ID@"')
DYNAMODB = resource(
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


def cloudfront(default: str, ordered: str, minimum: str) -> str:
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


def listener(resource_type: str) -> str:
    return resource(
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


CLOUDTRAIL = resource("aws_cloudtrail", 'name = "@ID@"\n  s3_bucket_name = "tfg-trail-logs"')


def search(resource_type: str, version: str, instance: str, endpoint: str) -> str:
    return resource(
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


def endpoint(enforce: str, policy: str) -> str:
    return f'domain_endpoint_options {{\n    enforce_https = {enforce}\n    tls_security_policy = "{policy}"\n  }}'


# Encryption is enabled in place from Elasticsearch 6.7 on (and on every OpenSearch), not on older engines.
OPENSEARCH = ("aws_opensearch_domain", 'engine_version = "OpenSearch_2.11"', "t3.small.search", 'engine_version = "Elasticsearch_6.5"')
ELASTICSEARCH = ("aws_elasticsearch_domain", 'elasticsearch_version = "7.10"', "t3.small.elasticsearch", 'elasticsearch_version = "6.5"')
TLS10 = "Policy-Min-TLS-1-0-2019-07"
TLS12 = "Policy-Min-TLS-1-2-2019-07"


def elasticache(engine_version: str) -> str:
    return resource(
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


ELASTICACHE = elasticache("6.2")
# The provider decides on engine_version_actual, which only a deployed group has.
REDIS_6 = (("engine_version_actual", "6.2.6"),)
REDIS_7 = (("engine_version_actual", "7.1.0"),)
DOCDB = resource(
    "aws_docdb_cluster", 'cluster_identifier = "@ID@"\n  master_username = "dbadmin"\n  master_password = "not-a-real-password"'
)
NEPTUNE = resource("aws_neptune_cluster", 'cluster_identifier = "@ID@"')
REDSHIFT = resource(
    "aws_redshift_cluster",
    'cluster_identifier = "@ID@"\n  node_type = "ra3.large"\n  master_username = "dbadmin"\n  master_password = "Not-a-real-password1"',
)
INSTANCE = resource(
    "aws_instance",
    'ami = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  root_block_device {\n    @ARG@\n  }',
)
INSTANCE_EBS = resource(
    "aws_instance",
    'ami = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  ebs_block_device {\n'
    '    device_name = "/dev/sdf"\n    volume_size = 8\n    @ARG@\n  }',
)
LAUNCH_TEMPLATE = resource(
    "aws_launch_template",
    'name = "@ID@"\n  image_id = "ami-0123456789abcdef0"\n  block_device_mappings {\n    device_name = "/dev/xvda"\n    ebs {\n'
    "      volume_size = 8\n      @ARG@\n    }\n  }",
)
LAUNCH_CONFIGURATION = resource(
    "aws_launch_configuration",
    'name = "@ID@"\n  image_id = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n  @ARG@',
)
INLINE_VERSIONING = resource("aws_s3_bucket", 'bucket = "@ID@"\n  versioning {\n    @ARG@\n  }')
INLINE_SSE = resource(
    "aws_s3_bucket",
    'bucket = "@ID@"\n  server_side_encryption_configuration {\n    rule {\n'
    "      apply_server_side_encryption_by_default {\n        @ARG@\n      }\n    }\n  }",
)
SQS = resource("aws_sqs_queue", 'name = "@ID@"')
SNS = resource("aws_sns_topic", 'name = "@ID@"')
KINESIS = resource("aws_kinesis_stream", 'name = "@ID@"\n  shard_count = 1')
LOG_GROUP = resource("aws_cloudwatch_log_group", 'name = "@ID@"')
SECRET = resource("aws_secretsmanager_secret", 'name = "@ID@"')
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
