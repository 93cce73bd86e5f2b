"""Deterministic Terraform trees for the benchmarks.

A unit is one module directory (`modules/mod_NNN`: variables, locals, S3 with
split encryption/versioning/public-access resources, KMS keys with heredoc
and jsonencode policies, an RDS instance, a load balancer listener, outputs)
and one example root (`examples/ex_NNN/main.tf`) that calls it with `count`
or `for_each`, the way terraform-aws-modules repositories are laid out. Eleven
units are 88 files and about 170 KB, the size of such a repository.
"""

from __future__ import annotations

from pathlib import Path

SMALL_TF = """\
resource "aws_kms_key" "data" {
  description         = "Data bucket key"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-small-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}
"""


def module_files(i: int) -> dict[str, str]:
    """The .tf files of generated module i; content varies with i but is deterministic."""
    n = f"{i:03d}"
    env = ("dev", "staging", "prod")[i % 3]
    sse = "aws:kms" if i % 4 else "AES256"
    versioning = "Enabled" if i % 5 else "Suspended"
    block_acls = "true" if i % 6 else "false"
    rotation = "true" if i % 7 else "false"
    principal = '"*"' if i % 11 == 0 else '"arn:aws:iam::${var.account_id}:root"'
    https = i % 8 != 0
    ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" if i % 3 else "ELBSecurityPolicy-2016-08"

    variables = f"""\
variable "env" {{
  type    = string
  default = "{env}"
}}

variable "account_id" {{
  type    = string
  default = "1234567890{n[-2:]}"
}}

variable "name_prefix" {{
  type        = string
  description = "Prefix for every resource name in module {n}"
  default     = "acme-{env}-{n}"
}}

variable "tags" {{
  type = map(string)
  default = {{
    Owner      = "platform-team"
    CostCenter = "cc-{1000 + i}"
  }}
}}

variable "ingress_ports" {{
  type    = list(number)
  default = [443, 8443{", 80" if not https else ""}]
}}

variable "allowed_cidrs" {{
  type    = list(string)
  default = ["10.{i % 250}.0.0/16", "192.168.{i % 250}.0/24"]
}}
"""

    locals_tf = f"""\
locals {{
  common_tags = merge(var.tags, {{
    Module             = "mod-{n}"
    Environment        = var.env
    DataClassification = "{("internal", "confidential", "phi")[i % 3]}"
  }})

  bucket_names = [for suffix in ["data", "logs", "replica"] : "${{var.name_prefix}}-${{suffix}}"]
  port_rules   = {{ for p in var.ingress_ports : tostring(p) => {{ port = p, cidrs = var.allowed_cidrs }} }}
  is_prod      = var.env == "prod"
}}
"""

    s3 = f"""\
resource "aws_s3_bucket" "data" {{
  bucket = local.bucket_names[0]
  tags   = local.common_tags
}}

resource "aws_s3_bucket" "replica" {{
  count  = 2
  bucket = "${{local.bucket_names[2]}}-${{count.index}}"
  tags   = merge(local.common_tags, {{ Replica = tostring(count.index) }})
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {{
  bucket = aws_s3_bucket.data.id

  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "{sse}"
      kms_master_key_id = {"aws_kms_key.data.arn" if sse == "aws:kms" else "null"}
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_s3_bucket_versioning" "data" {{
  bucket = aws_s3_bucket.data.id

  versioning_configuration {{
    status = "{versioning}"
  }}
}}

resource "aws_s3_bucket_public_access_block" "data" {{
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = {block_acls}
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = local.is_prod ? true : {block_acls}
}}
"""

    kms = f"""\
resource "aws_kms_key" "data" {{
  description             = "Data key for module {n}"
  enable_key_rotation     = {rotation}
  deletion_window_in_days = 30
  tags                    = local.common_tags

  policy = <<EOF
{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "EnableRootAccess",
      "Effect": "Allow",
      "Principal": {{ "AWS": "arn:aws:iam::${{var.account_id}}:root" }},
      "Action": "kms:*",
      "Resource": "*"
    }}
  ]
}}
EOF
}}

resource "aws_kms_key" "logs" {{
  description         = "Log key for module {n}"
  enable_key_rotation = true

  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "EnableRootAccess"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::${{var.account_id}}:root" }}
        Action    = "kms:*"
        Resource  = "*"
      }},
      {{
        Sid       = "AllowDecrypt"
        Effect    = "Allow"
        Principal = {{ AWS = {principal} }}
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
      }},
    ]
  }})
}}

resource "aws_kms_alias" "data" {{
  name          = "alias/${{var.name_prefix}}-data"
  target_key_id = aws_kms_key.data.key_id
}}
"""

    if https:
        listener = f"""\
  port            = 443
  protocol        = "HTTPS"
  ssl_policy      = "{ssl_policy}"
  certificate_arn = "arn:aws:acm:us-east-1:${{var.account_id}}:certificate/cert-{n}"
"""
    else:
        listener = """\
  port     = 80
  protocol = "HTTP"
"""
    lb = f"""\
resource "aws_security_group" "lb" {{
  name   = "${{var.name_prefix}}-lb"
  vpc_id = "vpc-{i:08x}"

  dynamic "ingress" {{
    for_each = local.port_rules
    content {{
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }}
  }}
}}

resource "aws_lb" "app" {{
  name               = "lb-{n}"
  load_balancer_type = "application"
  internal           = {"false" if i % 2 else "true"}
  security_groups    = [aws_security_group.lb.id]
  subnets            = ["subnet-{i:04x}a", "subnet-{i:04x}b"]
  tags               = local.common_tags
}}

resource "aws_lb_target_group" "app" {{
  name     = "tg-{n}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-{i:08x}"
}}

resource "aws_lb_listener" "app" {{
  load_balancer_arn = aws_lb.app.arn
{listener}
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }}
}}
"""
    return {"variables.tf": variables + _more_variables(i), "locals.tf": locals_tf, "s3.tf": s3 + _s3_more(i),
            "kms.tf": kms, "lb.tf": lb + _lb_more(i), "rds.tf": _rds(i), "outputs.tf": _outputs(i)}


def write_small(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "main.tf").write_text(SMALL_TF, encoding="utf-8")
    return root


def write_tree(root: Path, units: int) -> list[list[Path]]:
    """Writes the tree; returns the files of each unit (module and example), in order."""
    modules: list[list[Path]] = []
    for i in range(units):
        module = root / "modules" / f"mod_{i:03d}"
        example = root / "examples" / f"ex_{i:03d}"
        module.mkdir(parents=True)
        example.mkdir(parents=True)
        modules.append([])
        for name, text in module_files(i).items():
            (module / name).write_text(text, encoding="utf-8")
            modules[-1].append(module / name)
        (example / "main.tf").write_text(example_main(i), encoding="utf-8")
        modules[-1].append(example / "main.tf")
    return modules


def write_instances(root: Path, module_dir: Path, count: int) -> Path:
    """A root module that calls (its own copy of) one module `count` times through for_each."""
    import shutil

    root.mkdir(parents=True)
    shutil.copytree(module_dir, root / "module")
    rel = "module"
    keys = ", ".join(f'"i{i:04d}"' for i in range(count))
    (root / "main.tf").write_text(
        f'module "many" {{\n  source   = "./{rel}"\n  for_each = toset([{keys}])\n}}\n', encoding="utf-8")
    return root


# Optional inputs that published modules expose and these examples leave at their defaults.
_OPTIONAL_INPUTS = tuple(
    (name, vtype, default, what) for name, vtype, default, what in (
        ("acl", "string", "null", "The canned ACL to apply; conflicts with grant and is off when object ownership is enforced"),
        ("attach_policy", "bool", "false", "Controls if the bucket should have a bucket policy attached"),
        ("attach_deny_insecure_transport_policy", "bool", "false", "Controls if a deny non-SSL transport policy is attached"),
        ("attach_require_latest_tls_policy", "bool", "false", "Controls if the bucket should require the latest version of TLS"),
        ("force_destroy", "bool", "false", "Whether all objects are deleted from the bucket so that it can be destroyed"),
        ("object_lock_enabled", "bool", "false", "Whether the bucket has an object lock configuration enabled"),
        ("request_payer", "string", "null", "Specifies who should bear the cost of Amazon S3 data transfer: BucketOwner or Requester"),
        ("website", "any", "{}", "Map containing the static web-site hosting or redirect configuration"),
        ("cors_rule", "any", "[]", "List of maps containing the rules for Cross-Origin Resource Sharing"),
        ("grant", "any", "[]", "An ACL policy grant; conflicts with acl"),
        ("owner", "map(string)", "{}", "Bucket owner's display name and ID; conflicts with acl"),
        ("expected_bucket_owner", "string", "null", "The account ID of the expected bucket owner"),
        ("intelligent_tiering", "any", "{}", "Map containing the intelligent tiering configuration"),
        ("metric_configuration", "any", "[]", "Map containing the bucket metric configuration"),
        ("inventory_configuration", "any", "{}", "Map containing the S3 inventory configuration"),
        ("analytics_configuration", "any", "{}", "Map containing the bucket analytics configuration"),
        ("db_parameter_group_name", "string", "null", "Name of the DB parameter group to associate"),
        ("db_maintenance_window", "string", '"Mon:00:00-Mon:03:00"', "The window to perform maintenance in, in UTC"),
        ("db_monitoring_interval", "number", "0", "The interval, in seconds, between points of Enhanced Monitoring metrics"),
        ("lb_idle_timeout", "number", "60", "The time in seconds that the connection is allowed to be idle"),
        ("lb_drop_invalid_header_fields", "bool", "true", "Whether HTTP headers with invalid fields are removed by the load balancer"),
    )
)


def _more_variables(i: int) -> str:
    """Variables in the style of published modules: long descriptions, typed objects, defaults."""
    out = []
    for name, vtype, default, what in (
        ("create", "bool", "true", "Controls if resources should be created (affects nearly all resources)"),
        ("db_instance_class", "string", '"db.t3.medium"', "The instance type of the RDS instance"),
        ("db_allocated_storage", "number", str(20 + i % 50), "The allocated storage in gigabytes"),
        ("db_backup_retention_period", "number", str(i % 10), "The days to retain backups for; 0 disables backups"),
        ("db_storage_encrypted", "bool", "true" if i % 9 else "false",
         "Specifies whether the DB instance is encrypted. The default is true if not specified"),
        ("kms_deletion_window", "number", "30", "The waiting period, specified in number of days, before a key is deleted"),
        ("listener_ssl_policy", "string", '"ELBSecurityPolicy-TLS13-1-2-2021-06"',
         "Name of the SSL policy for the listener; required if protocol is HTTPS or TLS"),
        ("lifecycle_rules", "list(object({ id = string, enabled = bool, days = optional(number, 30) }))",
         '[{ id = "expire", enabled = true }]', "List of maps containing the lifecycle configuration of the bucket"),
        ("replica_region", "string", '"eu-west-1"', "The region that the replica bucket and its key are created in"),
    ) + _OPTIONAL_INPUTS:
        out.append(f"""
variable "{name}" {{
  description = "{what}. See the module README (module {i:03d}) for the accepted values and defaults."
  type        = {vtype}
  default     = {default}
}}
""")
    return "".join(out)


def _s3_more(i: int) -> str:
    """Bucket policy from a policy document, lifecycle with a dynamic rule, logging, replication."""
    secure = "false" if i % 5 else "true"
    return f"""
data "aws_iam_policy_document" "data" {{
  statement {{
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data.arn, "${{aws_s3_bucket.data.arn}}/*"]

    principals {{
      type        = "*"
      identifiers = ["*"]
    }}

    condition {{
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["{secure}"]
    }}
  }}

  statement {{
    sid       = "AllowAccountRead"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.data.arn, "${{aws_s3_bucket.data.arn}}/*"]

    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::${{var.account_id}}:root"]
    }}
  }}
}}

resource "aws_s3_bucket_policy" "data" {{
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}}

resource "aws_s3_bucket_lifecycle_configuration" "data" {{
  bucket = aws_s3_bucket.data.id

  dynamic "rule" {{
    for_each = var.lifecycle_rules
    content {{
      id     = rule.value.id
      status = rule.value.enabled ? "Enabled" : "Disabled"

      filter {{
        prefix = "logs/"
      }}

      expiration {{
        days = rule.value.days
      }}

      noncurrent_version_expiration {{
        noncurrent_days = rule.value.days * 2
      }}
    }}
  }}
}}

resource "aws_s3_bucket_logging" "data" {{
  bucket        = aws_s3_bucket.data.id
  target_bucket = aws_s3_bucket.replica[0].id
  target_prefix = "access-logs/{i:03d}/"
}}

resource "aws_iam_role" "replication" {{
  name = "${{var.name_prefix}}-replication"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "s3.amazonaws.com" }} }}]
  }})
}}

resource "aws_s3_bucket_replication_configuration" "data" {{
  depends_on = [aws_s3_bucket_versioning.data]
  role       = aws_iam_role.replication.arn
  bucket     = aws_s3_bucket.data.id

  rule {{
    id     = "replicate-all"
    status = "Enabled"

    source_selection_criteria {{
      sse_kms_encrypted_objects {{
        status = "Enabled"
      }}
    }}

    destination {{
      bucket        = aws_s3_bucket.replica[1].arn
      storage_class = "STANDARD_IA"

      encryption_configuration {{
        replica_kms_key_id = aws_kms_key.logs.arn
      }}
    }}
  }}
}}
"""


def _lb_more(i: int) -> str:
    return f"""
resource "aws_lb_listener" "redirect" {{
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {{
    type = "{"redirect" if i % 3 else "forward"}"
    target_group_arn = {"null" if i % 3 else "aws_lb_target_group.app.arn"}

    dynamic "redirect" {{
      for_each = {"[1]" if i % 3 else "[]"}
      content {{
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }}
    }}
  }}
}}

resource "aws_cloudwatch_log_group" "app" {{
  name              = "/acme/${{var.env}}/app-{i:03d}"
  retention_in_days = 365
  kms_key_id        = {"aws_kms_key.logs.arn" if i % 2 else "null"}
  tags              = local.common_tags
}}
"""


def _rds(i: int) -> str:
    n = f"{i:03d}"
    kms = "aws_kms_key.data.arn" if i % 4 else "null"
    return f"""\
resource "aws_db_subnet_group" "this" {{
  count      = var.create ? 1 : 0
  name       = "${{var.name_prefix}}-db"
  subnet_ids = ["subnet-{i:04x}a", "subnet-{i:04x}b"]
  tags       = local.common_tags
}}

resource "aws_db_instance" "this" {{
  count                   = var.create ? 1 : 0
  identifier              = "${{var.name_prefix}}-db-{n}"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = var.db_instance_class
  allocated_storage       = var.db_allocated_storage
  db_subnet_group_name    = aws_db_subnet_group.this[0].name
  storage_encrypted       = var.db_storage_encrypted
  kms_key_id              = {kms}
  backup_retention_period = var.db_backup_retention_period
  username                = "app"
  manage_master_user_password = true
  skip_final_snapshot     = true
  tags                    = local.common_tags
}}
"""


def _outputs(i: int) -> str:
    out = []
    for name, value in (("bucket_id", "aws_s3_bucket.data.id"), ("bucket_arn", "aws_s3_bucket.data.arn"),
                        ("replica_ids", "aws_s3_bucket.replica[*].id"), ("key_arn", "aws_kms_key.data.arn"),
                        ("db_endpoint", "try(aws_db_instance.this[0].endpoint, null)"),
                        ("listener_arn", "aws_lb_listener.app.arn")):
        out.append(f"""
output "{name}" {{
  description = "The {name.replace('_', ' ')} of module {i:03d}"
  value       = {value}
}}
""")
    return "".join(out)


def example_main(i: int) -> str:
    """A root that calls module i twice: with count, or with for_each over environments."""
    n = f"{i:03d}"
    if i % 2:
        call = f"""\
module "stack" {{
  source = "../../modules/mod_{n}"
  count  = 2

  name_prefix = "ex-{n}-${{count.index}}"
  env         = count.index == 0 ? "staging" : "prod"
}}
"""
    else:
        call = f"""\
module "stack" {{
  source   = "../../modules/mod_{n}"
  for_each = {{ staging = "eu-west-1", prod = "us-east-1" }}

  name_prefix    = "ex-{n}-${{each.key}}"
  env            = each.key
  replica_region = each.value
}}
"""
    return f"""\
provider "aws" {{
  region = "us-east-1"

  default_tags {{
    tags = {{ Example = "ex-{n}" }}
  }}
}}

{call}
output "buckets" {{
  value = [for m in module.stack : m.bucket_id]
}}
"""
