"""A verdict decided through a chain of sources (tfguard.aws.rds).

A replica of a replica, a copy of a snapshot: the verdict on the last link is
the verdict where the chain was decided, and `innermost` names that place and
its reason, so a message never nests the messages of every link.
"""

from __future__ import annotations

from typing import NamedTuple

from tfguard.model import Resource, Status, Verdict


class Traced(NamedTuple):
    verdict: Verdict
    cause: str = ""  # through a chain of sources: the reason where it was decided


def traced(status: Status, message: str, attribute: str = "", at: Resource | None = None,
           related: tuple[Resource, ...] = (), cause: str = "") -> Traced:
    return Traced(Verdict(status, message, attribute, at, related), cause)


def innermost(t: Traced) -> str:
    """The innermost reason, named by the resource it was decided on (no nested messages)."""
    if t.cause:
        return t.cause
    v = t.verdict
    return f"{v.at.address}: {v.message}" if v.at is not None else v.message
