"""One options builder: the command line beats the configuration whatever the value,
`check`, `baseline create` and `graph` read options alike, names are case-insensitive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main

# TG301 (kms-rotation, medium) fails; TG302 (kms-policy-no-public-principal) passes.
KEY = 'resource "aws_kms_key" "k" {\n  description = "no rotation"\n}\n'


def _tree(tmp_path: Path, config: str, tf: str = KEY) -> Path:
    (tmp_path / "main.tf").write_text(tf, encoding="utf-8")
    (tmp_path / ".tfguard.toml").write_text(config, encoding="utf-8")
    return tmp_path


def _results(text: str) -> list[tuple[str, str, str, str]]:
    return [(f["id"], f["resource"], f["status"], f["severity"]) for f in json.loads(text)["findings"]]


def test_a_flag_equal_to_its_default_still_beats_the_configuration(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The flow: a configuration plus an explicit flag, and the flag wins."""
    src = str(_tree(tmp_path, 'fail-on = "critical"\nformat = "json"\nstrict = true\n'))
    # The configuration alone: JSON, and a medium FAIL below its fail-on passes.
    assert main(["check", src]) == 0
    assert _results(capsys.readouterr().out) == [("TG301", "aws_kms_key.k", "fail", "medium")]
    # `--fail-on low` is the default value, and it still wins.
    assert main(["check", src, "--fail-on", "low"]) == 1
    assert _results(capsys.readouterr().out) == [("TG301", "aws_kms_key.k", "fail", "medium")]
    # `-f text` is the default value, and it still wins.
    assert main(["check", src, "-f", "text"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("main.tf\n") and "MEDIUM   TG301 aws_kms_key.k: " in out


def test_no_strict_turns_the_configurations_strict_off(tmp_path: Path) -> None:
    unknown = 'variable "r" {}\nresource "aws_kms_key" "k" {\n  enable_key_rotation = var.r\n}\n'
    src = str(_tree(tmp_path, "strict = true\n", unknown))
    assert main(["check", src, "--checks", "TG301"]) == 1
    assert main(["check", src, "--checks", "TG301", "--no-strict"]) == 0


def test_skip_checks_adds_to_the_configuration_and_checks_replaces_it(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    src = str(_tree(tmp_path, 'checks = ["TG301", "TG302", "TG304"]\nskip-checks = ["TG304"]\nformat = "json"\n'))
    assert main(["check", src, "--include-passed"]) == 1
    assert [r[0] for r in _results(capsys.readouterr().out)] == ["TG301", "TG302"]
    # --skip-checks adds: TG304 stays skipped and TG301 goes too.
    assert main(["check", src, "--include-passed", "--skip-checks", "TG301"]) == 0
    assert _results(capsys.readouterr().out) == [("TG302", "aws_kms_key.k", "pass", "critical")]
    # --checks replaces the configuration's selection (its skip list still applies).
    assert main(["check", src, "--include-passed", "--checks", "TG302,TG304"]) == 0
    assert _results(capsys.readouterr().out) == [("TG302", "aws_kms_key.k", "pass", "critical")]


def test_ids_slugs_and_severities_are_case_insensitive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = str(_tree(tmp_path, 'severity = { tg301 = "HIGH", KMS-Policy-No-Public-Principal = "Low" }\n'
                              'skip-checks = ["Kms-Deletion-Window"]\nfail-on = "High"\n'))
    assert main(["check", src, "--checks", "tg301,KMS-POLICY-NO-PUBLIC-PRINCIPAL", "--include-passed",
                 "-f", "JSON"]) == 1
    assert _results(capsys.readouterr().out) == [("TG301", "aws_kms_key.k", "fail", "high"),
                                                 ("TG302", "aws_kms_key.k", "pass", "low")]
    assert main(["check", src, "--skip-checks", "kms-rotation", "--fail-on", "LOW"]) == 0
    assert main(["explain", "tg301"]) == 0
    assert "kms-rotation" in capsys.readouterr().out


def test_an_unknown_id_in_severity_overrides_is_a_usage_error(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    src = str(_tree(tmp_path, 'severity = { TG3O1 = "high" }\n'))
    assert main(["check", src]) == 2
    assert "unknown check id(s): TG3O1" in capsys.readouterr().err


def test_baseline_create_honours_the_configuration_and_takes_checks_options(tmp_path: Path) -> None:
    tf = ('variable "rotate" {\n  type = bool\n  default = false\n}\n'
          'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n')
    src = _tree(tmp_path / "src" if (tmp_path / "src").mkdir() is None else tmp_path,
                'exclude = ["vendor"]\nskip-checks = ["TG303", "TG304"]\nvar-files = ["prod.tfvars"]\n', tf)
    (src / "prod.tfvars").write_text("rotate = true\n", encoding="utf-8")
    (src / "vendor").mkdir()
    (src / "vendor" / "main.tf").write_text(KEY, encoding="utf-8")
    baseline = tmp_path / "baseline.json"

    def entries() -> list[tuple[str, str]]:
        return [(e["id"], e["resource"]) for e in json.loads(baseline.read_text())["findings"]]

    # prod.tfvars turns rotation on, vendor/ is excluded, TG303/TG304 are skipped: nothing to accept.
    assert main(["baseline", "create", str(src), "-o", str(baseline)]) == 0
    assert entries() == []
    # The same options as `check`: --var beats the var file.
    assert main(["baseline", "create", str(src), "-o", str(baseline), "--var", "rotate=false"]) == 0
    assert entries() == [("TG301", "aws_kms_key.k")]
    assert main(["check", str(src), "--var", "rotate=false", "--baseline", str(baseline)]) == 0
    assert main(["baseline", "create", str(src), "-o", str(baseline), "--var", "rotate=false",
                 "--skip-checks", "KMS-ROTATION"]) == 0
    assert entries() == []


def test_graph_reads_variables_like_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tf = 'variable "n" {\n  type = number\n}\nresource "aws_kms_key" "k" {\n  count = var.n\n}\n'
    src = str(_tree(tmp_path, 'var-files = ["two.tfvars"]\n', tf))
    (tmp_path / "two.tfvars").write_text("n = 2\n", encoding="utf-8")
    assert main(["graph", src, "-f", "json"]) == 0
    assert [n["address"] for n in json.loads(capsys.readouterr().out)["nodes"]] == ["aws_kms_key.k[0]",
                                                                                     "aws_kms_key.k[1]"]
    assert main(["graph", src, "-f", "json", "--var", "n=1"]) == 0
    assert [n["address"] for n in json.loads(capsys.readouterr().out)["nodes"]] == ["aws_kms_key.k[0]"]


def _action_scan(tmp_path: Path, inputs: dict[str, str]) -> dict[str, str]:
    """Run the composite action's scan step (its bash script from action.yml) on a repository."""
    import os
    import subprocess
    import sys

    yaml = pytest.importorskip("yaml")
    from tests.conftest import ROOT

    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    script = next(s for s in steps if s.get("id") == "scan")["run"]
    tfguard = tmp_path / "tfguard"
    tfguard.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tfguard "$@"\n', encoding="utf-8")
    tfguard.chmod(0o755)
    outputs = tmp_path / "github_output"
    outputs.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TFGUARD": str(tfguard), "GITHUB_OUTPUT": str(outputs),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "TFGUARD_PATH": ".", "TFGUARD_PLAN": "",
           "TFGUARD_ARGS": "", **{f"TFGUARD_{k.upper().replace('-', '_')}": v for k, v in inputs.items()}}
    subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path / "repo", env=env, capture_output=True,
                   check=False)
    return dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())


def test_the_actions_inputs_win_over_the_repositorys_configuration(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "repo" if (tmp_path / "repo").mkdir() is None else tmp_path, 'fail-on = "critical"\n')
    # An empty input leaves the decision to the configuration: the medium FAIL passes.
    assert _action_scan(tmp_path, {"format": "", "output": "out/r.sarif", "fail-on": ""}) == {
        "report": "out/r.sarif", "exit-code": "0"}
    assert json.loads((repo / "out" / "r.sarif").read_text())["version"] == "2.1.0"
    # The input says low, and low it is.
    assert _action_scan(tmp_path, {"format": "", "output": "r.xml", "fail-on": "low"}) == {
        "report": "r.xml", "exit-code": "1"}
    assert (repo / "r.xml").read_text().startswith("<?xml")


@pytest.mark.parametrize(("name", "start"), [
    ("r.sarif", '{\n  "$schema"'), ("r.sarif.json", '{\n  "$schema"'), ("r.json", '{\n  "schema_version"'),
    ("r.xml", "<?xml"), ("r.md", "## tfguard"), ("r.html", "<!DOCTYPE html>"), ("r.txt", "main.tf\n"),
])
def test_the_output_files_extension_chooses_the_format(tmp_path: Path, name: str, start: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tf").write_text(KEY, encoding="utf-8")
    assert main(["check", str(src), "-o", str(tmp_path / name)]) == 1
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


def test_an_explicit_format_that_contradicts_the_file_name_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = str(_tree(tmp_path, 'format = "json"\n'))
    assert main(["check", src, "-f", "text", "-o", str(tmp_path / "x.sarif")]) == 2
    assert capsys.readouterr().err == ("tfguard: error: --format text does not match --output x.sarif, which names "
                                       "a sarif file; drop --format to write sarif, or give the file another name\n")
    assert not (tmp_path / "x.sarif").exists()
    # A SARIF log is JSON; the file name beats the configuration's format.
    assert main(["check", src, "-f", "sarif", "-o", str(tmp_path / "x.json")]) == 1
    assert json.loads((tmp_path / "x.json").read_text())["version"] == "2.1.0"
    assert main(["check", src, "-o", str(tmp_path / "x.md")]) == 1
    assert (tmp_path / "x.md").read_text().startswith("## tfguard")
