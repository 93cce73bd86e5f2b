"""The provider schema table and Terraform's automatic type conversion of arguments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tfguard.load.loader import load_directory
from tfguard.load.schema import block_schema, conform, convert, provider_version
from tfguard.model import Unknown


def test_table_records_the_provider_version_and_argument_kinds() -> None:
    assert provider_version() == "5.100.0"
    key = block_schema("managed", "aws_kms_key")
    assert key is not None
    assert key["enable_key_rotation"] == "b"
    assert key["deletion_window_in_days"] == "n"
    assert key["policy"] == "s?"  # optional, computed by the provider when not set
    assert key["tags"] == "Ms"
    assert "arn" not in key and "key_id" not in key  # computed only
    bucket = block_schema("managed", "aws_s3_bucket")
    assert bucket is not None and bucket["logging"]["#"] == "l" and bucket["logging"]["target_bucket"] == "s"
    assert block_schema("data", "aws_iam_policy_document") is not None
    assert block_schema("managed", "random_pet") is None


@pytest.mark.parametrize(("value", "code", "want"), [
    ("true", "b", True), ("false", "b", False), ("1", "b", True), ("0", "b", False), ("yes", "b", "yes"),
    ("7", "n", 7), ("07", "n", 7), ("1.5", "n", 1.5), ("1e3", "n", 1000), (" 1", "n", " 1"), (22.0, "n", 22),
    (12, "s", "12"), (1.5, "s", "1.5"), (True, "s", "true"), (False, "s", "false"), (1e20, "s", "100000000000000000000"),
    (["1", "2"], "Ln", [1, 2]), ([1, True], "Ss", ["1", "true"]), ({"a": 1}, "Ms", {"a": "1"}),
    (None, "b", None), ({"a": 1}, "o", {"a": 1}), ("x", "d", "x"),
])
def test_convert(value: Any, code: str, want: Any) -> None:
    got = convert(value, code)
    assert got == want and type(got) is type(want)


def test_unknown_values_stay_unknown() -> None:
    u = Unknown("x", ("aws_kms_key.k",))
    assert convert(u, "b") is u
    assert convert(["1", u], "Ln") == [1, u]


def test_conform_nested_blocks_without_touching_shared_values() -> None:
    schema = block_schema("managed", "aws_s3_bucket_lifecycle_configuration")
    assert schema is not None
    shared = {"days": "30"}
    values = {"bucket": "b", "rule": [{"id": 1, "status": "Enabled", "expiration": [shared]}]}
    assert conform(values, schema) == {"bucket": "b", "rule": [{"id": "1", "status": "Enabled", "expiration": [{"days": 30}]}]}
    assert shared == {"days": "30"}


def _agree(hcl: Any, plan: Any, where: str) -> None:
    if isinstance(hcl, Unknown):
        return
    if isinstance(hcl, dict) and isinstance(plan, dict):
        for key, value in hcl.items():
            if key in plan:
                _agree(value, plan[key], f"{where}.{key}")
        return
    if isinstance(hcl, list) and isinstance(plan, list) and len(hcl) == len(plan):
        for i, (a, b) in enumerate(zip(hcl, plan)):
            _agree(a, b, f"{where}[{i}]")
        return
    assert hcl == plan and type(hcl) is type(plan), where


def test_converted_values_agree_with_terraforms_plan() -> None:
    case = FIXTURES / "eval" / "type_conversion"
    resources, _ = load_directory(case, case)
    hcl = {r.address: r.values for r in resources}
    plan = json.loads((case / "plan.json").read_text(encoding="utf-8"))
    after = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    assert set(hcl) == set(after)
    for address, values in hcl.items():
        _agree(values, after[address], address)
    assert hcl['aws_security_group_rule.ingress["https"]']["from_port"] == 443
    assert hcl["aws_kms_key.not_rotated"]["tags"] == {"Owner": "42", "Keep": "true"}


def test_table_file_is_small() -> None:
    path = Path(__file__).resolve().parent.parent / "tfguard" / "data" / "aws_schema.bin"
    assert path.stat().st_size < 1_000_000
