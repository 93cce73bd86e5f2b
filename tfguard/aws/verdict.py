"""The verdict of an encryption-at-rest question (tfguard.aws.rds, tfguard.aws.ebs).

Three-valued, and carrying the resource that holds the deciding argument (for
the finding's location), the resources that explain it, and, through a chain
of sources (a replica of a replica, a copy of a snapshot), the reason where it
was decided (`innermost`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tfguard.model import Resource, Status, is_unknown
from tfguard.truth import is_on

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN


class Verdict(NamedTuple):
    status: Status
    reason: str
    attribute: str = ""  # the deciding argument (in `holder`)
    holder: Resource | None = None  # the resource that holds it (the subject or a source)
    related: tuple[Resource, ...] = ()  # sources and keys that explain the verdict
    cause: str = ""  # through a chain of sources: the reason where it was decided


def innermost(v: Verdict) -> str:
    """The innermost reason, named by the resource it was decided on (no nested messages)."""
    if v.cause:
        return v.cause
    return f"{v.holder.address}: {v.reason}" if v.holder is not None else v.reason


def truth(value: Any) -> Status:
    """On (`true`, or the string "true" that launch templates use) -> PASS; unknown -> UNKNOWN."""
    if is_on(value):
        return PASS
    return UNKNOWN if is_unknown(value) else FAIL
