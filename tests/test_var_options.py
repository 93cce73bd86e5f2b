"""--var as Terraform reads it: a name no root module declares is a warning, and a
value that does not convert to the declared type is a diagnostic naming the variable
(Terraform 1.11: "Unsuitable value for var.enc set using -var=...: a bool is required")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfguard.cli import main

KEY = ('variable "enc" {\n  type = bool\n}\n\nvariable "days" {\n  type    = number\n  default = 30\n}\n\n'
       'resource "aws_kms_key" "k" {\n  enable_key_rotation     = var.enc\n  deletion_window_in_days = var.days\n}\n')
UNDECLARED = {"file": "", "line": 0, "severity": "warning",
              "message": "--var zzz: the scanned root module declares no variable named 'zzz'; the value is not used"}


def _scan(capsys: pytest.CaptureFixture[str], target: Path, *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(target), "--checks", "TG301", "--include-passed", "-f", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def _results(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["id"], f["resource"], f["status"]) for f in doc["findings"]]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(KEY, encoding="utf-8")
    return tmp_path


def test_a_var_that_no_root_module_declares_is_a_warning(src: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _scan(capsys, src, "--var", "enc=true", "--var", "zzz=1")
    assert code == 0 and _results(doc) == [("TG301", "aws_kms_key.k", "pass")]
    assert doc["diagnostics"] == [UNDECLARED]
    assert main(["check", str(src), "--var", "enc=true", "--var", "zzz=1", "--checks", "TG301"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("warning: --var zzz: the scanned root module declares no variable named 'zzz'; "
                          "the value is not used\n")


def test_a_file_less_warning_is_valid_sarif(src: Path, capsys: pytest.CaptureFixture[str],
                                           sarif_validator: Any) -> None:
    assert main(["check", str(src), "--var", "enc=true", "--var", "zzz=1", "-f", "sarif"]) == 0
    doc = json.loads(capsys.readouterr().out)
    sarif_validator.validate(doc)
    assert doc["runs"][0]["invocations"][0]["toolExecutionNotifications"] == [
        {"level": "warning", "message": {"text": UNDECLARED["message"]}}]


def test_a_var_declared_by_one_of_several_roots_is_no_warning(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    for env in ("dev", "prod"):
        (tmp_path / env).mkdir()
        (tmp_path / env / "main.tf").write_text(KEY if env == "prod" else 'resource "aws_kms_key" "k" {}\n',
                                               encoding="utf-8")
    code, doc = _scan(capsys, tmp_path, "--var", "enc=true")
    assert doc["diagnostics"] == []
    code, doc = _scan(capsys, tmp_path, "--var", "enc=true", "--var", "zzz=1")
    assert [d["message"] for d in doc["diagnostics"]] == [
        "--var zzz: none of the scanned root modules declares a variable named 'zzz'; the value is not used"]


@pytest.mark.parametrize(("var", "status"), [("enc=true", "pass"), ("enc=1", "pass"), ("enc=0", "fail"),
                                             ("enc=false", "fail")])
def test_bool_text_converts_as_terraform_converts_it(src: Path, var: str, status: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _scan(capsys, src, "--var", var)
    assert _results(doc) == [("TG301", "aws_kms_key.k", status)] and doc["diagnostics"] == []


@pytest.mark.parametrize(("var", "problem", "line"), [
    ("enc=maybe", "var.enc set by --var enc: a bool is required", 1),
    ("enc=TRUE", 'var.enc set by --var enc: a bool is required; to convert from string, use lowercase "true"', 1),
    ("days=0x10", "var.days set by --var days: a number is required", 5),
])
def test_a_value_that_does_not_convert_names_the_variable(src: Path, var: str, problem: str, line: int,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--var", var] + ([] if var.startswith("enc=") else ["--var", "enc=true"])
    code, doc = _scan(capsys, src, *args)
    assert code == 2
    assert doc["diagnostics"] == [{"file": "main.tf", "line": line, "severity": "error",
                                   "message": f"unsuitable value for {problem}; the variable's value is unknown"}]
    if var.startswith("enc="):
        assert _results(doc) == [("TG301", "aws_kms_key.k", "unknown")]


def test_numbers_convert_as_terraform_converts_them(src: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for days in ("1e1", "7", "+30", "30."):
        code, doc = _scan(capsys, src, "--var", "enc=true", "--var", f"days={days}")
        assert (code, doc["diagnostics"]) == (0, [])


def test_a_tfvars_value_that_does_not_convert_names_the_file(src: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (src / "terraform.tfvars").write_text('enc = "maybe"\n', encoding="utf-8")
    code, doc = _scan(capsys, src)
    assert code == 2 and doc["diagnostics"] == [
        {"file": "main.tf", "line": 1, "severity": "error", "message": "unsuitable value for var.enc set by var.enc "
         "in terraform.tfvars: a bool is required; the variable's value is unknown"}]


def test_a_malformed_var_is_a_file_less_error(src: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _scan(capsys, src, "--var", "enc")
    assert code == 2 and doc["diagnostics"] == [
        {"file": "", "line": 0, "severity": "error", "message": "--var expects NAME=VALUE, got 'enc'"}]
