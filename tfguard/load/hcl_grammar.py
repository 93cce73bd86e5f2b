"""python-hcl2's lark grammar, loaded once, and text -> lark parse tree.

The bottom of the HCL reader: hcl_expr converts expression trees, hcl_ast
blocks; both parse through parse_tree() here, so neither needs the other to
read text.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from tfguard.load.cachedir import cache_directory


class HclSyntaxError(Exception):
    """A file that does not parse; carries the line Lark reported."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


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


def parse_tree(text: str) -> Any:
    """The lark tree of a file's text; a text that does not parse raises HclSyntaxError."""
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        return parser().parse(text)
    except UnexpectedInput as exc:
        line = getattr(exc, "line", 0) or 0
        raise HclSyntaxError(_short_lark_message(exc), max(line, 1)) from None
    except LarkError as exc:
        raise HclSyntaxError(str(exc).splitlines()[0], 1) from None
    except RecursionError:
        raise HclSyntaxError("expression nested too deeply", 1) from None


def deepest_line(tree: Any) -> int:
    """The line of the most deeply nested element: where the nesting is, not the
    file's last element (the walk is iterative: the tree is too deep to recurse)."""
    deepest, depth = tree, -1
    stack = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        if level > depth:
            deepest, depth = node, level
        stack.extend((c, level + 1) for c in node.children if hasattr(c, "children"))
    token = next((t for t in deepest.scan_values(lambda v: hasattr(v, "line"))), None)
    return int(token.line) if token is not None else 1


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


def start_line(tree: Any) -> int:
    # Positions come from the lexer's tokens: cheaper than lark's
    # propagate_positions, which builds a meta for every rule of the tree.
    node = tree
    while hasattr(node, "children"):
        node = node.children[0]
    return int(node.line)
