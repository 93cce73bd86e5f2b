"""Constructs of published modules that once crashed a scan, and the isolation
that keeps any remaining bug to the resource, module or check it is in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.load.loader import load_directory
from tfguard.load.modules import LoadOptions
from tfguard.load.policy_document import render
from tfguard.model import Resource, Unknown, is_unknown
from tfguard.report import FORMATS


def _load(tmp_path: Path, text: str) -> tuple[dict[str, Resource], list[tuple[str, int, str]]]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions())
    return {r.address: r for r in resources}, [(d.file, d.line, d.message) for d in diagnostics]


INGRESS = '  ingress {\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n  }\n'
DYNAMIC = ('  dynamic "ingress" {\n    for_each = var.rules\n    content {\n'
           '      from_port = ingress.value\n      to_port = ingress.value\n      protocol = "tcp"\n    }\n  }\n')


@pytest.mark.parametrize("body", [INGRESS + DYNAMIC, DYNAMIC + INGRESS], ids=["literal-first", "dynamic-first"])
def test_unknown_dynamic_keeps_literal_siblings(tmp_path: Path, body: str) -> None:
    res, diags = _load(tmp_path, f'variable "rules" {{}}\nresource "aws_security_group" "sg" {{\n{body}}}\n')
    blocks = res["aws_security_group.sg"].blocks("ingress")
    assert diags == []
    known = [b for b in blocks if isinstance(b, dict)]
    assert [(b["from_port"], b["protocol"]) for b in known] == [(443, "tcp")]
    assert [b.reason for b in blocks if isinstance(b, Unknown)] == ["var.rules has no value"]


def test_unknown_dynamic_alone_stays_one_unknown(tmp_path: Path) -> None:
    res, _ = _load(tmp_path, f'variable "rules" {{}}\nresource "aws_security_group" "sg" {{\n{DYNAMIC}}}\n')
    assert is_unknown(res["aws_security_group.sg"].values["ingress"])


def test_known_dynamic_and_literal_blocks_all_count(tmp_path: Path) -> None:
    text = ('resource "aws_security_group" "sg" {\n' + INGRESS + DYNAMIC.replace("var.rules", "[22, 80]") + "}\n")
    res, _ = _load(tmp_path, text)
    assert [b["from_port"] for b in res["aws_security_group.sg"].blocks("ingress")] == [443, 22, 80]


def test_render_with_unknown_statements_sources_and_overrides() -> None:
    hidden = Unknown("not known")
    doc = render({"statement": hidden, "source_policy_documents": hidden, "override_policy_documents": hidden})
    assert doc["Statement"] == [hidden, hidden, hidden]
    known = {"effect": "Allow", "actions": ["s3:GetObject"], "resources": ["*"]}
    doc = render({"statement": [known, hidden]})
    assert doc["Statement"] == [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, hidden]


def test_render_unknown_principals_or_condition_blocks() -> None:
    hidden = Unknown("not known")
    st = {"actions": ["kms:*"], "resources": ["*"], "principals": hidden}
    rendered = render({"statement": [st]})["Statement"][0]
    assert rendered["Principal"] is hidden or is_unknown(rendered["Principal"])
    st = {"actions": ["kms:*"], "resources": ["*"],
          "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}, hidden]}
    assert is_unknown(render({"statement": [st]})["Statement"][0])


def test_module_source_of_its_own_folder_is_a_loop_and_still_scanned(tmp_path: Path) -> None:
    res, diags = _load(tmp_path, 'resource "aws_kms_key" "k" {\n}\nmodule "self" {\n  source = "./"\n}\n')
    assert list(res) == ["aws_kms_key.k"]
    assert diags == [("main.tf", 3, "module.self: module loop (its source is the calling module itself); not followed")]


def test_two_folders_calling_each_other_are_scanned(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.tf").write_text('module "b" {\n  source = "../b"\n}\nresource "aws_kms_key" "a" {\n}\n')
    (tmp_path / "b" / "main.tf").write_text('module "a" {\n  source = "../a"\n}\n')
    resources, diagnostics = load_directory(tmp_path, tmp_path, LoadOptions())
    assert [r.address for r in resources] == ["aws_kms_key.a"]
    assert [(d.file, d.line) for d in diagnostics] == [("b/main.tf", 1)]


TWO_KEYS = ('resource "aws_kms_key" "bad" {\n  description = "a"\n}\n'
            'resource "aws_kms_key" "other" {\n  description = "b"\n}\n')


def _boom(*args: object, **kw: object) -> None:
    raise RuntimeError("boom")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_resource_that_raises_is_an_internal_error_and_the_report_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    import tfguard.load.modules as modules

    real = modules.instances_of

    def flaky(block, *args, **kw):  # type: ignore[no-untyped-def]
        if block.labels == ("aws_kms_key", "bad"):
            _boom()
        return real(block, *args, **kw)

    monkeypatch.setattr(modules, "instances_of", flaky)
    (tmp_path / "main.tf").write_text(TWO_KEYS, encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    assert main(["check", str(tmp_path), "--format", fmt, "--output", str(out), "--checks", "TG301",
                 "--include-passed"]) == 3
    text = out.read_text(encoding="utf-8").replace("\\_", "_")  # markdown escapes
    assert "internal error while evaluating aws_kms_key.bad: RuntimeError: boom" in text
    assert "aws_kms_key.other" in text
    if fmt == "json":
        doc = json.loads(text)
        assert [(f["id"], f["resource"], f["status"]) for f in doc["findings"]] == [("TG301", "aws_kms_key.other", "fail")]
        assert [(Path(d["file"]).name, d["line"]) for d in doc["diagnostics"]] == [("main.tf", 1)]


def test_a_check_that_raises_is_an_internal_error_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tfguard.check import Check

    monkeypatch.setattr(Check, "run", lambda self, ctx: _boom() if self.id == "TG301" else iter(()))
    (tmp_path / "main.tf").write_text(TWO_KEYS, encoding="utf-8")
    assert main(["check", str(tmp_path), "--format", "json", "--checks", "TG301,TG304"]) == 3
    doc = json.loads(capsys.readouterr().out)
    [diag] = doc["diagnostics"]
    assert diag["message"].startswith("internal error while running check TG301 (kms-rotation): RuntimeError: boom")
    assert diag["message"].endswith("; its results may be incomplete; please report it")
    assert (Path(diag["file"]).name, diag["line"]) == ("main.tf", 1)


def test_a_module_call_that_raises_is_an_internal_error_at_the_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tfguard.load.modules as modules

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('resource "aws_kms_key" "inner" {\n}\n')
    monkeypatch.setattr(modules, "instance_keys", _boom)
    res, diags = _load(tmp_path, 'resource "aws_kms_key" "outer" {\n}\nmodule "m" {\n  source = "./m"\n}\n')
    assert list(res) == ["aws_kms_key.outer"]
    assert [(f, line, m.split(":")[0]) for f, line, m in diags] == [
        ("main.tf", 3, "internal error while loading module.m")]


NESTED = Path(__file__).resolve().parent.parent / "fixtures" / "eval" / "dynamic_unknown_nested"


def test_nested_blocks_only_an_unknown_dynamic_makes_break_no_check() -> None:
    from tfguard.run import run
    from tfguard.targets import Options

    report = run([NESTED], Options(cache=False))
    assert report.diagnostics == []
    got = {(f.check_id, f.address, f.status.value) for f in report.findings
           if f.check_id in ("TG120", "TG122", "TG201", "TG605")}
    assert got == {("TG120", "aws_launch_template.lt", "unknown"), ("TG201", "aws_lb_listener.l", "unknown"),
                   ("TG605", "aws_backup_plan.p", "unknown")}


def test_a_function_that_raises_a_bug_is_an_internal_error_not_unknown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the errors a Terraform function reports become evaluation errors; a bug in a
    function's implementation is not hidden as an UNKNOWN result."""
    from tfguard.load.functions import FUNCTIONS

    def broken(*args: object) -> None:
        raise AttributeError("'NoneType' object has no attribute 'upper'")

    monkeypatch.setitem(FUNCTIONS, "upper", broken)
    (tmp_path / "main.tf").write_text(TWO_KEYS.replace('description = "a"', 'description = upper("a")'),
                                      encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301", "--format", "json", "--include-passed"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert [d["message"].split(" at ")[0] for d in doc["diagnostics"]] == [
        "internal error while evaluating aws_kms_key.bad: AttributeError: 'NoneType' object has no attribute 'upper'"]
    assert [(f["resource"], f["status"]) for f in doc["findings"]] == [("aws_kms_key.other", "fail")]
