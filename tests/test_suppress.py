"""Inline suppressions with reasons, expiry, instance selectors, module scope and audit mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.report.sarif import render
from tfguard.run import run
from tfguard.targets import Options

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


NOT_READ = '''# tfguard:ignore:TG999 -- a typo
resource "aws_kms_key" "unknown" {}

# tfguard:ignore TG301 -- the colon is missing
resource "aws_kms_key" "nocolon" {}

/* tfguard:ignore:TG301 -- a block comment */
resource "aws_kms_key" "block" {}

# TFGUARD:IGNORE:TG301 -- upper case
resource "aws_kms_key" "upper" {}

# tfguard:ignore:TG301 -- rotation was off once
resource "aws_kms_key" "fixed" {
  enable_key_rotation = true
}

# tfguard:ignore:tg301 -- ids are case-insensitive
resource "aws_kms_key" "lower" {}
'''


def test_suppressions_that_do_nothing_say_so(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(NOT_READ, encoding="utf-8")
    report = run([tmp_path], Options(only=frozenset({"TG301"})))
    assert {f.address: (f.status.value, f.suppressed) for f in report.findings} == {
        "aws_kms_key.unknown": ("fail", False), "aws_kms_key.nocolon": ("fail", False),
        "aws_kms_key.block": ("fail", False), "aws_kms_key.upper": ("fail", False),
        "aws_kms_key.fixed": ("pass", False), "aws_kms_key.lower": ("fail", True)}
    assert [(d.file, d.line, d.severity, d.message) for d in report.diagnostics] == [
        ("main.tf", 1, "warning", "suppression names an unknown check 'TG999' (see `tfguard list-checks`)"),
        ("main.tf", 4, "warning", "suppression without a colon before its check ids is not read; "
                                  "write tfguard:ignore:ID -- reason"),
        ("main.tf", 7, "warning", "suppression in a /* */ comment is not read; write it as a # or // comment"),
        ("main.tf", 10, "warning", "suppression written as 'TFGUARD:IGNORE' is not read; "
                                   "write tfguard:ignore in lower case"),
        ("main.tf", 13, "warning", "suppression of TG301 suppresses no finding; remove it"),
    ]


@pytest.mark.parametrize(("comment", "message"), [
    ("# tfguard:ignore", "suppression without a colon before its check ids is not read; "
                         "write tfguard:ignore:ID -- reason"),
    ("# tfguard:ignore: -- why", "suppression names no check; write tfguard:ignore:ID -- reason"),
    ("// tfguard-ignore:TG301 -- why", "'tfguard-ignore' is not read as a suppression; write tfguard:ignore:ID -- reason"),
    ("# Tfguard:Ignore:TG301 -- why", "suppression written as 'Tfguard:Ignore' is not read; "
                                      "write tfguard:ignore in lower case"),
])
def test_lookalike_comments_are_warnings(comment: str, message: str) -> None:
    from tfguard.model import Diagnostic
    from tfguard.suppress import parse_line

    assert parse_line("main.tf", 3, comment) == ([], Diagnostic("main.tf", 3, message, "warning"))


def test_text_mentioning_tfguard_is_not_a_suppression() -> None:
    from tfguard.suppress import parse_line

    assert parse_line("main.tf", 1, '  description = "tfguard:ignore is documented"') == ([], None)
    assert parse_line("main.tf", 1, "# tfguard checks this bucket; we ignore TG601 elsewhere") == ([], None)


def test_unused_only_for_checks_that_ran(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('# tfguard:ignore:TG301 -- reviewed\nresource "aws_kms_key" "k" {\n'
                                      '  enable_key_rotation = true\n}\n', encoding="utf-8")
    assert run([tmp_path], Options(only=frozenset({"TG302"}))).diagnostics == []
    assert run([tmp_path], Options(skip=frozenset({"kms-rotation"}))).diagnostics == []
    assert run([tmp_path], Options(ignores=False)).diagnostics == []
    assert [(d.line, d.message) for d in run([tmp_path]).diagnostics] == [
        (1, "suppression of TG301 suppresses no finding; remove it")]


def test_module_suppression_used_by_one_root_is_not_unused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(
        'variable "rotate" {}\n# tfguard:ignore:TG301 -- dev keys do not rotate\n'
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n', encoding="utf-8")
    for root, rotate in (("dev", "false"), ("prod", "true")):
        (tmp_path / root).mkdir()
        (tmp_path / root / "main.tf").write_text(
            f'module "keys" {{\n  source = "../m"\n  rotate = {rotate}\n}}\n', encoding="utf-8")
    report = run([tmp_path / "dev", tmp_path / "prod"], Options(only=frozenset({"TG301"}), allow_outside_root=True))
    assert [(f.address, f.status.value, f.suppressed) for f in report.findings] == [
        ("module.keys.aws_kms_key.k", "fail", True), ("module.keys.aws_kms_key.k", "pass", False)]
    assert report.diagnostics == []
    monkeypatch.chdir(tmp_path)  # one folder that locations are relative to, for both roots
    report = run([Path("dev"), Path("prod")], Options(only=frozenset({"TG301"}), allow_outside_root=True))
    assert [f.suppressed for f in report.findings] == [True, False] and report.diagnostics == []
    report = run([Path("prod")], Options(only=frozenset({"TG301"}), allow_outside_root=True))
    assert [(d.file, d.line, d.message) for d in report.diagnostics] == [
        ("m/main.tf", 2, "suppression of TG301 suppresses no finding; remove it")]


def test_warnings_do_not_change_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('# tfguard:ignore:TG301 -- reviewed\nresource "aws_kms_key" "k" {\n'
                                      '  enable_key_rotation = true\n}\n/* tfguard:ignore:TG302 */\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301,TG302"]) == 0
    out = capsys.readouterr().out
    assert "main.tf:1: warning: suppression of TG301 suppresses no finding; remove it" in out
    assert "main.tf:5: warning: suppression in a /* */ comment is not read; write it as a # or // comment" in out


def test_named_files_get_warnings_only_for_their_own_suppressions(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # What the pre-commit hook passes: warnings about other files' comments would be noise there.
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text('# tfguard:ignore:TG301 -- stale\nresource "aws_kms_key" "a" {\n'
                                      '  enable_key_rotation = true\n}\n', encoding="utf-8")
    (tmp_path / "other.tf").write_text('# tfguard:ignore:TG301 -- stale too\nresource "aws_kms_key" "b" {\n'
                                       '  enable_key_rotation = true\n}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = run([Path("main.tf")], Options(only=frozenset({"TG301"})))
    assert [(d.file, d.line, d.message) for d in report.diagnostics] == [
        ("main.tf", 1, "suppression of TG301 suppresses no finding; remove it")]
    report = run([Path(".")], Options(only=frozenset({"TG301"})))
    assert [(d.file, d.line) for d in report.diagnostics] == [("main.tf", 1), ("other.tf", 1)]
