"""Terraform's string functions, format() with Go's verbs included."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tfguard.load.functions.types import number, string
from tfguard.load.values import json_value, to_string
from tfguard.model import NotStatic

_VERB = re.compile(r"%(?:(%)|([-+# 0]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d*))?(?:\[(\d+)\])?([a-zA-Z]))")


def tf_json(value: Any) -> str:
    """jsonencode() as Terraform writes it: keys sorted, <>& escaped, whole numbers without `.0`."""
    text = json_value(value)
    if not isinstance(text, str):
        raise TypeError("value is not known")
    return text


def format_number_g(x: float, threshold: int = 6) -> str:
    """Go's shortest %g: exponent notation below 1e-4 and from 10**threshold (%v: 21)."""
    if x == 0:
        return "0"
    d = abs(Decimal(repr(float(x)))).normalize()
    _, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    mant = "".join(map(str, digits))
    e10 = len(mant) + exp - 1
    if e10 < -4 or e10 >= threshold:
        text = mant[0] + ("." + mant[1:] if len(mant) > 1 else "") + f"e{e10:+03d}"
    else:
        text = format(d, "f")
    return ("-" if x < 0 else "") + text


def number_text(n: float) -> str:
    """A number as %v and tostring() write it."""
    return str(int(n)) if n == int(n) and abs(n) < 1e21 else format_number_g(n, 21)


def _verb(flags: str, width: str, prec: str | None, verb: str, arg: Any) -> str:
    spec = f"%{flags}{width}" + (f".{prec}" if prec is not None else "")
    plain = spec.replace("#", "") + "s"
    if verb == "v" and ("#" in flags or isinstance(arg, (dict, list))):
        return plain % tf_json(arg)
    if arg is None:
        raise NotStatic("format() of null is unknown in Terraform")
    if isinstance(arg, (dict, list)):
        raise TypeError(f"unsupported value for %{verb}: a collection")
    if verb == "v":
        return plain % (number_text(arg) if isinstance(arg, (int, float)) and not isinstance(arg, bool) else string(arg))
    if verb == "s":
        return plain % string(arg)
    if verb == "q":
        return plain % tf_json(string(arg))
    if verb == "t":
        if not isinstance(arg, bool) and arg not in ("true", "false"):
            raise TypeError("unsupported value for %t: a bool is required")
        return plain % to_string(arg)
    return _number_verb(spec, prec, verb, number(arg))


def _number_verb(spec: str, prec: str | None, verb: str, n: float) -> str:
    if verb in "bdoxX":
        if n != int(n):
            raise ValueError(f"unsupported value for %{verb}: number has a fractional part")
        if verb == "b":
            return (spec + "s") % format(int(n), "b")
        return ((spec + verb) % int(n)).replace("0o", "0")
    if verb in "gG" and prec is None:
        text = format_number_g(n)
        return (spec.replace("#", "") + "s") % (text.upper() if verb == "G" else text)
    if verb in "eEfFgG":
        return (spec + verb) % n
    raise ValueError(f"unrecognized format verb %{verb}")


def format_(fmt: Any, *args: Any) -> str:
    text, out, pos, next_arg, used = string(fmt), [], 0, 0, set()
    for m in _VERB.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        if m.group(1):
            out.append("%")
            continue
        explicit = m.group(3) or m.group(6)
        if explicit:
            next_arg = int(explicit) - 1
        if next_arg >= len(args) or next_arg < 0:
            raise ValueError("not enough arguments for format string")
        out.append(_verb(m.group(2), m.group(4) or "", m.group(5), m.group(7), args[next_arg]))
        used.add(next_arg)
        next_arg += 1
    out.append(text[pos:])
    if len(used) < len(args):
        raise ValueError(f"too many arguments; only {len(used)} used by format string")
    return "".join(out)


def formatlist(fmt: Any, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise ValueError("all list arguments must have the same length")
    n = lengths.pop() if lengths else 1
    return [format_(fmt, *(a[i] if isinstance(a, list) else a for a in args)) for i in range(n)]


def _is_separator(c: str) -> bool:
    if c.isascii():
        return not (c.isalnum() or c == "_")
    return c.isspace()


def title(s: Any) -> str:
    """Go's strings.Title: the first letter of each word upper-cased, the rest kept."""
    out, prev = [], " "
    for c in string(s):
        out.append(c.upper() if _is_separator(prev) else c)
        prev = c
    return "".join(out)


def substr(s: Any, offset: Any, length: Any) -> str:
    text, off, n = string(s), int(number(offset)), int(number(length))
    if off < 0:
        off = max(len(text) + off, 0)
    if off > len(text):
        return ""
    return text[off:] if n < 0 else text[off:off + n]


def split(sep: Any, text: Any) -> list[str]:
    s, t = string(sep), string(text)
    return list(t) if s == "" else t.split(s)


def join(sep: Any, *lists: Any) -> str:
    if not lists:
        raise TypeError("at least one list is required")
    items = [x for lst in lists for x in lst]
    if any(x is None for x in items):
        raise ValueError("element is null; cannot concatenate null values")
    return string(sep).join(string(x) for x in items)


def chomp(s: Any) -> str:
    return re.sub(r"(?:\r\n?|\n)*\Z", "", string(s))


STRING_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": format_, "formatlist": formatlist, "title": title, "substr": substr, "split": split,
    "join": join, "chomp": chomp,
    "lower": lambda s: string(s).lower(), "upper": lambda s: string(s).upper(),
    "trim": lambda s, chars: string(s).strip(string(chars)),
    "trimspace": lambda s: string(s).strip(" \t\n\r\v\f\u0085\u00a0"),
    "trimprefix": lambda s, p: string(s).removeprefix(string(p)),
    "trimsuffix": lambda s, p: string(s).removesuffix(string(p)),
    "startswith": lambda s, p: string(s).startswith(string(p)),
    "endswith": lambda s, p: string(s).endswith(string(p)),
    "strcontains": lambda s, p: string(p) in string(s),
    "strrev": lambda s: string(s)[::-1],
    "indent": lambda n, s: string(s).replace("\n", "\n" + " " * int(number(n))),
}
