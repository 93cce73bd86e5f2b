"""Where account-level findings point: the anchor resource; without one, the root
module's main.tf, else its first file by name; never a file that failed to parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfguard.cli import main

ALB = 'resource "aws_lb" "app" {\n  name = "app"\n}\n'
SENSITIVE = ('resource "aws_s3_bucket" "records" {\n  bucket = "records"\n'
             '  tags   = { DataClassification = "phi" }\n}\n')
PROVIDERS = 'terraform {\n  required_version = ">= 1.5"\n}\n'
TRAIL = ('\n\nresource "aws_cloudtrail" "main" {\n  name           = "main"\n'
         '  s3_bucket_name = "elsewhere"\n}\n')
DETECTOR = 'resource "aws_guardduty_detector" "main" {\n  enable = false\n}\n'


def _where(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], *argv: str) -> dict[str, str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    main(["check", str(tmp_path), "-f", "json", *argv])
    doc = json.loads(capsys.readouterr().out)
    return {f["id"]: f"{Path(f['file']).name}:{f['start_line']}" for f in doc["findings"] if f["resource"] == "account"}


def test_main_tf_before_files_earlier_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _where(tmp_path, capsys, {"alb.tf": ALB, "main.tf": PROVIDERS, "s3.tf": SENSITIVE}, "--checks", "TG507")
    assert got == {"TG507": "main.tf:1"}  # not alb.tf:1, the load balancer


def test_without_main_tf_the_first_file_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _where(tmp_path, capsys, {"alb.tf": ALB, "s3.tf": SENSITIVE}, "--checks", "TG507")
    assert got == {"TG507": "alb.tf:1"}


def test_never_a_file_that_failed_to_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _where(tmp_path, capsys, {"alb.tf": 'resource "aws_lb" "app" {\n', "s3.tf": SENSITIVE}, "--checks", "TG507")
    assert got == {"TG507": "s3.tf:1"}
    got = _where(tmp_path, capsys, {"main.tf": "terraform {\n", "alb.tf": ALB}, "--checks", "TG507")
    assert got == {"TG507": "alb.tf:1"}  # main.tf is there but unreadable


def test_the_anchor_resource_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _where(tmp_path, capsys, {"main.tf": PROVIDERS, "s3.tf": SENSITIVE, "trail.tf": TRAIL},
                 "--checks", "TG121,TG507")
    assert got == {"TG121": "trail.tf:3", "TG507": "trail.tf:3"}


def test_baseline_profile_without_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _where(tmp_path, capsys, {"alb.tf": ALB, "main.tf": PROVIDERS}, "--checks", "TG121,TG504,TG506",
                 "--profile", "baseline")
    assert got == {"TG121": "main.tf:1", "TG504": "main.tf:1", "TG506": "main.tf:1"}


def test_a_check_own_resource_before_the_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = _where(tmp_path, capsys, {"main.tf": PROVIDERS, "trail.tf": TRAIL, "guardduty.tf": DETECTOR},
                 "--checks", "TG504,TG506")
    # TG506 at its detector's `enable`; TG504 has no recorder: at the first anchor (the trail).
    assert got == {"TG504": "trail.tf:3", "TG506": "guardduty.tf:2"}


def test_the_demo_points_at_its_main_tf_in_hcl_and_plan(capsys: pytest.CaptureFixture[str]) -> None:
    demo = FIXTURES / "demo"
    for target in (demo, demo / "plan.json"):
        main(["check", str(target), "-f", "json", "--checks", "TG507"])
        findings = json.loads(capsys.readouterr().out)["findings"]
        assert [(f["resource"], Path(f["file"]).name, f["start_line"]) for f in findings] == [("account", "main.tf", 1)]
