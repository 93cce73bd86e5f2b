"""HCL text -> blocks and a compact expression AST, with line numbers.

We drive python-hcl2's lark grammar directly and convert its raw parse tree
in one pass. Skipping python-hcl2's own transformer and serializer is what
makes parsing affordable on large trees (see benchmarks/), and the AST keeps
expressions structured so that the evaluator never re-parses `${...}` text.

AST nodes are tuples, tagged by their first element:
  ("lit", value)                     literal (str, int, float, bool, None)
  ("tmpl", parts)                    string template; parts are str or nodes
  ("trav", root, steps)              reference: root name + ("attr", n) / ("index", node) steps
  ("call", name, args, expand, line) function call (line 0: not known, in a heredoc or template)
  ("tuple", items) / ("object", [(key, value)])
  ("op", op, left, right) / ("unary", op, operand) / ("cond", c, a, b)
  ("for", key_var, value_var, coll, key_expr, value_expr, cond, grouping)
  ("splat", base, steps)             base[*].steps
  ("get", base, steps)               traversal on a computed base
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfguard.load.hcl_expr import Node, convert, string_node
from tfguard.load.hcl_grammar import HclSyntaxError, deepest_line, parse_tree, start_line
from tfguard.load.hcl_template import TemplateError


@dataclass(frozen=True)
class Attribute:
    name: str
    expr: Node
    line: int
    end_line: int
    file: str = ""  # set only when an override file replaced it (else the block's file)


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    line: int
    end_line: int
    attrs: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    file: str = ""  # set only on a nested block an override file put there (else its parent's file)


def parse_body(text: str) -> Block:
    """Parse a whole file into a pseudo-block holding its top-level body."""
    if not text.endswith("\n"):
        text += "\n"
    tree = parse_tree(text)
    root = Block("", (), 1, text.count("\n"))
    try:
        _fill_body(root, tree.children[0])
    except RecursionError:
        # LALR parsing is iterative, our tree conversion is not: a file nested
        # thousands deep is refused with the line of the element it was in.
        raise HclSyntaxError("nested too deeply to analyse", deepest_line(tree)) from None
    return root


def _fill_body(block: Block, body: Any) -> None:
    for child in body.children:
        data = getattr(child, "data", None)
        if data == "attribute":
            name = _name(child.children[0])
            try:
                expr = convert(child.children[2])
            except TemplateError as exc:  # e.g. %{endif} without %{if}
                raise HclSyntaxError(str(exc), start_line(child)) from None
            block.attrs[name] = Attribute(name, expr, start_line(child), _end_line(child))
        elif data == "block":
            labels: list[str] = []
            body_tree = None
            for part in child.children:
                pdata = getattr(part, "data", None)
                if pdata == "body":
                    body_tree = part
                elif pdata == "string":
                    labels.append(_plain_string(part))
                elif pdata in ("identifier", "keyword", "literal_value"):
                    labels.append(_name(part))
            sub = Block(labels[0], tuple(labels[1:]), start_line(child), _end_line(child))
            if body_tree is not None:
                _fill_body(sub, body_tree)
            block.blocks.append(sub)


def _end_line(tree: Any) -> int:
    # Lark spans include trailing newline/comment tokens; the last line that
    # belongs to the element is that of its last meaningful token.
    node = tree
    while True:
        kids = [
            c for c in getattr(node, "children", ())
            if getattr(c, "data", None) != "new_line_or_comment"
            and getattr(c, "type", None) != "NL_OR_COMMENT"
        ]
        if not kids:
            break
        node = kids[-1]
    text = str(node)
    return int(node.end_line) - (1 if text.endswith("\n") else 0)


def _name(tree: Any) -> str:
    return str(tree.children[0])


def _plain_string(tree: Any) -> str:
    node = string_node(tree)
    if node[0] == "lit":
        return str(node[1])
    return "".join(p if isinstance(p, str) else "${...}" for p in node[1])
