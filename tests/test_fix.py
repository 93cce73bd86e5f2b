"""`tfguard fix` end to end through main(argv): edits, --diff, refusals, suppressions, plans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfguard.cli import main


def _copy(tmp_path: Path, fixture: str) -> Path:
    target = tmp_path / Path(fixture).name
    shutil.copytree(FIXTURES / fixture, target, ignore=shutil.ignore_patterns("plan.json", "expected.txt"))
    return target


def test_fix_adds_the_argument_aligned_and_a_second_run_is_a_no_op(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tmp_path, "checks/TG301/bad_no_rotation")
    assert main(["fix", str(d)]) == 0
    assert (d / "main.tf").read_text() == (
        "# Symmetric key without automatic rotation.\n"
        'resource "aws_kms_key" "app" {\n'
        '  description         = "Application data key"\n'
        "  enable_key_rotation = true\n"
        "}\n")
    out = capsys.readouterr().out
    assert "TG301 aws_kms_key.app: fixed: added enable_key_rotation = true" in out
    before = (d / "main.tf").read_text()
    assert main(["fix", str(d)]) == 0
    assert (d / "main.tf").read_text() == before
    assert "0 findings fixed in 0 files" in capsys.readouterr().out


def test_diff_writes_nothing_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tmp_path, "checks/TG304/bad_seven_days")
    before = (d / "main.tf").read_text()
    assert main(["fix", "--diff", str(d)]) == 1
    assert (d / "main.tf").read_text() == before
    out = capsys.readouterr().out
    assert "-  deletion_window_in_days = 7\n+  deletion_window_in_days = 30\n" in out
    assert out.startswith("# TG304 aws_kms_key.scratch: set deletion_window_in_days = 30\n--- a/")


def test_unsafe_fix_waits_for_the_flag_and_its_diff_says_why(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tmp_path, "checks/TG150/bad_encrypted_false")
    assert main(["fix", "--diff", str(d)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("TG150 aws_efs_file_system.uploads: needs --unsafe-fixes: aws_efs_file_system.encrypted: a file system "
            "is encrypted at creation only: a new, empty file system") in captured.err
    assert main(["fix", "--diff", "--unsafe-fixes", str(d)]) == 1
    assert ("# TG150 aws_efs_file_system.uploads: set encrypted = true [unsafe: aws_efs_file_system.encrypted: a "
            "file system is encrypted at creation only: a new, empty file system]") in capsys.readouterr().out


def test_a_caller_literal_is_edited_where_provenance_points(tmp_path: Path) -> None:
    d = _copy(tmp_path, "checks/TG210/bad_policy_passed_into_module")
    module_files = {p: p.read_text() for p in (d / "modules").rglob("*.tf")}
    assert main(["fix", str(d)]) == 0
    assert 'viewer_protocol_policy = "redirect-to-https"' in (d / "main.tf").read_text()
    assert {p: p.read_text() for p in module_files} == module_files  # the module is left as it is


def test_an_expression_is_refused_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tmp_path, "checks/TG304/bad_module_input")
    texts = {p: p.read_text() for p in d.rglob("*.tf")}
    assert main(["fix", str(d)]) == 0
    assert {p: p.read_text() for p in texts} == texts
    assert ("TG304 module.keys.aws_kms_key.this: not fixed: deletion_window_in_days is set by an expression "
            "(`deletion_window = local.key_settings.deletion_window` at main.tf:8); change it by hand"
            in capsys.readouterr().out)


def test_a_shared_variable_default_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "rotate" {\n  type    = bool\n  default = false\n}\n\n'
        'resource "aws_kms_key" "k" {\n  description         = "k"\n  enable_key_rotation = var.rotate\n}\n')
    before = (tmp_path / "main.tf").read_text()
    assert main(["fix", str(tmp_path)]) == 0
    assert (tmp_path / "main.tf").read_text() == before
    assert ("TG301 aws_kms_key.k: not fixed: enable_key_rotation comes from the default of var.rotate, which a fix "
            "never edits (other callers share it): set the value in the module call or a .tfvars file"
            in capsys.readouterr().out)


def test_a_tfvars_value_is_edited_where_provenance_points(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "rotate" {\n  type    = bool\n  default = true\n}\n\n'
        'resource "aws_kms_key" "k" {\n  description         = "k"\n  enable_key_rotation = var.rotate\n}\n')
    (tmp_path / "terraform.tfvars").write_text("# prod\nrotate = false # for now\n")
    main_before = (tmp_path / "main.tf").read_text()
    assert main(["fix", str(tmp_path)]) == 0
    assert (tmp_path / "terraform.tfvars").read_text() == "# prod\nrotate = true # for now\n"
    assert (tmp_path / "main.tf").read_text() == main_before


def test_a_suppressed_finding_is_not_fixed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        '# tfguard:ignore:TG301 -- rotated by our own job\n'
        'resource "aws_kms_key" "app" {\n  description = "k"\n}\n')
    before = (tmp_path / "main.tf").read_text()
    assert main(["fix", str(tmp_path)]) == 0
    assert (tmp_path / "main.tf").read_text() == before


def test_installed_modules_are_never_edited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    installed = tmp_path / ".terraform" / "modules" / "keys"
    installed.mkdir(parents=True)
    (installed / "main.tf").write_text('resource "aws_kms_key" "this" {\n  description = "k"\n}\n')
    (tmp_path / ".terraform" / "modules" / "modules.json").write_text(
        '{"Modules": [{"Key": "", "Source": "", "Dir": "."}, '
        '{"Key": "keys", "Source": "registry.example/keys/aws", "Dir": ".terraform/modules/keys"}]}')
    (tmp_path / "main.tf").write_text('module "keys" {\n  source = "registry.example/keys/aws"\n}\n')
    before = (installed / "main.tf").read_text()
    assert main(["fix", str(tmp_path)]) == 0
    assert (installed / "main.tf").read_text() == before
    assert "not fixed: main.tf is under .terraform/" in capsys.readouterr().out


def test_a_plan_gets_no_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(FIXTURES / "checks/TG301/bad_no_rotation/plan.json")]) == 2
    assert "a plan gets no fixes" in capsys.readouterr().err


def test_checks_limits_what_is_fixed_not_what_verifies_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A fix that makes another check's finding is turned down even when --checks names
    only its own check: the verification runs every check."""
    from tfguard.fix import rules

    def harmful(site: rules.Site) -> None:
        site.ensure_all("", [("enable_key_rotation", True, rules._true),
                             ("deletion_window_in_days", 7, lambda v: v == 7)])

    monkeypatch.setitem(rules.RULES, "TG301", rules.RULES["TG301"]._replace(apply=harmful))
    d = _copy(tmp_path, "checks/TG301/bad_no_rotation")
    before = (d / "main.tf").read_text()
    assert main(["fix", "--checks", "TG301", str(d)]) == 0
    assert (d / "main.tf").read_text() == before
    out = capsys.readouterr().out
    assert "rejected: TG304 aws_kms_key.app would be a new finding; the fixes that made it are left out" in out
    assert "0 findings fixed in 0 files" in out


def test_each_file_of_a_diff_names_only_the_fixes_that_edited_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", d, ignore=shutil.ignore_patterns("plan.json", "expected.txt"))
    assert main(["fix", "--diff", str(d)]) == 1
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith("# ")]
    assert headers == [
        "# TG301 aws_kms_key.records: added enable_key_rotation = true",
        "# TG101 aws_s3_bucket.patient_records: added aws_s3_bucket_server_side_encryption_configuration."
        "patient_records (default encryption SSE-S3)",
        "# TG601 aws_s3_bucket.patient_records: added aws_s3_bucket_versioning.patient_records (versioning enabled)",
    ]
    # kms.tf's diff (first, by name) comes before the S3 fixes' headers: only TG301 heads it.
    assert out.index("+++ b/") < out.index("# TG101") and "kms.tf" in out[:out.index("# TG101")]
