"""Override files merged into their module as Terraform merges them."""

from __future__ import annotations

from pathlib import Path

from tests.test_language import _load, _write
from tfguard.load.files import tf_files
from tfguard.load.loader import load_directory
from tfguard.model import Location

SG = '''resource "aws_security_group" "a" {
  name = "a"
  dynamic "ingress" {
    for_each = [1]
    content {
      from_port = 1
    }
  }
  ingress {
    from_port = 2
  }
  egress {
    from_port = 5
  }
}

resource "aws_security_group" "b" {
  name = "b"
  ingress {
    from_port = 3
  }
}
'''

SG_OVERRIDE = '''resource "aws_security_group" "a" {
  ingress {
    from_port = 9
  }
}

resource "aws_security_group" "b" {
  description = "over"
  dynamic "ingress" {
    for_each = [1]
    content {
      from_port = 8
    }
  }
}
'''


def test_override_nested_blocks_replace_every_block_of_their_type(tmp_path: Path) -> None:
    # What terraform 1.11 plans for the same files: a literal block replaces a dynamic
    # one of its type and the other way round; other block types stay.
    res, diags = _load(_write(tmp_path, {"main.tf": SG, "override.tf": SG_OVERRIDE}))
    assert diags == []
    assert res["aws_security_group.a"].values["ingress"] == [{"from_port": 9}]
    assert res["aws_security_group.a"].values["egress"] == [{"from_port": 5}]
    assert res["aws_security_group.b"].values["ingress"] == [{"from_port": 8}]
    assert res["aws_security_group.b"].values["name"] == "b"
    assert res["aws_security_group.b"].values["description"] == "over"


def test_override_locations_point_at_the_override(tmp_path: Path) -> None:
    res, _ = _load(_write(tmp_path, {"main.tf": SG, "override.tf": SG_OVERRIDE}))
    b = res["aws_security_group.b"]
    assert b.location == Location("main.tf", 17, 22)  # the block is still declared in main.tf
    assert b.attr_locations["name"] == Location("main.tf", 18, 18)
    assert b.attr_locations["description"] == Location("override.tf", 8, 8)
    assert b.attr_locations["ingress"] == Location("override.tf", 9, 14)
    assert res["aws_security_group.a"].attr_locations["ingress.from_port"] == Location("override.tf", 3, 3)


def test_overrides_apply_in_lexical_order_after_normal_files(tmp_path: Path) -> None:
    folder = _write(tmp_path, {
        "a_override.tf": 'resource "aws_kms_key" "k" {\n  description = "a"\n}\n',
        "b_override.tf": 'resource "aws_kms_key" "k" {\n  description = "b"\n}\n',
        "override.tf": 'resource "aws_kms_key" "k" {\n  description = "plain"\n  deletion_window_in_days = 7\n}\n',
        "z.tf": 'resource "aws_kms_key" "k" {\n  description = "base"\n  enable_key_rotation = true\n}\n',
    })
    assert [p.name for p in tf_files(folder)] == ["z.tf", "a_override.tf", "b_override.tf", "override.tf"]
    res, diags = _load(folder)
    assert diags == []
    assert res["aws_kms_key.k"].values == {"description": "plain", "enable_key_rotation": True,
                                           "deletion_window_in_days": 7}


def test_override_locals_variables_outputs_modules_and_providers(tmp_path: Path) -> None:
    _write(tmp_path / "child", {"main.tf": 'variable "n" {}\nresource "aws_sqs_queue" "q" {\n  name = var.n\n}\n'})
    _write(tmp_path / "root", {
        "main.tf": '''provider "aws" {
  region = "us-east-1"
}
variable "v" {
  default = "base"
}
locals {
  a = "base"
  b = "base"
}
module "m" {
  source = "../child"
  n      = "base"
}
resource "aws_s3_bucket" "x" {
  bucket = "${var.v}-${local.a}-${local.b}"
}
''',
        "x_override.tf": '''provider "aws" {
  region = "eu-west-1"
}
variable "v" {
  default = "over"
}
locals {
  b = "over"
}
module "m" {
  n = "over"
}
''',
    })
    resources, diags = load_directory(tmp_path, tmp_path)
    res = {r.address: r for r in resources}
    assert [d.message for d in diags] == []
    assert res["aws_s3_bucket.x"].values["bucket"] == "over-base-over"
    assert res["aws_s3_bucket.x"].region == "eu-west-1"
    assert res["module.m.aws_sqs_queue.q"].values["name"] == "over"


def test_override_without_base_and_unsupported_overrides_are_diagnosed(tmp_path: Path) -> None:
    folder = _write(tmp_path, {
        "main.tf": 'resource "aws_kms_key" "k" {\n  description = "base"\n}\nlocals {\n  a = 1\n}\n',
        "override.tf": '''resource "aws_kms_key" "nope" {
  description = "x"
}
locals {
  zz = 2
}
resource "aws_kms_key" "k" {
  depends_on  = [aws_kms_key.nope]
  description = "over"
}
moved {
  from = aws_kms_key.a
  to   = aws_kms_key.k
}
''',
    })
    res, diags = _load(folder)
    assert set(res) == {"aws_kms_key.k"}
    assert res["aws_kms_key.k"].values["description"] == "over"
    assert diags == [
        'override.tf:1: override of resource "aws_kms_key" "nope": no such block in the module\'s other files; ignored',
        "override.tf:5: override of local.zz: no such local value in the module's other files; ignored",
        "override.tf:8: depends_on cannot be overridden; ignored",
        "override.tf:11: moved blocks cannot be in an override file; ignored",
    ]
