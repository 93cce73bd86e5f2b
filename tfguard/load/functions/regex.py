"""regex(), regexall() and replace() with RE2's syntax and results, on Python's engine."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tfguard.load.functions.types import string
from tfguard.model import NotStatic

# Scanned code is untrusted: a pattern with a quantified group that itself
# repeats can backtrack for hours in Python's engine (Terraform uses RE2).
_NESTED_QUANTIFIER = re.compile(r"\([^)]*[+*}][^)]*\)\s*[+*{]")
_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@[-`{-~",
    "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}


def translate(pattern: str) -> str:
    """An RE2 pattern in Python's syntax: `$` and `\\z` end the text, POSIX classes,
    `(?<name>`; what RE2 refuses (lookaround, backreferences) is an error."""
    multiline = re.search(r"\(\?[a-zA-Z]*m", pattern) is not None
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.isdigit() and nxt != "0" and not in_class:
                raise ValueError("invalid escape sequence: backreferences are not supported")
            if nxt in "pP":
                raise NotStatic("Unicode classes (\\p) are not evaluated")
            out.append("\\Z" if nxt == "z" and not in_class else pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            m = re.match(r"\[:(\^?)([a-z]+):\]", pattern[i:])
            if m and m.group(2) in _POSIX and not m.group(1):
                out.append(_POSIX[m.group(2)])
                i += m.end()
                continue
            in_class = c != "]"
        elif c == "[":
            in_class = True
            out.append("[^" if pattern[i + 1:i + 2] == "^" else "[")
            i += 2 if out[-1] == "[^" else 1
            if pattern[i:i + 1] == "]":
                out.append("\\]")
                i += 1
            continue
        elif c == "$" and not multiline:
            out.append("\\Z")
            i += 1
            continue
        elif pattern.startswith("(?", i):
            if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
                raise ValueError("invalid or unsupported Perl syntax: lookaround")
            if pattern.startswith("(?<", i):
                out.append("(?P<")
                i += 3
                continue
            if re.match(r"\(\?[a-zA-Z]*U", pattern[i:]):
                raise NotStatic("the U (ungreedy) flag is not evaluated")
        out.append(c)
        i += 1
    return "".join(out)


def compile_pattern(pattern: Any, text: Any = "") -> re.Pattern[str]:
    p, t = string(pattern), string(text)
    if len(p) > 1000 or len(t) > 100_000 or _NESTED_QUANTIFIER.search(p):
        raise NotStatic("pattern not evaluated: it could backtrack without bound")
    try:
        return re.compile(translate(p), re.ASCII)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


def _groups(m: re.Match[str]) -> Any:
    named = m.re.groupindex
    if named and len(named) != m.re.groups:
        raise ValueError("the pattern mixes named and unnamed capture groups")
    if named:
        return m.groupdict()  # a group that did not participate is null
    if m.re.groups:
        return list(m.groups())
    return m.group(0)


def regex(pattern: Any, text: Any) -> Any:
    m = compile_pattern(pattern, text).search(string(text))
    if not m:
        raise ValueError("pattern did not match any part of the given string")
    return _groups(m)


def regexall(pattern: Any, text: Any) -> list[Any]:
    return [_groups(m) for m in compile_pattern(pattern, text).finditer(string(text))]


_TEMPLATE = re.compile(r"\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


def _expand(template: str, m: re.Match[str]) -> str:
    """Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; an unknown group is empty."""
    def one(t: re.Match[str]) -> str:
        name = t.group(1) or t.group(2)
        if name is None:
            return "$"
        if name.isdigit():
            n = int(name)
            return (m.group(n) or "") if n <= (m.re.groups) else ""
        return (m.group(name) or "") if name in m.re.groupindex else ""
    return _TEMPLATE.sub(one, template)


def replace(text: Any, old: Any, new: Any) -> str:
    s, o, n = string(text), string(old), string(new)
    if len(o) > 1 and o.startswith("/") and o.endswith("/"):
        pattern = compile_pattern(o[1:-1], s)
        return pattern.sub(lambda m: _expand(n, m), s)
    return s.replace(o, n)


REGEX_FUNCTIONS: dict[str, Callable[..., Any]] = {"regex": regex, "regexall": regexall, "replace": replace}
