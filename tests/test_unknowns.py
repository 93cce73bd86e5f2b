"""Terraform's rules for unknown values: what stays known around an unknown part.

Every expected value here is what `terraform console -plan` gives for the same
expression, with `aws_s3_bucket.b.arn` / `.id` unknown (known after apply).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_evaluation import load, write
from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_expr import parse_expression
from tfguard.model import Unknown

LOCALS = {
    "u": "aws_s3_bucket.b.arn",
    "l": '[aws_s3_bucket.b.arn, "b"]',
    "l2": '["b", aws_s3_bucket.b.arn]',
    "m": '{ a = aws_s3_bucket.b.arn, b = "k" }',
    "s": '"arn:aws:s3:::${aws_s3_bucket.b.id}"',
}


def value(text: str) -> Any:
    scope = Scope(local_exprs={k: parse_expression(v) for k, v in LOCALS.items()})
    return evaluate(parse_expression(text), scope)


U = Unknown  # an unknown result, whatever its reason


@pytest.mark.parametrize(("expr", "expected"), [
    ("local.l != null", True),
    ("local.l == null", False),
    ("local.m == null", False),
    ("local.s == null", False),  # a template's result is never null
    ("upper(local.u) == null", False),  # nor most functions' results
    ("jsonencode(local.m) != null", True),
    ("local.u == null", U),  # a provider's unknown attribute may be null
    ('"${local.u}" == null', U),  # "${x}" is x itself
    ("lookup(local.m, local.u, null) == null", U),  # lookup() may return null
    ('local.l == ["x"]', False),  # lengths differ
    ('local.l == ["x", "c"]', U),  # the first pair is unknown
    ('local.l2 == ["c", "x"]', False),  # the first pair differs
    ('local.l2 == ["b", "x"]', U),
    ('local.m == { a = "z", b = "q" }', U),
    ('local.m == { a = "z" }', False),
    ('local.m != { a = "z" }', True),
    ("null == null", True),
])
def test_equality_with_unknown_parts(expr: str, expected: Any) -> None:
    result = value(expr)
    if expected is U:
        assert isinstance(result, Unknown)
    else:
        assert result is expected


def test_null_check_keeps_a_partly_unknown_map() -> None:
    result = value("local.m != null ? local.m : {}")
    assert isinstance(result, dict) and list(result) == ["a", "b"]
    assert isinstance(result["a"], Unknown) and result["b"] == "k"


def test_nested_template_keeps_its_known_text() -> None:
    result = value('"${local.s}/*"')
    assert isinstance(result, Unknown)
    assert result.partial == "arn:aws:s3:::{?}/*"
    assert result.refs == ("aws_s3_bucket.b",)
    assert result.not_null


def test_single_interpolation_is_the_value_itself() -> None:
    result = value('"${local.s}"')
    assert isinstance(result, Unknown) and result.partial == "arn:aws:s3:::{?}"


@pytest.mark.parametrize(("expr", "expected"), [
    ('"${1 + 1}" == 2', True),  # a number stays a number (terraform console: true)
    ('"${["a"]}"', ["a"]),  # a list stays a list
    ('"${true}"', True),
    ('"x${1}"', "x1"),  # with other parts it is a string
])
def test_single_known_interpolation_keeps_its_type(expr: str, expected: Any) -> None:
    assert value(expr) == expected


NULLABLE = {
    "modules/m/main.tf": 'variable "create" {\n  type     = bool\n  default  = true\n  nullable = false\n}\n'
    'variable "plain" {\n  type    = string\n  default = "d"\n}\n'
    'variable "cfg" {\n  type = object({\n    a = optional(string, "x")\n    b = optional(object({\n'
    '      c = optional(number, 3)\n    }), {})\n  })\n}\n'
    'resource "aws_kms_key" "k" {\n  count       = var.create ? 1 : 0\n  description = var.plain\n'
    '  tags        = { a = var.cfg.a, c = var.cfg.b.c }\n}\n',
    "main.tf": 'module "m" {\n  source = "./modules/m"\n  create = null\n  plain  = null\n  cfg    = {}\n}\n',
}


def test_null_given_to_a_non_nullable_variable_takes_its_default(tmp_path: Path) -> None:
    res, _ = load(write(tmp_path, NULLABLE))
    key = res["module.m.aws_kms_key.k[0]"]
    # `plain` is nullable (the default): the null stays, as in Terraform.
    assert key.values["description"] is None
    assert key.values["tags"] == {"a": "x", "c": "3"}  # tags are strings


def test_path_values_are_those_of_terraform_run_in_the_root(tmp_path: Path) -> None:
    root = tmp_path / "examples" / "complete"
    write(tmp_path, {"modules/m/main.tf": 'resource "aws_kms_key" "k" {\n'
                     '  description = "${path.module}|${path.root}|${path.cwd}"\n}\n',
                     "examples/complete/main.tf": 'module "m" {\n  source = "../../modules/m"\n}\n'
                     'resource "aws_kms_key" "k" {\n  description = "${path.module}|${path.root}|${path.cwd}"\n}\n'})
    res, _ = load(root, allow_outside_root=True)
    assert res["aws_kms_key.k"].values["description"] == f".|.|{root.resolve()}"
    assert res["module.m.aws_kms_key.k"].values["description"] == f"../../modules/m|.|{root.resolve()}"


STORE = ('variable "other" {}\nvariable "name" {\n  default = "s"\n}\n'
         'resource "aws_kms_key" "k" {\n  description = "${var.name} uses ${var.other}"\n}\n'
         'output "name" {\n  value = var.name\n}\noutput "echo" {\n  value = var.other\n}\n')


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_modules_using_each_others_outputs_are_no_cycle(tmp_path: Path, order: tuple[str, str]) -> None:
    calls = {"a": 'module "a" {\n  source = "./m"\n  name   = "A"\n  other  = module.b.name\n}\n',
             "b": 'module "b" {\n  source = "./m"\n  name   = "B"\n  other  = module.a.name\n}\n'}
    res, diags = load(write(tmp_path, {"m/main.tf": STORE, "main.tf": calls[order[0]] + calls[order[1]]}))
    assert res["module.a.aws_kms_key.k"].values["description"] == "A uses B"
    assert res["module.b.aws_kms_key.k"].values["description"] == "B uses A"
    assert diags == []


def test_a_value_that_depends_on_itself_is_unknown_and_reported(tmp_path: Path) -> None:
    # a.other <- b.echo <- b.other <- a.echo <- a.other: a real cycle (Terraform refuses it);
    # the names, which do not take part, stay known.
    main = ('module "a" {\n  source = "./m"\n  name   = "A"\n  other  = module.b.echo\n}\n'
            'module "b" {\n  source = "./m"\n  name   = module.a.name\n  other  = module.a.echo\n}\n')
    res, diags = load(write(tmp_path, {"m/main.tf": STORE, "main.tf": main}))
    description = res["module.a.aws_kms_key.k"].values["description"]
    assert isinstance(description, Unknown) and "depends on itself" in description.reason
    assert isinstance(res["module.b.aws_kms_key.k"].values["description"], Unknown)
    # Each value on the cycle, where it is defined: the two inputs and the two outputs.
    assert sorted(diags) == [("m/main.tf", 11, "warning")] * 2 + [("main.tf", 4, "warning"), ("main.tf", 9, "warning")]


COUNTED = ('module "c" {\n  source = "./m"\n  count  = 2\n  name   = "c${count.index}"\n  other  = "x"\n}\n'
           'module "e" {\n  source   = "./m"\n  for_each = toset(["p", "q"])\n  name     = each.key\n  other  = "x"\n}\n'
           'resource "aws_kms_key" "k" {\n  description = "${module.c[1].name} ${module.e["q"].name}"\n'
           '  tags = {\n    all   = join(",", [for c in module.c : c.name])\n'
           '    keys  = join(",", keys(module.e))\n  }\n}\n'
           'resource "aws_kms_key" "missing" {\n  description = try(module.c[0].nothing, "no such output")\n}\n')


def test_instances_of_a_module_are_referred_to_by_key(tmp_path: Path) -> None:
    res, _ = load(write(tmp_path, {"m/main.tf": STORE, "main.tf": COUNTED}))
    key = res["aws_kms_key.k"]
    assert key.values["description"] == "c1 q"
    assert key.values["tags"] == {"all": "c0,c1", "keys": "p,q"}
    assert res["aws_kms_key.missing"].values["description"] == "no such output"


# terraform console -plan, with local.u = terraform_data.x.id (unknown).
FUNCTION_LOCALS = {"ll": 'tolist([local.u, "b"])', "mm": 'tomap({ a = local.u, b = "k" })', "l": '[local.u, "b"]'}


@pytest.mark.parametrize(("expr", "expected"), [
    ("length(local.ll)", 2),
    ("keys(local.mm)", ["a", "b"]),
    ("values(local.mm)", [U, "k"]),
    ('lookup(local.mm, "b", "d")', "k"),
    ('lookup(local.mm, "z", "d")', "d"),
    ("lookup(local.mm, local.u, \"d\")", U),
    ('merge(local.mm, { c = "1" })', {"a": U, "b": "k", "c": "1"}),
    ('concat(local.ll, ["z"])', [U, "b", "z"]),
    ('coalesce("x", local.u)', "x"),
    ('coalesce(null, "x", local.u)', "x"),
    ('coalesce(local.u, "x")', U),
    ('contains(local.ll, "b")', True),
    ('contains(local.ll, "z")', U),
    ("anytrue([local.u == \"a\", true])", True),
    ("alltrue([local.u == \"a\", false])", U),
    ("element(local.ll, 1)", "b"),
    ("reverse(local.ll)", ["b", U]),
    ('zipmap(["p", "q"], local.ll)', {"p": U, "q": "b"}),
    ('try(local.mm["b"], "d")', "k"),
    ('try(local.mm["z"], "d")', "d"),
    ('try(jsondecode(local.l), "d")', "d"),  # a collection is never a string: an error, not unknown
    ("length(try(jsondecode(local.l), local.l))", 2),
    ("[for i, v in local.ll : i]", [0, 1]),
    ('{ for k, v in local.mm : k => v if k != "a" }', {"b": "k"}),
    ("{ for k, v in local.mm : v => k }", U),  # an unknown key
    ("[for v in local.ll : v if v == \"b\"]", U),  # an unknown condition
    ("local.ll[*]", [U, "b"]),
    ("length(local.ll[*])", 2),
    ("range(length(local.ll))", [0, 1]),
])
def test_functions_and_for_over_partly_unknown_collections(expr: str, expected: Any) -> None:
    scope = Scope(local_exprs={"u": parse_expression("terraform_data.x.id"),
                               **{k: parse_expression(v) for k, v in FUNCTION_LOCALS.items()}})
    assert _shape(evaluate(parse_expression(expr), scope)) == _shape(expected)


def _shape(value: Any) -> Any:
    """The value with every unknown part as U."""
    if isinstance(value, Unknown) or value is U:
        return U
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return value


def test_strings_built_the_same_way_from_the_same_origin_have_one_symbolic_text() -> None:
    from tfguard.graph import symbolic_text

    scope = Scope(local_exprs={"name": parse_expression('"replica-${terraform_data.s.id}"')})
    name = evaluate(parse_expression("local.name"), scope)
    arn = evaluate(parse_expression('"arn:aws:s3:::${local.name}"'), scope)
    other = evaluate(parse_expression('"arn:aws:s3:::replica-${terraform_data.t.id}"'), scope)
    text = symbolic_text(name)
    assert text is not None and symbolic_text(arn) == "arn:aws:s3:::" + text
    assert symbolic_text(other) != symbolic_text(arn)
    assert symbolic_text(evaluate(parse_expression('"x-${var.nothing}"'), scope)) is None
    assert symbolic_text(evaluate(parse_expression("terraform_data.s.id"), scope)) is None  # links by reference
