"""TG211 cloudfront-min-tls.

Reading: fails when `viewer_certificate.cloudfront_default_certificate` is
true (the *.cloudfront.net certificate allows TLSv1 whatever the minimum
says), or when `minimum_protocol_version` is unset or below `TLSv1.2_2019`
(SSLv3, TLSv1, TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018, or a name that is not a
TLS policy). TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025 and TLSv1.3_* pass. A
missing `viewer_certificate` block fails; unknown values make it UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import Resource, is_unknown
from tfguard.transit import cloudfront_tls_ok
from tfguard.truth import setting

DEFAULT_CERT = "viewer_certificate.cloudfront_default_certificate"
MIN_VERSION = "viewer_certificate.minimum_protocol_version"


def judge(dist: Resource) -> Result:
    certs = dist.blocks("viewer_certificate")
    cert = certs[0] if certs else None
    if cert is None:
        return Result(dist, FAIL, "no viewer_certificate is configured")
    if is_unknown(cert):
        return Result(dist, UNKNOWN, "the viewer certificate is not known statically", attribute="viewer_certificate")
    default = setting(cert.get("cloudfront_default_certificate"))
    version = cert.get("minimum_protocol_version")
    if default is True:
        return Result(dist, FAIL, "the default CloudFront certificate is used: viewers may connect with TLSv1",
                      attribute=DEFAULT_CERT)
    if version is None:
        return Result(dist, FAIL, "minimum_protocol_version is not set (CloudFront's default is TLSv1)",
                      attribute="viewer_certificate")
    if not is_unknown(version) and not (isinstance(version, str) and cloudfront_tls_ok(version)):
        return Result(dist, FAIL, f"minimum_protocol_version {version} is below TLSv1.2_2019", attribute=MIN_VERSION)
    if is_unknown(default):
        return Result(dist, UNKNOWN, "cloudfront_default_certificate is not known statically", attribute=DEFAULT_CERT)
    if is_unknown(version):
        return Result(dist, UNKNOWN, "minimum_protocol_version is not known statically", attribute=MIN_VERSION)
    return Result(dist, PASS, f"viewers must use {version} or later", attribute=MIN_VERSION)


def evaluate(ctx: Context) -> Iterator[Result]:
    for dist in ctx.graph.of_type("aws_cloudfront_distribution"):
        yield judge(dist)


CHECK = Check(
    id="TG211",
    slug="cloudfront-min-tls",
    title="CloudFront requires TLS 1.2 (TLSv1.2_2019 or later) from viewers",
    severity="medium",
    resource_types=("aws_cloudfront_distribution",),
    rationale="Security policies below TLSv1.2_2019 accept TLS 1.0/1.1 or weak ciphers, which are not strong "
    "cryptography under PCI DSS; the default *.cloudfront.net certificate always accepts TLSv1.",
    remediation="Use your own certificate (acm_certificate_arn with ssl_support_method = \"sni-only\") and set "
    "minimum_protocol_version = \"TLSv1.2_2021\".",
    evaluate=evaluate,
    compliance=controls("TG211"),
    references=("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html",),
    bad_example=(
        'resource "aws_cloudfront_distribution" "cdn" {\n'
        '  enabled = true\n'
        '  origin {\n'
        '    domain_name = "origin.example.com"\n'
        '    origin_id   = "web"\n'
        '    custom_origin_config {\n'
        '      http_port              = 80\n'
        '      https_port             = 443\n'
        '      origin_protocol_policy = "https-only"\n'
        '      origin_ssl_protocols   = ["TLSv1.2"]\n'
        '    }\n'
        '  }\n'
        '  default_cache_behavior {\n'
        '    target_origin_id       = "web"\n'
        '    viewer_protocol_policy = "redirect-to-https"\n'
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
        '    cloudfront_default_certificate = true\n'
        '  }\n'
        '}'
    ),
    good_example=(
        'variable "certificate_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_cloudfront_distribution" "cdn" {\n'
        '  enabled = true\n'
        '  origin {\n'
        '    domain_name = "origin.example.com"\n'
        '    origin_id   = "web"\n'
        '    custom_origin_config {\n'
        '      http_port              = 80\n'
        '      https_port             = 443\n'
        '      origin_protocol_policy = "https-only"\n'
        '      origin_ssl_protocols   = ["TLSv1.2"]\n'
        '    }\n'
        '  }\n'
        '  default_cache_behavior {\n'
        '    target_origin_id       = "web"\n'
        '    viewer_protocol_policy = "redirect-to-https"\n'
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
        '    acm_certificate_arn      = var.certificate_arn\n'
        '    ssl_support_method       = "sni-only"\n'
        '    minimum_protocol_version = "TLSv1.2_2021"\n'
        '  }\n'
        '}'
    ),
)
