"""Where a module's input variables were set: the provenance of a value.

A finding inside a module whose deciding argument is a plain `var.x` should
point where the user edits: the caller's argument, a tfvars line, or the
command line. Each module instance therefore knows, per input variable, the
chain of places that set it, outermost first: a root variable's tfvars line,
then every module argument that passed it on as a plain `var.y`. Only plain
references carry provenance (`var.x`, `"${var.x}"`, `var.x.attr`): there the
value used is the value given, so the caller's line is where it changes. A
computed argument (`var.a ? var.b : null`, `coalesce(var.x, ...)`) keeps
pointing at the module's line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_expr import Node
from tfguard.load.values import has_error
from tfguard.load.variables import Declaration
from tfguard.model import Location, Origin

_MAX_DEPTH = 8
Origins = Callable[[str], tuple[Origin, ...]]


def plain_var(expr: Node, scope: Scope | None = None, depth: int = 0) -> str | None:
    """The variable whose value `expr` is, unchanged: `var.x`, `"${var.x}"`, `var.x.y`; with a
    scope also through a local that is one, the branch a known condition takes, and
    `try(var.x, ...)` when var.x evaluates. None for anything computed."""
    kind = expr[0]
    if kind == "tmpl" and len(expr[1]) == 1 and isinstance(expr[1][0], tuple):
        return plain_var(expr[1][0], scope, depth)
    if kind == "trav" and expr[2] and expr[2][0][0] == "attr" and isinstance(expr[2][0][1], str):
        if expr[1] == "var":
            return str(expr[2][0][1])
        if expr[1] == "local" and scope is not None and depth < _MAX_DEPTH:
            local = scope.local_exprs.get(expr[2][0][1])
            return plain_var(local, scope, depth + 1) if local is not None else None
        return None
    if scope is None or depth >= _MAX_DEPTH:
        return None
    if kind == "cond":
        cond = evaluate(expr[1], scope)
        if cond is True or cond is False:
            return plain_var(expr[2] if cond else expr[3], scope, depth + 1)
    if kind == "call" and expr[1] == "try" and expr[2]:
        first = expr[2][0]
        name = plain_var(first, scope, depth + 1)
        return name if name is not None and not has_error(evaluate(first, scope)) else None
    return None


def default_origin(decl: Declaration | None, path: str) -> tuple[Origin, ...]:
    """A variable nobody set takes its declared default: a place that explains the value
    (a commit that changes it changes the finding), never where a finding points."""
    if decl is None or decl.default_at is None:
        return ()
    return (Origin(f"the default of var.{decl.name}" + (f" in {path}" if path else ""), decl.default_at, path, True),)


def module_origins(path: str, given: Mapping[str, Any], file: str, caller: Scope,
                   decls: Mapping[str, Declaration]) -> Origins:
    """Per input variable of the module instance `path`: the caller's argument that sets it,
    after the places the caller's own variable came from when the argument passes one on.
    `given` maps argument names to their hcl_ast.Attribute in the module block; `caller`
    is the calling module's scope (with the call's count / for_each names)."""
    cache: dict[str, tuple[Origin, ...]] = {}

    def origins(name: str) -> tuple[Origin, ...]:
        if name not in cache:
            cache[name] = ()  # an argument that refers to itself through locals ends here
            attr = given.get(name)
            if attr is None:  # the module's own default: nothing set it from outside
                cache[name] = default_origin(decls.get(name), path)
            else:
                inner = plain_var(attr.expr, caller)
                up = caller.origins(inner) if inner is not None and caller.origins is not None else ()
                # A `var.y` that nobody set outside: the caller's default passes through.
                default = inner is not None and (not up or up[0].default)
                where = Location(attr.file or file, attr.line, attr.end_line)
                cache[name] = (*up, Origin(f"argument {name} of {path}", where, path, default))
        return cache[name]

    return origins


def root_origins(found: Mapping[str, Origin], decls: Mapping[str, Declaration]) -> Origins:
    """A root module's variables: the tfvars line or command-line flag that set each, else its default."""
    return lambda name: (found[name],) if name in found else default_origin(decls.get(name), "")
