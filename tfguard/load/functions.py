"""Terraform's pure functions that tfguard evaluates statically.

Only functions without side effects are here: nothing reads the network or
runs a program. A function missing from this table makes its result Unknown.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tfguard.load.evaluate import Scope, evaluate, has_error, to_string, unknown_from
from tfguard.load.hcl_expr import Node
from tfguard.model import EvalError, Unknown, is_unknown


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise TypeError("merge() takes maps")
        out.update(m)
    return out


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            raise TypeError("concat() takes lists")
        out.extend(item)
    return out


def _lookup(m: Any, key: Any, *default: Any) -> Any:
    if not isinstance(m, dict):
        raise TypeError("lookup() takes a map")
    if to_string(key) in m:
        return m[to_string(key)]
    if default:
        return default[0]
    raise KeyError(key)


def _coalesce(*values: Any) -> Any:
    for v in values:
        if v is not None and v != "":
            return v
    raise ValueError("no non-null argument")


def _format(fmt: Any, *args: Any) -> str:
    # Terraform's verbs (%s %d %v %q ...) map onto Python's for the common cases.
    text = re.sub(r"%(?![%sdvqftbeEgGxXo0-9.#+\- ])", "%%", str(fmt))
    text = re.sub(r"%([-+#0 ]*\d*(?:\.\d+)?)[vq]", r"%\1s", text)
    return text % tuple(args)


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def _toset(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value:
        if item not in out:
            out.append(item)
    return out


def _tomap(value: Any) -> Any:
    if not isinstance(value, dict):
        raise TypeError("tomap() takes an object")
    return value


def _tobool(value: Any) -> Any:
    if value in (True, "true"):
        return True
    if value in (False, "false"):
        return False
    if value is None:
        return None
    raise ValueError("not a bool")


def _tonumber(value: Any) -> Any:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return float(text) if any(c in text for c in ".eE") else int(text)


def _element(lst: Any, idx: Any) -> Any:
    return lst[int(idx) % len(lst)]


def _length(value: Any) -> int:
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise TypeError("length() of a scalar")


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    import ipaddress

    net = ipaddress.ip_network(str(prefix), strict=False)
    new_prefix = net.prefixlen + int(newbits)
    if new_prefix > net.max_prefixlen or int(netnum) >= 2 ** int(newbits) or int(netnum) < 0:
        raise ValueError("not enough bits for that subnet")
    size = 2 ** (net.max_prefixlen - new_prefix)
    address = ipaddress.ip_address(int(net.network_address) + int(netnum) * size)
    return f"{address}/{new_prefix}"


MAX_RANGE = 100_000


def _range(*args: Any) -> list[int]:
    r = range(*(int(x) for x in args))
    if len(r) > MAX_RANGE:
        raise ValueError(f"range of {len(r)} elements exceeds the limit of {MAX_RANGE}")
    return list(r)


# Scanned code is untrusted: a pattern with a quantified group that itself
# repeats can backtrack for hours in Python's engine (Terraform uses RE2).
_NESTED_QUANTIFIER = re.compile(r"\([^)]*[+*}][^)]*\)\s*[+*{]")


def _safe_pattern(pattern: Any, text: Any) -> re.Pattern[str]:
    p, t = str(pattern), str(text)
    if len(p) > 1000 or len(t) > 100_000 or _NESTED_QUANTIFIER.search(p):
        raise ValueError("pattern not evaluated: it could backtrack without bound")
    return re.compile(p)


def _regex(pattern: Any, text: Any) -> Any:
    m = _safe_pattern(pattern, text).search(str(text))
    if not m:
        raise ValueError("pattern did not match")
    if m.groupdict():
        return m.groupdict()
    return list(m.groups()) if m.groups() else m.group(0)


def _regexall(pattern: Any, text: Any) -> Any:
    return [list(m.groups()) if m.groups() else m.group(0) for m in _safe_pattern(pattern, text).finditer(str(text))]


def _replace(text: Any, old: Any, new: Any) -> str:
    old_s = str(old)
    if len(old_s) > 1 and old_s.startswith("/") and old_s.endswith("/"):
        pattern = _safe_pattern(old_s[1:-1], text)
        return pattern.sub(re.sub(r"\$\{?(\d+)\}?", r"\\\1", str(new)), str(text))
    return str(text).replace(old_s, str(new))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "merge": _merge, "concat": _concat, "lookup": _lookup,
    "coalesce": _coalesce,
    "coalescelist": lambda *ls: next(lst for lst in ls if lst),
    "format": _format,
    "formatlist": lambda fmt, *lists: [_format(fmt, *row) for row in zip(*lists)],
    "join": lambda sep, lst: str(sep).join(to_string(x) for x in lst),
    "split": lambda sep, text: str(text).split(str(sep)),
    "lower": lambda s: str(s).lower(), "upper": lambda s: str(s).upper(),
    "title": lambda s: str(s).title(),
    "replace": _replace,
    "trim": lambda s, chars: str(s).strip(str(chars)),
    "trimspace": lambda s: str(s).strip(),
    "trimprefix": lambda s, p: str(s)[len(str(p)):] if str(s).startswith(str(p)) else str(s),
    "trimsuffix": lambda s, p: str(s)[: -len(str(p))] if p and str(s).endswith(str(p)) else str(s),
    "tolist": list, "toset": _toset, "tomap": _tomap,
    "tostring": lambda v: v if v is None else to_string(v),
    "tonumber": _tonumber, "tobool": _tobool,
    "length": _length, "element": _element,
    "index": lambda lst, v: lst.index(v),
    "contains": lambda lst, v: v in lst,
    "keys": lambda m: sorted(m), "values": lambda m: [m[k] for k in sorted(m)],
    "flatten": _flatten, "distinct": _toset,
    "compact": lambda lst: [x for x in lst if x not in (None, "")],
    "zipmap": lambda ks, vs: dict(zip((to_string(k) for k in ks), vs)),
    "range": _range,
    "min": min, "max": max, "abs": abs,
    "ceil": lambda x: math.ceil(x), "floor": lambda x: math.floor(x),
    "startswith": lambda s, p: str(s).startswith(str(p)),
    "endswith": lambda s, p: str(s).endswith(str(p)),
    "substr": lambda s, off, n: str(s)[int(off):] if int(n) < 0 else str(s)[int(off):int(off) + int(n)],
    "regex": _regex, "regexall": _regexall,
    "base64encode": lambda s: base64.b64encode(str(s).encode()).decode(),
    "base64decode": lambda s: base64.b64decode(str(s)).decode(),
    "sha256": lambda s: hashlib.sha256(str(s).encode()).hexdigest(),
    "md5": lambda s: hashlib.md5(str(s).encode()).hexdigest(),
    "jsondecode": lambda s: json.loads(str(s)),
    "cidrsubnet": _cidrsubnet,
    "yamlencode": lambda v: json.dumps(v),
}


def _try(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    # Terraform falls back only when an argument fails, never because it is
    # (partly) unknown: that value is the result, with its unknown parts.
    errors: list[Any] = []
    for arg in args:
        value = evaluate(arg, scope, depth)
        if not has_error(value):
            return value
        errors.append(value)
    return unknown_from(errors, "try(): no argument could be evaluated without error")


def _can(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 1:
        return EvalError("can() takes one argument")
    value = evaluate(args[0], scope, depth)
    if has_error(value):
        return False
    if is_unknown(value):
        return unknown_from([value])
    return True


MAX_READ_BYTES = 4 * 1024 * 1024


def _scan_file(scope: Scope, value: Any) -> Path | Unknown:
    """A path for file()/templatefile(): resolved like Terraform, refused outside the scan root."""
    if is_unknown(value) or not isinstance(value, str):
        return unknown_from([value], "file path is not known statically")
    if scope.root is None:
        return Unknown("file functions are not evaluated here")
    candidates = [Path(value)] if Path(value).is_absolute() else [
        base / value for base in (scope.shown_root, scope.root, scope.directory) if base is not None
    ]
    for path in candidates:
        resolved = path.resolve()
        try:
            resolved.relative_to(scope.root)
        except ValueError:
            continue  # never read outside the scan root, whatever the path says
        if resolved.is_file():
            return resolved
    return Unknown(f"file {value!r} is not inside the scanned directory")


def _read(path: Path) -> str | Unknown:
    try:
        if path.stat().st_size > MAX_READ_BYTES:
            return Unknown(f"{path.name} is larger than {MAX_READ_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Unknown(f"cannot read {path.name}: {exc}")


def _file(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 1:
        return Unknown("file() takes one argument")
    path = _scan_file(scope, evaluate(args[0], scope, depth))
    return path if isinstance(path, Unknown) else _read(path)


def _fileexists(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    if len(args) != 1:
        return Unknown("fileexists() takes one argument")
    path = _scan_file(scope, evaluate(args[0], scope, depth))
    return True if not isinstance(path, Unknown) else Unknown(path.reason)


def _templatefile(args: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    from tfguard.load.hcl_expr import _split_template, _template

    if len(args) != 2:
        return Unknown("templatefile() takes two arguments")
    path = _scan_file(scope, evaluate(args[0], scope, depth))
    names = evaluate(args[1], scope, depth)
    if isinstance(path, Unknown):
        return path
    if not isinstance(names, dict):
        return unknown_from([names], "templatefile() variables are not known statically")
    text = _read(path)
    if isinstance(text, Unknown):
        return text
    # The template sees only its own variables, as in Terraform.
    inner = Scope(iteration=dict(names), root=scope.root, directory=path.parent, shown_root=scope.shown_root)
    return evaluate(_template(_split_template(text)), inner, depth)


LAZY: dict[str, Callable[[tuple[Node, ...], Scope, int], Any]] = {
    "try": _try, "can": _can, "file": _file, "fileexists": _fileexists, "templatefile": _templatefile,
}
