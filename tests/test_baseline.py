"""Baselines: only new findings fail; moved resources stay accepted; fixed entries are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main


def test_baseline_lifecycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "keys.tf").write_text('resource "aws_kms_key" "old" {}\nresource "aws_kms_key" "gone" {}\n', encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(src), "-o", str(baseline)]) == 0
    doc = json.loads(baseline.read_text())
    entries = [tuple(e.values()) for e in doc["findings"]]
    assert doc["version"] == 2 and entries == sorted(entries)
    assert {(e["id"], e["resource"], e["status"]) for e in doc["findings"]} >= {
        ("TG301", "aws_kms_key.old", "fail"), ("TG301", "aws_kms_key.gone", "fail")}
    capsys.readouterr()

    # Same findings, the resource moved to another file with blank lines above: still accepted.
    (src / "keys.tf").unlink()
    (src / "moved.tf").write_text('\n\n\nresource "aws_kms_key" "old" {}\n', encoding="utf-8")
    assert main(["check", str(src), "--baseline", str(baseline), "--checks", "TG301", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(f["resource"], f["baseline"]) for f in out["findings"]] == [("aws_kms_key.old", "unchanged")]
    assert [(e["id"], e["resource"], e["status"]) for e in out["baseline_fixed"]] == [("TG301", "aws_kms_key.gone", "fail")]

    # A new finding fails.
    (src / "new.tf").write_text('resource "aws_kms_key" "new" {}\n', encoding="utf-8")
    assert main(["check", str(src), "--baseline", str(baseline), "--checks", "TG301", "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    states = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["baselineState"]
              for r in sarif["runs"][0]["results"]}
    assert states == {"aws_kms_key.old": "unchanged", "aws_kms_key.new": "new"}


def test_unreadable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("{", encoding="utf-8")
    assert main(["check", str(tmp_path), "--baseline", str(tmp_path / "b.json")]) == 2
    assert main(["check", str(tmp_path), "--baseline", str(tmp_path / "missing.json")]) == 2
