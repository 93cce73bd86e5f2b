"""One reading of "is this setting on", as Terraform converts a value to bool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tfguard.check import Context
from tfguard.cli import main
from tfguard.engine import load_checks, run_checks
from tfguard.graph import ResourceGraph
from tfguard.model import Unknown
from tfguard.targets import Options, load_target
from tfguard.truth import is_on, setting

UNKNOWN = Unknown("var.flag")

# value -> reading. "true"/"1"/"false"/"0" are what `tobool` accepts (terraform console: tobool("1")
# is true); "t", "TRUE", "True" and "" are what the provider's nullable bools (string-typed
# arguments) parse with strconv.ParseBool; " true", "yes" and numbers neither accepts.
TABLE: list[tuple[object, object]] = [
    (True, True),
    (False, False),
    ("true", True),
    ("false", False),
    ("1", True),
    ("0", False),
    (None, None),
    (UNKNOWN, UNKNOWN),
    ("t", True),
    ("T", True),
    ("TRUE", True),
    ("True", True),
    ("f", False),
    ("FALSE", False),
    ("False", False),
    ("", None),
    (" true", False),
    ("tRUE", False),
    ("yes", False),
    (1, False),
    ({"enabled": True}, False),
]


@pytest.mark.parametrize(("value", "reading"), TABLE, ids=[repr(v) for v, _ in TABLE])
def test_setting(value: object, reading: object) -> None:
    assert setting(value) is reading
    assert is_on(value) is (reading is True)


CASE = FIXTURES / "eval" / "bool_strings"
CHECKS = frozenset({"TG150", "TG151", "TG403", "TG501", "TG608"})
EXPECTED = {
    ("TG150", "aws_efs_file_system.on", "PASS"), ("TG150", "aws_efs_file_system.off", "FAIL"),
    ("TG150", "aws_efs_file_system.one", "PASS"), ("TG150", "aws_efs_file_system.zero", "FAIL"),
    ("TG501", "aws_cloudtrail.on", "PASS"), ("TG501", "aws_cloudtrail.off", "FAIL"),
    ("TG608", "aws_dynamodb_table.on", "PASS"), ("TG608", "aws_dynamodb_table.off", "FAIL"),
    ("TG403", "aws_s3_bucket.on", "PASS"), ("TG403", "aws_s3_bucket.off", "FAIL"),
    ("TG151", "aws_elasticache_replication_group.on", "PASS"),
    ("TG151", "aws_elasticache_replication_group.off", "FAIL"),
}


def _as_strings(value: Any) -> Any:
    """Every bool inside `value` as the string Terraform would convert back to it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return {k: _as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_strings(v) for v in value]
    return value


@pytest.mark.parametrize("target", [CASE, CASE / "plan.json"], ids=["hcl", "plan"])
@pytest.mark.parametrize("strings", [False, True], ids=["bools", "strings"])
def test_checks_agree_on_true_and_false(target: Path, strings: bool) -> None:
    # The loader converts to the schema's types; here the checks read the strings themselves,
    # as they do where no schema applies.
    (loaded,) = load_target(target, Options())
    resources = loaded.resources
    for res in resources if strings else ():
        res.values = _as_strings(res.values)
    checks = [c for c in load_checks() if c.id in CHECKS]
    findings = run_checks(checks, Context(ResourceGraph(resources)))
    assert {(f.check_id, f.address, f.status.value.upper()) for f in findings} == EXPECTED


def test_plan_with_string_settings_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A plan keeps a string-typed argument's "true" as a string: the checks still read it as on.
    plan = json.loads((CASE / "plan.json").read_text(encoding="utf-8"))
    for res in plan["planned_values"]["root_module"]["resources"]:
        res["values"] = _as_strings(res["values"])
    for change in plan["resource_changes"]:
        change["change"]["after"] = _as_strings(change["change"]["after"])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["check", str(path), "-f", "json", "--include-passed", "--checks", ",".join(sorted(CHECKS))]) == 1
    found = {(f["id"], f["resource"], f["status"].upper()) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found == EXPECTED
