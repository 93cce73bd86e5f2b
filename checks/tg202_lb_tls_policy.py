"""TG202 lb-tls-policy.

Reading: applies to HTTPS and TLS listeners (any load balancer type). The
`ssl_policy` must be a TLS 1.2+ policy: `ELBSecurityPolicy-TLS13-*`,
`ELBSecurityPolicy-TLS-1-2-*` or `ELBSecurityPolicy-FS-1-2-*` (the FIPS
variants included). Unset (AWS picks its default) and every other policy fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfguard.aws.tls import LISTENER_TYPES, load_balancer
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.examples import https_listener
from tfguard.model import is_unknown

GOOD = re.compile(r"^ELBSecurityPolicy-(TLS13-|TLS-1-2-|FS-1-2-)")


def evaluate(ctx: Context) -> Iterator[Result]:
    for listener in ctx.subjects():
        proto = listener.values.get("protocol")
        policy = listener.values.get("ssl_policy")
        lb = load_balancer(ctx.graph, listener)
        related = (lb,) if lb else ()
        good = isinstance(policy, str) and bool(GOOD.match(policy))
        if is_unknown(proto) and not good:
            yield Result(listener, UNKNOWN, "the listener protocol is not known statically",
                         attribute="protocol", related=related)
            continue
        if not is_unknown(proto) and (not isinstance(proto, str) or proto.upper() not in ("HTTPS", "TLS")):
            continue
        if good:
            yield Result(listener, PASS, f"TLS policy {policy} requires TLS 1.2 or later",
                         attribute="ssl_policy", related=related)
        elif is_unknown(policy):
            yield Result(listener, UNKNOWN, "the TLS policy is not known statically",
                         attribute="ssl_policy", related=related)
        elif policy is None:
            yield Result(listener, FAIL, "no ssl_policy is set; AWS's default allows TLS 1.0",
                         attribute="protocol", related=related)
        else:
            yield Result(listener, FAIL, f"TLS policy {policy} allows protocols older than TLS 1.2",
                         attribute="ssl_policy", related=related)


CHECK = Check(
    id="TG202",
    slug="lb-tls-policy",
    title="Load balancer listener requires TLS 1.2 or later",
    severity="medium",
    resource_types=LISTENER_TYPES,
    rationale="TLS 1.0 and 1.1 have known weaknesses and are not strong cryptography under PCI DSS.",
    remediation="Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy.",
    evaluate=evaluate,
    compliance=controls("TG202"),
    references=("https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",),
    bad_example=https_listener("ELBSecurityPolicy-2016-08"),
    good_example=https_listener("ELBSecurityPolicy-TLS13-1-2-2021-06"),
)
