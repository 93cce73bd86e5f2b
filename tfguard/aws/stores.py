"""Settings of the other data stores: flags that must be true, arguments that must be set,
and secret rotation.

Shared by the 1xx checks on Secrets Manager, SSM, EFS, ElastiCache,
OpenSearch, Redshift, Kinesis, SQS, SNS and CloudWatch Logs, so that "unset
means unset" and "unknown is never a failure" are decided in one place.
S3, RDS, EBS and DynamoDB have modules of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Verdict, is_unknown
from tfguard.truth import is_on

ROTATION_TYPE = "aws_secretsmanager_secret_rotation"


def flag(res: Resource, path: str) -> Verdict:
    """A boolean argument (dotted path through nested blocks) that must be on
    (`true`, or a string Terraform converts to true: ElastiCache's
    `at_rest_encryption_enabled` is a string in AWS provider v5)."""
    values = res.blocks(*path.split("."))
    if any(is_on(v) for v in values):
        return Verdict(Status.PASS, f"{path} is true", path)
    unknown = next((v for v in values if is_unknown(v)), None)
    if unknown is not None:
        return Verdict(Status.UNKNOWN, f"{path} is not known statically ({getattr(unknown, 'reason', '')})", path)
    if values:
        return Verdict(Status.FAIL, f"{path} is {_show(values[0])}", path)
    return Verdict(Status.FAIL, f"{path} is not set", path)


def all_flags(res: Resource, paths: Iterable[str]) -> Verdict:
    """Every flag must be true: the first that is not decides (FAIL before UNKNOWN)."""
    settings = [flag(res, p) for p in paths]
    failed = [s for s in settings if s.status is Status.FAIL]
    if failed:
        return Verdict(Status.FAIL, "; ".join(s.message for s in failed), failed[0].attribute)
    unknown = [s for s in settings if s.status is Status.UNKNOWN]
    if unknown:
        return Verdict(Status.UNKNOWN, "; ".join(s.message for s in unknown), unknown[0].attribute)
    return Verdict(Status.PASS, " and ".join(s.message for s in settings))


def is_set(graph: ResourceGraph, res: Resource, attr: str) -> bool | None:
    """Is a top-level argument set to a non-empty value? None when not known statically.

    A value that is known only after apply but references another object of the
    configuration (a key created in the same plan) is set.
    """
    value = res.values.get(attr)
    if value is None or value == "":
        return False
    if is_unknown(value):
        if getattr(value, "refs", ()) or graph.targets(res, via=attr) or graph.has_reference(res, attr):
            return True
        return None
    return True


def _has_rules(res: Resource) -> bool | None:
    rules = res.blocks("rotation_rules")
    if any(isinstance(r, dict) for r in rules):
        return True
    return None if any(is_unknown(r) for r in rules) else False


def secret_rotation(graph: ResourceGraph, secret: Resource) -> Verdict:
    """Rotation of a Secrets Manager secret: a linked aws_secretsmanager_secret_rotation
    (its `secret_id` names the secret) with `rotation_rules`, or the inline
    `rotation_lambda_arn` / `rotation_rules` of providers before v5. `at` is the linked
    rotation resource that decides, if any."""
    linked = graph.referrers(secret, types=(ROTATION_TYPE,), via="secret_id")
    unknown: Verdict | None = None
    for rot in linked:
        rules = _has_rules(rot)
        if rules:
            return Verdict(Status.PASS, f"rotation is configured by {rot.address}", "", None, tuple(linked))
        if rules is None and unknown is None:
            unknown = Verdict(Status.UNKNOWN, f"the rotation_rules of {rot.address} are not known statically",
                              "rotation_rules", rot, tuple(linked))
    inline_rules = _has_rules(secret)
    if inline_rules:
        return Verdict(Status.PASS, "inline rotation_rules are set", "rotation_rules", None, tuple(linked))
    lambda_arn = is_set(graph, secret, "rotation_lambda_arn")
    if lambda_arn:
        return Verdict(Status.PASS, "an inline rotation_lambda_arn is set", "rotation_lambda_arn", None, tuple(linked))
    if unknown is not None:
        return unknown
    if inline_rules is None or lambda_arn is None:
        attr = "rotation_rules" if inline_rules is None else "rotation_lambda_arn"
        return Verdict(Status.UNKNOWN, f"the secret's inline {attr} is not known statically", attr, None, tuple(linked))
    # A rotation whose secret_id cannot be resolved may rotate this secret.
    unresolved = [r for r in graph.of_type(ROTATION_TYPE)
                  if r not in linked and is_unknown(r.values.get("secret_id")) and not graph.targets(r, via="secret_id")]
    if unresolved:
        return Verdict(Status.UNKNOWN, f"the secret_id of {unresolved[0].address} is not known statically, so it may "
                       "rotate this secret", "secret_id", unresolved[0], tuple(unresolved[1:]))
    if linked:
        return Verdict(Status.FAIL, f"the linked {linked[0].address} has no rotation_rules", "rotation_rules",
                       linked[0], tuple(linked[1:]))
    return Verdict(Status.FAIL, "no aws_secretsmanager_secret_rotation rotates the secret")


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value) if isinstance(value, str) else repr(value)
