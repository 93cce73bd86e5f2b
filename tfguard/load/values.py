"""Values as the evaluator produces them: unknown parts, strings, JSON text.

The helpers every layer of the loader shares (the evaluator, the functions,
instances): none of them evaluates an expression, so they sit below all that do.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from tfguard.model import Diagnostic, EvalError, Unknown

MAX_DEPTH = 64


def unknown_from(values: list[Any], reason: str = "") -> Unknown:
    refs: list[str] = []
    reasons: list[str] = []
    error: EvalError | None = None  # an operand that fails makes the whole expression fail, as in Terraform
    for v in values:
        for u in iter_unknowns(v):
            refs.extend(u.refs)
            if error is None and isinstance(u, EvalError):
                error = u
            if u.reason:
                reasons.append(u.reason)
    if error is not None:  # the failure is the reason, and keeps where it happened
        return EvalError(reason or error.reason, tuple(dict.fromkeys(refs)), at=error.at)
    return Unknown(reason or (reasons[0] if reasons else "not known statically"), tuple(dict.fromkeys(refs)))


def rebuilt(u: Unknown, **kw: Any) -> Unknown:
    """`u` with other Unknown fields (partial, parts, not_null); an error stays an error, where it was."""
    if isinstance(u, EvalError):
        return EvalError(u.reason, u.refs, at=u.at, **kw)
    return Unknown(u.reason, u.refs, **kw)


def call_failures(values: Iterable[Any]) -> list[Diagnostic]:
    """A warning at each function call inside the values that fails as Terraform's would
    (no try() caught it): Terraform stops there, tfguard goes on with the value unknown."""
    return [Diagnostic(u.at[0], u.at[1], f"{u.reason} (Terraform fails here; the value is unknown)", "warning")
            for value in values for u in iter_unknowns(value) if isinstance(u, EvalError) and u.at is not None]


def iter_unknowns(value: Any, depth: int = 0) -> list[Unknown]:
    if isinstance(value, Unknown):
        found = [value]
        if value.partial is not None and depth < MAX_DEPTH:
            found.extend(iter_unknowns(value.partial, depth + 1))
        return found
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, dict):
        return [u for v in value.values() for u in iter_unknowns(v, depth + 1)]
    if isinstance(value, list):
        return [u for v in value for u in iter_unknowns(v, depth + 1)]
    return []


def has_unknown(value: Any) -> bool:
    return bool(iter_unknowns(value))


def has_error(value: Any) -> bool:
    """Whether evaluating the value failed somewhere (see EvalError)."""
    return any(isinstance(u, EvalError) for u in iter_unknowns(value))


def to_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and value in (math.inf, -math.inf):  # 1 / 0
        return "+Inf" if value > 0 else "-Inf"
    return str(value)


def tf_bool(value: Any) -> bool:
    """A bool operand or condition: Terraform converts only the strings "true" and "false"."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise TypeError("a bool is required")


def json_value(value: Any) -> Any:
    """jsonencode() of a value; Unknown (with the structure as `partial`) when not static."""
    if has_unknown(value):
        u = unknown_from([value], "encoded value is not known statically")
        return rebuilt(u, partial=value, not_null=True)
    return tf_json_text(value)


_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                             "\u2029": "\\u2029"})


def tf_json_text(value: Any) -> str:
    """JSON as Terraform writes it: keys sorted, no spaces, <>& escaped as Go escapes them."""
    text = json.dumps(whole_numbers(value), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.translate(_GO_ESCAPES)  # these characters only ever occur inside strings


def whole_numbers(value: Any) -> Any:
    """Floats that are whole numbers as ints, all the way down (Terraform's numbers print so)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value
