"""`module.NAME...` references as Terraform resolves them (one instance, count, for_each,
instances not known), and how files that cannot be read are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfguard.load import files
from tfguard.load.loader import load_directory
from tfguard.load.modules import LoadOptions
from tfguard.model import EvalError, Unknown

ROOT = """variable "n" {
  type = number
}
module "one" {
  source = "./m"
}
module "many" {
  source = "./m"
  count  = 2
}
module "each" {
  source   = "./m"
  for_each = toset(["a"])
}
module "unk" {
  source = "./m"
  count  = var.n
}
resource "terraform_data" "t" {
  input = {
    one              = module.one.out
    index            = module.many[1].out
    key              = module.each["a"].out
    count            = length(module.many)
    all              = module.each
    whole            = module.one
    missing_instance = try(module.many[5].out, "none")
    missing_output   = try(module.one.nope, "none")
    string_index     = try(module.many["x"].out, "none")
    unknown_key      = module.many[var.n].out
    unknown_count    = module.unk[0].out
    unknown_whole    = module.unk
  }
}
"""


@pytest.fixture
def tags(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "main.tf").write_text(ROOT)
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('output "out" {\n  value = "v"\n}\n')
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions())
    assert diagnostics == []
    data = next(r for r in resources if r.address == "terraform_data.t")
    return dict(data.values["input"])


@pytest.mark.parametrize(("name", "value"), [
    ("one", "v"), ("index", "v"), ("key", "v"), ("count", 2), ("all", {"a": {"out": "v"}}),
    ("whole", {"out": "v"}), ("missing_instance", "none"), ("missing_output", "none"), ("string_index", "none"),
])
def test_known(tags: dict[str, object], name: str, value: object) -> None:
    assert tags[name] == value


@pytest.mark.parametrize(("name", "reason"), [
    ("unknown_key", "a module instance key is not known statically"),
    ("unknown_count", "the instances of module.unk are not known statically"),
    ("unknown_whole", "the instances of module.unk are not known statically"),
])
def test_unknown(tags: dict[str, object], name: str, reason: str) -> None:
    value = tags[name]
    assert type(value) is Unknown and value.reason == reason


def test_a_missing_instance_or_output_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('module "many" {\n  source = "./m"\n  count  = 1\n}\n'
                                      'resource "aws_sns_topic" "t" {\n  tags = {\n'
                                      '    a = module.many[3].out\n    b = module.many[0].nope\n  }\n}\n')
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('output "out" {\n  value = "v"\n}\n')
    resources, _ = load_directory(tmp_path, tmp_path, LoadOptions())
    tags = next(r for r in resources if r.address == "aws_sns_topic.t").values["tags"]
    assert isinstance(tags["a"], EvalError) and tags["a"].reason == "module.many has no instance 3"
    assert isinstance(tags["b"], EvalError) and tags["b"].reason == "module.many has no output 'nope'"


def test_files_that_cannot_be_read_are_diagnosed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bom.tf").write_bytes(b'\xef\xbb\xbfresource "aws_sns_topic" "bom" {}\n')
    (tmp_path / "big.tf").write_text('resource "aws_sns_topic" "big" {\n  name = "' + "x" * 100 + '"\n}\n')
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 80)
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions(cache=False))
    assert [r.address for r in resources] == ["aws_sns_topic.bom"]  # a byte-order mark is skipped
    assert [(d.file, d.line, d.message) for d in diagnostics] == [
        ("big.tf", 1, "file is larger than 80 bytes; skipped")]


def test_a_file_the_system_refuses_is_diagnosed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_sns_topic" "t" {}\n')

    def refuse(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions(cache=False, jobs=1))
    assert resources == []
    assert [(d.file, d.line, d.message) for d in diagnostics] == [("main.tf", 1, "cannot read file: Permission denied")]


def test_module_calls_that_cannot_be_followed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "missing" {\n  source = "./nope"\n}\n'
        'module "many" {\n  source = "./m"\n  count  = 3\n}\n'
        'resource "terraform_data" "t" {\n  input = module.undeclared.out\n}\n')
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('output "out" {\n  value = "v"\n}\n')
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions(max_instances=2))
    assert [(d.file, d.line, d.message) for d in diagnostics] == [
        ("main.tf", 2, "module.missing: source './nope' does not exist"),
        ("main.tf", 6, "3 instances exceed the limit of 2; only the first 2 are checked")]
    value = next(r for r in resources if r.address == "terraform_data.t").values["input"]
    assert type(value) is Unknown and value.reason == "module.undeclared is not declared"


def test_a_policy_document_with_instances_not_known_keeps_its_rendering(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "n" {\n  type = number\n}\n'
        'data "aws_iam_policy_document" "d" {\n  count = var.n\n  statement {\n    actions   = ["s3:GetObject"]\n'
        '    resources = ["*"]\n  }\n}\n'
        'resource "aws_s3_bucket_policy" "p" {\n  bucket = "b"\n  policy = data.aws_iam_policy_document.d[0].json\n}\n')
    resources, _ = load_directory(tmp_path, tmp_path, LoadOptions())
    policy = next(r for r in resources if r.address == "aws_s3_bucket_policy.p").values["policy"]
    assert type(policy) is Unknown and policy.refs == ("data.aws_iam_policy_document.d[0]",)
    assert policy.partial == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
