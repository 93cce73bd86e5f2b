"""SARIF output: valid against the official 2.1.0 schema and shaped for GitHub code scanning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tfguard.report.sarif import render
from tfguard.run import run
from tfguard.targets import Options

FIXTURE_DIRS = sorted(p.parent for p in FIXTURES.rglob("expected.txt"))
PLANS = sorted(FIXTURES.rglob("plan.json"))


@pytest.mark.parametrize("target", FIXTURE_DIRS + PLANS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_sarif_validates(target: Path, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    sarif_validator.validate(json.loads(render(run([target]))))


def test_sarif_shape_for_code_scanning(sarif_validator) -> None:  # type: ignore[no-untyped-def]
    report = run([FIXTURES / "demo"])
    doc = json.loads(render(report))
    sarif_validator.validate(doc)
    driver = doc["runs"][0]["tool"]["driver"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [c.id for c in report.checks]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["helpUri"]
        assert rule["properties"]["security-severity"] in {"9.5", "8.0", "5.5", "3.0"}
        assert "security" in rule["properties"]["tags"]
    results = doc["runs"][0]["results"]
    assert results, "the demo must produce findings"
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
        assert loc["physicalLocation"]["region"]["startLine"] >= 1
        assert loc["logicalLocations"][0]["fullyQualifiedName"]
        assert res["properties"]["status"] in {"fail", "unknown"}
        assert len(res["partialFingerprints"]["tfguard/v2"]) == 32
    statuses = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in results}
    fails = {(f.check_id, f.address) for f in report.findings if f.status.value != "pass"}
    assert statuses == fails


def test_unknown_is_note_level(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "r" {}\nresource "aws_kms_key" "k" {\n  enable_key_rotation = var.r\n}\n', encoding="utf-8")
    doc = json.loads(render(run([tmp_path])))
    [result] = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "TG301"]
    assert result["level"] == "note" and result["properties"]["status"] == "unknown"
    assert "var.r has no value" in result["message"]["text"]


def test_fingerprint_survives_edits_above(tmp_path: Path) -> None:
    body = 'resource "aws_kms_key" "k" {\n  description = "x"\n}\n'
    (tmp_path / "main.tf").write_text(body, encoding="utf-8")
    first = json.loads(render(run([tmp_path])))["runs"][0]["results"][0]
    (tmp_path / "main.tf").write_text("# a comment\n\n" + body, encoding="utf-8")
    second = json.loads(render(run([tmp_path])))["runs"][0]["results"][0]
    assert first["partialFingerprints"] == second["partialFingerprints"]
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_results_beyond_the_cap_are_dropped_with_a_warning_on_stderr(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        sarif_validator) -> None:  # type: ignore[no-untyped-def]
    import tfguard.report.sarif as sarif
    from tfguard.cli import main

    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    (tmp_path / "main.tf").write_text(
        'variable "r" {}\nresource "aws_kms_key" "unknown" {\n  enable_key_rotation = var.r\n}\n'
        'resource "aws_kms_key" "a" {}\nresource "aws_kms_key" "b" {}\n', encoding="utf-8")
    out = tmp_path / "r.sarif"
    assert main(["check", str(tmp_path), "--checks", "TG301", "-f", "sarif", "-o", str(out)]) == 1
    warning = ("tfguard: warning: SARIF holds only the 2 most severe of 3 results (GitHub's limit per run); "
               "narrow the scan with --checks, --skip-checks or --framework, or scan in parts\n")
    assert capsys.readouterr().err == warning
    doc = json.loads(out.read_text(encoding="utf-8"))
    sarif_validator.validate(doc)
    run_ = doc["runs"][0]
    kept = [(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], r["properties"]["status"])
            for r in run_["results"]]
    assert sorted(kept) == [("aws_kms_key.a", "fail"), ("aws_kms_key.b", "fail")]
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [warning.removeprefix("tfguard: warning: ").strip()]


def test_no_warning_within_the_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tfguard.cli import main

    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "a" {}\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301", "-f", "sarif", "-o", str(tmp_path / "r.sarif")]) == 1
    assert capsys.readouterr().err == ""


KEY = 'resource "aws_kms_key" "k" {\n  description = "x"\n}\n'


def test_regions_carry_their_source_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         sarif_validator) -> None:  # type: ignore[no-untyped-def]
    import tfguard.report.sarif as sarif

    (tmp_path / "main.tf").write_text("# keys\n" + KEY, encoding="utf-8")
    (tmp_path / "crlf.tf").write_bytes(KEY.replace('"k"', '"w"').replace("\n", "\r\n").encode())
    doc = json.loads(render(run([tmp_path], Options(only=frozenset({"TG301"})))))
    sarif_validator.validate(doc)
    regions = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["locations"][0]["physicalLocation"]
               ["region"] for r in doc["runs"][0]["results"]}
    assert regions == {
        "aws_kms_key.k": {"startLine": 2, "endLine": 4, "snippet": {"text": KEY.rstrip("\n")}},
        "aws_kms_key.w": {"startLine": 1, "endLine": 3,
                          "snippet": {"text": 'resource "aws_kms_key" "w" {\r\n  description = "x"\r\n}'}},
    }
    monkeypatch.setattr(sarif, "MAX_SNIPPET", len(KEY) - 1)  # the LF text fits, the CRLF one does not
    doc = json.loads(render(run([tmp_path], Options(only=frozenset({"TG301"})))))
    assert sorted("snippet" in r["locations"][0]["physicalLocation"]["region"] for r in doc["runs"][0]["results"]) \
        == [False, True]


def _repository(root: Path, config: str) -> None:
    (root / ".git" / "refs" / "heads").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / ".git" / "refs" / "heads" / "main").write_text("ab" * 20 + "\n", encoding="utf-8")
    (root / ".git" / "config").write_text(config, encoding="utf-8")


def test_version_control_provenance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    sarif_validator) -> None:  # type: ignore[no-untyped-def]
    _repository(tmp_path, '[remote "origin"]\n\turl = https://ci:token@git.example.com/acme/infra.git\n')
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(KEY, encoding="utf-8")
    details = {"repositoryUri": "https://git.example.com/acme/infra.git", "revisionId": "ab" * 20, "branch": "main"}
    monkeypatch.chdir(tmp_path)
    run_ = json.loads(render(run([Path("infra")], Options(only=frozenset({"TG301"})))))["runs"][0]
    assert run_["versionControlProvenance"] == [{**details, "mappedTo": {"uriBaseId": "%SRCROOT%"}}]
    assert "originalUriBaseIds" not in run_
    assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/main.tf"
    monkeypatch.chdir(tmp_path / "infra")  # scanned from a folder of the repository
    doc = json.loads(render(run([Path(".")], Options(only=frozenset({"TG301"})))))
    sarif_validator.validate(doc)
    run_ = doc["runs"][0]
    assert run_["versionControlProvenance"] == [{**details, "mappedTo": {"uriBaseId": "REPO_ROOT"}}]
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "infra/", "uriBaseId": "REPO_ROOT"}}


def test_no_provenance_without_a_remote_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _repository(tmp_path, '[remote "origin"]\n\turl = /srv/git/infra.git\n')
    (tmp_path / "main.tf").write_text(KEY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run_ = json.loads(render(run([Path(".")], Options(only=frozenset({"TG301"})))))["runs"][0]
    assert "versionControlProvenance" not in run_ and "originalUriBaseIds" not in run_
