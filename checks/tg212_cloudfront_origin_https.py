"""TG212 cloudfront-origin-https.

Reading: every `origin` with a `custom_origin_config` is judged:
`origin_protocol_policy = "http-only"` fails; `match-viewer` fails only while
some cache behavior of the distribution allows HTTP (`allow-all`):
`redirect-to-https` and `https-only` do not allow it; `https-only` passes;
`origin_ssl_protocols` containing `SSLv3`, `TLSv1` or `TLSv1.1` fails.
Origins without a custom origin config (S3, VPC origins) are not judged, and
a distribution without custom origins passes. Unknown values make the result
UNKNOWN unless another origin already fails.
"""

from __future__ import annotations

from tfguard.aws.tls import allows_http, contains_any, members
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.examples import cloudfront_distribution
from tfguard.model import Resource, is_unknown, nested

WEAK = ("SSLv3", "TLSv1", "TLSv1.1")
POLICY = "origin.custom_origin_config.origin_protocol_policy"
PROTOCOLS = "origin.custom_origin_config.origin_ssl_protocols"


def judge(ctx: Context, dist: Resource) -> Result:
    http, behavior = allows_http(dist)
    via = behavior.label if behavior else "a cache behavior"
    unknown: tuple[str, str] | None = None
    custom = 0
    for origin in dist.blocks("origin"):
        if is_unknown(origin):
            unknown = unknown or ("origin", "an origin is not known statically")
            continue
        name = origin.get("origin_id") if isinstance(origin, dict) else None
        label = f"origin {name!r}" if isinstance(name, str) else "an origin"
        for config in nested(origin, "custom_origin_config"):
            if is_unknown(config) or not isinstance(config, dict):
                unknown = unknown or (POLICY, f"the custom origin config of {label} is not known statically")
                continue
            custom += 1
            policy = config.get("origin_protocol_policy")
            if isinstance(policy, str) and policy.lower() == "http-only":
                return Result(dist, FAIL, f"{label} is reached over plain HTTP (origin_protocol_policy = \"http-only\")",
                              attribute=POLICY)
            if isinstance(policy, str) and policy.lower() == "match-viewer":
                if http:
                    return Result(dist, FAIL, f"{label} uses match-viewer while {via} allows HTTP: "
                                  "requests reach the origin over plain HTTP", attribute=POLICY)
                if http is None:
                    unknown = unknown or (POLICY, f"{label} uses match-viewer and the viewer protocol policy of {via} "
                                          "is not known statically")
            elif is_unknown(policy):
                unknown = unknown or (POLICY, f"the origin protocol policy of {label} is not known statically")
            protocols = config.get("origin_ssl_protocols")
            weak = contains_any(protocols, WEAK)
            if weak:
                found = [p for p in members(protocols)[0] if isinstance(p, str) and p.lower() in {w.lower() for w in WEAK}]
                return Result(dist, FAIL, f"{label} allows {', '.join(found)} in origin_ssl_protocols; allow only TLSv1.2",
                              attribute=PROTOCOLS)
            if weak is None:
                unknown = unknown or (PROTOCOLS, f"the origin SSL protocols of {label} are not known statically")
    if unknown is not None:
        return Result(dist, UNKNOWN, unknown[1], attribute=unknown[0])
    if not custom:
        return Result(dist, PASS, "the distribution has no custom origins")
    return Result(dist, PASS, "every custom origin is reached over HTTPS with TLS 1.2", attribute=POLICY)


CHECK = Check(
    id="TG212",
    slug="cloudfront-origin-https",
    title="CloudFront reaches custom origins over HTTPS with TLS 1.2",
    severity="medium",
    resource_types=("aws_cloudfront_distribution",),
    rationale="Encrypting only the viewer side leaves the hop from CloudFront to the origin in clear text, or "
    "protected only by SSLv3/TLS 1.0/1.1.",
    remediation="Set origin_protocol_policy = \"https-only\" and origin_ssl_protocols = [\"TLSv1.2\"] in every "
    "custom_origin_config.",
    evaluate=each(judge),
    compliance=controls("TG212"),
    references=("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-cloudfront-to-custom-origin.html",),
    bad_example=cloudfront_distribution(origin_protocol_policy="http-only", origin_ssl_protocols='["TLSv1", "TLSv1.2"]'),
    good_example=cloudfront_distribution(),
)
