"""KMS keys: is a key argument a customer-managed key (CMK), and is it set?

`cmk_verdict`: customer-managed is a reference to an aws_kms_key / aws_kms_replica_key /
aws_kms_alias / aws_kms_external_key, or a literal key ARN, key id, alias ARN
or alias name that is not AWS-managed (`alias/aws/*`). An existing key read
through `data "aws_kms_key"` / `data "aws_kms_alias"` is judged by the literal
it names. Unset, `alias/aws/*` and AWS-owned keys are not CMKs.

`key_set`: is a key argument set at all (a reference to a key of the
configuration is, although its value is known only after apply)?

Where a key is used against the region it lives in (TG305) is in
`tfguard.aws.regions`; the key of each DynamoDB replica in `tfguard.aws.dynamodb`.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Verdict, is_unknown
from tfguard.unknowns import cause

KEY_TYPES = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_alias", "aws_kms_external_key")
_AWS_ALIAS = re.compile(r"^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias/aws/", re.IGNORECASE)
_KEY_LITERAL = re.compile(
    r"^(arn:[^:]+:kms:[^:]*:\d{12}:(key/.+|alias/.+)|alias/.+|(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|mrk-[0-9a-f]{32})$",
    re.IGNORECASE,
)


class KeyVerdict(NamedTuple):
    """Is a key argument a customer-managed key: PASS, FAIL, UNKNOWN (not known statically).
    The verdict is `at` the resource that holds the argument, its `attribute`, and relates
    the key it resolves to."""

    verdict: Verdict
    key: Resource | None  # the key (or data source) it resolves to


def key_verdict(cmk: bool | None, key: Resource | None, reason: str, at: Resource | None = None,
                attribute: str = "") -> KeyVerdict:
    return KeyVerdict(Verdict(Status.of(cmk), reason, attribute, at, (key,) if key is not None else ()), key)


def literal_is_cmk(value: str) -> bool:
    return bool(_KEY_LITERAL.match(value)) and not _AWS_ALIAS.match(value)


def cmk_verdict(graph: ResourceGraph, res: Resource, attr: str, value: Any) -> KeyVerdict:
    """The verdict on argument `attr` of `res`, whose value is `value`."""
    cmk, key, reason = _cmk(graph, res, attr, value)
    return key_verdict(cmk, key, reason, res, attr)


def _cmk(graph: ResourceGraph, res: Resource, attr: str, value: Any) -> tuple[bool | None, Resource | None, str]:
    keys = [k for k in graph.targets(res, via=attr) if k.mode == "managed" and k.type in KEY_TYPES]
    if keys:
        return True, keys[0], f"uses customer-managed key {keys[0].address}"
    for data in graph.targets(res, via=attr, types=("aws_kms_key", "aws_kms_alias")):
        named = data.values.get("key_id") or data.values.get("name")
        if isinstance(named, str):
            if literal_is_cmk(named):
                return True, data, f"uses existing customer-managed key {named}"
            return False, data, f"{named} is an AWS-managed key"
    if value is None or value == "":
        return False, None, "no customer-managed key is set"
    if is_unknown(value):
        why = cause(value)
        return None, None, f"{attr.rsplit('.', 1)[-1]} is not known statically" + (f": {why}" if why else "")
    if isinstance(value, str):
        if literal_is_cmk(value):
            return True, None, f"uses customer-managed key {value}"
        if _AWS_ALIAS.match(value):
            return False, None, f"{value} is an AWS-managed key"
        return None, None, f"{value!r} is not recognised as a KMS key"
    return None, None, "key value is not a string"


def key_set(graph: ResourceGraph, res: Resource, attr: str = "kms_key_id") -> Status:
    """Is a key argument set? PASS for a known value or a reference to a key of the
    configuration (known only after apply, but never null); UNKNOWN for other unknowns."""
    value = res.values.get(attr)
    if value is None or value == "":
        return Status.FAIL
    if not is_unknown(value):
        return Status.PASS
    return Status.PASS if cmk_verdict(graph, res, attr, value).key is not None else Status.UNKNOWN
