"""Configuration files: .tfguard.toml and [tool.tfguard]; the command line wins; no code from config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main

KEYS = 'resource "aws_kms_key" "k" {}\n'


def _findings(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, str]]:
    doc = json.loads(capsys.readouterr().out)
    return sorted((f["id"], f["resource"], f["severity"]) for f in doc["findings"])


def test_tfguard_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(KEYS, encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "main.tf").write_text('resource "aws_kms_key" "v" {}\n', encoding="utf-8")
    (tmp_path / ".tfguard.toml").write_text(
        'checks = ["TG301"]\nformat = "json"\nseverity = { TG301 = "critical" }\nexclude = ["vendor"]\n'
        'fail-on = "critical"\n', encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    assert _findings(capsys) == [("TG301", "aws_kms_key.k", "critical")]
    # The command line overrides the file.
    assert main(["check", str(tmp_path), "--checks", "TG302", "--format", "json", "--include-passed"]) == 0
    assert [f[0] for f in _findings(capsys)] == ["TG302"]


def test_pyproject_section_and_trust(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(KEYS, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.tfguard]\nchecks-dir = ["evil"]\n', encoding="utf-8")
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "x.py").write_text("raise SystemExit('code from the scanned tree ran')\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2
    assert "--trust-config" in capsys.readouterr().err
    (tmp_path / "pyproject.toml").write_text('[tool.tfguard]\nskip-checks = ["TG301"]\nunknown-key = 1\n', encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2
    assert "unknown setting 'unknown-key'" in capsys.readouterr().err
