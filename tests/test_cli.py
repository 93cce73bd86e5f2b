"""CLI behaviour: exit codes, formats, selection, bad input (through main(argv))."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, FIXTURES
from tfguard.cli import main

DEMO = FIXTURES / "demo"


def _tf(tmp_path: Path, text: str, name: str = "main.tf") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


GOOD_KEY = 'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n'
BAD_KEY = 'resource "aws_kms_key" "k" {\n  description = "no rotation"\n}\n'


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("tfguard ")


def test_list_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-checks"]) == 0
    out = capsys.readouterr().out
    for cid in ("TG101", "TG102", "TG201", "TG202", "TG301", "TG302", "TG403", "TG601"):
        assert cid in out


def test_exit_0_when_clean(tmp_path: Path) -> None:
    assert main(["check", str(_tf(tmp_path, GOOD_KEY))]) == 0


def test_exit_1_on_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(_tf(tmp_path, BAD_KEY))]) == 1
    out = capsys.readouterr().out
    assert "TG301 aws_kms_key.k" in out and "main.tf" in out


def test_fail_on_threshold(tmp_path: Path) -> None:
    target = str(_tf(tmp_path, BAD_KEY))  # TG301 is medium
    assert main(["check", target, "--fail-on", "high"]) == 0
    assert main(["check", target, "--fail-on", "medium"]) == 1


def test_unknown_only_fails_with_strict(tmp_path: Path) -> None:
    target = str(_tf(tmp_path, 'variable "r" {}\nresource "aws_kms_key" "k" {\n  enable_key_rotation = var.r\n}\n'))
    assert main(["check", target]) == 0
    assert main(["check", target, "--strict"]) == 1


def test_check_selection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(_tf(tmp_path, BAD_KEY))
    assert main(["check", target, "--skip-checks", "TG301"]) == 0
    assert main(["check", target, "--checks", "kms-rotation"]) == 1
    assert main(["check", target, "--checks", "TG999"]) == 2
    assert "unknown check id(s): TG999" in capsys.readouterr().err


def test_usage_errors(tmp_path: Path) -> None:
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert main(["check", str(tmp_path), "--format", "xml"]) == 2
    assert main(["check", str(tmp_path), "--fail-on", "severe"]) == 2
    assert main(["check", "--no-such-option", str(tmp_path)]) == 2
    assert main([]) == 2


def test_output_file_and_json(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    src = _tf(tmp_path / "src" if (tmp_path / "src").mkdir() is None else tmp_path, BAD_KEY)
    assert main(["check", str(src), "--format", "json", "--output", str(out), "--checks", "TG301,TG302"]) == 1
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 1
    assert [(f["id"], f["resource"], f["status"]) for f in doc["findings"]] == [
        ("TG301", "aws_kms_key.k", "fail")
    ]
    f = doc["findings"][0]
    assert f["file"].endswith("main.tf") and f["start_line"] == 1 and f["severity"] == "medium"
    assert len(f["fingerprint"]) == 32
    assert doc["summary"]["fail"] == 1 and doc["summary"]["pass"] == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b'{"format_version": "1.0", "resource_changes": [', b"\x00\x01\x02binary",
     b"\xff\xfe\x00not json", b"[1, 2]", b'{"hello": "world"}', b"\xc3\x28 not utf8"],
    ids=["empty", "brace", "truncated", "binary", "bad-utf16", "list", "not-a-plan", "bad-utf8"],
)
def test_bad_plan_files_exit_2_without_traceback(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(content)
    assert main(["check", str(plan)]) == 2
    said = capsys.readouterr()
    assert "plan.json:1: error: " in said.out and said.err == ""  # in the text report, once
    assert main(["check", str(plan), "-f", "json"]) == 2
    said = capsys.readouterr()
    assert "tfguard: plan.json:1: error: " in said.err and "Traceback" not in said.err


def test_bad_plan_does_not_stop_other_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    good = DATA / "plans" / "regula__kms-key-rotation.json"
    assert main(["check", str(bad), str(good), "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert {(f["id"], f["resource"]) for f in doc["findings"]} >= {("TG301", "aws_kms_key.invalid")}
    assert doc["diagnostics"][0]["file"].endswith("bad.json")


def test_malformed_hcl_is_a_diagnostic_and_the_rest_is_scanned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.tf").write_text('resource "aws_kms_key" "x" {\n  a = \n}\n', encoding="utf-8")
    (tmp_path / "binary.tf").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.tf").write_bytes(b'# caf\xe9\n')
    _tf(tmp_path, BAD_KEY)
    assert main(["check", str(tmp_path), "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["resource"]) for f in doc["findings"]] == [("TG301", "aws_kms_key.k")]
    diags = {(Path(d["file"]).name, d["line"]) for d in doc["diagnostics"]}
    assert diags == {("broken.tf", 2), ("binary.tf", 1), ("latin1.tf", 1)}


def test_user_checks_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checks = tmp_path / "mychecks"
    checks.mkdir()
    (checks / "no_description.py").write_text(
        "from tfguard.check import Check, Result, FAIL, PASS\n"
        "def evaluate(ctx):\n"
        "    for key in ctx.graph.of_type('aws_kms_key'):\n"
        "        ok = bool(key.values.get('description'))\n"
        "        yield Result(key, PASS if ok else FAIL, 'description', attribute='description')\n"
        "CHECK = Check(id='ORG001', slug='kms-description', title='KMS key has a description',\n"
        "              severity='low', resource_types=('aws_kms_key',), rationale='r', remediation='add one',\n"
        "              evaluate=evaluate)\n",
        encoding="utf-8",
    )
    src = tmp_path / "src"
    src.mkdir()
    _tf(src, GOOD_KEY)
    assert main(["check", str(src), "--checks-dir", str(checks), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["resource"], f["status"]) for f in doc["findings"]] == [("ORG001", "aws_kms_key.k", "fail")]


def test_demo_has_findings() -> None:
    assert main(["check", str(DEMO)]) == 1


def test_each_root_module_is_its_own_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two root folders may use the same addresses; one's linked settings never cover the other."""
    (tmp_path / "legacy").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "legacy" / "main.tf").write_text('resource "aws_s3_bucket" "records" {\n  bucket = "a"\n}\n',
                                                 encoding="utf-8")
    (tmp_path / "new" / "main.tf").write_text(
        'resource "aws_s3_bucket" "records" {\n  bucket = "b"\n}\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "s" {\n  bucket = aws_s3_bucket.records.id\n'
        '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = "AES256"\n    }\n  }\n}\n',
        encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG101", "--include-passed", "--format", "json"]) == 1
    got = {(f["file"], f["status"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert got == {("legacy/main.tf", "fail"), ("new/main.tf", "pass")}


def test_tfvars_file_stands_for_its_folder(tmp_path: Path) -> None:
    _tf(tmp_path, 'variable "rotate" {\n  default = true\n}\nresource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n')
    (tmp_path / "terraform.tfvars").write_text("rotate = false\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "terraform.tfvars"), "--checks", "TG301"]) == 1


def test_graph_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(FIXTURES / "checks" / "TG101" / "good_linked_by_id"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["edges"] == [{"from": "aws_s3_bucket_server_side_encryption_configuration.logs",
                             "to": "aws_s3_bucket.logs", "via": "bucket", "by": "reference"}]
    assert main(["graph", str(FIXTURES / "demo"), "--format", "png"]) == 2
