"""References, operators, calls, for-expressions and splats for the evaluator."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from tfguard.load.eval_core import Scope, evaluate
from tfguard.load.functions import FUNCTIONS, LAZY
from tfguard.load.hcl_expr import Node
from tfguard.load.instances import shape_of
from tfguard.load.providers import partition_values
from tfguard.load.values import has_error, has_unknown, json_value, tf_bool, to_string, unknown_from
from tfguard.model import EvalError, NotStatic, TfSet, Unknown, WrongType, is_unknown

MAX_FOR_ITEMS = 10_000


def _step_key(step: Node, scope: Scope, depth: int) -> Any:
    if step[0] == "attr":
        return step[1]
    return evaluate(step[1], scope, depth)


def apply_steps(value: Any, steps: tuple[Node, ...], scope: Scope, depth: int) -> Any:
    for step in steps:
        if is_unknown(value):
            return value
        key = _step_key(step, scope, depth)
        if is_unknown(key):
            return unknown_from([key, value], "an index is not known statically")
        value = _index(value, key)
    return value


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        if str(key) in value:
            return value[str(key)]
        return EvalError(f"no attribute or key {key!r}")
    if isinstance(value, TfSet):
        return EvalError("elements of a set are identified only by their value and cannot be indexed")
    if isinstance(value, list):
        try:
            if isinstance(key, bool) or int(key) < 0:
                raise IndexError(key)
            return value[int(key)]
        except (ValueError, TypeError, IndexError):
            return EvalError(f"index {key!r} out of range")
    if value is None:
        return EvalError("attribute of a null value")
    return EvalError(f"cannot index a {type(value).__name__}")


def _provider_data(scope: Scope, names: list[str], attrs: list[str]) -> str | None:
    """`data.aws_region.x.name` and `data.aws_partition.x.partition`: the AWS provider
    reads them from its own configuration while planning, so they are known."""
    if scope.data_region is None or len(names) != 3 or names[0] != "data" or not attrs:
        return None
    if names[1] == "aws_region" and attrs[0] in ("name", "region", "id"):
        region = scope.data_region(names[2])
        return region if isinstance(region, str) else None
    if names[1] == "aws_partition" and attrs[0] in ("partition", "id", "dns_suffix", "reverse_dns_prefix"):
        region = scope.data_region(names[2], "aws_partition")
        return partition_values(region)[attrs[0]] if isinstance(region, str) else None
    return None


def _resource_ref(scope: Scope, root: str, steps: tuple[Node, ...], depth: int) -> Any:
    """`type.name[idx].attr` or `data.type.name.attr`: the block's instances as values (instances.py)."""
    prefix = f"{scope.module}." if scope.module else ""
    names: list[str] = [root]
    rest = list(steps)
    want = 2 if root in ("data", "ephemeral") else 1  # data.type.name, ephemeral.type.name
    while rest and rest[0][0] == "attr" and len(names) <= want:
        names.append(rest.pop(0)[1])
    target = prefix + ".".join(names)
    if rest and rest[0][0] == "index":
        key = evaluate(rest[0][1], scope, depth)
        if not is_unknown(key):
            target += f'["{key}"]' if isinstance(key, str) else f"[{key}]"
    if scope.reads is not None:
        scope.reads.append(target)  # a known value still links to what it was read from
    attrs = [s[1] for s in rest if s[0] == "attr"]
    known = _provider_data(scope, names, attrs)
    if known is not None:
        return known
    if len(names) == want + 1 and root != "ephemeral" and scope.resource_instances is not None:
        mode, rtype = ("data", names[1]) if root == "data" else ("managed", names[0])
        value = scope.resource_instances(mode, rtype, names[-1])
        if value is not None and not is_unknown(value):  # else: not known statically, as below
            return apply_steps(value, tuple(rest), scope, depth)
        if is_unknown(value) and "depends on itself" in value.reason:
            return Unknown(value.reason, (target,))
    text = ".".join(names + attrs)
    rtype = names[1] if root == "data" and len(names) > 1 else root
    shape = shape_of(rtype, "data" if root == "data" else "managed", attrs[0] if attrs else "")
    partial = None
    if (root == "data" and len(names) == 3 and names[1] == "aws_iam_policy_document" and attrs[:1] == ["json"]
            and scope.policy_document is not None):
        # Rendered locally, but kept Unknown with the document as `partial` so
        # that the reference (and so the graph edge to the document) survives.
        partial = scope.policy_document(names[2])
    return Unknown(f"{text} is known only after apply", (target,), partial=partial, shape=shape)


def _trav(node: Node, scope: Scope, depth: int) -> Any:
    root, steps = node[1], node[2]
    if root in scope.iteration:
        return apply_steps(scope.iteration[root], steps, scope, depth)
    first = steps[0][1] if steps and steps[0][0] == "attr" else None
    if root == "var" and first is not None:
        value = scope.variables[first] if first in scope.variables else Unknown(f"var.{first} has no value")
        return apply_steps(value, steps[1:], scope, depth)
    if root == "local" and first is not None:
        return apply_steps(scope.local(first), steps[1:], scope, depth)
    if root == "path":
        return _path(scope, first)
    if root == "terraform":
        return "default" if first == "workspace" else Unknown("terraform.* value")
    if root in ("count", "each", "self"):
        return Unknown(f"{root}.{first} outside its block")
    if root == "module" and first is not None:
        if scope.module_outputs is None:
            return Unknown(f"module.{first} is not evaluated here")
        return scope.module_outputs(first, steps[1:], scope, depth)
    if first is None:
        return Unknown(f"{root} is not a known name")
    return _resource_ref(scope, root, steps, depth)


def _path(scope: Scope, name: str | None) -> Any:
    # Terraform runs in the root module's folder: path.root is ".", path.cwd its absolute path.
    if name == "module":
        return scope.path_module
    if name == "root":
        return "."
    if name == "cwd" and scope.shown_root is not None:
        return str(scope.shown_root)
    return Unknown(f"path.{name} is not known here")


def _get(node: Node, scope: Scope, depth: int) -> Any:
    return apply_steps(evaluate(node[1], scope, depth), node[2], scope, depth)


def _splat(node: Node, scope: Scope, depth: int) -> Any:
    base = evaluate(node[1], scope, depth)
    if is_unknown(base):
        return base
    items = base if isinstance(base, list) else ([] if base is None else [base])
    return [apply_steps(item, node[2], scope, depth) for item in items]


def _modulo(a: Any, b: Any) -> Any:
    """Terraform's remainder takes the sign of the dividend (-7 % 3 is -1), unlike Python's,
    and a remainder by zero is the dividend."""
    if b == 0:
        return a
    result = math.fmod(a, b)
    return int(result) if isinstance(a, int) and isinstance(b, int) else result


def _divide(a: Any, b: Any) -> Any:
    """Terraform divides by zero into infinity (1 / 0 is +Inf); only 0 / 0 fails."""
    if b == 0 and a != 0:
        return math.copysign(math.inf, a)
    return a / b


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": _divide, "%": _modulo,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def _op(node: Node, scope: Scope, depth: int) -> Any:
    op = node[1]
    left = evaluate(node[2], scope, depth)
    right = evaluate(node[3], scope, depth)
    if has_error(left) or has_error(right):  # Terraform evaluates both operands: `false && x` fails when x does
        return unknown_from([left, right])
    if op in ("&&", "||"):
        return _logic(op, left, right)
    if op in ("==", "!="):
        equal = equals(left, right)
        if equal is None:
            return unknown_from([left, right])
        return equal if op == "==" else not equal
    if has_unknown(left) or has_unknown(right):
        return unknown_from([left, right])
    try:
        return _ARITH[op](_num(left), _num(right))
    except (TypeError, ValueError, ZeroDivisionError, KeyError):
        return EvalError(f"cannot evaluate {op} on these operands")


def _logic(op: str, left: Any, right: Any) -> Any:
    """&& and ||: both operands bools (or "true"/"false"); one operand decides even when
    the other is unknown (false && x is false)."""
    try:
        a, b = (None if is_unknown(v) else tf_bool(v) for v in (left, right))
    except TypeError:
        return EvalError(f"{op} needs bool operands")
    decisive = op == "||"  # true decides ||, false decides &&
    if a is decisive or b is decisive:
        return decisive
    if a is None or b is None:
        return unknown_from([left, right])
    return a and b if op == "&&" else a or b



def equals(left: Any, right: Any) -> bool | None:
    """Terraform's `==`; None when it is unknown. A known collection with unknown
    elements is known not to be null, and so is an unknown refined as not null;
    collections compare element by element in order, the first unknown comparison
    making the result unknown and the first unequal pair making it false (cty's rule)."""
    if left is None or right is None:
        other = right if left is None else left
        if other is None:
            return True
        return False if not is_unknown(other) or other.not_null else None
    if is_unknown(left) or is_unknown(right):
        return None
    if not (has_unknown(left) or has_unknown(right)):
        return bool(_norm(left) == _norm(right))
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        return _all_equal(zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        if left.keys() != right.keys():
            return False
        return _all_equal((left[k], right[k]) for k in sorted(left))
    return False  # a collection and a value of another kind


def _all_equal(pairs: Iterable[tuple[Any, Any]]) -> bool | None:
    for a, b in pairs:
        equal = equals(a, b)
        if equal is not True:
            return equal
    return True


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _num(value: Any) -> Any:
    from tfguard.load.functions.types import number

    return number(value)  # numbers, and strings that spell one


def _unary(node: Node, scope: Scope, depth: int) -> Any:
    value = evaluate(node[2], scope, depth)
    if has_unknown(value):
        return unknown_from([value])
    try:
        return not tf_bool(value) if node[1] == "!" else -_num(value)
    except (TypeError, ValueError):
        return EvalError(f"{node[1]} cannot apply to this value")


# Functions whose unknown result Terraform does not refine as "not null" (they can return null).
_NULLABLE_RESULTS = frozenset({
    "try", "lookup", "element", "one", "tostring", "tonumber", "tobool", "tolist", "toset", "tomap",
    "jsondecode", "yamldecode", "sensitive", "nonsensitive", "ephemeralasnull",
})


def _coalesce_known(args: list[Any]) -> list[Any]:
    """coalesce()'s arguments up to the first known one that it returns: the unknown ones
    after it cannot change the result (Terraform: coalesce("x", unknown) is "x")."""
    for i, arg in enumerate(args):
        if is_unknown(arg):
            break
        if arg is not None and arg != "":
            return args[:i + 1]
    return args


# How a function says Terraform would refuse its arguments: a conversion or value that
# does not fit (ValueError, and the JSON, base64 and Unicode errors derived from it), an
# argument of the wrong type, an overflow. Anything else (AttributeError, KeyError, ...)
# is a bug in tfguard and reaches the caller, which reports it as an internal error.
FUNCTION_ERRORS = (ValueError, TypeError, ArithmeticError)


def _call(node: Node, scope: Scope, depth: int) -> Any:
    name: str = node[1].removeprefix("core::")
    if name in LAZY:
        lazy = LAZY[name](node[2], scope, depth)
        if isinstance(lazy, EvalError) and lazy.at is None:  # this call failed (an argument's failure has its own place)
            reason = lazy.reason if lazy.reason.startswith(f"{name}()") else f"{name}(): {lazy.reason}"
            return EvalError(reason, lazy.refs, at=_call_site(node, scope))
        return lazy
    fn = (scope.functions or FUNCTIONS).get(name)
    args = [evaluate(a, scope, depth) for a in node[2]]
    if node[3] and args and isinstance(args[-1], list):
        args = args[:-1] + args[-1]
    if name == "jsonencode" and len(args) == 1:
        return json_value(args[0])
    if fn is None:
        return unknown_from(args, f"function {name}() is not evaluated")
    if name == "coalesce" and any(is_unknown(a) for a in args):  # else all arguments unify
        args = _coalesce_known(args)
    if any(is_unknown(a) for a in args):
        result = unknown_from(args)
        result.not_null = name not in _NULLABLE_RESULTS
        return result
    try:
        return fn(*args)
    except NotStatic as exc:
        if has_unknown(args):  # name what is unknown inside the arguments, as the operators do
            inner = unknown_from(args)
            return Unknown(f"{name}(): {exc} ({inner.reason})", inner.refs)
        return Unknown(f"{name}(): {exc}")
    except WrongType as exc:  # try(jsondecode(var.list), var.list) falls back, as in Terraform
        return EvalError(f"{name}(): {exc}", at=_call_site(node, scope))
    except FUNCTION_ERRORS as exc:  # a function refusing its arguments, as Terraform's would
        if has_unknown(args):  # it may be the unknown part that it refuses
            return unknown_from(args)
        return EvalError(f"{name}(): {exc}", at=_call_site(node, scope))


def _call_site(node: Node, scope: Scope) -> tuple[str, int] | None:
    """Where a call is: its own line when the parser knows it (not inside a heredoc), else
    the line of the expression being evaluated; None where no file is known (a default)."""
    if scope.at is None:
        return None
    return scope.at[0], node[4] or scope.at[1]


def _for(node: Node, scope: Scope, depth: int) -> Any:
    _, key_var, value_var, coll_node, key_expr, value_expr, cond, grouping = node
    coll = evaluate(coll_node, scope, depth)
    if is_unknown(coll):
        return coll
    if isinstance(coll, dict):
        pairs = sorted(coll.items())  # Terraform visits map keys in lexical order
    elif isinstance(coll, TfSet):
        pairs = [(v, v) for v in coll]  # a set's key is the element itself
    elif isinstance(coll, list):
        pairs = list(enumerate(coll))
    else:  # Terraform iterates only over collections (not null, not a string)
        return EvalError("a for expression needs a collection")
    if len(pairs) > MAX_FOR_ITEMS:
        return Unknown(f"for expression over more than {MAX_FOR_ITEMS} items")
    out_list: list[Any] = []
    out_map: dict[str, Any] = {}
    for k, v in pairs:
        names = {value_var: v}
        if key_var:
            names[key_var] = k
        inner = scope.child(**names)
        if cond is not None:
            ok = evaluate(cond, inner, depth)
            if is_unknown(ok):
                return unknown_from([ok])
            try:
                if not tf_bool(ok):
                    continue
            except TypeError:
                return EvalError("a for expression's if clause must be a bool")
        value = evaluate(value_expr, inner, depth)
        if key_expr is None:
            out_list.append(value)
            continue
        key = evaluate(key_expr, inner, depth)
        if is_unknown(key):
            return unknown_from([key])
        if key is None:
            return EvalError("a for expression's key cannot be null")
        if grouping:
            out_map.setdefault(to_string(key), []).append(value)
        else:
            out_map[to_string(key)] = value
    return out_list if key_expr is None else out_map


def _unsupported(node: Node, scope: Scope, depth: int) -> Any:
    return Unknown(f"unsupported expression ({node[1]})")


EVAL_OPS: dict[str, Callable[[Node, Scope, int], Any]] = {
    "trav": _trav, "get": _get, "splat": _splat, "op": _op, "unary": _unary,
    "call": _call, "for": _for, "unsupported": _unsupported,
}
