"""Lark parse tree of an HCL expression -> tuple AST (see hcl_ast); one expression's text -> its AST."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tfguard.load.hcl_grammar import HclSyntaxError, deepest_line, parse_tree, start_line
from tfguard.load.hcl_template import Seq, TemplateError, assemble, parse_template

Node = tuple[Any, ...]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESC_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        s = m.group(1)
        if s[0] in "uU" and len(s) > 1:
            return chr(int(s[1:], 16))
        return _ESCAPES.get(s, "\\" + s)

    return _ESC_RE.sub(repl, text)


def string_node(tree: Any) -> Node:
    parts: list[Any] = []
    for child in tree.children:
        if getattr(child, "data", None) != "string_part":
            continue
        inner = child.children[0]
        idata = getattr(inner, "data", None)
        if idata is None:
            text = str(inner)
            if inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(text[1:])
            else:
                parts.append(_unescape(text))
        else:
            parts.append(_sequence(inner, str(idata)))
    return assemble(parts, per_line=False)


_SEQ_KINDS = {"interpolation": "interp", "template_if_start": "if", "template_else": "else",
              "template_endif": "endif", "template_for_start": "for", "template_endfor": "endfor"}


def _sequence(tree: Any, data: str) -> Any:
    """`${~ x ~}` / `%{~ if x ~}`... of a quoted string, as an hcl_template.Seq."""
    kids = tree.children
    kinds = [getattr(k, "type", None) for k in kids]
    left = len(kinds) > 1 and kinds[1] == "STRIP_MARKER"
    right = len(kinds) > 1 and kinds[-2] == "STRIP_MARKER"
    trees = [k for k in kids if hasattr(k, "data")]  # for: the names, then the collection
    expr = convert(trees[-1]) if trees else None
    kind = _SEQ_KINDS.get(data, data)
    if kind == "for":
        names = [str(k.children[0]) for k in trees[:-1]]
        key, value = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return Seq(kind, left, right, expr, key, value)
    return Seq(kind, left, right, expr)


def _heredoc(text: str, trim: bool) -> Node:
    first_nl = text.index("\n")
    body = text[first_nl + 1 :]
    body = body[: body.rstrip().rfind("\n") + 1] if "\n" in body.rstrip() else ""
    if trim:
        lines = body.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents) if indents else 0
        body = "\n".join(ln[cut:] for ln in lines)
    if "${" not in body and "%{" not in body:
        return ("lit", body.replace("$${", "${").replace("%%{", "%{"))
    return parse_template(body, parse_expression)


def parse_expression(text: str) -> Node:
    """Parse one expression (`${...}` inside heredocs and template files, a --var value)."""
    tree = parse_tree(f"x = {text.strip()}\n")
    found: Node = ("unsupported", "template")
    # As a body holding `x = text`: every attribute of it converts, the last `x` is the value.
    for child in tree.children[0].children:
        if getattr(child, "data", None) != "attribute":
            continue
        try:
            expr = convert(child.children[2])
        except TemplateError as exc:  # e.g. %{endif} without %{if}
            raise HclSyntaxError(str(exc), start_line(child)) from None
        except RecursionError:
            raise HclSyntaxError("nested too deeply to analyse", deepest_line(tree)) from None
        if str(child.children[0].children[0]) == "x":
            found = _no_lines(expr)
    return found


def _no_lines(node: Any) -> Any:
    """The expression without call lines: they count from the snippet, not from its file."""
    if not isinstance(node, tuple):
        return node
    items = tuple(_no_lines(item) for item in node)
    is_call = len(items) == 5 and items[0] == "call" and isinstance(items[3], bool)  # not a template's parts
    return items[:4] + (0,) if is_call else items


def _children(tree: Any) -> list[Any]:
    """Children that carry meaning: no punctuation tokens, no newlines."""
    return [
        c
        for c in tree.children
        if getattr(c, "data", None) not in (None, "new_line_or_comment")
    ]


def convert(tree: Any) -> Node:
    data = getattr(tree, "data", None)
    if data is None:  # a bare token
        return ("lit", str(tree))
    handler = _HANDLERS.get(str(data))
    if handler is None:
        return ("unsupported", str(data))
    return handler(tree)


def _expr_term(tree: Any) -> Node:
    kids = _children(tree)
    return convert(kids[0])


def _literal_value(tree: Any) -> Node:
    word = str(tree.children[0])
    return ("lit", {"true": True, "false": False, "null": None}[word])


def _int(tree: Any) -> Node:
    return ("lit", int(str(tree.children[0])))


def _float(tree: Any) -> Node:
    return ("lit", float(str(tree.children[0])))


def _identifier(tree: Any) -> Node:
    return ("trav", str(tree.children[0]), ())


def _traversal(base: Node, steps: list[Node]) -> Node:
    if base[0] == "trav":
        return ("trav", base[1], tuple(base[2]) + tuple(steps))
    if base[0] == "get":
        return ("get", base[1], tuple(base[2]) + tuple(steps))
    return ("get", base, tuple(steps))


def _step(tree: Any) -> Node:
    data = str(tree.data)
    if data == "get_attr":
        return ("attr", str(_children(tree)[0].children[0]))
    if data == "short_index":
        return ("index", ("lit", int(str(tree.children[-1]))))
    return ("index", convert(_children(tree)[0]))  # braces_index


def _get_attr_term(tree: Any) -> Node:
    kids = _children(tree)
    return _traversal(convert(kids[0]), [_step(kids[1])])


def _splat_term(tree: Any) -> Node:
    kids = _children(tree)
    steps = tuple(_step(s) for s in _children(kids[1]))
    return ("splat", convert(kids[0]), steps)


def _tuple(tree: Any) -> Node:
    return ("tuple", tuple(convert(c) for c in _children(tree)))


def _object(tree: Any) -> Node:
    items = []
    for elem in _children(tree):
        key_tree, value_tree = _children(elem)
        key_kids = _children(key_tree)
        key = convert(key_kids[0])
        parenthesized = str(getattr(key_kids[0], "children", [""])[0]) == "("  # (k) = v: the value of k
        if key[0] == "trav" and not key[2] and not parenthesized:
            key = ("lit", key[1])  # a bare identifier key is its own name
        elif key[0] == "lit" and getattr(key_kids[0], "data", None) == "keyword":
            key = ("lit", str(key_kids[0].children[0]))
        items.append((key, convert(value_tree)))
    return ("object", tuple(items))


def _keyword(tree: Any) -> Node:
    return ("lit", str(tree.children[0]))


def _function_call(tree: Any) -> Node:
    kids = tree.children
    names = [str(c.children[0]) for c in kids if getattr(c, "data", None) == "identifier"]
    args_tree = next((c for c in kids if getattr(c, "data", None) == "arguments"), None)
    args: tuple[Node, ...] = ()
    expand = False
    if args_tree is not None:
        args = tuple(convert(c) for c in _children(args_tree))
        expand = any(getattr(c, "type", None) == "ELLIPSIS" for c in args_tree.children)
    line = int(kids[0].children[0].line)  # of the name: where Terraform reports a failed call
    return ("call", "::".join(names), args, expand, line)


def _binary_op(tree: Any) -> Node:
    kids = _children(tree)
    left = convert(kids[0])
    term = _children(kids[1])
    op = str(term[0].children[0])
    return ("op", op, left, convert(term[1]))


def _unary(tree: Any) -> Node:
    op = str(tree.children[0])
    operand = convert(tree.children[1])
    if op == "-" and operand[0] == "lit" and type(operand[1]) in (int, float):  # not -true: that fails
        return ("lit", -operand[1])
    return ("unary", op, operand)


def _conditional(tree: Any) -> Node:
    c, a, b = _children(tree)
    return ("cond", convert(c), convert(a), convert(b))


def _for_intro(tree: Any) -> tuple[str | None, str, Node]:
    kids = _children(tree)
    names = [str(k.children[0]) for k in kids if k.data == "identifier"]
    coll = convert(kids[-1])
    if len(names) == 2:
        return names[0], names[1], coll
    return None, names[0], coll


def _for_tuple(tree: Any) -> Node:
    kids = _children(tree)
    key, value, coll = _for_intro(kids[0])
    cond = convert(_children(kids[2])[0]) if len(kids) > 2 else None
    return ("for", key, value, coll, None, convert(kids[1]), cond, False)


def _for_object(tree: Any) -> Node:
    kids = _children(tree)
    key, value, coll = _for_intro(kids[0])
    grouping = any(getattr(c, "type", None) == "ELLIPSIS" for c in tree.children)
    cond = convert(_children(kids[3])[0]) if len(kids) > 3 else None
    return ("for", key, value, coll, convert(kids[1]), convert(kids[2]), cond, grouping)


_HANDLERS: dict[str, Callable[[Any], Node]] = {
    "expr_term": _expr_term,
    "literal_value": _literal_value,
    "int_lit": _int,
    "float_lit": _float,
    "string": string_node,
    "identifier": _identifier,
    "keyword": _keyword,
    "get_attr_expr_term": _get_attr_term,
    "index_expr_term": lambda t: _traversal(convert(_children(t)[0]), [_step(_children(t)[1])]),
    "attr_splat_expr_term": _splat_term,
    "full_splat_expr_term": _splat_term,
    "tuple": _tuple,
    "object": _object,
    "function_call": _function_call,
    "binary_op": _binary_op,
    "unary_op": _unary,
    "conditional": _conditional,
    "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
    "heredoc_template": lambda t: _heredoc(str(t.children[0]), False),
    "heredoc_template_trim": lambda t: _heredoc(str(t.children[0]), True),
    "template_string": lambda t: ("lit", _unescape(str(t.children[0])[2:-2])),
}


_NOT_RESOURCES = {"var", "local", "count", "each", "path", "terraform", "self", "module"}


def static_refs(node: Any) -> list[str]:
    """Resource and data addresses an expression names, without evaluating it."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            if item and item[0] == "trav" and isinstance(item[1], str) and item[1] not in _NOT_RESOURCES:
                names = [s[1] for s in item[2] if isinstance(s, tuple) and s and s[0] == "attr"]
                if item[1] in ("data", "ephemeral") and len(names) >= 2:
                    found.append(f"{item[1]}.{names[0]}.{names[1]}")
                elif item[1] not in ("data", "ephemeral") and names:
                    found.append(f"{item[1]}.{names[0]}")
            stack.extend(x for x in item if isinstance(x, tuple))
    return list(dict.fromkeys(found))
