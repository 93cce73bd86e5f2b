"""Terraform's numeric functions."""

from __future__ import annotations

import math
import string as _string
from collections.abc import Callable
from typing import Any

from tfguard.load.functions.types import number, string

_DIGITS = _string.digits + _string.ascii_lowercase + _string.ascii_uppercase


def _whole(x: float) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**63 else x


def parseint(text: Any, base: Any) -> int:
    """Go's big.Int SetString: bases 2 to 62, letters case-insensitive up to base 36."""
    s, b = string(text), int(number(base))
    if not 2 <= b <= 62:
        raise ValueError("base must be a whole number between 2 and 62 inclusive")
    sign, body = (-1, s[1:]) if s.startswith("-") else (1, s[1:] if s.startswith("+") else s)
    if not body:
        raise ValueError(f"cannot parse {s!r} as a base {b} integer")
    total = 0
    for c in body:
        digit = _DIGITS.find(c.lower() if b <= 36 else c)
        if digit < 0 or digit >= b:
            raise ValueError(f"cannot parse {s!r} as a base {b} integer")
        total = total * b + digit
    return sign * total


def _extreme(fn: Any, *values: Any) -> Any:
    if not values:
        raise TypeError("at least one number is required")
    return fn(number(v) for v in values)


def log(x: Any, base: Any) -> Any:
    return _whole(math.log(number(x)) / math.log(number(base)))


def pow_(x: Any, y: Any) -> Any:
    return _whole(number(x) ** number(y))


def signum(x: Any) -> int:
    n = number(x)
    return (n > 0) - (n < 0)


NUMERIC_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": lambda x: abs(number(x)), "ceil": lambda x: math.ceil(number(x)), "floor": lambda x: math.floor(number(x)),
    "log": log, "pow": pow_, "signum": signum, "parseint": parseint,
    "max": lambda *v: _extreme(max, *v), "min": lambda *v: _extreme(min, *v),
}
