"""Inline suppressions with reasons, expiry, instance selectors, module scope and audit mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.report.sarif import render
from tfguard.run import Options, run

KEYS = '''# tfguard:ignore:TG301 -- rotated by the HSM team, ticket SEC-12
resource "aws_kms_key" "above" {}

resource "aws_kms_key" "inside" {
  // tfguard:ignore:kms-rotation reason="imported key material"
  description = "x"
}

# tfguard:ignore:TG301 exp:2020-01-01 -- temporary
resource "aws_kms_key" "expired" {}

# tfguard:ignore:TG301
resource "aws_kms_key" "noreason" {}

resource "aws_kms_key" "plain" {}

# tfguard:ignore:TG301[1] -- only the second one
resource "aws_kms_key" "counted" {
  count = 2
}
'''


def _by_address(tmp_path: Path, **kw: object) -> dict[str, tuple[bool, str, str]]:
    report = run([tmp_path], Options(only=frozenset({"TG301"}), **kw))  # type: ignore[arg-type]
    return {f.address: (f.suppressed, f.justification, f.message) for f in report.findings}


def test_suppressions(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(KEYS, encoding="utf-8")
    got = _by_address(tmp_path)
    assert got["aws_kms_key.above"][:2] == (True, "rotated by the HSM team, ticket SEC-12")
    assert got["aws_kms_key.inside"][:2] == (True, "imported key material")
    assert got["aws_kms_key.expired"][0] is False and "expired on 2020-01-01" in got["aws_kms_key.expired"][2]
    assert got["aws_kms_key.noreason"][:2] == (True, "(no reason given)")
    assert got["aws_kms_key.plain"][0] is False
    assert (got["aws_kms_key.counted[0]"][0], got["aws_kms_key.counted[1]"][0]) == (False, True)
    report = run([tmp_path], Options(only=frozenset({"TG301"})))
    assert [(d.file, d.line, d.severity) for d in report.diagnostics] == [("main.tf", 12, "warning")]


def test_audit_mode_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(KEYS, encoding="utf-8")
    assert not any(s for s, _, _ in _by_address(tmp_path, ignores=False).values())
    doc = json.loads(render(run([tmp_path], Options(only=frozenset({"TG301"})))))
    results = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in doc["runs"][0]["results"]}
    assert results["aws_kms_key.above"]["suppressions"] == [
        {"kind": "inSource", "justification": "rotated by the HSM team, ticket SEC-12"}]
    assert "suppressions" not in results["aws_kms_key.plain"]
    main(["check", str(tmp_path), "--checks", "TG301", "--format", "json"])
    findings = {f["resource"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert findings["aws_kms_key.inside"]["suppressed"] is True
    assert findings["aws_kms_key.inside"]["justification"] == "imported key material"


def test_only_suppressed_findings_exit_0(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('# tfguard:ignore:TG301 -- accepted risk\nresource "aws_kms_key" "k" {}\n',
                                      encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301"]) == 0
    assert main(["check", str(tmp_path), "--checks", "TG301", "--no-ignores"]) == 1


def test_module_block_suppression_covers_its_resources(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('resource "aws_kms_key" "k" {}\n', encoding="utf-8")
    (tmp_path / "main.tf").write_text('# tfguard:ignore:TG301 -- vendor module, reviewed\nmodule "vendor" {\n'
                                      '  source = "./m"\n}\nmodule "ours" {\n  source = "./m"\n}\n', encoding="utf-8")
    got = _by_address(tmp_path)
    assert got["module.vendor.aws_kms_key.k"][:2] == (True, "vendor module, reviewed")
    assert got["module.ours.aws_kms_key.k"][0] is False
