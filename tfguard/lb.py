"""Load balancer listeners and the load balancer they belong to."""

from __future__ import annotations

from typing import Any

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown, is_unknown

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
