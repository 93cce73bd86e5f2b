"""HCL text -> blocks and expression AST: what parses, what is refused, and at which line."""

from __future__ import annotations

from typing import Any

import pytest

from tfguard.load.hcl_ast import parse_body
from tfguard.load.hcl_expr import parse_expression
from tfguard.load.hcl_grammar import HclSyntaxError


@pytest.mark.parametrize(("text", "message", "line"), [
    ("x = 1 +\n", "unexpected end of file", 1),
    ("a = 1\nx = {\n", "unexpected end of file", 2),
    ("x = `1`\n", "unexpected '`1`\\n'", 1),
    ("x = 'a'\n", "unexpected \"'a'\\n\"", 1),
    ("x = 1 ~ 2\n", "unexpected '~'", 1),
    ("a = 1\nb = 2\n\x00\n", "unexpected '\\x00\\n'", 3),
    ('x = "%{ endif }"\n', "%{endif} without %{if}", 1),
    # nested too deeply to convert: the line of the innermost element, not the file's last
    ("a = 1\nx = " + "[" * 3000 + "]" * 3000 + "\nb = 2\n", "nested too deeply to analyse", 2),
    ("a = 1\n" + "b {\n" * 1200 + "}\n" * 1200 + "c = 2\n", "nested too deeply to analyse", 1201),
])
def test_syntax_errors_name_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(HclSyntaxError) as caught:
        parse_body(text)
    assert (str(caught.value), caught.value.line) == (message, line)


def test_blocks_labels_and_lines() -> None:
    body = parse_body('a = 1\nresource "aws_s3_bucket" "${x}" {\n  b = 2\n\n  inner {\n  }\n}\nmoved {}\n'
                      'k "l" m {\n}')  # no newline at the end of the file
    assert list(body.attrs) == ["a"]
    assert [(b.type, b.labels, b.line, b.end_line) for b in body.blocks] == [
        ("resource", ("aws_s3_bucket", "${...}"), 2, 7), ("moved", (), 8, 8), ("k", ("l", "m"), 9, 10)]
    resource = body.blocks[0]
    assert (resource.attrs["b"].line, resource.attrs["b"].end_line) == (3, 3)
    assert [(b.type, b.line, b.end_line) for b in resource.blocks] == [("inner", 5, 6)]


@pytest.mark.parametrize(("text", "node"), [
    ("1", ("lit", 1)), ("-1.5", ("lit", -1.5)), ("null", ("lit", None)),
    ('"a\\tb\\u00e9"', ("lit", "a\tb\u00e9")),
    ('"$${x} %%{y}"', ("lit", "${x} %{y}")),
    ("-x", ("unary", "-", ("trav", "x", ()))),
    ("!x", ("unary", "!", ("trav", "x", ()))),
    ("a.b[0].c", ("trav", "a", (("attr", "b"), ("index", ("lit", 0)), ("attr", "c")))),
    ("a.0", ("trav", "a", (("index", ("lit", 0)),))),
    ("f(x).y", ("get", ("call", "f", (("trav", "x", ()),), False, 0), (("attr", "y"),))),
    ("[x][0][1]", ("get", ("tuple", (("trav", "x", ()),)), (("index", ("lit", 0)), ("index", ("lit", 1))))),
    ("x[*].y", ("splat", ("trav", "x", ()), (("attr", "y"),))),
    ("x.*.y", ("splat", ("trav", "x", ()), (("attr", "y"),))),
    ("provider::aws::arn_parse(x)", ("call", "provider::aws::arn_parse", (("trav", "x", ()),), False, 0)),
    ("f(xs...)", ("call", "f", (("trav", "xs", ()),), True, 0)),
    ("{ a = 1, (k) = 2, if = 3 }", ("object", ((("lit", "a"), ("lit", 1)), (("trav", "k", ()), ("lit", 2)),
                                               (("lit", "if"), ("lit", 3))))),
    ("{ for k, v in m : k => v... if v }", ("for", "k", "v", ("trav", "m", ()), ("trav", "k", ()),
                                            ("trav", "v", ()), ("trav", "v", ()), True)),
    ("[for v in l : v if v]", ("for", None, "v", ("trav", "l", ()), None, ("trav", "v", ()),
                               ("trav", "v", ()), False)),
])
def test_expression_nodes(text: str, node: Any) -> None:
    # parse_expression (heredoc interpolations) drops call lines: they count from the snippet
    assert parse_expression(text) == node


def test_call_nodes_keep_the_line_of_their_name() -> None:
    body = parse_body('x = join(",", [\n  upper("a"),\n  lower("B"),\n])\ny = "${upper("a")}-${lower("b")}"\n')
    joined = body.attrs["x"].expr
    assert (joined[0], joined[1], joined[4]) == ("call", "join", 1)
    assert [(c[1], c[4]) for c in joined[2][1][1]] == [("upper", 2), ("lower", 3)]
    assert [(p[1], p[4]) for p in body.attrs["y"].expr[1] if not isinstance(p, str)] == [("upper", 5), ("lower", 5)]


def test_a_heredoc_keeps_its_text_and_parts() -> None:
    body = parse_body('a = <<EOT\n  x ${y} $${z}\nEOT\nb = <<-EOT\n    one\n      two\n  EOT\nc = <<EOT\nEOT\n')
    assert body.attrs["a"].expr == ("tmpl", ("  x ", ("trav", "y", ()), " ${z}\n"))
    assert body.attrs["b"].expr == ("lit", "one\n  two\n")
    assert body.attrs["c"].expr == ("lit", "")
