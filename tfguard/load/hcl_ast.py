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

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.load.cachedir import cache_directory
from tfguard.load.hcl_expr import Node, convert, string_node
from tfguard.load.hcl_template import TemplateError


class HclSyntaxError(Exception):
    """A file that does not parse; carries the line Lark reported."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


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


@functools.lru_cache(maxsize=1)
def parser() -> Any:
    # python-hcl2 caches its compiled grammar inside site-packages, which is
    # read-only on many CI images and then costs ~1.5 s per process; we keep
    # our own cache in the user's cache directory instead.
    from lark import Lark

    grammar = _hcl2_dir() / "hcl2.lark"
    cache: str | bool = False
    try:
        cdir = cache_directory()
        cdir.mkdir(parents=True, exist_ok=True)
        cache = str(cdir / f"grammar-{grammar_fingerprint()}-nopos.lark.bin")
    except OSError:
        cache = False
    return Lark(
        patched_grammar(grammar.read_text(encoding="utf-8")),
        parser="lalr",
        cache=cache,
        propagate_positions=False,
        postlex=_post_lexer(),
    )


# What python-hcl2's grammar lacks and Terraform accepts:
# - strip markers in interpolations (`${~ x ~}`; its directives have them);
# - spaces or tabs after a heredoc's closing marker (`POLICY  `).
# Each edit is applied only where its text is found, so a newer grammar
# that has fixed it is used as it is.
_GRAMMAR_EDITS = (
    ("interpolation: INTERP_START expression RBRACE",
     "interpolation: INTERP_START STRIP_MARKER? expression STRIP_MARKER? RBRACE"),
    ("\\s*(?P=heredoc)\\r?\\n/", "\\s*(?P=heredoc)[ \\t]*\\r?\\n/"),
    ("\\s*(?P=heredoc_trim)\\r?\\n/", "\\s*(?P=heredoc_trim)[ \\t]*\\r?\\n/"),
)


def patched_grammar(text: str) -> str:
    for old, new in _GRAMMAR_EDITS:
        text = text.replace(old, new)
    return text


def _hcl2_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("hcl2")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise ImportError("python-hcl2 is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _post_lexer() -> Any:
    """python-hcl2's PostLexer, loaded from its own file: `import hcl2.postlexer`
    would first run hcl2/__init__.py, whose API, serializer and `regex` imports
    (~0.04 s) a scan never uses. The module needs nothing but lark."""
    import importlib.util
    import sys

    name = "tfguard._hcl2_postlexer"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, _hcl2_dir() / "postlexer.py")
        if spec is None or spec.loader is None:  # pragma: no cover - a broken install
            from hcl2.postlexer import PostLexer

            return PostLexer()
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module.PostLexer()


@functools.lru_cache(maxsize=1)
def grammar_fingerprint() -> str:
    """A hash of python-hcl2's grammar and post-lexer: what decides how text
    parses. Read from the files rather than by importing hcl2, whose import
    (lark and its regex module) costs ~0.1 s that a warm-cache run never needs."""
    import hashlib

    try:
        package = _hcl2_dir()
    except ImportError:  # pragma: no cover - a dependency
        return "no-hcl2"
    digest = hashlib.sha256(repr(_GRAMMAR_EDITS).encode())
    for name in ("hcl2.lark", "postlexer.py"):
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            digest.update(b"missing:" + name.encode())
    return digest.hexdigest()[:16]


def parse_body(text: str) -> Block:
    """Parse a whole file into a pseudo-block holding its top-level body."""
    from lark.exceptions import LarkError, UnexpectedInput

    if not text.endswith("\n"):
        text += "\n"
    try:
        tree = parser().parse(text)
    except UnexpectedInput as exc:
        line = getattr(exc, "line", 0) or 0
        raise HclSyntaxError(_short_lark_message(exc), max(line, 1)) from None
    except LarkError as exc:
        raise HclSyntaxError(str(exc).splitlines()[0], 1) from None
    except RecursionError:
        raise HclSyntaxError("expression nested too deeply", 1) from None
    root = Block("", (), 1, text.count("\n"))
    try:
        _fill_body(root, tree.children[0])
    except RecursionError:
        # LALR parsing is iterative, our tree conversion is not: a file nested
        # thousands deep is refused with the line of the element it was in.
        raise HclSyntaxError("nested too deeply to analyse", _deepest_line(tree)) from None
    return root


def _deepest_line(tree: Any) -> int:
    node, line = tree, 1
    for _ in range(100_000):
        kids = [c for c in getattr(node, "children", ()) if hasattr(c, "children") or hasattr(c, "line")]
        if not kids:
            break
        node = kids[-1] if hasattr(kids[-1], "children") else kids[0]
        if hasattr(node, "line") and not hasattr(node, "children"):
            return int(node.line)
        first = next((c for c in getattr(node, "children", ()) if hasattr(c, "line")), None)
        if first is not None:
            line = int(first.line)
    return line


def _short_lark_message(exc: Exception) -> str:
    token = getattr(exc, "token", None)
    if token is not None:
        kind = getattr(token, "type", "")
        if kind == "$END":
            return "unexpected end of file"
        text = str(token)
        if text[:1] in ("\n", "\r") and not text.lstrip().startswith(("#", "//", "/*")):
            return "unexpected end of line"
        return f"unexpected {str(token)[:40]!r}"
    char = getattr(exc, "char", None)
    if char is not None:
        return f"unexpected character {char!r}"
    return "syntax error"


def _fill_body(block: Block, body: Any) -> None:
    for child in body.children:
        data = getattr(child, "data", None)
        if data == "attribute":
            name = _name(child.children[0])
            try:
                expr = convert(child.children[2])
            except TemplateError as exc:  # e.g. %{endif} without %{if}
                raise HclSyntaxError(str(exc), _start_line(child)) from None
            block.attrs[name] = Attribute(name, expr, _start_line(child), _end_line(child))
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
            sub = Block(labels[0], tuple(labels[1:]), _start_line(child), _end_line(child))
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


def _start_line(tree: Any) -> int:
    # Positions come from the lexer's tokens: cheaper than lark's
    # propagate_positions, which builds a meta for every rule of the tree.
    node = tree
    while hasattr(node, "children"):
        node = node.children[0]
    return int(node.line)


def _name(tree: Any) -> str:
    return str(tree.children[0])


def _plain_string(tree: Any) -> str:
    node = string_node(tree)
    if node[0] == "lit":
        return str(node[1])
    return "".join(p if isinstance(p, str) else "${...}" for p in node[1])




def parse_expression(text: str) -> Node:
    """Parse one expression (used for `${...}` inside heredocs)."""
    block = parse_body(f"x = {text.strip()}\n")
    attr = block.attrs.get("x")
    return _no_lines(attr.expr) if attr else ("unsupported", "template")


def _no_lines(node: Any) -> Any:
    """The expression without call lines: they count from the snippet, not from its file."""
    if not isinstance(node, tuple):
        return node
    items = tuple(_no_lines(item) for item in node)
    is_call = len(items) == 5 and items[0] == "call" and isinstance(items[3], bool)  # not a template's parts
    return items[:4] + (0,) if is_call else items
