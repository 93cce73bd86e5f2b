"""Terraform's collection functions (lists, maps and sets)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from tfguard.load.functions.types import make_set, number, string, unify
from tfguard.load.values import has_unknown
from tfguard.model import NotStatic, TfSet, Unknown

MAX_RANGE = 100_000
MAX_PRODUCT = 100_000


def _list(value: Any, fn: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise TypeError(f"{fn}() takes a list" if value is not None else f"{fn}(): argument must not be null")


def _map(value: Any, fn: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise TypeError(f"{fn}() takes a map" if value is not None else f"{fn}(): argument must not be null")


def _index_arg(value: Any) -> int:
    n = number(value)
    if n != int(n):
        raise ValueError("an index must be a whole number")
    return int(n)


def merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        if m is not None:
            out.update(_map(m, "merge"))
    return out


def concat(*lists: Any) -> list[Any]:
    if not lists:
        raise TypeError("at least one argument is required")
    return [item for lst in lists for item in _list(lst, "concat")]


def lookup(m: Any, key: Any, *default: Any) -> Any:
    if string(key) in _map(m, "lookup"):
        return m[string(key)]
    if default:
        return default[0]
    raise ValueError(f"the map has no key {key!r}")


def coalesce(*values: Any) -> Any:
    for v in unify(list(values)):
        if v is not None and v != "":
            return v
    raise ValueError("no non-null, non-empty-string arguments")


def coalescelist(*lists: Any) -> Any:
    for lst in lists:
        if lst is not None and _list(lst, "coalescelist"):
            return lst
    raise ValueError("no non-null arguments")


def element(lst: Any, idx: Any) -> Any:
    items, i = _list(lst, "element"), _index_arg(idx)
    if not items:
        raise ValueError("cannot use element function with an empty list")
    return items[i % len(items)]


def index(lst: Any, value: Any) -> int:
    for i, item in enumerate(_list(lst, "index")):
        if _same(item, value):
            return i
    raise ValueError("item not found")


def _same(a: Any, b: Any) -> bool:
    if has_unknown(a) or has_unknown(b):
        raise NotStatic("comparing with an unknown value")
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def length(value: Any) -> int:
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise TypeError("length() takes a collection or a string")


def flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value, "flatten"):
        out.extend(flatten(item) if isinstance(item, list) else [item])
    return out


def distinct(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in unify(_list(value, "distinct")):
        if not any(_same(item, o) for o in out):
            out.append(item)
    return out


def compact(value: Any) -> list[Any]:
    # A policy document's JSON (an Unknown with the rendered document as `partial`)
    # is never empty: it stays, so `source_policy_documents = compact([...])` keeps
    # its documents. Any other unknown element makes the result unknown.
    return [x if isinstance(x, Unknown) and isinstance(x.partial, dict) else string(x)
            for x in _list(value, "compact") if x is not None and x != ""]


def contains(collection: Any, value: Any) -> bool:
    items = _list(collection, "contains")
    # A known element equal to the value decides it whatever the unknown ones are (as in Terraform).
    if not has_unknown(value) and any(_same(item, value) for item in items if not has_unknown(item)):
        return True
    return any(_same(item, value) for item in items)


def zipmap(keys: Any, values: Any) -> dict[str, Any]:
    ks, vs = _list(keys, "zipmap"), _list(values, "zipmap")
    if len(ks) != len(vs):
        raise ValueError("number of keys and values differ")
    return {string(k): v for k, v in zip(ks, vs)}


def range_(*args: Any) -> list[Any]:
    nums = [number(a) for a in args]
    if not 1 <= len(nums) <= 3:
        raise TypeError("range() takes one to three arguments")
    start, limit = (0, nums[0]) if len(nums) == 1 else (nums[0], nums[1])
    step = nums[2] if len(nums) == 3 else (1 if limit >= start else -1)
    if step == 0 or (step > 0) != (limit >= start) and limit != start:
        raise ValueError("step must move from start towards limit")
    out: list[Any] = []
    value = start
    while (value < limit if step > 0 else value > limit):
        if len(out) >= MAX_RANGE:
            raise ValueError(f"range exceeds the limit of {MAX_RANGE}")
        out.append(value)
        value += step
    return out


def slice_(lst: Any, start: Any, end: Any) -> list[Any]:
    items, s, e = _list(lst, "slice"), _index_arg(start), _index_arg(end)
    if s < 0 or e > len(items) or s > e:
        raise ValueError("slice() indices out of range")
    return items[s:e]


def sort(value: Any) -> list[str]:
    items = _list(value, "sort")
    if any(v is None for v in items):
        raise ValueError("given list element is null")
    return sorted(string(v) for v in items)


def one(value: Any) -> Any:
    items = _list(value, "one")
    if len(items) > 1:
        raise ValueError("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


def chunklist(value: Any, size: Any) -> list[list[Any]]:
    items, n = _list(value, "chunklist"), _index_arg(size)
    if n < 0:
        raise ValueError("the size argument must be positive")
    if n == 0:
        return [items] if items else []
    return [items[i:i + n] for i in range(0, len(items), n)]


def matchkeys(values: Any, keys: Any, searchset: Any) -> list[Any]:
    vs, ks, search = _list(values, "matchkeys"), _list(keys, "matchkeys"), _list(searchset, "matchkeys")
    if len(vs) != len(ks):
        raise ValueError("length of keys and values should be equal")
    return [v for v, k in zip(vs, ks) if any(_same(k, s) for s in search)]


def transpose(value: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in sorted(_map(value, "transpose")):
        for item in _list(value[key], "transpose"):
            out.setdefault(string(item), []).append(key)
    return {k: out[k] for k in sorted(out)}


def alltrue(value: Any) -> bool:
    return all(_bool(v) for v in _list(value, "alltrue"))


def anytrue(value: Any) -> bool:
    items = _list(value, "anytrue")
    if any(v is True or v == "true" for v in items if not has_unknown(v)):
        return True  # whatever the unknown elements are (Terraform's alltrue has no such rule)
    return any(_bool(v) for v in items)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise TypeError("a bool is required")


def sum_(value: Any) -> Any:
    items = _list(value, "sum")
    if not items:
        raise ValueError("cannot sum an empty list")
    total: Any = 0
    for v in items:
        total += number(v)
    return total


def setproduct(*sets: Any) -> list[list[Any]]:
    lists = [_list(s, "setproduct") for s in sets]
    if len(lists) < 2:
        raise TypeError("at least two arguments are required")
    size = 1
    for lst in lists:
        size *= len(lst)
    if size > MAX_PRODUCT:
        raise ValueError(f"setproduct() of {size} elements exceeds the limit of {MAX_PRODUCT}")
    product = [list(p) for p in itertools.product(*lists)]
    return TfSet(product) if any(isinstance(s, TfSet) for s in sets) else product


def _set_op(name: str, *sets: Any) -> TfSet:
    parts = [make_set(_list(s, name)) for s in sets]
    if not parts:
        raise TypeError(f"{name}() takes at least one set")
    result = list(parts[0])
    for other in parts[1:]:
        if name == "setunion":
            result += other
        elif name == "setintersection":
            result = [v for v in result if any(_same(v, o) for o in other)]
        else:
            result = [v for v in result if not any(_same(v, o) for o in other)]
    return make_set(result)


COLLECTION_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "merge": merge, "concat": concat, "lookup": lookup, "coalesce": coalesce, "coalescelist": coalescelist,
    "element": element, "index": index, "length": length, "flatten": flatten, "distinct": distinct,
    "compact": compact, "contains": contains, "zipmap": zipmap, "range": range_, "slice": slice_,
    "sort": sort, "one": one, "chunklist": chunklist, "matchkeys": matchkeys, "transpose": transpose,
    "alltrue": alltrue, "anytrue": anytrue, "sum": sum_, "setproduct": setproduct,
    "keys": lambda m: sorted(_map(m, "keys")), "values": lambda m: [m[k] for k in sorted(_map(m, "values"))],
    "reverse": lambda lst: list(reversed(_list(lst, "reverse"))),
    "setunion": lambda *s: _set_op("setunion", *s),
    "setintersection": lambda *s: _set_op("setintersection", *s),
    "setsubtract": lambda a, b: _set_op("setsubtract", a, b),
}
