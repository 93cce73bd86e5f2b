"""The provider's defaults for arguments left unset or null (tfguard/load/defaults.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tfguard.load import defaults, schema
from tfguard.load.defaults import planned
from tfguard.load.loader import load_directory
from tfguard.model import Resource, TfSet, Unknown


def load(tmp_path: Path, text: str) -> dict[str, Resource]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path, tmp_path)
    assert not diagnostics, diagnostics
    return {r.address: r for r in resources}


def test_a_reference_to_an_unset_or_null_argument_is_the_default(tmp_path: Path) -> None:
    res = load(tmp_path, """
variable "rotate" {
  type    = bool
  default = null
}
resource "aws_kms_key" "primary" {
  description         = "primary"
  enable_key_rotation = var.rotate
}
resource "aws_kms_key" "copy" {
  enable_key_rotation = aws_kms_key.primary.enable_key_rotation
  description         = aws_kms_key.primary.key_usage
  is_enabled          = !aws_kms_key.primary.is_enabled
}
""")
    copy = res["aws_kms_key.copy"].values
    assert copy["enable_key_rotation"] is False  # null is unset, as in Terraform: the default
    assert copy["description"] == "ENCRYPT_DECRYPT"
    assert copy["is_enabled"] is False


def test_checks_still_see_unset_arguments_as_unset(tmp_path: Path) -> None:
    # CHECKS.md: unset means unset; the defaults are what Terraform plans, not configuration.
    res = load(tmp_path, 'resource "aws_kms_key" "k" {\n  description = "k"\n}\n')
    assert res["aws_kms_key.k"].values == {"description": "k"}


def test_planned_adds_defaults_without_changing_the_values() -> None:
    values = {"name": "r", "path": None, "max_session_duration": 7200}
    out = planned("aws_iam_role", values)
    assert out["path"] == "/" and out["force_detach_policies"] is False
    assert out["max_session_duration"] == 7200  # a configured value is never replaced
    assert values == {"name": "r", "path": None, "max_session_duration": 7200}
    assert planned("aws_not_a_type", values) is values


def test_unknown_values_are_left_alone() -> None:
    unknown = Unknown("var.rotate has no value")
    out = planned("aws_kms_key", {"enable_key_rotation": unknown})
    assert out["enable_key_rotation"] is unknown and out["is_enabled"] is True


def test_block_defaults_fill_only_blocks_that_are_written() -> None:
    block = {"name": "errors", "namespace": "app", "value": "1"}
    out = planned("aws_cloudwatch_log_metric_filter", {"metric_transformation": [block, {**block, "unit": "Count"}]})
    assert [b["unit"] for b in out["metric_transformation"]] == ["None", "Count"]
    assert "unit" not in block
    sets = planned("aws_cloudwatch_log_metric_filter", {"metric_transformation": TfSet([block])})
    assert isinstance(sets["metric_transformation"], TfSet)
    lb = planned("aws_lb", {"name": "lb"})
    assert "access_logs" not in lb  # no block is made up to hold a default
    assert lb["load_balancer_type"] == "application" and lb["enable_deletion_protection"] is False
    # 60 on an application load balancer, null on a network one: a default that depends on
    # another argument is not in the table.
    assert "idle_timeout" not in lb


def test_the_table_comes_from_the_same_provider_as_the_schema() -> None:
    path = Path(defaults.__file__).resolve().parent.parent / "data" / "aws_defaults.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == schema.provider_version()
    for rtype, table in doc["resource"].items():
        block = schema.block_schema("managed", rtype)
        assert block is not None, rtype
        for dotted in table:
            *blocks, name = dotted.split(".")
            inner = block
            for part in blocks:
                inner = inner[part]
                assert isinstance(inner, dict), (rtype, dotted)
            assert name in inner, (rtype, dotted)  # every default is for a configurable argument
