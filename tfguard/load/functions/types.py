"""Type conversion as Terraform does it: tostring() ... toset(), and the common
type of a collection's elements (`["a", 1]` becomes `["a", "1"]` in a list)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tfguard.load.values import has_unknown, to_string
from tfguard.model import NotStatic, TfSet, WrongType, is_unknown

_PRIMITIVES = (str, int, float, bool)
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")


def number(value: Any) -> int | float:
    """A number argument: numbers, and strings that spell one (Terraform converts them)."""
    if isinstance(value, bool) or value is None:
        raise TypeError("a number is required")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.match(value):
        d = Decimal(value)
        return int(d) if d == d.to_integral_value() else float(d)
    if isinstance(value, str):
        raise ValueError(f"cannot convert {value!r} to a number")
    raise TypeError("a number is required")


def string(value: Any) -> str:
    """A string argument: strings, and numbers and bools (Terraform converts them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, _PRIMITIVES):
        return to_string(value)
    if isinstance(value, (dict, list)):
        raise WrongType("a string is required")
    raise TypeError("a string is required" if value is not None else "argument must not be null")


def unify(values: list[Any]) -> list[Any]:
    """Elements of one collection take a common type: mixed primitives become strings."""
    kinds = {_kind(v) for v in values if v is not None and not is_unknown(v)}
    if len(kinds) <= 1:
        return list(values)
    if kinds <= {"string", "number", "bool"}:
        return [v if v is None or is_unknown(v) else to_string(v) for v in values]
    if kinds & {"string", "number", "bool"}:
        raise TypeError("elements must all have the same type")
    return list(values)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "map" if isinstance(value, dict) else "list"


def make_set(values: Any) -> TfSet:
    """Distinct elements in Terraform's order: strings lexically, numbers by value,
    false before true; other elements keep their order (Terraform orders them by hash)."""
    if isinstance(values, dict) or not isinstance(values, list):
        raise TypeError("a set is made from a list or a set")
    if has_unknown(values):
        raise NotStatic("a set with unknown elements has unknown length and order")
    out: list[Any] = []
    for v in unify(values):
        if v not in out:  # after unify() a set holds one primitive type: True == 1 cannot meet
            out.append(v)
    known = [v for v in out if v is not None]
    kinds = {_kind(v) for v in known}
    if len(kinds) == 1 and kinds <= {"string", "number", "bool"}:
        known.sort()
    return TfSet(known + [v for v in out if v is None])


def tolist(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) or not isinstance(value, list):
        raise TypeError("cannot convert to a list")
    return unify(value)


def tomap(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("cannot convert to a map")
    return dict(zip(value, unify(list(value.values()))))


def tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"cannot convert {value!r} to bool: only \"true\" or \"false\" are allowed")


def tonumber(value: Any) -> Any:
    return None if value is None else number(value)


def tostring(value: Any) -> Any:
    return None if value is None else string(value)


TYPE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "tolist": tolist, "toset": lambda v: None if v is None else make_set(v), "tomap": tomap,
    "tobool": tobool, "tonumber": tonumber, "tostring": tostring,
    # tfguard does not track sensitivity or ephemerality: the value is the value.
    "sensitive": lambda v: v, "nonsensitive": lambda v: v, "ephemeralasnull": lambda v: v,
}
