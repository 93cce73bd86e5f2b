"""Expression AST -> Python values, with Unknown wherever a value is not static.

A value computed from an unknown operand is Unknown, never a guess. Unknowns
keep the configuration objects they came from (`refs`), which is how the graph
still links `kms_master_key_id = aws_kms_key.k.arn` to the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.load.hcl_expr import Node
from tfguard.model import Diagnostic, EvalError, Origin, Unknown, is_unknown

# Traversal roots that are not resources.
_SPECIAL_ROOTS = {"var", "local", "count", "each", "path", "terraform", "self", "module", "data"}
MAX_DEPTH = 64


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


def unknown_from(values: list[Any], reason: str = "") -> Unknown:
    refs: list[str] = []
    reasons: list[str] = []
    error: EvalError | None = None  # an operand that fails makes the whole expression fail, as in Terraform
    for v in values:
        for u in iter_unknowns(v):
            refs.extend(u.refs)
            if error is None and isinstance(u, EvalError):
                error = u
            if u.reason:
                reasons.append(u.reason)
    if error is not None:  # the failure is the reason, and keeps where it happened
        return EvalError(reason or error.reason, tuple(dict.fromkeys(refs)), at=error.at)
    return Unknown(reason or (reasons[0] if reasons else "not known statically"), tuple(dict.fromkeys(refs)))


def rebuilt(u: Unknown, **kw: Any) -> Unknown:
    """`u` with other Unknown fields (partial, parts, not_null); an error stays an error, where it was."""
    if isinstance(u, EvalError):
        return EvalError(u.reason, u.refs, at=u.at, **kw)
    return Unknown(u.reason, u.refs, **kw)


def call_failures(values: Iterable[Any]) -> list[Diagnostic]:
    """A warning at each function call inside the values that fails as Terraform's would
    (no try() caught it): Terraform stops there, tfguard goes on with the value unknown."""
    return [Diagnostic(u.at[0], u.at[1], f"{u.reason} (Terraform fails here; the value is unknown)", "warning")
            for value in values for u in iter_unknowns(value) if isinstance(u, EvalError) and u.at is not None]


def iter_unknowns(value: Any, depth: int = 0) -> list[Unknown]:
    if isinstance(value, Unknown):
        found = [value]
        if value.partial is not None and depth < MAX_DEPTH:
            found.extend(iter_unknowns(value.partial, depth + 1))
        return found
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, dict):
        return [u for v in value.values() for u in iter_unknowns(v, depth + 1)]
    if isinstance(value, list):
        return [u for v in value for u in iter_unknowns(v, depth + 1)]
    return []


def has_unknown(value: Any) -> bool:
    return bool(iter_unknowns(value))


def has_error(value: Any) -> bool:
    """Whether evaluating the value failed somewhere (see EvalError)."""
    return any(isinstance(u, EvalError) for u in iter_unknowns(value))


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


def to_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tuple(node: Node, scope: Scope, depth: int) -> Any:
    return [evaluate(n, scope, depth) for n in node[1]]


def _object(node: Node, scope: Scope, depth: int) -> Any:
    result: dict[str, Any] = {}
    for key_node, value_node in node[1]:
        key = evaluate(key_node, scope, depth)
        value = evaluate(value_node, scope, depth)
        if is_unknown(key):
            return unknown_from([key, value], "an object key is not known statically")
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
    return evaluate(node[2] if cond else node[3], scope, depth)


def _reason(value: Any, default: str) -> str:
    return value.reason if isinstance(value, Unknown) and value.reason else default


def json_value(value: Any) -> Any:
    """jsonencode() of a value; Unknown (with the structure as `partial`) when not static."""
    if has_unknown(value):
        u = unknown_from([value], "encoded value is not known statically")
        return rebuilt(u, partial=value, not_null=True)
    return tf_json_text(value)


_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                             "\u2029": "\\u2029"})


def tf_json_text(value: Any) -> str:
    """JSON as Terraform writes it: keys sorted, no spaces, <>& escaped as Go escapes them."""
    text = json.dumps(whole_numbers(value), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.translate(_GO_ESCAPES)  # these characters only ever occur inside strings


def whole_numbers(value: Any) -> Any:
    """Floats that are whole numbers as ints, all the way down (Terraform's numbers print so)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value


from tfguard.load.evaluate_ops import EVAL_OPS  # noqa: E402  (shares evaluate())
from tfguard.load.template_eval import EVAL_TEMPLATE  # noqa: E402  (shares evaluate())

_EVAL: dict[str, Callable[[Node, Scope, int], Any]] = {
    "lit": _lit,
    "tmpl": _tmpl,
    "tuple": _tuple,
    "object": _object,
    "cond": _cond,
    **EVAL_OPS,
    **EVAL_TEMPLATE,
}
