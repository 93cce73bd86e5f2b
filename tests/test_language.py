"""Which files make a module (OpenTofu files, empty targets, JSON syntax) and newer Terraform syntax:
ephemeral blocks, per-resource regions, tags_all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.load.files import tf_files
from tfguard.load.loader import load_directory
from tfguard.model import Location, Resource


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _load(folder: Path) -> tuple[dict[str, Resource], list[str]]:
    resources, diags = load_directory(folder)
    return {r.address: r for r in resources}, [f"{d.file}:{d.line}: {d.message}" for d in diags]


BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{name}"\n}}\n'


def test_tofu_files_are_read_and_replace_tf_files_of_the_same_name(tmp_path: Path) -> None:
    folder = _write(tmp_path, {
        "main.tf": BUCKET.format(name="from_tf"),
        "main.tofu": BUCKET.format(name="from_tofu"),
        "extra.tofu.json": '{"resource": {"aws_s3_bucket": {"json_tofu": {"bucket": "j"}}}}',
        "extra.tf.json": '{"resource": {"aws_s3_bucket": {"json_tf": {"bucket": "j"}}}}',
        "other.tf": BUCKET.format(name="other"),
        "override.tofu": 'resource "aws_s3_bucket" "other" {\n  bucket = "tofu-override"\n}\n',
    })
    assert [p.name for p in tf_files(folder)] == ["extra.tofu.json", "main.tofu", "other.tf", "override.tofu"]
    res, diags = _load(folder)
    assert diags == []
    assert sorted(res) == ["aws_s3_bucket.from_tofu", "aws_s3_bucket.json_tofu", "aws_s3_bucket.other"]
    assert res["aws_s3_bucket.other"].values["bucket"] == "tofu-override"


def test_folder_of_tofu_files_is_scanned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "infra", {"main.tofu": BUCKET.format(name="b")})
    assert main(["check", str(tmp_path / "infra"), "--checks", "TG101"]) == 1
    assert "TG101 aws_s3_bucket.b" in capsys.readouterr().out


def test_tofu_file_argument_stands_for_its_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "infra", {"main.tofu": BUCKET.format(name="b"), "vars.tf": 'variable "x" {\n  default = 1\n}\n'})
    code = main(["check", str(tmp_path / "infra" / "main.tofu"), str(tmp_path / "infra" / "vars.tf"),
                 "--checks", "TG101", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.count('"resource": "aws_s3_bucket.b"') == 1  # one folder, scanned once


def test_empty_target_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "docs", {"README.md": "no terraform here\n"})
    (tmp_path / "docs" / "sub").mkdir()
    assert main(["check", str(tmp_path / "docs")]) == 2
    out = capsys.readouterr().out  # the text report lists it
    assert "no Terraform or OpenTofu files (.tf, .tf.json, .tofu, .tofu.json) in this folder or below it" in out


def test_folder_whose_subfolders_hold_configuration_is_not_empty(tmp_path: Path) -> None:
    _write(tmp_path / "envs" / "prod", {"main.tf": BUCKET.format(name="b")})
    assert main(["check", str(tmp_path / "envs"), "--checks", "TG101"]) == 1


def test_empty_target_does_not_hide_other_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "infra", {"main.tf": BUCKET.format(name="b")})
    (tmp_path / "typo").mkdir()
    code = main(["check", str(tmp_path / "typo"), str(tmp_path / "infra"), "--checks", "TG101", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 2
    assert '"resource": "aws_s3_bucket.b"' in out


def test_ephemeral_blocks_are_understood_and_their_references_unknown(tmp_path: Path) -> None:
    from tfguard.model import Ref, Unknown

    res, diags = _load(_write(tmp_path, {"main.tf": '''ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id = "db-master"
}
resource "aws_db_instance" "db" {
  password_wo = ephemeral.aws_secretsmanager_secret_version.db.secret_string
}
check "probe" {
  data "aws_db_instance" "p" {
    db_instance_identifier = aws_db_instance.db.identifier
  }
  assert {
    condition     = data.aws_db_instance.p.storage_encrypted
    error_message = "no"
  }
}
'''}))
    assert diags == []
    assert sorted(res) == ["aws_db_instance.db"]
    value = res["aws_db_instance.db"].values["password_wo"]
    assert isinstance(value, Unknown)
    assert value.refs == ("ephemeral.aws_secretsmanager_secret_version.db",)
    assert res["aws_db_instance.db"].refs == [
        Ref("password_wo", "ephemeral.aws_secretsmanager_secret_version.db", None)]


def test_static_refs_name_ephemeral_resources_like_data_sources() -> None:
    from tfguard.load.hcl_expr import parse_expression, static_refs

    expr = parse_expression("[ephemeral.aws_kms_secrets.s.plaintext, data.aws_region.r.name, aws_kms_key.k.arn]")
    assert sorted(static_refs(expr)) == ["aws_kms_key.k", "data.aws_region.r", "ephemeral.aws_kms_secrets.s"]


def test_tags_all_is_the_tags_without_default_tags_as_in_the_plan() -> None:
    import json

    from tests.conftest import FIXTURES

    folder = FIXTURES / "eval" / "tags_all_plain"
    res, _ = _load(folder)
    assert res["aws_s3_bucket.tagged"].values["tags_all"] == {"DataClassification": "internal", "Team": "records"}
    assert res["aws_kms_key.k"].values["tags_all"] == {"DataClassification": "restricted", "Name": "k"}
    assert "tags_all" not in res["aws_s3_bucket.untagged"].values  # the plan: known after apply
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    for change in plan["resource_changes"]:
        after = change["change"]["after"]
        if after.get("tags_all") is not None:
            assert res[change["address"]].values["tags_all"] == after["tags_all"], change["address"]
        else:
            assert change["change"]["after_unknown"]["tags_all"] is True


JSON_CONFIG = '''{
  "//": {"metadata": {"stackName": "acme"}},
  "resource": {
    "aws_kms_key": {
      "k": {
        "//": "generated",
        "description": "acme",
        "enable_key_rotation": false,
        "tags": {"//": "kept: a map value", "Team": "x"}
      }
    },
    "aws_s3_bucket_server_side_encryption_configuration": {
      "b": {
        "bucket": "b",
        "rule": [
          {
            "//": "a nested block",
            "apply_server_side_encryption_by_default": {
              "sse_algorithm": "aws:kms"
            }
          }
        ]
      }
    },
    "aws_security_group": {
      "sg": {
        "dynamic": {
          "egress": {
            "for_each": [5, 6],
            "content": {"from_port": 7}
          }
        }
      }
    }
  },
  "locals": {
    "//": "comment",
    "x": 1
  }
}
'''


def test_json_comments_and_attribute_lines(tmp_path: Path) -> None:
    from tfguard.load.hcl_json import json_body

    body = json_body(JSON_CONFIG, "main.tf.json")
    assert [(b.type, b.labels) for b in body.blocks] == [
        ("resource", ("aws_kms_key", "k")),
        ("resource", ("aws_s3_bucket_server_side_encryption_configuration", "b")),
        ("resource", ("aws_security_group", "sg")), ("locals", ())]
    key = body.blocks[0]
    assert (key.line, key.end_line) == (5, 10)
    assert {n: (a.line, a.end_line) for n, a in key.attrs.items()} == {
        "description": (7, 7), "enable_key_rotation": (8, 8), "tags": (9, 9)}
    assert list(body.blocks[3].attrs) == ["x"]
    res, diags = _load(_write(tmp_path, {"main.tf.json": JSON_CONFIG}))
    assert diags == []
    assert res["aws_kms_key.k"].values["tags"] == {"//": "kept: a map value", "Team": "x"}
    assert res["aws_kms_key.k"].attr_locations["enable_key_rotation"] == Location("main.tf.json", 8, 8)
    # The provider's schema says `rule` is a nested block type: blocks, with their own lines.
    sse = res["aws_s3_bucket_server_side_encryption_configuration.b"]
    assert sse.values["rule"] == [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]
    assert sse.attr_locations["rule"] == Location("main.tf.json", 16, 21)
    assert sse.attr_locations["rule.apply_server_side_encryption_by_default.sse_algorithm"] == Location(
        "main.tf.json", 19, 19)
    assert res["aws_security_group.sg"].values["egress"] == [{"from_port": 7}, {"from_port": 7}]


def test_json_tfvars_lines(tmp_path: Path) -> None:
    from tfguard.load.hcl_json import json_body

    body = json_body('{\n  "a": 1,\n  "b": {\n    "c": 2\n  }\n}\n', "x.tfvars.json", tfvars=True)
    assert {n: (a.line, a.end_line) for n, a in body.attrs.items()} == {"a": (2, 2), "b": (3, 5)}


def test_resource_region_argument_overrides_the_provider_region(tmp_path: Path) -> None:
    res, diags = _load(_write(tmp_path, {"main.tf": '''provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "west2"
  region = "us-west-2"
}
resource "aws_kms_key" "own" {
  region = "us-east-1"
}
resource "aws_kms_key" "null_region" {
  region = null
}
resource "aws_kms_key" "plain" {}
data "aws_region" "current" {}
data "aws_region" "west2" {
  provider = aws.west2
}
data "aws_region" "v5" {
  name = "ap-south-1"
}
data "aws_region" "v6" {
  region = "sa-east-1"
}
resource "aws_cloudformation_stack_set_instance" "i" {
  region = "ca-central-1"
}
resource "aws_sqs_queue" "q" {
  name = join(",", [data.aws_region.current.name, data.aws_region.west2.region, data.aws_region.v5.name,
                    data.aws_region.v6.region])
}
'''}))
    assert diags == []
    assert res["aws_kms_key.own"].region == "us-east-1"
    assert res["aws_kms_key.null_region"].region == "eu-west-1"
    assert res["aws_kms_key.plain"].region == "eu-west-1"
    assert res["data.aws_region.v6"].region == "sa-east-1"
    # Before 6.x this argument named the stack instance's target region, not the resource's.
    assert res["aws_cloudformation_stack_set_instance.i"].region == "eu-west-1"
    assert res["aws_sqs_queue.q"].values["name"] == "eu-west-1,us-west-2,ap-south-1,sa-east-1"


def test_plan_resource_region_argument(tmp_path: Path) -> None:
    import json

    from tfguard.load.plan import load_plan_doc

    after = {"region": "us-east-1", "description": "k"}
    doc = {"format_version": "1.2", "configuration": {"provider_config": {"aws": {
        "name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
        "root_module": {"resources": [
            {"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
             "provider_config_key": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}},
            {"address": "aws_kms_key.p", "mode": "managed", "type": "aws_kms_key", "name": "p",
             "provider_config_key": "aws", "expressions": {}}]}},
        "resource_changes": [
            {"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
             "change": {"actions": ["create"], "after": after, "after_unknown": {}}},
            {"address": "aws_kms_key.p", "mode": "managed", "type": "aws_kms_key", "name": "p",
             "change": {"actions": ["create"], "after": {}, "after_unknown": {}}}]}
    resources, diags, _ = load_plan_doc(json.loads(json.dumps(doc)), "plan.json")
    assert diags == []
    assert {r.address: r.region for r in resources} == {"aws_kms_key.k": "us-east-1", "aws_kms_key.p": "eu-west-1"}


def test_plan_beside_tofu_files_points_at_them(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import FIXTURES
    from tfguard.run import run
    from tfguard.targets import Options

    src = FIXTURES / "eval" / "tags_all_plain"
    shutil.copy(src / "plan.json", tmp_path / "plan.json")
    (tmp_path / "main.tofu").write_text((src / "main.tf").read_text(encoding="utf-8"), encoding="utf-8")
    report = run([tmp_path / "plan.json"], Options(only=frozenset({"TG701"})))
    assert {(f.address, f.location.file.rsplit("/", 1)[-1], f.location.start_line) for f in report.findings
            if f.location is not None} == {("aws_s3_bucket.tagged", "main.tofu", 6),
                                           ("aws_s3_bucket.untagged", "main.tofu", 12)}


def test_pre_commit_hooks_run_on_opentofu_files() -> None:
    import re

    from tests.conftest import ROOT

    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    patterns = re.findall(r"^\s*files:\s*(\S+)\s*$", text, re.M)
    assert len(patterns) == 3
    names = ("a.tf", "a.tf.json", "a.tofu", "a.tofu.json", "a.tfvars", "a.tfvars.json", "a.md", "a.tofu.bak")
    for pattern in patterns[:2]:  # the check hooks
        matches = {n for n in names if re.search(pattern, n)}
        assert matches == {"a.tf", "a.tf.json", "a.tofu", "a.tofu.json", "a.tfvars", "a.tfvars.json"}
    # The fix hook: the HCL files a fix edits (JSON configuration is left as it is).
    assert {n for n in names if re.search(patterns[2], n)} == {"a.tf", "a.tofu", "a.tfvars"}


def test_variables_file_without_configuration_beside_it_is_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # pre-commit passes a staged envs/prod.tfvars kept apart from its configuration: say so, do not fail.
    _write(tmp_path / "envs", {"prod.tfvars": "x = 1\n"})
    assert main(["check", str(tmp_path / "envs" / "prod.tfvars"), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "no Terraform or OpenTofu files beside this file; nothing scanned" in out
    assert '"severity": "warning"' in out
