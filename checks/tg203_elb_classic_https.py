"""TG203 elb-classic-https.

Reading: every `listener` of a Classic Load Balancer is judged by its
`lb_protocol` (case-insensitive): `http` or `tcp` fails, `https` and `ssl`
pass. A listener block or protocol that is not known statically makes the
result UNKNOWN unless another listener already fails. One result per load
balancer, pointing at the first plain-text listener.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.model import is_unknown

PLAIN = ("http", "tcp")
ATTR = "listener.lb_protocol"


def evaluate(ctx: Context) -> Iterator[Result]:
    for elb in ctx.subjects():
        plain: list[str] = []
        unknown = False
        listeners = elb.blocks("listener")
        for listener in listeners:
            proto = listener.get("lb_protocol") if isinstance(listener, dict) else listener
            if is_unknown(proto):
                unknown = True
            elif isinstance(proto, str) and proto.lower() in PLAIN:
                port = listener.get("lb_port") if isinstance(listener, dict) else None
                plain.append(f"{proto.upper()} on port {port}" if isinstance(port, (int, str)) else proto.upper())
        if plain:
            yield Result(elb, FAIL, f"the load balancer accepts unencrypted traffic: {', '.join(plain)}", attribute=ATTR)
        elif unknown:
            yield Result(elb, UNKNOWN, "a listener's protocol is not known statically", attribute=ATTR)
        else:
            yield Result(elb, PASS, "every listener uses HTTPS or SSL" if listeners else "the load balancer has no listener",
                         attribute=ATTR)


CHECK = Check(
    id="TG203",
    slug="elb-classic-https",
    title="Classic Load Balancer listeners use HTTPS or SSL",
    severity="high",
    resource_types=("aws_elb",),
    rationale="An HTTP or TCP listener carries requests and responses in clear text between clients "
    "and the load balancer, where they can be read or changed in transit.",
    remediation="Set lb_protocol = \"https\" (or \"ssl\") with an ssl_certificate_id on every listener, "
    "or move to an application load balancer that redirects HTTP to HTTPS.",
    evaluate=evaluate,
    compliance=controls("TG203"),
    references=("https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html",),
    bad_example='resource "aws_elb" "web" {\n  listener {\n    instance_port     = 80\n    instance_protocol = "http"\n'
    '    lb_port           = 80\n    lb_protocol       = "http"\n  }\n}',
    good_example=(
        'variable "certificate_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_elb" "web" {\n'
        '  listener {\n'
        '    instance_port      = 443\n'
        '    instance_protocol  = "https"\n'
        '    lb_port            = 443\n'
        '    lb_protocol        = "https"\n'
        '    ssl_certificate_id = var.certificate_arn\n'
        '  }\n'
        '}'
    ),
)
