"""Every function tfguard evaluates, against the results Terraform gives."""

from __future__ import annotations

from typing import Any

import pytest

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_expr import parse_expression
from tfguard.model import EvalError, TfSet, Unknown

CASES: list[tuple[str, Any]] = [
    ('jsonencode({a = [1, "x", true]})', '{"a":[1,"x",true]}'),
    ('jsondecode("{\\"a\\": 1}")', {"a": 1}),
    ('merge({a = 1, b = 2}, {b = 3})', {"a": 1, "b": 3}),
    ('concat([1], [2, 3])', [1, 2, 3]),
    ('lookup({a = 1}, "b", 7)', 7),
    ('coalesce("", null, "x")', "x"),
    ('coalescelist([], ["a"])', ["a"]),
    ('format("%s-%03d", "k", 7)', "k-007"),
    ('formatlist("%s!", ["a", "b"])', ["a!", "b!"]),
    ('join(",", ["a", "b"])', "a,b"),
    ('split(",", "a,b")', ["a", "b"]),
    ('lower("AbC")', "abc"), ('upper("abc")', "ABC"), ('title("hello world")', "Hello World"),
    ('replace("a-b-c", "-", "_")', "a_b_c"),
    ('replace("a1b22", "/[0-9]+/", "#")', "a#b#"),
    ('trim("xxhixx", "x")', "hi"), ('trimspace("  hi \\n")', "hi"),
    ('trimprefix("arn:aws", "arn:")', "aws"), ('trimsuffix("file.tf", ".tf")', "file"),
    ('tolist(["a"])', ["a"]), ('toset(["a", "a", "b"])', ["a", "b"]), ('tomap({a = 1})', {"a": 1}),
    ('tostring(5)', "5"), ('tonumber("5")', 5), ('tobool("true")', True),
    ('length([1, 2])', 2), ('element(["a", "b"], 3)', "b"), ('index(["a", "b"], "b")', 1),
    ('contains(["a"], "a")', True), ('keys({b = 1, a = 2})', ["a", "b"]), ('values({b = 1, a = 2})', [2, 1]),
    ('flatten([[1], [2, [3]]])', [1, 2, 3]), ('distinct([1, 1, 2])', [1, 2]), ('compact(["a", "", null])', ["a"]),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}), ('range(3)', [0, 1, 2]),
    ('min(3, 1)', 1), ('max(3, 1)', 3), ('abs(-2)', 2), ('ceil(1.2)', 2), ('floor(1.8)', 1),
    ('startswith("alias/aws/s3", "alias/aws/")', True), ('endswith("a.tf", ".tf")', True),
    ('substr("hello", 1, 3)', "ell"), ('regex("k-([0-9]+)", "k-42")', ["42"]), ('regexall("[0-9]", "a1b2")', ["1", "2"]),
    ('base64encode("hi")', "aGk="), ('base64decode("aGk=")', "hi"),
    ('sha256("x")', "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
    ('md5("x")', "9dd4e461268c8034f5c8564e155c67a6"),
    ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
    ('try(local.missing, "fallback")', "fallback"), ('can(1)', True),
    ('yamlencode({a = 1})', '"a": 1\n'),
]


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[c[0] for c in CASES])
def test_function(expr: str, expected: Any) -> None:
    assert evaluate(parse_expression(expr), Scope()) == expected


@pytest.mark.parametrize("expr", [
    'upper(var.x)', 'merge(var.x, {a = 1})', 'regex("(a+)+$", "aaaa")', 'range(1000000000)',
    'cidrsubnet("10.0.0.0/30", 8, 1)', 'nosuchfunction(1)', 'element([], 1)',
])
def test_unknown_or_refused_is_unknown_not_a_crash(expr: str) -> None:
    assert isinstance(evaluate(parse_expression(expr), Scope()), Unknown)


def _scope_with_unknowns() -> Scope:
    key = Unknown("aws_kms_key.k.arn is known only after apply", ("aws_kms_key.k",))
    return Scope(variables={"partial": {"a": key, "b": "known"}, "key": key, "owner": {}})


@pytest.mark.parametrize(("expr", "expected"), [
    ('try(var.partial.b, "fb")', "known"),
    ('try(var.partial.c, "fb")', "fb"),
    ('try(var.owner["id"], null)', None),
    ('try(var.partial.b.c, var.partial.c, "last")', "last"),
    ('try(upper(var.partial.c), "fb")', "fb"),
    ('try(regex("x", "y"), "fb")', "fb"),
    ('try(tonumber("x"), 0)', 0),
    ('try([1][3], "fb")', "fb"),
    ('try([1][-1], "fb")', "fb"),
    ('try("a${var.partial}", "fb")', "fb"),
    ('can(var.partial.c)', False), ('can(var.partial.b)', True), ('can(regex("^a", "b"))', False),
    ('can(regex("^a", "abc"))', True), ('can(tobool("maybe"))', False), ('can(var.partial)', True),
])
def test_try_and_can_fall_back_only_on_errors(expr: str, expected: Any) -> None:
    assert evaluate(parse_expression(expr), _scope_with_unknowns()) == expected


def test_try_keeps_an_unknown_argument_and_its_reference() -> None:
    # A key created in the same configuration: try() never takes the fallback.
    value = evaluate(parse_expression("try(var.key, null)"), _scope_with_unknowns())
    assert isinstance(value, Unknown) and value.refs == ("aws_kms_key.k",)
    partial = evaluate(parse_expression('try(var.partial, "fb")'), _scope_with_unknowns())
    assert partial["b"] == "known" and partial["a"].refs == ("aws_kms_key.k",)


def test_can_of_a_wholly_unknown_value_is_unknown() -> None:
    value = evaluate(parse_expression('can(regex("x", var.key))'), _scope_with_unknowns())
    assert isinstance(value, Unknown) and not isinstance(value, EvalError)


@pytest.mark.parametrize(("expr", "expected"), [
    ('{for k, v in toset(["rds/b", "rds/a"]) : k => v}', {"rds/a": "rds/a", "rds/b": "rds/b"}),
    ('[for k, v in toset(["b", "a", "b"]) : k]', ["a", "b"]),
    ('[for k, v in {b = 1, a = 2} : "${k}=${v}"]', ["a=2", "b=1"]),
    ('toset(["b", 1, "a"])', ["1", "a", "b"]), ('toset([10, 2, 1])', [1, 2, 10]),
    ('setunion(["b"], ["a", "b"])', ["a", "b"]), ('setintersection(["a", "b"], ["b", "c"])', ["b"]),
    ('setsubtract(["a", "b"], ["b"])', ["a"]),
    ('setproduct(["a", "b"], [1, 2])', [["a", 1], ["a", 2], ["b", 1], ["b", 2]]),
])
def test_sets_are_ordered_and_keyed_by_element(expr: str, expected: Any) -> None:
    assert evaluate(parse_expression(expr), Scope()) == expected


def test_set_values_are_sets_and_cannot_be_indexed() -> None:
    assert isinstance(evaluate(parse_expression('toset(["a"])'), Scope()), TfSet)
    assert isinstance(evaluate(parse_expression('setunion(["a"], ["b"])'), Scope()), TfSet)
    assert not isinstance(evaluate(parse_expression('tolist(toset(["a"]))'), Scope()), TfSet)
    assert isinstance(evaluate(parse_expression('toset(["a"])[0]'), Scope()), EvalError)


def test_templatestring_renders_a_string_with_its_own_variables() -> None:
    scope = Scope(variables={"tpl": "Hello, ${name}!"})
    assert evaluate(parse_expression('templatestring(var.tpl, {name = "world"})'), scope) == "Hello, world!"


@pytest.mark.parametrize("expr", [
    'provider::other::anything(1)', 'timestamp()', 'uuid()', 'bcrypt("x")', 'abspath("rel")',
    'pathexpand("~/x")', 'regex("\\\\pL", "a")', 'format("%s", null)',
])
def test_functions_that_are_not_static_are_unknown_not_errors(expr: str) -> None:
    value = evaluate(parse_expression(expr), Scope())
    assert isinstance(value, Unknown) and not isinstance(value, EvalError)


def test_a_function_refusing_a_partly_unknown_argument_is_unknown_not_an_error() -> None:
    scope = _scope_with_unknowns()
    for expr in ('join(",", [var.key, "a"])', 'toset([var.key, "a"])', 'contains([var.key], "a")'):
        value = evaluate(parse_expression(expr), scope)
        assert isinstance(value, Unknown) and not isinstance(value, EvalError), expr
    assert evaluate(parse_expression('try(join(",", [var.key]), "fb")'), scope) != "fb"


@pytest.mark.parametrize("expr", [
    'tonumber("x")', 'lookup({a = 1}, "b")', 'element([], 0)', 'slice([1], 0, 5)', 'upper(["a"])',
    'cidrsubnet("10.0.0.0/8", 30, 1)', 'jsondecode("{")', 'base64decode("%")',
])
def test_a_function_error_terraform_raises_is_an_evaluation_error_that_try_catches(expr: str) -> None:
    assert isinstance(evaluate(parse_expression(expr), Scope()), EvalError), expr
    assert evaluate(parse_expression(f'try({expr}, "fallback")'), Scope()) == "fallback"
    assert evaluate(parse_expression(f"can({expr})"), Scope()) is False


# More values, each as `terraform console` gives it (provider::aws:: with hashicorp/aws 5.100).
MORE_CASES: list[tuple[str, Any]] = [
    ('parseint("-ff", 16)', -255), ('parseint("+101", 2)', 5), ('parseint("zz", 36)', 1295),
    ('parseint("Zz", 62)', 3817),
    ('chunklist(["a", "b", "c"], 2)', [["a", "b"], ["c"]]), ('chunklist(["a"], 0)', [["a"]]),
    ('format("%q", 1)', '"1"'),
    ('format("%5.1f|%-4d|%x|%o|%e|%b", 3.14159, 7, 255, 8, 1500, 5)', "  3.1|7   |ff|10|1.500000e+03|101"),
    ('regex("(?i)A", "a")', "a"), ('regex("[]a]", "]")', "]"), ('regex("(?P<n>a)", "a")', {"n": "a"}),
    ('provider::aws::arn_build("aws", "s3", "", "", "b")', "arn:aws:s3:::b"),
    ('provider::aws::trim_iam_role_path("arn:aws:iam::1:role/a/b/r")', "arn:aws:iam::1:role/r"),
    ('provider::aws::arn_parse("arn:aws:iam::1:role/x")',
     {"account_id": "1", "partition": "aws", "region": "", "resource": "role/x", "service": "iam"}),
]


@pytest.mark.parametrize(("expr", "expected"), MORE_CASES, ids=[c[0] for c in MORE_CASES])
def test_more_functions(expr: str, expected: Any) -> None:
    assert evaluate(parse_expression(expr), Scope()) == expected


# Each fails in Terraform ("Call to function ... failed" or "Invalid function argument").
FAILING_CALLS = [
    'parseint("ff", 63)', 'parseint("-", 10)', "min()", "range()", 'chunklist(["a"], -1)',
    'setproduct(["a"])', "setunion()", "length(null)", 'format("%d", [1])', 'format("%t", 1)',
    'format("%y", 1)', "tonumber(true)", "coalescelist()", 'regex("[", "a")', 'regex("(?P<x>a)(b)", "ab")',
    'provider::aws::arn_parse("x:aws:s3")', 'provider::aws::arn_parse("arn:aws:s3")',
    'provider::aws::trim_iam_role_path("arn:aws:s3:::b")',
]


@pytest.mark.parametrize("expr", FAILING_CALLS)
def test_a_refused_call_is_an_error_naming_the_function(expr: str) -> None:
    value = evaluate(parse_expression(expr), Scope())
    name = expr.split("(", 1)[0]
    assert isinstance(value, EvalError) and value.reason.startswith(f"{name}(): ")
