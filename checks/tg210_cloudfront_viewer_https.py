"""TG210 cloudfront-viewer-https.

Reading: fails when the `default_cache_behavior` or any
`ordered_cache_behavior` has `viewer_protocol_policy = "allow-all"`;
`redirect-to-https` and `https-only` pass. A policy (or a behavior block
from a dynamic block) that is not known statically makes the result UNKNOWN
unless another behavior already fails. The finding points at the first
behavior that allows HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.tls import allows_http
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.examples import cloudfront_distribution


def evaluate(ctx: Context) -> Iterator[Result]:
    for dist in ctx.subjects():
        http, behavior = allows_http(dist)
        if http and behavior:
            yield Result(dist, FAIL, f"{behavior.label} has viewer_protocol_policy = \"allow-all\": viewers may use "
                         "plain HTTP", attribute=behavior.path)
        elif http is None and behavior:
            yield Result(dist, UNKNOWN, f"the viewer_protocol_policy of {behavior.label} is not known statically",
                         attribute=behavior.path)
        else:
            yield Result(dist, PASS, "every cache behavior requires HTTPS (redirect-to-https or https-only)",
                         attribute="default_cache_behavior.viewer_protocol_policy")

CHECK = Check(
    id="TG210",
    slug="cloudfront-viewer-https",
    title="CloudFront requires HTTPS between viewers and the distribution",
    severity="high",
    resource_types=("aws_cloudfront_distribution",),
    rationale="With allow-all, viewers can fetch content and send data over plain HTTP, readable and "
    "changeable by anyone on the network path.",
    remediation="Set viewer_protocol_policy = \"redirect-to-https\" (or \"https-only\") on the default and "
    "every ordered cache behavior.",
    evaluate=evaluate,
    compliance=controls("TG210"),
    references=("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html",),
    bad_example=cloudfront_distribution(viewer_protocol_policy="allow-all"),
    good_example=cloudfront_distribution(),
)
