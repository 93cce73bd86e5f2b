"""Change-aware plan scans: each finding introduced by the plan or existing in its prior state,
and the findings the plan resolves, from real plans of changes to deployed resources
(fixtures/changes/*: prior.tfstate is the deployed state, plan.json a real plan against it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, FIXTURES
from tfguard.cli import main

CHANGES = FIXTURES / "changes"
CHECKS = "TG101,TG102,TG120,TG150,TG301"


def _json(capsys: pytest.CaptureFixture[str], *argv: str, code: int) -> dict:  # type: ignore[type-arg]
    assert main(["check", *argv, "--format", "json"]) == code
    out: dict = json.loads(capsys.readouterr().out)  # type: ignore[type-arg]
    return out


def _open(doc: dict) -> set[tuple[str, str, str, str]]:  # type: ignore[type-arg]
    return {(f["id"], f["resource"], f["status"], f["change"]) for f in doc["findings"]}


def _resolved(doc: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return sorted((f["id"], f["resource"], f["status"]) for f in doc["resolved"])


def test_plan_that_weakens_encryption_introduces_its_findings(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(CHANGES / "weaken" / "plan.json"), "--checks", CHECKS, code=1)
    assert _open(doc) == {
        ("TG301", "aws_kms_key.data", "fail", "introduced"),  # rotation turned off (update)
        ("TG120", "aws_ebs_volume.data", "fail", "introduced"),  # encryption turned off (replace)
        ("TG102", "aws_s3_bucket.logs", "fail", "introduced"),  # default encryption moved off the CMK
        ("TG150", "aws_efs_file_system.share", "fail", "introduced"),  # created unencrypted
    }
    assert _resolved(doc) == []
    summary = doc["summary"]
    assert (summary["compared_with"], summary["introduced"], summary["existing"], summary["resolved"]) == (
        "the prior state", 4, 0, 0)


def test_plan_that_fixes_encryption_resolves_findings(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(CHANGES / "fix" / "plan.json"), "--checks", CHECKS, code=0)
    assert _open(doc) == set()
    assert _resolved(doc) == [("TG101", "aws_s3_bucket.logs", "fail"), ("TG120", "aws_ebs_volume.data", "fail"),
                              ("TG301", "aws_kms_key.data", "fail")]
    assert {f["change"] for f in doc["resolved"]} == {""}  # a finding of the base: not marked itself
    assert doc["summary"]["resolved"] == 3


def test_plan_that_deletes_a_resource_resolves_its_findings(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(CHANGES / "remove" / "plan.json"), "--checks", CHECKS, code=0)
    assert _open(doc) == set()
    assert _resolved(doc) == [("TG120", "aws_ebs_volume.data", "fail")]


def test_plan_that_leaves_findings_marks_them_existing(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(CHANGES / "same" / "plan.json"), "--checks", CHECKS, code=1)
    assert _open(doc) == {("TG120", "aws_ebs_volume.data", "fail", "existing"),
                          ("TG301", "aws_kms_key.data", "fail", "existing")}
    assert _resolved(doc) == []


def test_text_summary_and_resolved_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CHANGES / "fix" / "plan.json"), "--checks", CHECKS]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("resolved")] == [
        "resolved by this plan: TG101 aws_s3_bucket.logs (was fail)",
        "resolved by this plan: TG120 aws_ebs_volume.data (was fail)",
        "resolved by this plan: TG301 aws_kms_key.data (was fail)",
    ]
    assert "; 0 introduced by this plan, 0 existing, 3 resolved; " in lines[-1]

    assert main(["check", str(CHANGES / "same" / "plan.json"), "--checks", CHECKS]) == 1
    out = capsys.readouterr().out
    assert "HIGH     TG120 aws_ebs_volume.data [existing]: the volume sets encrypted = false" in out
    assert "; 0 introduced by this plan, 2 existing, 0 resolved; " in out.splitlines()[-1]


def _states(doc: dict) -> set[tuple[str, str, str]]:  # type: ignore[type-arg]
    return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], r["baselineState"])
            for r in doc["runs"][0]["results"]}


def test_sarif_baseline_states(capsys: pytest.CaptureFixture[str], sarif_validator) -> None:  # type: ignore[no-untyped-def]
    docs = {}
    for name, code in (("weaken", 1), ("fix", 0), ("same", 1)):
        assert main(["check", str(CHANGES / name / "plan.json"), "--checks", CHECKS, "--format", "sarif"]) == code
        docs[name] = json.loads(capsys.readouterr().out)
        sarif_validator.validate(docs[name])
    assert _states(docs["weaken"]) == {("TG301", "aws_kms_key.data", "new"), ("TG120", "aws_ebs_volume.data", "new"),
                                       ("TG102", "aws_s3_bucket.logs", "new"),
                                       ("TG150", "aws_efs_file_system.share", "new")}
    assert _states(docs["same"]) == {("TG120", "aws_ebs_volume.data", "unchanged"),
                                     ("TG301", "aws_kms_key.data", "unchanged")}
    assert _states(docs["fix"]) == {("TG101", "aws_s3_bucket.logs", "absent"), ("TG120", "aws_ebs_volume.data", "absent"),
                                    ("TG301", "aws_kms_key.data", "absent")}
    # A resolved finding passes now: no viewer that reads `kind` alone shows it as a failure.
    assert {(r["kind"], r["level"]) for r in docs["fix"]["runs"][0]["results"]} == {("pass", "none")}


def test_comparison_decides_sarif_state_over_a_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = CHANGES / "weaken" / "plan.json"
    baseline = tmp_path / "b.json"
    assert main(["baseline", "create", str(plan), "--checks", "TG120", "-o", str(baseline)]) == 0
    assert main(["check", str(plan), "--checks", "TG120", "--baseline", str(baseline), "--format", "sarif"]) == 0
    assert _states(json.loads(capsys.readouterr().out)) == {("TG120", "aws_ebs_volume.data", "new")}


def test_new_only_fails_only_on_introduced(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CHANGES / "same" / "plan.json"), "--checks", CHECKS, "--new-only"]) == 0
    out = capsys.readouterr().out
    assert "TG120 aws_ebs_volume.data [existing]" in out  # still reported
    assert main(["check", str(CHANGES / "weaken" / "plan.json"), "--checks", CHECKS, "--new-only"]) == 1
    # --fail-on still applies to the introduced ones: TG102 and TG301 are medium.
    assert main(["check", str(CHANGES / "weaken" / "plan.json"), "--checks", "TG102,TG301", "--new-only",
                 "--fail-on", "high"]) == 0


def test_new_only_from_the_configuration_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes((CHANGES / "same" / "plan.json").read_bytes())
    (tmp_path / ".tfguard.toml").write_text('new-only = true\nchecks = ["TG120"]\n', encoding="utf-8")
    assert main(["check", str(plan)]) == 0
    assert main(["check", str(plan), "--no-new-only"]) == 1


def test_new_only_without_a_comparison_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {}\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--new-only"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no report that would read as a change-aware one
    assert "--new-only needs something to compare with" in captured.err


def test_plan_without_prior_state_introduces_everything(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(DATA / "plans" / "regula__kms-key-rotation.json"), "--checks", "TG301", code=1)
    assert _open(doc) == {("TG301", "aws_kms_key.blank-invalid", "fail", "introduced"),
                          ("TG301", "aws_kms_key.invalid", "fail", "introduced")}
    assert doc["summary"]["compared_with"] == "the prior state"


def test_hcl_scan_is_not_compared(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(CHANGES / "same"), "--checks", CHECKS, code=1)
    assert _open(doc) == {("TG120", "aws_ebs_volume.data", "fail", ""), ("TG301", "aws_kms_key.data", "fail", "")}
    assert (doc["summary"]["compared_with"], doc["resolved"]) == ("", [])
    assert main(["check", str(CHANGES / "same"), "--checks", CHECKS]) == 1
    assert "introduced" not in capsys.readouterr().out


def test_prior_view_of_a_plan() -> None:
    from tfguard.load.plan import load_prior_doc

    def change(address: str, actions: list[str], before: object, mode: str = "managed") -> dict:  # type: ignore[type-arg]
        rtype, name = address.rsplit(".", 2)[-2:]
        return {"address": address, "mode": mode, "type": rtype, "name": name,
                "change": {"actions": actions, "before": before, "after": None if actions == ["delete"] else {}}}

    doc = {"format_version": "1.2", "resource_changes": [
        change("aws_kms_key.new", ["create"], None),
        change("aws_kms_key.gone", ["delete"], {"enable_key_rotation": False}),
        change("aws_kms_key.kept", ["no-op"], {"enable_key_rotation": True}),
        change("data.aws_caller_identity.me", ["read"], None, "data"),
    ], "prior_state": {"values": {"root_module": {"resources": [
        {"address": "aws_kms_key.kept", "mode": "managed", "type": "aws_kms_key", "name": "kept", "values": {}},
        {"address": "data.aws_region.here", "mode": "data", "type": "aws_region", "name": "here",
         "values": {"name": "eu-west-1"}},
    ], "child_modules": [{"address": "module.m", "resources": [
        {"address": "module.m.aws_kms_key.old", "mode": "managed", "type": "aws_kms_key", "name": "old", "values": {}},
    ]}]}}}}
    got = [(r.address, r.mode, r.module, r.values) for r in load_prior_doc(doc, "plan.json")]
    assert got == [("aws_kms_key.gone", "managed", "", {"enable_key_rotation": False}),
                   ("aws_kms_key.kept", "managed", "", {"enable_key_rotation": True}),
                   ("data.aws_region.here", "data", "", {"name": "eu-west-1"})]
    # module.m.aws_kms_key.old has no change listed (a -target plan): the planned view has it
    # not either, so its findings must not read as resolved.


def test_markdown_junit_and_html_show_the_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    weaken, fix = str(CHANGES / "weaken" / "plan.json"), str(CHANGES / "fix" / "plan.json")
    assert main(["check", weaken, "--checks", "TG120", "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "## tfguard: 1 failing, 0 unknown; 1 introduced by this plan, 0 existing, 0 resolved"
    assert "| fail (introduced) | high | TG120 | aws\\_ebs\\_volume.data |" in out
    assert main(["check", fix, "--checks", "TG120", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "### Resolved by this plan\n\n- TG120 aws\\_ebs\\_volume.data (was fail)\n" in out

    assert main(["check", weaken, "--checks", "TG120", "--format", "junit"]) == 1
    assert '<failure message="introduced: the volume sets encrypted = false" type="high">' in capsys.readouterr().out

    assert main(["check", fix, "--checks", "TG120", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert ("<dt>Change</dt><dd>0 introduced by this plan, 0 existing, 1 resolved (compared with the prior state)"
            '<br><span class="small">resolved: <code>TG120</code> <code>aws_ebs_volume.data</code> (was fail)</span></dd>'
            ) in out
    assert main(["check", weaken, "--checks", "TG120", "--format", "html"]) == 1
    assert '<span class="badge s-fail">fail</span><br><span class="small">introduced</span>' in capsys.readouterr().out


def _copy(name: str, into: Path, comment: str) -> Path:
    """A fixture of fixtures/changes with `comment` above its volume."""
    text = (CHANGES / name / "main.tf").read_text(encoding="utf-8")
    (into / "main.tf").write_text(text.replace('resource "aws_ebs_volume"', f'{comment}\nresource "aws_ebs_volume"'),
                                  encoding="utf-8")
    (into / "plan.json").write_bytes((CHANGES / name / "plan.json").read_bytes())
    return into / "plan.json"


def test_suppressed_finding_is_neither_marked_nor_resolved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = _copy("same", tmp_path, "# tfguard:ignore:TG120 -- scratch volume, no data")
    doc = _json(capsys, str(plan), "--checks", CHECKS, code=1)
    assert {(f["id"], f["resource"], f["suppressed"], f["change"]) for f in doc["findings"]} == {
        ("TG120", "aws_ebs_volume.data", True, ""), ("TG301", "aws_kms_key.data", False, "existing")}
    assert (doc["resolved"], doc["diagnostics"]) == ([], [])


def test_suppression_only_the_prior_state_uses_is_unused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The volume is encrypted now: the suppression covers only its deployed finding, which is
    # then not resolved (it was suppressed), and the suppression is reported unused.
    plan = _copy("fix", tmp_path, "# tfguard:ignore:TG120 -- scratch volume, no data")
    doc = _json(capsys, str(plan), "--checks", CHECKS, code=0)
    assert _resolved(doc) == [("TG101", "aws_s3_bucket.logs", "fail"), ("TG301", "aws_kms_key.data", "fail")]
    assert [(d["line"], d["severity"]) for d in doc["diagnostics"]] == [(8, "warning")]
    assert "TG120" in doc["diagnostics"][0]["message"]


def test_new_only_with_an_unreadable_plan_reports_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": ', encoding="utf-8")
    assert main(["check", str(plan), "--new-only", "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "plan.json" in err and "--new-only needs" not in err


def test_plan_that_changes_nothing_is_all_existing(monkeypatch: pytest.MonkeyPatch) -> None:
    from tfguard.run import run
    from tfguard.targets import Options

    plan = DATA / "plans" / "regula__cloudtrail-s3-noop-prior-state.json"  # every change a no-op

    def marks() -> tuple[set[tuple[str, str, str, str]], list[object]]:
        report = run([plan], Options(only=frozenset({"TG101", "TG501", "TG601"})))
        return {(f.check_id, f.address, f.status.value, f.change) for f in report.findings if f.change}, report.resolved

    expected = {("TG101", "aws_s3_bucket.cloudtrail", "fail", "existing"), ("TG101", "aws_s3_bucket.logging", "fail", "existing"),
                ("TG501", "aws_cloudtrail.cloudtrail", "fail", "existing"),
                ("TG601", "aws_s3_bucket.cloudtrail", "fail", "existing"), ("TG601", "aws_s3_bucket.logging", "fail", "existing")}
    assert marks() == (expected, [])  # the checks ran once: the planned view stands for the prior one
    monkeypatch.setattr("tfguard.load.plan.changes_nothing", lambda doc: False)
    assert marks() == (expected, [])  # and the full comparison agrees
