"""Template strip markers and %{if}/%{for} directives, as Terraform evaluates them.

The expected values were read from `terraform console` (Terraform 1.11) on
the same text; tests/test_crash_classes.py pins the crash classes around them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_ast import parse_body
from tfguard.load.hcl_grammar import HclSyntaxError
from tfguard.load.loader import load_directory
from tfguard.load.modules import LoadOptions
from tfguard.model import EvalError, Unknown, is_unknown

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "eval" / "template_directives"

# (HCL expression, the value terraform console gives)
CASES = [
    ('"a  ${~ "x" ~}   b"', "axb"),
    ('"${~ "x"}"', "x"),
    ('"x \\n ${~ "y" ~} \\n z"', "xyz"),
    ('"[%{ for x in ["p", "q"] ~}  ${x},  %{~ endfor ~}  ]"', "[p,q,]"),
    ('"%{ for k, v in {a = 1, b = 2} }${k}=${v};%{ endfor }"', "a=1;b=2;"),
    ('"%{ if false }x%{ endif }|%{if true}${"y"}%{else}z%{endif}"', "|y"),
    ('"%{ for x in [] }never%{ endfor }<%{ if true }%{ for y in [1,2] }${y}%{ endfor }%{ endif }>"', "<12>"),
    ('<<EOT\nstart\n  %{ for x in ["p", "q"] ~}\n  item ${x}\n  %{ endfor ~}\nend\n  %{~ if true ~}\nyes\n'
     '  %{~ else ~}\nno\n  %{~ endif ~}\ndone\nEOT\n', "start\n    item p\n    item q\n  end\nyes\ndone\n"),
    ('<<EOT\na\n%{~ if true}b%{endif}\nc   \n  ${~ "d" ~}   \n\n  e\nEOT\n', "ab\nc   \nd\n  e\n"),
    ('<<EOT\n%{ for i, x in ["a", "b"] ~}\n${i}:${x}%{ if x == "a" }!%{ endif }\n%{ endfor ~}\nEOT\n', "0:a!\n1:b\n"),
    ('<<-EOT\n    hello\n    EOT  \n', "hello\n"),
    ('<<POLICY\n{"a": 1}\nPOLICY   \n', '{"a": 1}\n'),
]


def value(expr: str, **variables: object) -> object:
    block = parse_body(f"x = {expr}\n")
    return evaluate(block.attrs["x"].expr, Scope(variables=dict(variables)))


@pytest.mark.parametrize(("expr", "expected"), CASES)
def test_as_terraform_console_gives(expr: str, expected: str) -> None:
    assert value(expr) == expected


def test_template_file_with_strip_markers(tmp_path: Path) -> None:
    (tmp_path / "t.tpl").write_text("start   \n%{~ for x in xs ~}\n  - ${x}   \n\n%{~ endfor ~}\n   \nend\n")
    (tmp_path / "main.tf").write_text('resource "aws_sns_topic" "t" {\n'
                                      '  name = templatefile("${path.module}/t.tpl", { xs = ["p", "q"] })\n}\n')
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions())
    assert diagnostics == []
    assert resources[0].values["name"] == "start  - p   \n  - q   \n   \nend\n"


def test_unknown_condition_or_collection_is_unknown_with_known_text() -> None:
    got = value('"a%{ if var.x }b%{ endif }c"', x=Unknown("var.x is not known"))
    assert is_unknown(got) and got.partial == "a{?}c"
    got = value('"%{ for v in var.xs }${v},%{ endfor }"', xs=Unknown("not known"))
    assert is_unknown(got)
    got = value('"%{ for v in ["a", var.y] }${v},%{ endfor }"', y=Unknown("not known"))
    assert is_unknown(got) and got.partial == "a,{?},"


def test_a_non_bool_condition_fails_as_in_terraform() -> None:
    assert isinstance(value('"%{ if "x" }a%{ endif }"'), EvalError)


@pytest.mark.parametrize("body", ['"%{ endif }"', '"%{ if true }a"', '"%{ for x in [1] }a%{ endif }"',
                                  '<<EOT\n%{ else }\nEOT\n'])
def test_unbalanced_directives_are_syntax_errors_with_their_line(body: str) -> None:
    with pytest.raises(HclSyntaxError) as info:
        parse_body(f"a = 1\nx = {body}\n")
    assert info.value.line == 2


def test_an_invalid_template_file_is_an_error_value_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "bad.tpl").write_text("%{ if true }never closed\n${ 1 + }\n")
    (tmp_path / "main.tf").write_text('resource "aws_sns_topic" "t" {\n'
                                      '  name = templatefile("${path.module}/bad.tpl", {})\n}\n')
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions())
    # Terraform refuses the template too: a warning at the call, the scan goes on.
    assert [(d.file, d.line, d.severity, d.message) for d in diagnostics] == [
        ("main.tf", 2, "warning", "templatefile(): bad.tpl is not a valid template: unexpected end of file "
                                  "(Terraform fails here; the value is unknown)")]
    assert isinstance(resources[0].values["name"], EvalError)


def test_the_fixture_policies_equal_the_planned_ones() -> None:
    resources, diagnostics = load_directory(FIXTURE, FIXTURE, LoadOptions())
    plan = json.loads((FIXTURE / "plan.json").read_text(encoding="utf-8"))
    planned = {r["address"]: r["change"]["after"] for r in plan["resource_changes"]}
    assert diagnostics == []
    for res in resources:
        assert json.loads(res.values["policy"]) == json.loads(planned[res.address]["policy"]), res.address
