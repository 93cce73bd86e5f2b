"""Encryption in transit outside S3: load balancers, CloudFront, API Gateway, OpenSearch,
Transfer Family and VPN.

- `members` / `contains_any`: set-of-strings arguments (protocol lists,
  algorithm lists) with unknown members kept apart from known ones;
- load balancer listeners: the load balancer a listener belongs to, whether it
  is an application LB, and the listener's protocol;
- CloudFront: the viewer protocol policy of every cache behavior, whether any
  behavior lets viewers use HTTP, and the viewer TLS version ordering;
- TLS policy names of API Gateway domains and OpenSearch domains.

An S3 bucket policy that denies requests without TLS is in `tfguard.aws.s3.transport`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown, is_unknown


def members(value: Any) -> tuple[list[Any], bool]:
    """The known members of a list/set argument, and whether any member (or the whole) is unknown."""
    if value is None:
        return [], False
    if is_unknown(value):
        return [], True
    items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    known = [v for v in items if not is_unknown(v)]
    return known, len(known) != len(items)


def contains_any(value: Any, wanted: Iterable[str]) -> bool | None:
    """Does the argument hold one of `wanted` (case-insensitive)? None when it may, but is not known."""
    lowered = {w.lower() for w in wanted}
    known, unknown = members(value)
    if any(isinstance(v, str) and v.lower() in lowered for v in known):
        return True
    return None if unknown else False


LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")

LB_TYPES = ("aws_lb", "aws_alb")

_ALB_ONLY = {"HTTP", "HTTPS"}


def load_balancer(graph: ResourceGraph, listener: Resource) -> Resource | None:
    found = graph.targets(listener, via="load_balancer_arn", types=LB_TYPES)
    return found[0] if found else None


def is_application(graph: ResourceGraph, listener: Resource) -> bool | None:
    """True for an application LB listener, False for network/gateway, None when unknown."""
    lb = load_balancer(graph, listener)
    if lb is not None:
        kind = lb.values.get("load_balancer_type")
        if is_unknown(kind):
            return None
        return kind in (None, "", "application")
    protocol = listener.values.get("protocol")
    if isinstance(protocol, str):
        return protocol.upper() in _ALB_ONLY  # only an ALB speaks HTTP(S)
    return None


def protocol(listener: Resource, application: bool) -> Any:
    value = listener.values.get("protocol")
    if value is None:
        return "HTTP" if application else Unknown("listener protocol is not set")
    return value.upper() if isinstance(value, str) else value


BEHAVIORS = ("default_cache_behavior", "ordered_cache_behavior")


class Behavior(NamedTuple):
    path: str  # attribute path of its viewer_protocol_policy
    label: str  # "default_cache_behavior" or "ordered_cache_behavior \"/api/*\""
    policy: Any  # viewer_protocol_policy (Unknown when the block itself is not known)


def viewer_policies(dist: Resource) -> list[Behavior]:
    """The viewer_protocol_policy of every cache behavior (default first, then the ordered ones)."""
    out: list[Behavior] = []
    for name in BEHAVIORS:
        for block in dist.blocks(name):
            path = f"{name}.viewer_protocol_policy"
            if not isinstance(block, dict):
                out.append(Behavior(path, name, block if is_unknown(block) else None))
                continue
            pattern = block.get("path_pattern")
            label = f"{name} {pattern!r}" if isinstance(pattern, str) else name
            out.append(Behavior(path, label, block.get("viewer_protocol_policy")))
    return out


def allows_http(dist: Resource) -> tuple[bool | None, Behavior | None]:
    """(True, behavior) when a behavior allows HTTP (`allow-all`); (None, behavior) when one is not known."""
    unknown: Behavior | None = None
    for behavior in viewer_policies(dist):
        if is_unknown(behavior.policy):
            unknown = unknown or behavior
        elif isinstance(behavior.policy, str) and behavior.policy.lower() == "allow-all":
            return True, behavior
    return (None, unknown) if unknown else (False, None)


_CLOUDFRONT_TLS = re.compile(r"^TLSv1(?:\.(\d))?(?:_(\d{4}))?$", re.IGNORECASE)


def cloudfront_tls_ok(version: str) -> bool:
    """At least TLSv1.2_2019: TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_*. SSLv3, TLSv1,
    TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018 and unrecognised names are below it."""
    m = _CLOUDFRONT_TLS.match(version.strip())
    if not m:
        return False
    minor, year = int(m.group(1) or 0), int(m.group(2) or 0)
    return minor >= 3 or (minor == 2 and year >= 2019)


_APIGW_GOOD = re.compile(r"^(TLS_1_2|SecurityPolicy_TLS1[23]_.+)$", re.IGNORECASE)

_OPENSEARCH_GOOD = re.compile(r"^Policy-Min-TLS-1-2-.+$", re.IGNORECASE)


def apigw_policy_ok(policy: str) -> bool:
    """`TLS_1_2`, or an enhanced `SecurityPolicy_TLS13_*` / `SecurityPolicy_TLS12_*` policy."""
    return bool(_APIGW_GOOD.match(policy.strip()))


def opensearch_policy_ok(policy: str) -> bool:
    """A `Policy-Min-TLS-1-2-*` policy (e.g. Policy-Min-TLS-1-2-2019-07, Policy-Min-TLS-1-2-PFS-2023-10)."""
    return bool(_OPENSEARCH_GOOD.match(policy.strip()))
