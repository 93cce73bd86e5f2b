"""Findings are identified by their root module: two roots calling one module give two
findings; a baseline accepts a finding of one root with one status, and says so in every
report (fixtures/roots/two_envs: envs/dev and envs/prod call modules/key, whose line
decides, so both roots' findings point at it)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tfguard.baseline import apply, summary
from tfguard.cli import main
from tfguard.engine import fingerprint
from tfguard.model import Diagnostic, Entry, Finding, Location, Report, Status
from tfguard.report import junit

KEY = "module.key.aws_kms_key.this"
NOT_ROTATED = "automatic rotation is not enabled for this symmetric key"
SANDBOX, PRODUCTION = 'tier   = "sandbox"', 'tier   = "production"'


@pytest.fixture()
def envs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The two roots, copied, with the working directory at their top (as in CI)."""
    tree = tmp_path / "repo"
    shutil.copytree(FIXTURES / "roots" / "two_envs", tree)
    monkeypatch.chdir(tree)
    return tree


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", ".", "--checks", "TG301", "--include-passed", "-f", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def _rows(doc: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    return sorted((f["root"], f["id"], f["resource"], f["status"], f["baseline"]) for f in doc["findings"])


def test_two_roots_give_two_findings(envs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _json(capsys)
    assert code == 1
    assert _rows(doc) == [("envs/dev", "TG301", KEY, "fail", ""), ("envs/prod", "TG301", KEY, "pass", "")]
    by_root = {f["root"]: f for f in doc["findings"]}
    # Same address, same module line, different fingerprints: the root is part of the identity.
    assert by_root["envs/dev"]["file"] == by_root["envs/prod"]["file"] == "modules/key/main.tf"
    assert by_root["envs/dev"]["fingerprint"] == fingerprint("TG301", "envs/dev", KEY, "enable_key_rotation")
    assert by_root["envs/prod"]["fingerprint"] == fingerprint("TG301", "envs/prod", KEY, "enable_key_rotation")
    assert by_root["envs/dev"]["fingerprint"] != by_root["envs/prod"]["fingerprint"]


def test_regression_in_one_root_is_new(envs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Done when: two roots, a baseline, then a regression in one root: exit 1, and the finding is new."""
    assert main(["baseline", "create", ".", "-o", "baseline.json"]) == 0
    assert "wrote 1 baseline entry (1 fail, 0 unknown) to baseline.json" in capsys.readouterr().err
    entries = json.loads(Path("baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["root"], e["id"], e["resource"], e["status"]) for e in entries] == [("envs/dev", "TG301", KEY, "fail")]

    assert main(["check", ".", "--baseline", "baseline.json"]) == 0
    assert "; 0 new, 1 baselined;" in capsys.readouterr().out

    prod = envs / "envs" / "prod" / "main.tf"
    prod.write_text(prod.read_text(encoding="utf-8").replace(PRODUCTION, SANDBOX), encoding="utf-8")
    code, doc = _json(capsys, "--baseline", "baseline.json")
    assert code == 1
    assert _rows(doc) == [("envs/dev", "TG301", KEY, "fail", "unchanged"), ("envs/prod", "TG301", KEY, "fail", "new")]
    assert (doc["summary"]["new"], doc["summary"]["baselined"]) == (1, 1)

    assert main(["check", ".", "--checks", "TG301", "--baseline", "baseline.json"]) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[:10] == [
        "== root module envs/dev ==",
        "modules/key/main.tf",
        f"      :9  MEDIUM   TG301 {KEY} [baselined]: {NOT_ROTATED}",
        "          fix: Set enable_key_rotation = true on the key.",
        "",
        "== root module envs/prod ==",
        "modules/key/main.tf",
        f"      :9  MEDIUM   TG301 {KEY} [new]: {NOT_ROTATED}",
        "          fix: Set enable_key_rotation = true on the key.",
        "",
    ]
    assert text.splitlines()[-1].startswith("2 failed (2 medium), 0 unknown, 0 passed, 0 suppressed; 1 new, 1 baselined; ")

    # Fixed in prod again, and dev fixed too: dev's entry is reported as fixed, with its root.
    for root in ("dev", "prod"):
        main_tf = envs / "envs" / root / "main.tf"
        main_tf.write_text(main_tf.read_text(encoding="utf-8").replace(SANDBOX, PRODUCTION), encoding="utf-8")
    assert main(["check", ".", "--checks", "TG301", "--baseline", "baseline.json"]) == 0
    assert f"fixed since the baseline: TG301 {KEY} in envs/dev (was fail)" in capsys.readouterr().out


def test_accepted_unknown_does_not_hide_a_later_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('variable "r" {}\n\nresource "aws_kms_key" "k" {\n  enable_key_rotation = var.r\n}\n',
                                      encoding="utf-8")
    baseline = str(tmp_path / "baseline.json")
    assert main(["baseline", "create", str(tmp_path), "-o", baseline]) == 0
    assert "wrote 1 baseline entry (0 fail, 1 unknown)" in capsys.readouterr().err
    assert main(["check", str(tmp_path), "--checks", "TG301", "--strict", "--baseline", baseline]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path), "--checks", "TG301", "--baseline", baseline, "--var", "r=false", "-f", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["resource"], f["status"], f["baseline"]) for f in doc["findings"]] == [
        ("TG301", "aws_kms_key.k", "fail", "new")]


def _finding(status: Status, root: str = "envs/dev", **kw: Any) -> Finding:
    return Finding(check_id="TG301", slug="kms-rotation", title="t", severity="medium", status=status, address=KEY,
                   message=NOT_ROTATED, location=Location("modules/key/main.tf", 9, 9), root=root,
                   fingerprint=fingerprint("TG301", root, KEY, "enable_key_rotation"), **kw)


def test_apply_matches_fingerprint_and_status() -> None:
    dev_unknown = Entry("envs/dev", "TG301", KEY, "unknown", fingerprint("TG301", "envs/dev", KEY, "enable_key_rotation"))
    findings, fixed = apply([_finding(Status.FAIL), _finding(Status.UNKNOWN, "envs/prod")], {dev_unknown})
    assert [(f.root, f.status, f.baseline) for f in findings] == [("envs/dev", Status.FAIL, "new"),
                                                                 ("envs/prod", Status.UNKNOWN, "new")]
    assert fixed == [dev_unknown]
    # A suppressed finding is accepted by its suppression, not the baseline: unmarked, and not fixed.
    findings, fixed = apply([_finding(Status.UNKNOWN, suppressed=True)], {dev_unknown})
    assert [(f.baseline, f.suppressed) for f in findings] == [("", True)] and fixed == []


def test_baseline_summary_counts_entries_and_the_findings_they_stand_for() -> None:
    twice = [_finding(Status.FAIL), _finding(Status.FAIL)]
    entries = [Entry("envs/dev", "TG301", KEY, "fail", twice[0].fingerprint)]
    assert summary(entries, twice) == "1 baseline entry (1 fail, 0 unknown) for 2 findings"
    assert summary(entries * 2, twice + [_finding(Status.PASS)]) == "2 baseline entries (2 fail, 0 unknown)"


def test_a_baseline_of_the_previous_format_is_refused_with_a_way_out(envs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = {"version": 1, "tool": "tfguard", "findings": [{"id": "TG301", "resource": KEY, "fingerprint": "0" * 32}]}
    Path("old.json").write_text(json.dumps(old), encoding="utf-8")
    assert main(["check", ".", "--baseline", "old.json"]) == 2
    err = capsys.readouterr().err
    assert "baseline old.json was written by an earlier tfguard (format 1)" in err
    assert "Recreate it: tfguard baseline create PATH... -o old.json" in err


def test_sarif_root_property_and_parent_logical_location(envs: Path, capsys: pytest.CaptureFixture[str],
                                                          sarif_validator) -> None:  # type: ignore[no-untyped-def]
    prod = envs / "envs" / "prod" / "main.tf"
    prod.write_text(prod.read_text(encoding="utf-8").replace(PRODUCTION, SANDBOX), encoding="utf-8")
    assert main(["check", ".", "--checks", "TG301", "-f", "sarif"]) == 1
    doc = json.loads(capsys.readouterr().out)
    sarif_validator.validate(doc)
    run = doc["runs"][0]
    assert run["logicalLocations"] == [
        {"name": "envs/dev", "fullyQualifiedName": "envs/dev", "kind": "module"},
        {"fullyQualifiedName": KEY, "kind": "resource", "parentIndex": 0},
        {"name": "envs/prod", "fullyQualifiedName": "envs/prod", "kind": "module"},
        {"fullyQualifiedName": KEY, "kind": "resource", "parentIndex": 2},
    ]
    got = [(r["properties"]["root"], r["locations"][0]["logicalLocations"], r["message"]["text"],
            r["partialFingerprints"]["tfguard/v2"]) for r in run["results"]]
    assert got == [
        ("envs/dev", [{"index": 1, "fullyQualifiedName": KEY, "kind": "resource", "parentIndex": 0}],
         f"{KEY} (root module envs/dev): {NOT_ROTATED}", fingerprint("TG301", "envs/dev", KEY, "enable_key_rotation")),
        ("envs/prod", [{"index": 3, "fullyQualifiedName": KEY, "kind": "resource", "parentIndex": 2}],
         f"{KEY} (root module envs/prod): {NOT_ROTATED}", fingerprint("TG301", "envs/prod", KEY, "enable_key_rotation")),
    ]


def test_markdown_and_junit_show_new_and_baselined(envs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "create", ".", "-o", "baseline.json"]) == 0
    prod = envs / "envs" / "prod" / "main.tf"
    prod.write_text(prod.read_text(encoding="utf-8").replace(PRODUCTION, SANDBOX), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", ".", "--checks", "TG301", "--baseline", "baseline.json", "-f", "markdown"]) == 1
    md = capsys.readouterr().out
    key = r"module.key.aws\_kms\_key.this"
    where = "[modules/key/main.tf:9](modules/key/main.tf#L9)"
    assert md.startswith("## tfguard: 2 failing, 0 unknown; 1 new, 1 baselined\n")
    assert (f"| Severity | ID | Resource | Root | Location | Message | Baseline |\n|---|---|---|---|---|---|---|\n"
            f"| medium | TG301 | {key} | envs/prod | {where} | {NOT_ROTATED} | new |\n"
            f"| medium | TG301 | {key} | envs/dev | {where} | {NOT_ROTATED} | baselined |\n") in md
    assert "<summary>envs/prod: modules/key/main.tf (1)</summary>" in md
    assert f"| [9](modules/key/main.tf#L9) | fail (new) | medium | TG301 | {key} | {NOT_ROTATED} |" in md

    assert main(["check", ".", "--checks", "TG301", "--baseline", "baseline.json", "-f", "junit"]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    [suite] = [s for s in root if s.get("name") == "TG301 kms-rotation"]
    cases = [(c.get("name"), [(child.tag, child.get("message")) for child in c]) for c in suite]
    assert cases == [(f"envs/dev: {KEY}", [("skipped", f"baselined: fail: {NOT_ROTATED}")]),
                     (f"envs/prod: {KEY}", [("failure", f"new: {NOT_ROTATED}")])]
    assert (root.get("failures"), root.get("skipped"), root.get("errors")) == ("1", "1", "0")


def test_junit_unknown_says_its_baseline_state() -> None:
    findings = [_finding(Status.UNKNOWN, baseline="unchanged"), _finding(Status.UNKNOWN, "envs/prod", baseline="new")]
    report = Report(findings=findings, roots=["envs/dev", "envs/prod"], baseline=Path("baseline.json"))
    root = ET.fromstring(junit.render(report))
    cases = [(c.get("name"), [(child.tag, child.get("message")) for child in c]) for c in root.iter("testcase")]
    assert cases == [(f"envs/dev: {KEY}", [("skipped", f"baselined: {NOT_ROTATED}")]),
                     (f"envs/prod: {KEY}", [("skipped", f"new: {NOT_ROTATED}")])]


def test_junit_warning_is_not_an_error() -> None:
    report = Report(diagnostics=[Diagnostic("main.tf", 3, "suppression without a reason (add `-- why`)", "warning"),
                                 Diagnostic("bad.tf", 2, "cannot parse: unexpected end of file")])
    root = ET.fromstring(junit.render(report))
    [suite] = list(root)
    got = [(c.get("name"), [(child.tag, child.get("message")) for child in c]) for c in suite]
    assert got == [("main.tf:3", [("skipped", "warning: suppression without a reason (add `-- why`)")]),
                   ("bad.tf:2", [("error", "cannot parse: unexpected end of file")])]
    assert (suite.get("errors"), suite.get("skipped")) == ("1", "1")


def test_junit_of_a_run_that_passes_with_a_warning_has_no_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('# tfguard:ignore:TG301\nresource "aws_kms_key" "k" {}\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301", "-f", "junit"]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert (root.get("failures"), root.get("errors")) == ("0", "0")
    [case] = [c for c in root.iter("testcase") if c.get("classname") == "tfguard input"]
    assert [(child.tag, child.get("message")) for child in case] == [
        ("skipped", "warning: suppression without a reason (add `-- why`)")]


def test_a_plan_is_its_own_root_and_a_folder_is_named_from_the_working_directory(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    case = "fixtures/eval/alias_region"
    for target, root in ((f"{case}/plan.json", f"{case}/plan.json"), (case, case)):
        assert main(["check", target, "--checks", "TG301", "--include-passed", "-f", "json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert [(f["id"], f["resource"], f["status"], f["root"]) for f in doc["findings"]] == [
            ("TG301", "aws_kms_key.west", "pass", root)]
    monkeypatch.chdir(FIXTURES / "eval" / "alias_region")  # the root module is the working directory
    assert main(["check", ".", "--checks", "TG301", "--include-passed", "-f", "json"]) == 0
    assert [f["root"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["."]
