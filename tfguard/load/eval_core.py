"""The evaluator's core: Scope, the dispatch on expression kinds, and the kinds every
expression is built from (literals, templates, tuples, objects, conditionals).

A value computed from an unknown operand is Unknown, never a guess. Unknowns
keep the configuration objects they came from (`refs`), which is how the graph
still links `kms_master_key_id = aws_kms_key.k.arn` to the key.

The other kinds (references, operators, calls, for-expressions, template
directives) live in evaluate_ops and template_eval, which recurse through
evaluate() here; tfguard.load.evaluate registers them (register()), so that
this module needs nothing above it. Evaluate through tfguard.load.evaluate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.load.hcl_expr import Node
from tfguard.load.values import MAX_DEPTH, has_unknown, rebuilt, tf_bool, to_string, unknown_from
from tfguard.model import EvalError, Origin, Unknown, is_unknown

# Traversal roots that are not resources.
_SPECIAL_ROOTS = {"var", "local", "count", "each", "path", "terraform", "self", "module", "data"}


@dataclass
class Scope:
    """What names mean while evaluating one module instance (and one resource instance)."""

    module: str = ""  # module instance path of the resources being evaluated
    variables: Mapping[str, Any] = field(default_factory=dict)
    local_exprs: dict[str, Node] = field(default_factory=dict)
    iteration: dict[str, Any] = field(default_factory=dict)  # count / each / for variables
    path_module: str = "."
    functions: dict[str, Callable[..., Any]] | None = None
    # (module call name, steps after it, referring scope, depth) -> the value referred to
    module_outputs: Callable[[str, tuple[Node, ...], Scope, int], Any] | None = None
    policy_document: Callable[[str], Any] | None = None  # data aws_iam_policy_document name -> rendered
    data_region: Callable[..., Any] | None = None  # (data source name, type) -> its provider's region
    # (mode, type, name) -> the block's instances (see instances.py); None when not declared
    resource_instances: Callable[[str, str, str], Any] | None = None
    # variable name -> where the callers set it, outermost first (provenance.py)
    origins: Callable[[str], tuple[Origin, ...]] | None = None
    # Resources read while evaluating one argument: a known value keeps its graph edge.
    reads: list[str] | None = None
    directory: Path | None = None  # the module's folder, for file() and templatefile()
    root: Path | None = None  # the scan root: file functions never read outside it
    shown_root: Path | None = None  # the root module's folder: path.cwd, and what path.module is relative to
    # The file and line of the expression being evaluated: a function call that fails
    # is reported there (at the call's own line when the parser knows it).
    at: tuple[str, int] | None = None
    local_at: dict[str, tuple[str, int]] = field(default_factory=dict)  # local name -> where it is set
    _locals: dict[str, Any] = field(default_factory=dict)
    _evaluating: dict[str, None] = field(default_factory=dict)  # ordered: the chain
    _local_reads: dict[str, list[str]] = field(default_factory=dict)  # shared like _locals
    cycles: set[str] = field(default_factory=set)

    def child(self, **names: Any) -> Scope:
        # Shares the locals cache: locals never depend on count/each/for variables.
        # A shallow copy, not dataclasses.replace(): this runs for every resource
        # instance and dynamic block, and replace() re-runs __init__ through fields().
        return self._with_iteration({**self.iteration, **names})

    def child_without_iteration(self) -> Scope:
        return self._with_iteration({})

    def located(self, at: tuple[str, int] | None) -> Scope:
        """The same names, evaluating an expression written at `at` (file, line)."""
        new = self._with_iteration(self.iteration)
        new.at = at
        return new

    def _with_iteration(self, iteration: dict[str, Any]) -> Scope:
        new = object.__new__(Scope)
        new.__dict__.update(self.__dict__)
        new.iteration = iteration
        return new

    def local(self, name: str) -> Any:
        value = self._local(name)
        if self.reads is not None and name in self._local_reads:
            self.reads.extend(self._local_reads[name])
        return value

    def _local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        expr = self.local_exprs.get(name)
        if expr is None:
            return EvalError(f"local.{name} is not declared")
        if name in self._evaluating:
            chain = list(self._evaluating)
            self.cycles.update(chain[chain.index(name):])
            return Unknown(f"local.{name} is part of a reference cycle")
        self._evaluating[name] = None
        inner = self.child_without_iteration()
        inner.at = self.local_at.get(name)
        inner.reads = []  # the resources this local reads, for every argument that uses it
        try:
            value = evaluate(expr, inner)
        finally:
            self._evaluating.pop(name, None)
        self._locals[name] = value
        self._local_reads[name] = inner.reads
        return value


def evaluate(node: Node, scope: Scope, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return Unknown("expression nested too deeply")
    kind = node[0]
    fn = _EVAL.get(kind)
    if fn is None:
        return Unknown(f"unsupported expression ({kind})")
    return fn(node, scope, depth + 1)


def _lit(node: Node, scope: Scope, depth: int) -> Any:
    return node[1]


def _tmpl(node: Node, scope: Scope, depth: int) -> Any:
    nodes = node[1]
    if len(nodes) == 1 and not isinstance(nodes[0], str) and nodes[0][0] != "directive":
        # "${x}" is x itself in Terraform, not a string: a number stays a number, a
        # list a list, and an unknown keeps its refinements (not "not null").
        return evaluate(nodes[0], scope, depth)
    out: list[str] = []
    unknowns: list[Any] = []
    parts: list[Any] = []  # literal text and the Unknowns interpolated (Unknown.parts)
    for part in nodes:
        if isinstance(part, str):
            out.append(part)
            parts.append(part)
            continue
        value = Unknown("template directive not evaluated") if part[0] == "directive" else evaluate(part, scope, depth)
        if isinstance(value, (dict, list)):
            value = EvalError("a template cannot interpolate a collection")
        elif value is None:
            value = EvalError("a template cannot interpolate null")
        if has_unknown(value):
            unknowns.append(value)
            out.append(_partial_text(value))
            # A partly known string interpolated keeps its own known text and unknown parts.
            parts.extend(value.parts if isinstance(value, Unknown) and value.parts else
                         [value if isinstance(value, Unknown) else unknown_from([value])])
        else:
            out.append(to_string(value))
            parts.append(to_string(value))
    if unknowns:
        u = unknown_from(unknowns)
        return rebuilt(u, partial="".join(out), parts=tuple(parts), not_null=True)
    return "".join(out)


def _partial_text(value: Any) -> str:
    """The text an unknown interpolation leaves in a template's partial text: a partly
    known string keeps its known text, a value of a known kind its `{shape}`."""
    if isinstance(value, Unknown):
        if isinstance(value.partial, str):
            return value.partial
        return "{%s}" % (value.shape or "?")
    return "{?}"


def _tuple(node: Node, scope: Scope, depth: int) -> Any:
    return [evaluate(n, scope, depth) for n in node[1]]


def _object(node: Node, scope: Scope, depth: int) -> Any:
    result: dict[str, Any] = {}
    for key_node, value_node in node[1]:
        key = evaluate(key_node, scope, depth)
        value = evaluate(value_node, scope, depth)
        if is_unknown(key):
            return unknown_from([key, value], "an object key is not known statically")
        if key is None:
            return EvalError("an object key cannot be null")
        result[to_string(key)] = value
    return result


def _cond(node: Node, scope: Scope, depth: int) -> Any:
    cond = evaluate(node[1], scope, depth)
    if is_unknown(cond):
        a = evaluate(node[2], scope, depth)
        b = evaluate(node[3], scope, depth)
        if not has_unknown(a) and a == b:
            return a
        return unknown_from([cond, a, b], _reason(cond, "condition not known statically"))
    try:
        return evaluate(node[2] if tf_bool(cond) else node[3], scope, depth)
    except TypeError:
        return EvalError("a condition must be a bool")


def _reason(value: Any, default: str) -> str:
    return value.reason if isinstance(value, Unknown) and value.reason else default


# How one expression kind is evaluated: (node, scope, depth) -> value.
Handler = Callable[[Node, Scope, int], Any]

_EVAL: dict[str, Handler] = {
    "lit": _lit,
    "tmpl": _tmpl,
    "tuple": _tuple,
    "object": _object,
    "cond": _cond,
}


def register(handlers: Mapping[str, Handler]) -> None:
    """Add the handlers of more expression kinds (tfguard.load.evaluate does, once)."""
    _EVAL.update(handlers)
