"""SARIF output: valid against the official 2.1.0 schema and shaped for GitHub code scanning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfguard.report.sarif import render
from tfguard.run import run

FIXTURE_DIRS = sorted(p.parent for p in FIXTURES.rglob("expected.txt"))
PLANS = sorted(FIXTURES.rglob("plan.json"))


@pytest.mark.parametrize("target", FIXTURE_DIRS + PLANS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_sarif_validates(target: Path, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    sarif_validator.validate(json.loads(render(run([target]))))


def test_sarif_shape_for_code_scanning(sarif_validator) -> None:  # type: ignore[no-untyped-def]
    report = run([FIXTURES / "demo"])
    doc = json.loads(render(report))
    sarif_validator.validate(doc)
    driver = doc["runs"][0]["tool"]["driver"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [c.id for c in report.checks]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["helpUri"]
        assert rule["properties"]["security-severity"] in {"9.5", "8.0", "5.5", "3.0"}
        assert "security" in rule["properties"]["tags"]
    results = doc["runs"][0]["results"]
    assert results, "the demo must produce findings"
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
        assert loc["physicalLocation"]["region"]["startLine"] >= 1
        assert loc["logicalLocations"][0]["fullyQualifiedName"]
        assert res["properties"]["status"] in {"fail", "unknown"}
        assert len(res["partialFingerprints"]["tfguard/v1"]) == 32
    statuses = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in results}
    fails = {(f.check_id, f.address) for f in report.findings if f.status.value != "pass"}
    assert statuses == fails


def test_unknown_is_note_level(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "r" {}\nresource "aws_kms_key" "k" {\n  enable_key_rotation = var.r\n}\n', encoding="utf-8")
    doc = json.loads(render(run([tmp_path])))
    [result] = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "TG301"]
    assert result["level"] == "note" and result["properties"]["status"] == "unknown"
    assert "var.r has no value" in result["message"]["text"]


def test_fingerprint_survives_edits_above(tmp_path: Path) -> None:
    body = 'resource "aws_kms_key" "k" {\n  description = "x"\n}\n'
    (tmp_path / "main.tf").write_text(body, encoding="utf-8")
    first = json.loads(render(run([tmp_path])))["runs"][0]["results"][0]
    (tmp_path / "main.tf").write_text("# a comment\n\n" + body, encoding="utf-8")
    second = json.loads(render(run([tmp_path])))["runs"][0]["results"][0]
    assert first["partialFingerprints"] == second["partialFingerprints"]
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
