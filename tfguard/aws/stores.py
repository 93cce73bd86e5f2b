"""Settings of the other data stores: flags that must be true, arguments that must be set,
and secret rotation.

Shared by the 1xx checks on Secrets Manager, SSM, EFS, ElastiCache,
OpenSearch, Redshift, Kinesis, SQS, SNS and CloudWatch Logs, so that "unset
means unset" and "unknown is never a failure" are decided in one place.
S3, RDS, EBS and DynamoDB have modules of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, is_unknown
from tfguard.truth import is_on

ROTATION_TYPE = "aws_secretsmanager_secret_rotation"


class Setting(NamedTuple):
    status: Status  # PASS: the setting holds; FAIL: it does not (or is unset); UNKNOWN: not known statically
    attr: str  # the deciding argument (dotted path), for the finding's location
    reason: str


def flag(res: Resource, path: str) -> Setting:
    """A boolean argument (dotted path through nested blocks) that must be on
    (`true`, or a string Terraform converts to true: ElastiCache's
    `at_rest_encryption_enabled` is a string in AWS provider v5)."""
    values = res.blocks(*path.split("."))
    if any(is_on(v) for v in values):
        return Setting(Status.PASS, path, f"{path} is true")
    unknown = next((v for v in values if is_unknown(v)), None)
    if unknown is not None:
        return Setting(Status.UNKNOWN, path, f"{path} is not known statically ({getattr(unknown, 'reason', '')})")
    if values:
        return Setting(Status.FAIL, path, f"{path} is {_show(values[0])}")
    return Setting(Status.FAIL, path, f"{path} is not set")


def all_flags(res: Resource, paths: Iterable[str]) -> Setting:
    """Every flag must be true: the first that is not decides (FAIL before UNKNOWN)."""
    settings = [flag(res, p) for p in paths]
    failed = [s for s in settings if s.status is Status.FAIL]
    if failed:
        return Setting(Status.FAIL, failed[0].attr, "; ".join(s.reason for s in failed))
    unknown = [s for s in settings if s.status is Status.UNKNOWN]
    if unknown:
        return Setting(Status.UNKNOWN, unknown[0].attr, "; ".join(s.reason for s in unknown))
    return Setting(Status.PASS, "", " and ".join(s.reason for s in settings))


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


class Rotation(NamedTuple):
    status: Status
    holder: Resource | None  # the linked rotation resource that decides, if any
    attr: str
    reason: str
    related: tuple[Resource, ...]


def _has_rules(res: Resource) -> bool | None:
    rules = res.blocks("rotation_rules")
    if any(isinstance(r, dict) for r in rules):
        return True
    return None if any(is_unknown(r) for r in rules) else False


def secret_rotation(graph: ResourceGraph, secret: Resource) -> Rotation:
    """Rotation of a Secrets Manager secret: a linked aws_secretsmanager_secret_rotation
    (its `secret_id` names the secret) with `rotation_rules`, or the inline
    `rotation_lambda_arn` / `rotation_rules` of providers before v5."""
    linked = graph.referrers(secret, types=(ROTATION_TYPE,), via="secret_id")
    unknown: Rotation | None = None
    for rot in linked:
        rules = _has_rules(rot)
        if rules:
            return Rotation(Status.PASS, None, "", f"rotation is configured by {rot.address}", tuple(linked))
        if rules is None and unknown is None:
            unknown = Rotation(Status.UNKNOWN, rot, "rotation_rules",
                               f"the rotation_rules of {rot.address} are not known statically", tuple(linked))
    inline_rules = _has_rules(secret)
    if inline_rules:
        return Rotation(Status.PASS, None, "rotation_rules", "inline rotation_rules are set", tuple(linked))
    lambda_arn = is_set(graph, secret, "rotation_lambda_arn")
    if lambda_arn:
        return Rotation(Status.PASS, None, "rotation_lambda_arn", "an inline rotation_lambda_arn is set", tuple(linked))
    if unknown is not None:
        return unknown
    if inline_rules is None or lambda_arn is None:
        attr = "rotation_rules" if inline_rules is None else "rotation_lambda_arn"
        return Rotation(Status.UNKNOWN, None, attr, f"the secret's inline {attr} is not known statically", tuple(linked))
    # A rotation whose secret_id cannot be resolved may rotate this secret.
    unresolved = [r for r in graph.of_type(ROTATION_TYPE)
                  if r not in linked and is_unknown(r.values.get("secret_id")) and not graph.targets(r, via="secret_id")]
    if unresolved:
        return Rotation(Status.UNKNOWN, unresolved[0], "secret_id", f"the secret_id of {unresolved[0].address} is not known "
                        "statically, so it may rotate this secret", tuple(unresolved[1:]))
    if linked:
        return Rotation(Status.FAIL, linked[0], "rotation_rules",
                        f"the linked {linked[0].address} has no rotation_rules", tuple(linked[1:]))
    return Rotation(Status.FAIL, None, "", "no aws_secretsmanager_secret_rotation rotates the secret", ())


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value) if isinstance(value, str) else repr(value)
