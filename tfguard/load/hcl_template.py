"""Template sequences: strip markers (`${~ x ~}`, `%{~ if c ~}`) and `%{if}` / `%{for}` directives.

The parsers (quoted strings in hcl_expr.string_node; heredocs, templatefile()
and .tf.json strings in split_template here, with the expression parser they
pass in) produce a flat list: literal text, expression nodes, and `Seq`
markers. `assemble` applies the strip
markers and nests the directives, as Terraform does:

- `~` after the opening `${` / `%{` removes the whitespace just before the
  sequence, `~` before the closing `}` the whitespace just after it;
- in a quoted string that is all the whitespace of the neighbouring literal;
  in heredocs and template files Terraform's literal tokens end at each
  newline, so the strip stops at the line: the trailing whitespace of the last
  line before (its newline included when the sequence starts the line), or
  the leading whitespace of the rest of the line after (with its newline).

A template holding a directive becomes ("tdir", parts), where parts may be
("tif", cond, then, else) and ("tfor", key_var, value_var, coll, body);
template_eval.py evaluates it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Node = tuple[Any, ...]
# Text -> expression node (hcl_expr.parse_expression): the parsers pass it in, so that
# this module, below them, parses `${...}` text without importing them.
ExpressionParser = Callable[[str], Node]


class TemplateError(ValueError):
    """An unbalanced or malformed directive (Terraform rejects the template)."""


@dataclass(frozen=True)
class Seq:
    """One `${...}` or `%{...}` sequence of the flat list, before assembly."""

    kind: str  # "interp", "if", "else", "endif", "for", "endfor"
    strip_left: bool = False
    strip_right: bool = False
    expr: Node | None = None  # interpolated expression, if condition, for collection
    key_var: str | None = None
    value_var: str | None = None


_DIRECTIVE = re.compile(
    r"^(?:(?P<if>if)\s+(?P<cond>.+)|(?P<else>else)|(?P<endif>endif)|(?P<endfor>endfor)"
    r"|(?P<for>for)\s+(?P<a>[A-Za-z_][\w-]*)\s*(?:,\s*(?P<b>[A-Za-z_][\w-]*)\s*)?\s+in\s+(?P<coll>.+))$",
    re.S,
)


def sequence(inner: str, directive: bool, parse_expression: ExpressionParser) -> Seq:
    """`${inner}` or `%{inner}` of a heredoc / template file: its strip markers and parts."""
    text = inner.strip()
    left = text.startswith("~")
    text = text[1:] if left else text
    right = text.endswith("~")
    text = (text[:-1] if right else text).strip()
    if not directive:
        return Seq("interp", left, right, parse_expression(text))
    m = _DIRECTIVE.match(text)
    if m is None:
        raise TemplateError(f"unknown template directive %{{{inner.strip()[:40]}}}")
    if m.group("if"):
        return Seq("if", left, right, parse_expression(m.group("cond")))
    if m.group("for"):
        key, value = (m.group("a"), m.group("b")) if m.group("b") else (None, m.group("a"))
        return Seq("for", left, right, parse_expression(m.group("coll")), key, value)
    kind = next(k for k in ("else", "endif", "endfor") if m.group(k))
    return Seq(kind, left, right)


def split_template(body: str, parse_expression: ExpressionParser) -> list[Any]:
    """Split heredoc / template-file text at `${...}` and `%{...}`; each inner
    expression is parsed alone."""
    parts: list[Any] = []
    i = 0
    while i < len(body):
        j = body.find("${", i)
        k = body.find("%{", i)
        if j < 0 and k < 0:
            parts.append(body[i:])
            break
        start = j if k < 0 or (0 <= j < k) else k
        if start > 0 and body[start - 1] == body[start]:  # $${ or %%{ escape
            parts.append(body[i : start - 1] + body[start : start + 2])
            i = start + 2
            continue
        parts.append(body[i:start])
        end = _matching_brace(body, start + 1)
        inner = body[start + 2 : end]
        parts.append(sequence(inner, body[start] == "%", parse_expression))
        i = end + 1
    return parts


def _matching_brace(text: str, open_at: int) -> int:
    depth, i, quote = 0, open_at, False
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == '"':
                quote = False
        elif c == '"':
            quote = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text) - 1


def has_sequences(parts: list[Any]) -> bool:
    return any(isinstance(p, Seq) for p in parts)


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def _strip(parts: list[Any], per_line: bool) -> list[Any]:
    """Apply the strip markers to the literal text around each sequence."""
    out = list(parts)
    for i, part in enumerate(out):
        if not isinstance(part, Seq):
            continue
        if part.strip_left and i > 0 and isinstance(out[i - 1], str):
            if per_line:
                lines = _split_lines(out[i - 1])
                lines[-1] = lines[-1].rstrip()
                out[i - 1] = "".join(lines)
            else:
                out[i - 1] = out[i - 1].rstrip()
        if part.strip_right and i + 1 < len(out) and isinstance(out[i + 1], str):
            if per_line:
                lines = _split_lines(out[i + 1])
                lines[0] = lines[0].lstrip()
                out[i + 1] = "".join(lines)
            else:
                out[i + 1] = out[i + 1].lstrip()
    return out


def _merge(parts: list[Any]) -> Node:
    merged: list[Any] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif not (isinstance(p, str) and not p):
            merged.append(p)
    if not merged:
        return ("lit", "")
    if len(merged) == 1 and isinstance(merged[0], str):
        return ("lit", merged[0])
    directive = any(isinstance(p, tuple) and p[0] in ("tif", "tfor") for p in merged)
    return ("tdir" if directive else "tmpl", tuple(merged))


def assemble(parts: list[Any], per_line: bool) -> Node:
    """The template node of a flat list of text, nodes and Seq markers."""
    if not has_sequences(parts):
        return _merge(parts)
    stack: list[tuple[Seq, list[Any], list[Any] | None]] = []  # (opening seq, body, else body)
    current: list[Any] = []
    for part in _strip(parts, per_line):
        if not isinstance(part, Seq):
            current.append(part)
        elif part.kind == "interp":
            current.append(part.expr)
        elif part.kind in ("if", "for"):
            stack.append((part, current, None))
            current = []
        elif part.kind == "else":
            if not stack or stack[-1][0].kind != "if" or stack[-1][2] is not None:
                raise TemplateError("%{else} without %{if}")
            opening, outer, _ = stack.pop()
            stack.append((opening, outer, current))  # the then-part, kept while the else-part is read
            current = []
        else:
            want = "if" if part.kind == "endif" else "for"
            if not stack or stack[-1][0].kind != want:
                raise TemplateError(f"%{{{part.kind}}} without %{{{want}}}")
            opening, outer, then = stack.pop()
            if want == "if":
                body, otherwise = (then, current) if then is not None else (current, [])
                node: Node = ("tif", opening.expr, _merge(body), _merge(otherwise))
            else:
                node = ("tfor", opening.key_var, opening.value_var, opening.expr, _merge(current))
            current = outer
            current.append(node)
    if stack:
        raise TemplateError(f"%{{{stack[-1][0].kind}}} without %{{end{stack[-1][0].kind}}}")
    return _merge(current)


def parse_template(text: str, parse_expression: ExpressionParser) -> Node:
    """Heredoc, template-file or .tf.json string text -> one node (strip markers stop at the line)."""
    return assemble(split_template(text, parse_expression), per_line=True)
