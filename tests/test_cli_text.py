"""What people read at a terminal: help, usage lines, diagnostics said once, whole
sentences, plurals, and warnings counted as warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tfguard.cli import main

KEY = 'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n'


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([*argv, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["check", "list-checks", "graph", "explain", "baseline"])
def test_every_command_has_a_one_line_description(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert re.search(rf"^[\s│]*{name}\s+[A-Z][a-z]+ ", _help(capsys), re.MULTILINE)


@pytest.mark.parametrize(("argv", "usage"), [
    (["check"], "tfguard check [OPTIONS] PATH..."),
    (["baseline", "create"], "tfguard baseline create [OPTIONS] PATH..."),
    (["graph"], "tfguard graph [OPTIONS] PATH"),
    (["explain"], "tfguard explain [OPTIONS] CHECK"),
])
def test_usage_lines_name_the_arguments(argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert f"Usage: {usage} " in _help(capsys, *argv)


def test_defaults_print_as_values(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    text = _help(capsys, "check")
    for shown in ("[default: low]", "[default: 10000]", "[default: DataClassification]", "[default: 0]"):
        assert shown in text
    assert "(low)" not in text and "(text)" not in text


def test_a_diagnostic_is_said_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(KEY, encoding="utf-8")
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n', encoding="utf-8")
    problem = "broken.tf:1: error: cannot parse: unexpected end of file"
    # The text report on standard output lists it; stderr does not repeat it.
    assert main(["check", str(tmp_path)]) == 2
    said = capsys.readouterr()
    assert (said.out + said.err).count(problem) == 1 and said.err == ""
    # The report goes elsewhere: stderr says it, once.
    assert main(["check", str(tmp_path), "-o", str(tmp_path / "r.json")]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err == f"tfguard: {problem}\n"


@pytest.mark.parametrize(("content", "message"), [
    ('{"format_version": "1.2", "planned_values": {', "the file ends before the document does (is it truncated?)."),
    ('{"format_version": "1.2", "terraform_version": "1.1', "the file ends before the document does (is it truncated?)."),
    ('{"format_version": "1.2",}', "a property name in double quotes was expected at column 26."),
    ('{"format_version": "1.2"} x', "more text follows the JSON document at column 27."),
])
def test_a_json_syntax_error_is_a_whole_sentence(tmp_path: Path, content: str, message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plan.json").write_text(content, encoding="utf-8")
    assert main(["check", str(tmp_path / "plan.json"), "-f", "json"]) == 2
    assert capsys.readouterr().err == f"tfguard: plan.json:1: error: not valid JSON: {message}\n"


def test_a_truncated_tf_json_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf.json").write_text('{"resource": {"aws_kms_key": {"k": {"description": "x"', encoding="utf-8")
    assert main(["check", str(tmp_path), "-f", "json", "-o", str(tmp_path / "r.json")]) == 2
    assert capsys.readouterr().err == ("tfguard: main.tf.json:1: error: not valid JSON: the file ends before the "
                                       "document does (is it truncated?).\n")


def _summary(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.splitlines()[-1].rsplit(", ", 1)[0]  # without the time


def test_the_summary_counts_in_the_singular_and_keeps_warnings_apart(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(KEY, encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301"]) == 0
    assert _summary(capsys) == ("0 failed, 0 unknown, 1 passed, 0 suppressed; 1 resource in 1 file, 1 check, "
                                "no input problems")
    # A suppression without a reason is a warning: it does not make the run fail, nor count as an input problem.
    (tmp_path / "main.tf").write_text("# tfguard:ignore:TG301\n" + KEY.replace("true", "false"), encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301"]) == 0
    assert _summary(capsys) == "0 failed, 0 unknown, 0 passed, 1 suppressed; 1 resource in 1 file, 1 check, 1 warning"
    (tmp_path / "broken.tf").write_text("resource {\n", encoding="utf-8")
    assert main(["check", str(tmp_path), "--checks", "TG301,TG302"]) == 2
    assert _summary(capsys) == ("0 failed, 0 unknown, 1 passed, 1 suppressed; 1 resource in 1 file, 2 checks, "
                                "1 error, 1 warning")
