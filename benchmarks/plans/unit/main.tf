# The unit that benchmarks/gen_plan.py replicates into module instances: four
# data sets, each with its own KMS key and bucket (encryption by that key,
# versioning, public access block, a TLS-only bucket policy), and one access
# log bucket. Settings differ between the sets so that checks pass and fail
# in a mix. "bench-i" in a name becomes "bench-i<instance number>" in each copy.
locals {
  sets = {
    restricted   = { rotation = true, versioning = "Enabled", block = true }
    confidential = { rotation = false, versioning = "Enabled", block = true }
    internal     = { rotation = true, versioning = "Suspended", block = false }
    public       = { rotation = false, versioning = "Enabled", block = true }
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "bench-i-access-logs"
}

resource "aws_kms_key" "data" {
  for_each            = local.sets
  description         = "key for the ${each.key} data set"
  enable_key_rotation = each.value.rotation
  tags                = { DataClassification = each.key }
}

resource "aws_s3_bucket" "data" {
  for_each = local.sets
  bucket   = "bench-i-${each.key}"
  tags     = { DataClassification = each.key, Team = "analytics" }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = local.sets
  bucket   = aws_s3_bucket.data[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data[each.key].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = local.sets
  bucket   = aws_s3_bucket.data[each.key].id

  versioning_configuration {
    status = each.value.versioning
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  for_each                = local.sets
  bucket                  = aws_s3_bucket.data[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = each.value.block
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "tls_only" {
  for_each = local.sets

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data[each.key].arn, "${aws_s3_bucket.data[each.key].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "data" {
  for_each = local.sets
  bucket   = aws_s3_bucket.data[each.key].id
  policy   = data.aws_iam_policy_document.tls_only[each.key].json
}
