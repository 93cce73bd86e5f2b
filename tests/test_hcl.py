"""HCL parsing (blocks, lines, expressions) and static evaluation."""

from __future__ import annotations

from pathlib import Path

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_ast import parse_body
from tfguard.load.loader import load_directory
from tfguard.model import Ref, Unknown

SOURCE = '''resource "aws_s3_bucket" "b" {
  bucket = "x-${var.env}"
  tags   = { Name = "a", "k" = 1 }
  policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = aws_s3_bucket.b.arn }] })
  list   = [for s in var.l : upper(s) if s != ""]
  c      = var.a ? 1 : -2.5
  h      = <<-EOT
    hello ${var.env}
    EOT
  rule {
    x = !true || 3 + 4 * 2 == 11
  }
}
'''


def _attrs() -> dict[str, object]:
    block = parse_body(SOURCE).blocks[0]
    scope = Scope(variables={"env": "prod", "l": ["a", "", "b"], "a": True})
    values = {name: evaluate(attr.expr, scope) for name, attr in block.attrs.items()}
    values["rule.x"] = evaluate(block.blocks[0].attrs["x"].expr, scope)
    return values


def test_block_and_attribute_lines() -> None:
    block = parse_body(SOURCE).blocks[0]
    assert (block.type, block.labels, block.line, block.end_line) == ("resource", ("aws_s3_bucket", "b"), 1, 13)
    lines = {name: (a.line, a.end_line) for name, a in block.attrs.items()}
    assert lines == {"bucket": (2, 2), "tags": (3, 3), "policy": (4, 4), "list": (5, 5), "c": (6, 6), "h": (7, 9)}
    assert (block.blocks[0].line, block.blocks[0].end_line, block.blocks[0].attrs["x"].line) == (10, 12, 11)


def test_expressions_evaluate() -> None:
    values = _attrs()
    assert values["bucket"] == "x-prod"
    assert values["tags"] == {"Name": "a", "k": 1}
    assert values["list"] == ["A", "B"]
    assert values["c"] == 1
    assert values["h"] == "hello prod\n"
    assert values["rule.x"] is True


def test_jsonencode_with_unknown_keeps_structure_and_refs() -> None:
    policy = _attrs()["policy"]
    assert isinstance(policy, Unknown)
    assert policy.refs == ("aws_s3_bucket.b",)
    assert policy.partial["Statement"][0]["Effect"] == "Allow"


def test_variable_without_value_is_unknown_with_reason() -> None:
    value = evaluate(parse_body('x = var.missing\n').attrs["x"].expr, Scope())
    assert isinstance(value, Unknown) and value.reason == "var.missing has no value"


def test_locals_cycle_is_diagnosed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_kms_key" "k" {\n  description = local.a\n}\n',
        encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path)
    assert isinstance(resources[0].values["description"], Unknown)
    assert {(d.file, d.line) for d in diagnostics} == {("main.tf", 2), ("main.tf", 3)}


def test_count_for_each_dynamic_and_refs(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
resource "aws_kms_key" "k" {}
resource "aws_s3_bucket" "b" {
  for_each = toset(["x", "y"])
  bucket   = "b-${each.key}"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "s" {
  count  = 2
  bucket = aws_s3_bucket.b["x"].id
  dynamic "rule" {
    for_each = ["aws:kms"]
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = rule.value
        kms_master_key_id = aws_kms_key.k.arn
      }
    }
  }
}
''', encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path)
    assert diagnostics == []
    by = {r.address: r for r in resources}
    assert sorted(by) == [
        'aws_kms_key.k', 'aws_s3_bucket.b["x"]', 'aws_s3_bucket.b["y"]',
        "aws_s3_bucket_server_side_encryption_configuration.s[0]",
        "aws_s3_bucket_server_side_encryption_configuration.s[1]",
    ]
    assert by['aws_s3_bucket.b["y"]'].values["bucket"] == "b-y"
    sse = by["aws_s3_bucket_server_side_encryption_configuration.s[1]"]
    assert sse.values["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert sse.refs == [
        Ref("bucket", "aws_s3_bucket.b", '"x"'),
        Ref("rule.apply_server_side_encryption_by_default.kms_master_key_id", "aws_kms_key.k", None),
    ]
    assert sse.location_of("rule.apply_server_side_encryption_by_default.sse_algorithm").start_line == 14


def test_huge_count_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n  count = 100000000\n}\n', encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path)
    assert len(resources) == 10_000
    assert [(d.file, d.line) for d in diagnostics] == [("main.tf", 2)]
