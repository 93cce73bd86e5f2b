"""TG222 opensearch-https.

Reading: fails unless `domain_endpoint_options` sets `enforce_https = true`
and a `tls_security_policy` that is a `Policy-Min-TLS-1-2-*` policy. A missing
block or argument is not set and fails (in HCL; a plan shows the provider's
`enforce_https` default true as a known value, which is evaluated as it is).
Unknown values give UNKNOWN unless the other setting already fails.
"""

from __future__ import annotations

from tfguard.aws.tls import opensearch_policy_ok
from tfguard.check import FAIL, PASS, UNKNOWN, Check, Context, Result
from tfguard.compliance import controls
from tfguard.declare import each
from tfguard.model import Resource, is_unknown
from tfguard.truth import setting

TYPES = ("aws_opensearch_domain", "aws_elasticsearch_domain")
HTTPS = "domain_endpoint_options.enforce_https"
POLICY = "domain_endpoint_options.tls_security_policy"


def judge(ctx: Context, domain: Resource) -> Result:
    options = domain.blocks("domain_endpoint_options")
    if not options:
        return Result(domain, FAIL, "no domain_endpoint_options: HTTPS is not enforced and TLS 1.0 is accepted")
    if is_unknown(options[0]):
        return Result(domain, UNKNOWN, "the domain endpoint options are not known statically",
                      attribute="domain_endpoint_options")
    https = setting(options[0].get("enforce_https"))
    policy = options[0].get("tls_security_policy")
    if https is not True and not is_unknown(https):
        return Result(domain, FAIL, "enforce_https is not true: the domain accepts plain HTTP",
                      attribute=HTTPS if https is not None else "domain_endpoint_options")
    if policy is None:
        return Result(domain, FAIL, "tls_security_policy is not set: the default policy accepts TLS 1.0",
                      attribute="domain_endpoint_options")
    if isinstance(policy, str) and not opensearch_policy_ok(policy):
        return Result(domain, FAIL, f"TLS policy {policy} accepts TLS versions older than 1.2", attribute=POLICY)
    if is_unknown(https) or is_unknown(policy):
        return Result(domain, UNKNOWN, "enforce_https or tls_security_policy is not known statically",
                      attribute=HTTPS if is_unknown(https) else POLICY)
    return Result(domain, PASS, f"HTTPS is enforced with TLS policy {policy}", attribute=POLICY)


CHECK = Check(
    id="TG222",
    slug="opensearch-https",
    title="OpenSearch domain enforces HTTPS with TLS 1.2",
    severity="high",
    resource_types=TYPES,
    rationale="Without enforced HTTPS and a TLS 1.2 minimum, queries and indexed documents can travel to the "
    "domain in clear text or over TLS 1.0/1.1.",
    remediation="Add domain_endpoint_options { enforce_https = true, tls_security_policy = "
    "\"Policy-Min-TLS-1-2-2019-07\" }.",
    evaluate=each(judge),
    compliance=controls("TG222"),
    references=("https://docs.aws.amazon.com/opensearch-service/latest/developerguide/infrastructure-security.html",),
    bad_example='resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n}',
    good_example='resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n  domain_endpoint_options {\n'
    '    enforce_https       = true\n    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"\n  }\n}',
)
