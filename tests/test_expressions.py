"""The expression language (operators, conditionals, templates, for, splats, references),
each value as `terraform console` (1.11) gives it. Errors are EvalErrors, as Terraform
fails there; values not known statically are Unknown."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_expr import parse_expression
from tfguard.model import EvalError, Unknown

KNOWN: list[tuple[str, Any]] = [
    # arithmetic and comparison; strings that spell numbers convert
    ("1 + 2 * 3", 7), ("7 / 2", 3.5), ("6 / 2", 3), ('"3" - 1', 2), ('"1e2" + 1', 101), ('"+1" + 1', 2),
    ('"1." + 1', 2), ('".5" + 1', 1.5), ('"1.5" * 2', 3), ("-7 % 3", -1), ("7.5 % 2", 1.5),
    ("5 % 0", 5), ("-5 % 0", -5), ("1 / 0", math.inf), ("-1 / 0", -math.inf), ("1 / 0 > 5", True),
    ("2 <= 2", True), ("3 >= 4", False), ("1 > 0.5", True), ('1 < "2"', True),
    ("-(1 + 1)", -2), ('-"2"', -2),
    # logic: bools, and the strings "true" / "false"
    ("!false", True), ('!"true"', False), ("true || false", True), ("false || false", False),
    ("true && true", True), ('true && "true"', True), ('false || "false"', False),
    # equality: no conversion between kinds; collections element by element
    ("1 != 1", False), ('"1" == 1', False), ("1 == 1.0", True), ('[1, "a"] == [1, "a"]', True),
    ("[1, 2] == [1, 3]", False), ("[1] == [1, 2]", False), ("[1] == 1", False),
    ("{a = [1]} == {a = [1]}", True), ("{a = 1} == {b = 1}", False), ("{a = 1} != {a = 2}", True),
    ("null == null", True), ("null != 1", True), ("null == []", False),
    # conditionals evaluate only the branch chosen
    ("true ? 1 : 2", 1), ("false ? 1 : 2", 2), ('"true" ? 1 : 2', 1), ('"false" ? 1 : 2', 2),
    ("true ? 1 : element([], 0)", 1),
    # templates
    ('"${1 + 1}x"', "2x"), ('"${5.0}"', 5), ('"${1.5}"', 1.5), ('"a${true}b"', "atrueb"),
    ('"${null}" == null', True), ('"x${1 / 0}"', "x+Inf"), ('"a${false}"', "afalse"), ('"x${5.0}"', "x5"),
    ("{for v in [1.0] : v => v}", {"1": 1}), ('{for v in ["a"] : v => 1 if v == null}', {}),
    # for expressions: maps in key order, sets in their order, grouping with ...
    ('[for i, v in ["a", "b"] : "${i}${v}"]', ["0a", "1b"]),
    ("{for k, v in {b = 1, a = 2} : v => k}", {"1": "b", "2": "a"}),
    ('{for v in ["a", "b", "a"] : v => v...}', {"a": ["a", "a"], "b": ["b"]}),
    ("[for k, v in {b = 1, a = 2} : k if v > 1]", ["a"]),
    ('[for x in [1, 2] : x if "true"]', [1, 2]),
    ('[for v in toset(["b", "a"]) : v]', ["a", "b"]), ('[for k, v in toset(["b", "a"]) : k]', ["a", "b"]),
    ('[for k in ["z"] : {(k) = 2}]', [{"z": 2}]), ('[for k in ["z"] : {k = 2}]', [{"k": 2}]),
    ("[for x in [] : element([], 0)]", []),
    # splats and indexes
    ("[{a = 1}, {a = 2}][*].a", [1, 2]), ("{a = 1}[*]", [{"a": 1}]), ("null[*]", []), ('"x"[*]', ["x"]),
    ("[[1, 2], [3]][1][0]", 3), ('{a = {b = "c"}}.a.b', "c"), ('{a = {b = "c"}}["a"]["b"]', "c"),
    ("[1, 2][1.0]", 2), ('[1, 2]["1"]', 2),
]


@pytest.mark.parametrize(("expr", "expected"), KNOWN, ids=[c[0] for c in KNOWN])
def test_value(expr: str, expected: Any) -> None:
    value = evaluate(parse_expression(expr), Scope())
    assert value == expected
    assert type(value) is bool if isinstance(expected, bool) else True


# Each fails in Terraform (the console's message is in the comment).
FAILING = [
    'true && "x"',  # Unsuitable value for right operand: a bool is required
    "true && 1", '"TRUE" && true', "!1", '-"x"', "-true",  # bool / number required
    "false && element([], 0) == 1",  # both operands are evaluated
    '"x" + 1', '" 1" + 1', '"0x10" + 1', "true + 1", "1 + null",  # a number is required
    "0 / 0",  # can't divide zero by zero
    "1 ? 1 : 2", "null ? 1 : 2",  # the condition must be a bool, not null
    '"x${null}"',  # Cannot include a null value in a string template
    "{(null) = 1}", "{for v in [null] : v => 1}",  # a key must not be null
    '"x${[1]}"',  # Cannot include the given value in a string template: string required
    '[for x in "abc" : x]', "[for x in null : x]",  # Iteration over non-iterable / null value
    "[for x in [1, 2] : x if 1]", "{for k, v in {a = 1} : k => v if null}",  # 'if' clause: bool required
    '{a = 1}["b"]', "[1][1]", "[1][-1]", '[1]["x"]',  # Invalid index
    "null.a", '"s".a', 'toset(["a"])[0]',  # attribute of null; not indexable; sets have no index
    'upper("a") == upper([])',  # an argument error beside == is an error, not "unequal"
]


@pytest.mark.parametrize("expr", FAILING)
def test_error(expr: str) -> None:
    assert isinstance(evaluate(parse_expression(expr), Scope()), EvalError)


UNKNOWN_KEY = Unknown("aws_kms_key.k.arn is known only after apply", ("aws_kms_key.k",))


def _scope(**kw: Any) -> Scope:
    return Scope(variables={"u": UNKNOWN_KEY, "list": ["a", "b"], "m": {"k": "v"}, "n": None, "t": True}, **kw)


@pytest.mark.parametrize(("expr", "expected"), [
    ("false && var.u", False), ("var.u && false", False), ("true || var.u", True),
    ("var.u ? 1 : 1", 1),  # both branches equal: the value is known
    ("var.list[1]", "b"), ('var.m["k"]', "v"), ("var.m.k", "v"), ("var.t ? var.list : []", ["a", "b"]),
    ("var.n == null", True), ("[for v in var.list : upper(v)]", ["A", "B"]),
    # a known difference decides even beside unknown elements; a collection is never a number
    ("[1, var.u] == [2, var.u]", False), ("[var.u] == [1, 2]", False), ("{a = var.u} == {b = 1}", False),
    ("[var.u] == 1", False), ("[var.u] != null", True), ('coalesce("x", var.u)', "x"),
    ('terraform.workspace', "default"), ("path.module", "."), ("path.root", "."),
    ('"${var.list[0]}-${var.m.k}"', "a-v"),
])
def test_value_in_scope(expr: str, expected: Any) -> None:
    assert evaluate(parse_expression(expr), _scope()) == expected


@pytest.mark.parametrize(("expr", "reason"), [
    ("var.u && true", "aws_kms_key.k.arn is known only after apply"),
    ("var.u ? 1 : 2", "aws_kms_key.k.arn is known only after apply"),
    ("var.list[var.u]", "an index is not known statically"),
    ("-var.u", "aws_kms_key.k.arn is known only after apply"),
    ("!var.u", "aws_kms_key.k.arn is known only after apply"),
    ("var.missing", "var.missing has no value"),
    ("terraform.env", "terraform.* value"),
    ("count.index", "count.index outside its block"), ("each.key", "each.key outside its block"),
    ("module.m.out", "module.m is not evaluated here"),
    ("path.other", "path.other is not known here"), ("path.cwd", "path.cwd is not known here"),
    ("foo", "foo is not a known name"),
    ("aws_s3_bucket.b.arn", "aws_s3_bucket.b.arn is known only after apply"),
    ("data.aws_region.r.name", "data.aws_region.r.name is known only after apply"),
    ("[for v in var.u : v]", "aws_kms_key.k.arn is known only after apply"),
    ("[for v in var.list : v if var.u]", "aws_kms_key.k.arn is known only after apply"),
    ("{for v in var.list : var.u => v}", "aws_kms_key.k.arn is known only after apply"),
    ("{(var.u) = 1}", "an object key is not known statically"),
    ("var.u[*].id", "aws_kms_key.k.arn is known only after apply"),
    ("aws_s3_bucket.b[var.u].arn", "aws_s3_bucket.b.arn is known only after apply"),
    ("[1, var.u] == [1, 2]", "aws_kms_key.k.arn is known only after apply"),
    ('coalesce(var.u, "x")', "aws_kms_key.k.arn is known only after apply"),
    ("[for v in range(10001) : v]", "for expression over more than 10000 items"),
])
def test_unknown_in_scope(expr: str, reason: str) -> None:
    value = evaluate(parse_expression(expr), _scope())
    assert type(value) is Unknown and value.reason == reason


def test_an_unknown_keeps_the_objects_it_came_from() -> None:
    value = evaluate(parse_expression('"${var.u}/*" == "x" ? 1 : 2'), _scope())
    assert type(value) is Unknown and value.refs == ("aws_kms_key.k",)
    bucket = evaluate(parse_expression('aws_s3_bucket.b["x"].arn'), _scope(module="module.m"))
    assert type(bucket) is Unknown and bucket.refs == ('module.m.aws_s3_bucket.b["x"]',)


def test_path_cwd_is_the_root_module_folder() -> None:
    assert evaluate(parse_expression("path.cwd"), _scope(shown_root=Path("/work/x"))) == "/work/x"


def test_expressions_nested_deeper_than_the_limit_are_unknown() -> None:
    value = evaluate(parse_expression("[" * 70 + "1" + "]" * 70), Scope())
    assert type(value) is list  # the outer levels are known
    inner = value
    while isinstance(inner, list):
        inner = inner[0]
    assert type(inner) is Unknown and inner.reason == "expression nested too deeply"


def test_an_expression_kind_the_evaluator_does_not_know_is_unknown() -> None:
    assert evaluate(("unsupported", "x"), Scope()).reason == "unsupported expression (x)"
    assert evaluate(("nosuchkind",), Scope()).reason == "unsupported expression (nosuchkind)"
