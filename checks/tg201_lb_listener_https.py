"""TG201 lb-listener-https.

Reading: applies to listeners of application load balancers: the linked
`aws_lb`/`aws_alb` has `load_balancer_type` unset or "application" or, when
the load balancer is not in the configuration, the listener speaks HTTP or
HTTPS (protocols only an ALB has). An ALB listener with no `protocol` uses
AWS's default HTTP. HTTP fails unless a `default_action` is a `redirect`
with `protocol = "HTTPS"`. Network and gateway listeners give no result.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.aws.tls import LISTENER_TYPES, is_application, load_balancer, protocol
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown, nested


def _redirects_to_https(listener_actions: list[object]) -> bool | None:
    unknown = False
    for action in listener_actions:
        if is_unknown(action) or not isinstance(action, dict):
            unknown = True
            continue
        if is_unknown(action.get("type")):
            unknown = True
        elif action.get("type") == "redirect":
            for redirect in nested(action, "redirect"):
                proto = redirect.get("protocol") if isinstance(redirect, dict) else redirect
                if proto == "HTTPS":
                    return True
                unknown = unknown or is_unknown(proto)
    return None if unknown else False


def evaluate(ctx: Context) -> Iterator[Result]:
    for listener in ctx.subjects():
        app = is_application(ctx.graph, listener)
        lb = load_balancer(ctx.graph, listener)
        related = (lb,) if lb else ()
        if app is False:
            continue
        proto = protocol(listener, bool(app))
        if app is None or is_unknown(proto):
            yield Result(listener, UNKNOWN, "the listener's load balancer type or protocol is not known statically",
                         attribute="protocol", related=related)
            continue
        if proto != "HTTP":
            if proto == "HTTPS":
                yield Result(listener, PASS, "the listener speaks HTTPS", attribute="protocol", related=related)
            continue
        redirect = _redirects_to_https(listener.blocks("default_action"))
        if redirect:
            yield Result(listener, PASS, "HTTP is redirected to HTTPS", attribute="default_action", related=related)
        elif redirect is None:
            yield Result(listener, UNKNOWN, "the listener's default action is not known statically",
                         attribute="default_action", related=related)
        else:
            yield Result(listener, FAIL, "the listener serves plain HTTP without redirecting to HTTPS",
                         attribute="protocol", related=related)


CHECK = Check(
    id="TG201",
    slug="lb-listener-https",
    title="Application load balancer listener uses HTTPS",
    severity="high",
    resource_types=LISTENER_TYPES,
    rationale="Plain HTTP sends requests, cookies and responses readable by anyone on the path.",
    remediation="Use protocol = \"HTTPS\" with a certificate, or make the HTTP listener's default_action "
    "a redirect with protocol = \"HTTPS\".",
    evaluate=evaluate,
    compliance=controls("TG201"),
    references=("https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html",),
    bad_example=(
        'variable "load_balancer_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'variable "target_group_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_lb_listener" "web" {\n'
        '  load_balancer_arn = var.load_balancer_arn\n'
        '  port              = 80\n'
        '  protocol          = "HTTP"\n'
        '  default_action {\n'
        '    type             = "forward"\n'
        '    target_group_arn = var.target_group_arn\n'
        '  }\n'
        '}'
    ),
    good_example=(
        'variable "load_balancer_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_lb_listener" "web" {\n'
        '  load_balancer_arn = var.load_balancer_arn\n'
        '  port              = 80\n'
        '  protocol          = "HTTP"\n'
        '  default_action {\n'
        '    type = "redirect"\n'
        '    redirect {\n'
        '      port        = "443"\n'
        '      protocol    = "HTTPS"\n'
        '      status_code = "HTTP_301"\n'
        '    }\n'
        '  }\n'
        '}'
    ),
)
