"""TG220 apigw-domain-tls12.

Reading: an `aws_api_gateway_domain_name` passes with `security_policy`
`TLS_1_2` or an enhanced `SecurityPolicy_TLS13_*` / `SecurityPolicy_TLS12_*`
policy; unset (AWS's default TLS_1_0) or `TLS_1_0` fails. An
`aws_apigatewayv2_domain_name` is judged the same way on
`domain_name_configuration.security_policy` (a missing block fails). Values
not known statically give UNKNOWN.
"""

from __future__ import annotations

from tfguard.aws.tls import apigw_policy_ok
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource, is_unknown

TYPES = ("aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name")


def judge(ctx: Context, domain: Resource) -> Result:
    if domain.type == "aws_apigatewayv2_domain_name":
        attr = "domain_name_configuration.security_policy"
        configs = domain.blocks("domain_name_configuration")
        if not configs:
            return Result(domain, FAIL, "no domain_name_configuration sets a TLS security policy")
        policy = configs[0] if is_unknown(configs[0]) else configs[0].get("security_policy")
    else:
        attr = "security_policy"
        policy = domain.values.get("security_policy")
    if is_unknown(policy):
        return Result(domain, UNKNOWN, "the security policy is not known statically", attribute=attr)
    if policy is None:
        return Result(domain, FAIL, "security_policy is not set: API Gateway's default TLS_1_0 accepts TLS 1.0",
                      attribute=attr)
    if isinstance(policy, str) and apigw_policy_ok(policy):
        return Result(domain, PASS, f"security policy {policy} requires TLS 1.2 or later", attribute=attr)
    return Result(domain, FAIL, f"security policy {policy} accepts TLS versions older than 1.2", attribute=attr)


CHECK = Check(
    id="TG220",
    slug="apigw-domain-tls12",
    title="API Gateway custom domain requires TLS 1.2",
    severity="medium",
    resource_types=TYPES,
    rationale="The TLS_1_0 security policy (API Gateway's default) accepts TLS 1.0 and 1.1, which are not "
    "strong cryptography under PCI DSS.",
    remediation="Set security_policy = \"TLS_1_2\" (v2: domain_name_configuration.security_policy).",
    evaluate=each(judge),
    compliance=controls("TG220"),
    references=("https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",),
    bad_example=(
        'variable "certificate_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_api_gateway_domain_name" "api" {\n'
        '  domain_name              = "api.example.com"\n'
        '  regional_certificate_arn = var.certificate_arn\n'
        '}'
    ),
    good_example=(
        'variable "certificate_arn" {\n'
        '  type = string\n'
        '}\n'
        '\n'
        'resource "aws_api_gateway_domain_name" "api" {\n'
        '  domain_name              = "api.example.com"\n'
        '  regional_certificate_arn = var.certificate_arn\n'
        '  security_policy          = "TLS_1_2"\n'
        '}'
    ),
)
