"""TG211 cloudfront-min-tls.

Reading: fails when `viewer_certificate.cloudfront_default_certificate` is
true (the *.cloudfront.net certificate allows TLSv1 whatever the minimum
says), or when `minimum_protocol_version` is unset or below `TLSv1.2_2019`
(SSLv3, TLSv1, TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018, or a name that is not a
TLS policy). TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025 and TLSv1.3_* pass. A
missing `viewer_certificate` block fails; unknown values make it UNKNOWN.
"""

from __future__ import annotations

from tfguard.aws.tls import cloudfront_tls_ok
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.examples import ACM_CERTIFICATE, CERTIFICATE_VARIABLE, cloudfront_distribution
from tfguard.model import Resource, is_unknown
from tfguard.truth import setting

DEFAULT_CERT = "viewer_certificate.cloudfront_default_certificate"
MIN_VERSION = "viewer_certificate.minimum_protocol_version"


def judge(ctx: Context, dist: Resource) -> Result:
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
    evaluate=each(judge),
    compliance=controls("TG211"),
    references=("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html",),
    bad_example=cloudfront_distribution(),
    good_example=CERTIFICATE_VARIABLE + cloudfront_distribution(certificate=ACM_CERTIFICATE),
)
