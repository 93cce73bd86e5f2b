"""What makes a value unknown, by name: the variable or reference a user can look up.

An UNKNOWN result must say which variable has no value or which reference is
known only after apply. Checks word their own messages; when a message does
not name the cause, the engine adds the cause found in the deciding value.
"""

from __future__ import annotations

import re
from typing import Any

from tfguard.model import Resource, Unknown, nested

# `var.x`, `local.y`, `module.m.out`, `data.t.n`, `aws_kms_key.k.arn`, `each.value`...
NAME = re.compile(r"\b(?:(?:var|local|module|data|each|count|path)\.[A-Za-z_][\w-]*"
                  r"|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)|TF_VAR_\w+|--var\b")
# A message that already states a cause in these words is left as it is.
STATED = re.compile(r"has no value|known only after apply|is not scanned|is not configured|sets no region"
                    r"|is not in the configuration|not a bucket of this configuration|depends on itself")
_MAX_DEPTH = 32
_MAX_UNKNOWNS = 64


def unknowns_in(value: Any, found: list[Unknown] | None = None, depth: int = 0) -> list[Unknown]:
    """The Unknowns inside a value: itself, the structure around its unknown parts, its elements."""
    found = [] if found is None else found
    if depth > _MAX_DEPTH or len(found) >= _MAX_UNKNOWNS:
        return found
    if isinstance(value, Unknown):
        found.append(value)
        for inner in (value.partial, list(value.parts or ())):
            unknowns_in(inner, found, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            unknowns_in(item, found, depth + 1)
    elif isinstance(value, list):
        for item in value:
            unknowns_in(item, found, depth + 1)
    return found


def cause(value: Any) -> str:
    """The first reason that names a variable or reference, else the references the value
    was computed from, else the first reason; "" when nothing in it is unknown."""
    found = unknowns_in(value)
    named = next((u.reason for u in found if NAME.search(u.reason)), "")
    if named:
        return named
    refs = list(dict.fromkeys(r for u in found for r in u.refs))
    if refs:
        return f"it depends on {', '.join(refs[:3])}, known only after apply"
    return next((u.reason for u in found if u.reason), "")


def named_cause(message: str, res: Resource, attribute: str) -> str:
    """The cause of an UNKNOWN result to add to its message: "" when the message already
    names what is unknown, or when the deciding value holds no cause to tell."""
    if not attribute or STATED.search(message):
        return ""
    why = cause(nested(res.values, *attribute.split(".")))
    if not why or why in message:
        return ""
    names = NAME.findall(why)
    if names and all(n in message for n in names):
        return ""
    return why
