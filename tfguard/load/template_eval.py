"""Evaluating templates with `%{if}` / `%{for}` directives (see hcl_template).

A directive is expanded in place into literal text and the values it
interpolates; the result is then evaluated as an ordinary template, so that
unknown parts keep the same shape (`Unknown.partial` / `Unknown.parts`) as
anywhere else. A condition or collection that is not known makes that
directive one unknown part of the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tfguard.load.eval_core import Scope, evaluate
from tfguard.load.values import unknown_from
from tfguard.model import EvalError, is_unknown

Node = tuple[Any, ...]
MAX_TEMPLATE_ITEMS = 10_000


def _tdir(node: Node, scope: Scope, depth: int) -> Any:
    flat: list[Any] = []
    _expand(node[1], scope, depth, flat, [0])
    return evaluate(("tmpl", tuple(flat)), scope, depth)


def _expand(parts: tuple[Any, ...], scope: Scope, depth: int, out: list[Any], budget: list[int]) -> None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "tif":
            _expand_if(part, scope, depth, out, budget)
        elif part[0] == "tfor":
            _expand_for(part, scope, depth, out, budget)
        else:
            out.append(("lit", evaluate(part, scope, depth)))


def _body(node: Node) -> tuple[Any, ...]:
    """A nested template node as parts."""
    if node[0] in ("tmpl", "tdir"):
        return tuple(node[1])
    return (node[1],) if node[0] == "lit" and isinstance(node[1], str) else (node,)


def _expand_if(node: Node, scope: Scope, depth: int, out: list[Any], budget: list[int]) -> None:
    cond = evaluate(node[1], scope, depth)
    if is_unknown(cond):
        out.append(("lit", unknown_from([cond], "a template %{if} condition is not known statically")))
    elif not isinstance(cond, bool):
        out.append(("lit", EvalError("a template %{if} condition must be a bool")))
    else:
        _expand(_body(node[2] if cond else node[3]), scope, depth, out, budget)


def _expand_for(node: Node, scope: Scope, depth: int, out: list[Any], budget: list[int]) -> None:
    _, key_var, value_var, coll_node, body = node
    coll = evaluate(coll_node, scope, depth)
    if is_unknown(coll):
        out.append(("lit", unknown_from([coll], "a template %{for} collection is not known statically")))
        return
    if isinstance(coll, dict):
        pairs = list(coll.items())
    elif isinstance(coll, list):
        pairs = list(enumerate(coll))
    else:
        out.append(("lit", EvalError("a template %{for} needs a collection")))
        return
    budget[0] += len(pairs)
    if budget[0] > MAX_TEMPLATE_ITEMS:  # nested loops multiply: refuse rather than exhaust memory
        out.append(("lit", EvalError(f"a template repeats more than {MAX_TEMPLATE_ITEMS} times")))
        return
    for k, v in pairs:
        names = {value_var: v} if key_var is None else {key_var: k, value_var: v}
        _expand(_body(body), scope.child(**names), depth, out, budget)


EVAL_TEMPLATE: dict[str, Callable[[Node, Scope, int], Any]] = {"tdir": _tdir}
