"""S3: buckets that AWS services deliver logs into, and what that restricts.

- An S3 server access log bucket (`is_access_log_bucket`): the target of
  another bucket's logging (inline `logging.target_bucket` or
  `aws_s3_bucket_logging.target_bucket`), a bucket whose policy lets
  `logging.s3.amazonaws.com` put objects, or one whose ACL is
  `log-delivery-write`. Logging a log bucket would log the log deliveries,
  so TG508 does not judge it.
- A load balancer access log bucket (`receives_lb_logs`): named by
  `access_logs.bucket` of an `aws_lb`/`aws_alb`/`aws_elb`, or whose policy
  lets the ELB log delivery principal put objects (the service principal
  `logdelivery.elasticloadbalancing.amazonaws.com`, or the regional Elastic
  Load Balancing account of a `data.aws_elb_service_account` the policy
  refers to). ELB writes only to SSE-S3 buckets, so TG102 does not judge it.

A policy counts when an Allow statement covers `s3:PutObject` for the
principal; a policy that is not known statically says nothing.
"""

from __future__ import annotations

from tfguard.aws.iam import Statement, grants
from tfguard.aws.iam_documents import statements_of
from tfguard.aws.s3 import linked
from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Unknown

LB_TYPES = ("aws_lb", "aws_alb", "aws_elb")

S3_LOGGING = "logging.s3.amazonaws.com"

ELB_LOGGING = "logdelivery.elasticloadbalancing.amazonaws.com"

ELB_ACCOUNT = "aws_elb_service_account"


def _policy_holders(graph: ResourceGraph, bucket: Resource) -> list[Resource]:
    inline = [bucket] if bucket.values.get("policy") is not None else []
    return inline + linked(graph, bucket, "aws_s3_bucket_policy")


def _lets_put(st: Statement, service: str | None) -> bool:
    """An Allow covering s3:PutObject for the service principal (None: any AWS principal)."""
    if not st.allows or grants(st, "s3:PutObject") is not True:
        return False
    for ptype, ident in st.principals or ():
        if service is None and ptype == "AWS":
            return True
        if service is not None and ptype == "Service" and ident == service:
            return True
    return False


def _policy_lets_put(graph: ResourceGraph, bucket: Resource, service: str | None,
                     only_if_refers: str = "") -> bool:
    for holder in _policy_holders(graph, bucket):
        statements, docs = statements_of(graph, holder, "policy")
        if statements is None or isinstance(statements, Unknown):
            continue
        if only_if_refers and not any(
                t.mode == "data" and t.type == only_if_refers
                for r in (holder, *docs) for t in graph.targets(r)):
            continue
        if any(_lets_put(st, service) for st in statements):
            return True
    return False


def is_access_log_bucket(graph: ResourceGraph, bucket: Resource) -> bool:
    """Does another bucket send its server access logs here (or may it, by policy or ACL)?"""
    logging = graph.referrers(bucket, types=("aws_s3_bucket_logging",), via="target_bucket")
    if any(cfg.values.get("bucket") is not None and bucket not in graph.targets(cfg, via="bucket")
           for cfg in logging):
        return True
    if any(b is not bucket for b in graph.referrers(bucket, types=("aws_s3_bucket",), via="logging.target_bucket")):
        return True
    acls = [bucket.values.get("acl")] + [a.values.get("acl") for a in linked(graph, bucket, "aws_s3_bucket_acl")]
    if "log-delivery-write" in acls:
        return True
    return _policy_lets_put(graph, bucket, S3_LOGGING)


def receives_lb_logs(graph: ResourceGraph, bucket: Resource) -> bool:
    """Does a load balancer deliver its access logs here (or may it, by policy)?"""
    if graph.referrers(bucket, types=LB_TYPES, via="access_logs.bucket"):
        return True
    return (_policy_lets_put(graph, bucket, ELB_LOGGING)
            or _policy_lets_put(graph, bucket, None, only_if_refers=ELB_ACCOUNT))
