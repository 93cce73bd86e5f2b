"""Hostile input: every problem is a diagnostic with file and line; the rest is still scanned;
no code runs, no network is used, no secret is printed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, FIXTURES
from tfguard.cli import main
from tfguard.report import renderer
from tfguard.run import run
from tfguard.targets import Options


def hostile_tree(root: Path) -> Path:
    files: dict[str, str | bytes] = {
        "ok.tf": 'resource "aws_kms_key" "ok" {}\n',
        "trunc.tf": 'resource "aws_kms_key" "t" {\n  description = "abc',
        "random.tf": bytes(range(256)) * 10,
        "bad8.tf": b'resource "aws_kms_key" "u" {\n  description = "\xff"\n}\n',
        "bom.tf": b'\xef\xbb\xbfresource "aws_kms_key" "bom" {}\r\n',
        "crlf.tf": b'resource "aws_kms_key" "crlf" {\r\n  description = "x"\r\n}\r\n',
        "deep.tf": 'locals {\n  d = ' + "[" * 5000 + "]" * 5000 + "\n}\n",
        "bigstr.tf": 'resource "aws_kms_key" "big" {\n  description = "' + "x" * 2_000_000 + '"\n}\n',
        "count.tf": 'resource "aws_kms_key" "many" {\n  count = 100000000\n}\n',
        "foreach.tf": 'resource "aws_kms_key" "fe" {\n  for_each = toset([for i in range(1000000) : tostring(i)])\n}\n',
        "cyc.tf": "locals {\n  a = local.b\n  b = local.a\n}\n",
        "unknown.tf": 'frobnicate "x" {\n  a = 1\n}\n',
        "zdup.tf": 'resource "aws_kms_key" "ok" {}\n',
        "notobj.tf.json": "[1, 2, 3]",
        "mods.tf": 'module "m1" {\n  source = "./m1"\n}\nmodule "esc" {\n  source = "../../etc"\n}\n'
                   'module "reg" {\n  source = "hashicorp/x/aws"\n}\n',
        "m1/main.tf": 'module "m2" {\n  source = "../m2"\n}\n',
        "m2/main.tf": 'module "m1" {\n  source = "../m1"\n}\n',
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    os.symlink("loop.tf", root / "loop.tf")
    os.symlink("..", root / "m1" / "up")
    return root


def test_hostile_tree_is_diagnosed_and_the_rest_scanned(tmp_path: Path) -> None:
    report = run([hostile_tree(tmp_path)], Options(only=frozenset({"TG301"}), max_instances=50))
    diags = {(d.file, d.line, d.severity) for d in report.diagnostics}
    assert diags == {
        ("bad8.tf", 2, "error"), ("deep.tf", 2, "error"), ("loop.tf", 1, "error"), ("notobj.tf.json", 1, "error"),
        ("random.tf", 1, "error"), ("trunc.tf", 2, "error"), ("count.tf", 2, "error"), ("foreach.tf", 2, "error"),
        ("zdup.tf", 1, "error"), ("unknown.tf", 1, "warning"), ("m2/main.tf", 1, "error"), ("mods.tf", 5, "error"),
        ("mods.tf", 8, "warning"), ("cyc.tf", 2, "error"), ("cyc.tf", 3, "error"),
    }
    addresses = {f.address for f in report.findings}
    assert {"aws_kms_key.ok", "aws_kms_key.bom", "aws_kms_key.crlf", "aws_kms_key.big", "aws_kms_key.fe"} <= addresses
    assert {f"aws_kms_key.many[{i}]" for i in range(50)} <= addresses
    assert "aws_kms_key.many[50]" not in addresses


def test_diagnostics_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('resource "x" "y" {\n  a = \n}\n', encoding="utf-8")
    (tmp_path / "ok.tf").write_text('resource "aws_kms_key" "k" {}\n', encoding="utf-8")
    report = run([tmp_path])
    assert "bad.tf:2: error" in renderer("text")(report, False)
    assert json.loads(renderer("json")(report, False))["diagnostics"] == [
        {"file": "bad.tf", "line": 2, "severity": "error", "message": "cannot parse: unexpected end of line"}]
    sarif = json.loads(renderer("sarif")(report, False))
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.tf"
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


@pytest.mark.parametrize(("patch", "expected"), [
    ({"format_version": "2.0"}, 0), ({"configuration": [1]}, 2), ({"resource_changes": {}}, 2),
])
def test_plan_shapes(tmp_path: Path, patch: dict[str, object], expected: int) -> None:
    doc = json.loads((DATA / "plans" / "regula__kms-key-rotation.json").read_text())
    doc.update(patch)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc))
    assert main(["check", str(plan), "--checks", "TG302"]) == expected


def test_no_process_and_no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tfguard must not start processes or open connections")

    for name in ("Popen", "run", "call", "check_output"):
        monkeypatch.setattr(subprocess, name, refuse)
    for name in ("system", "popen", "fork", "execv", "execve", "execvp", "spawnv"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    targets = [FIXTURES / "demo", FIXTURES / "eval" / "module_twice", FIXTURES / "eval" / "module_twice" / "plan.json",
               DATA / "plans" / "checkov__terragoat-aws-55-resources.json"]
    for fmt in ("text", "json", "sarif"):
        assert main(["check", *map(str, targets), "--format", fmt, "--output", str(tmp_path / f"out.{fmt}")]) == 1


SECRET = "s3cr3t-V4LUE-planted"


def test_planted_secret_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tf").write_text(
        f'variable "algo" {{\n  default   = "{SECRET}"\n  sensitive = true\n}}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
        'resource "aws_s3_bucket_server_side_encryption_configuration" "s" {\n  bucket = aws_s3_bucket.b.id\n'
        '  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = var.algo\n    }\n  }\n}\n'
        'resource "aws_lb_listener" "l" {\n  protocol   = "HTTPS"\n  ssl_policy = var.algo\n}\n', encoding="utf-8")
    doc = json.loads((DATA / "plans" / "regula__kms-key-rotation.json").read_text())
    for rc in doc["resource_changes"]:
        rc["change"]["after"]["description"] = SECRET
        rc["change"]["after_sensitive"] = {"description": True}
        rc["change"]["before"] = {"description": SECRET + "-old"}
        rc["change"]["before_sensitive"] = {"description": True}
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc))
    for fmt in ("text", "json", "sarif"):
        main(["check", str(src), str(plan), "--format", fmt, "--include-passed"])
        captured = capsys.readouterr()
        assert SECRET not in captured.out + captured.err
        assert "(sensitive)" in captured.out or fmt == "sarif"
