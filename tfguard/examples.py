"""Example Terraform text that several checks' documentation shares.

The CloudFront checks (TG210-TG212) document one whole distribution each,
differing only in the setting the check reads; writing it once keeps the
examples identical elsewhere, so a reader sees exactly what changes. The
S3 checks that need a bucket encrypted with a customer-managed key as their
good example (TG101, TG102, TG602) share one too, and TG202's examples are one
HTTPS listener that differs only in its TLS policy.
"""

from __future__ import annotations

DEFAULT_CERTIFICATE = "    cloudfront_default_certificate = true\n"
ACM_CERTIFICATE = (
    '    acm_certificate_arn      = var.certificate_arn\n'
    '    ssl_support_method       = "sni-only"\n'
    '    minimum_protocol_version = "TLSv1.2_2021"\n'
)
# A bucket encrypted by default with a customer-managed key (TG101, TG102, TG602).
CMK_ENCRYPTED_BUCKET = (
    'resource "aws_kms_key" "data" {\n'
    '  enable_key_rotation = true\n'
    '}\n'
    '\n'
    'resource "aws_s3_bucket" "data" {\n'
    '  bucket = "patient-records"\n'
    '}\n'
    '\n'
    'resource "aws_s3_bucket_server_side_encryption_configuration" "data" {\n'
    '  bucket = aws_s3_bucket.data.id\n'
    '  rule {\n'
    '    apply_server_side_encryption_by_default {\n'
    '      sse_algorithm     = "aws:kms"\n'
    '      kms_master_key_id = aws_kms_key.data.arn\n'
    '    }\n'
    '  }\n'
    '}'
)
CERTIFICATE_VARIABLE = 'variable "certificate_arn" {\n  type = string\n}\n\n'


def cloudfront_distribution(viewer_protocol_policy: str = "redirect-to-https",
                            origin_protocol_policy: str = "https-only",
                            origin_ssl_protocols: str = '["TLSv1.2"]',
                            certificate: str = DEFAULT_CERTIFICATE) -> str:
    """A complete `aws_cloudfront_distribution` (it passes `terraform validate`)."""
    return (
        'resource "aws_cloudfront_distribution" "cdn" {\n'
        '  enabled = true\n'
        '  origin {\n'
        '    domain_name = "origin.example.com"\n'
        '    origin_id   = "web"\n'
        '    custom_origin_config {\n'
        '      http_port              = 80\n'
        '      https_port             = 443\n'
        f'      origin_protocol_policy = "{origin_protocol_policy}"\n'
        f'      origin_ssl_protocols   = {origin_ssl_protocols}\n'
        '    }\n'
        '  }\n'
        '  default_cache_behavior {\n'
        '    target_origin_id       = "web"\n'
        f'    viewer_protocol_policy = "{viewer_protocol_policy}"\n'
        '    allowed_methods        = ["GET", "HEAD"]\n'
        '    cached_methods         = ["GET", "HEAD"]\n'
        '    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized\n'
        '  }\n'
        '  restrictions {\n'
        '    geo_restriction {\n'
        '      restriction_type = "none"\n'
        '    }\n'
        '  }\n'
        '  viewer_certificate {\n'
        f'{certificate}'
        '  }\n'
        '}'
    )


def string_variables(*names: str) -> str:
    """`variable "NAME" { type = string }` blocks, one per name, each followed by a blank line."""
    return "".join(f'variable "{name}" {{\n  type = string\n}}\n\n' for name in names)


def https_listener(ssl_policy: str) -> str:
    """A complete HTTPS `aws_lb_listener` with its variables (it passes `terraform validate`)."""
    return string_variables("load_balancer_arn", "certificate_arn", "target_group_arn") + (
        'resource "aws_lb_listener" "web" {\n'
        '  load_balancer_arn = var.load_balancer_arn\n'
        '  port              = 443\n'
        '  protocol          = "HTTPS"\n'
        f'  ssl_policy        = "{ssl_policy}"\n'
        '  certificate_arn   = var.certificate_arn\n'
        '  default_action {\n'
        '    type             = "forward"\n'
        '    target_group_arn = var.target_group_arn\n'
        '  }\n'
        '}'
    )
