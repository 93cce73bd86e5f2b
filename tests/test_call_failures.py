"""A function call that Terraform would refuse is a warning at the call's file:line; the
value stays unknown and the scan goes on (tests/test_functions.py has the values)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfguard.cli import main
from tfguard.load.loader import load_directory
from tfguard.load.modules import LoadOptions
from tfguard.model import EvalError

SUFFIX = " (Terraform fails here; the value is unknown)"

LOCALS = """locals {
  empty = []
  first = element(local.empty, 0)
  safe  = try(element(local.empty, 0), "none")
  lazy  = false && tonumber("y") == 1
}
"""

QUEUE = """resource "aws_sqs_queue" "q" {
  name = local.first
  tags = {
    n    = tonumber("x")
    m    = lookup({ a = 1 }, "b")
    safe = local.safe
  }
  delay_seconds = cidrsubnet("10.0.0.0/30", 8, 1) == "" ? 1 : 2
  policy        = <<-EOT
    ${file("missing.json")}
  EOT
}
"""

MODULE_CALL = """module "child" {
  source = "./child"
  path   = "${abspath("x")}${element([], 1)}"
}
"""

CHILD = """variable "path" {}
output "o" {
  value = upper(var.path)
}
resource "aws_sns_topic" "t" {
  name = "${var.path}-${element(["a"], 0)}"
}
"""


def _json_diagnostics(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, int, str, str]]]:
    code = main(["check", str(root), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    return code, [(d["file"], d["line"], d["severity"], d["message"]) for d in doc["diagnostics"]]


def test_failed_calls_are_warnings_at_the_call(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "locals.tf").write_text(LOCALS)
    (tmp_path / "main.tf").write_text(QUEUE)
    code, diagnostics = _json_diagnostics(tmp_path, capsys)
    assert diagnostics == [
        # resource by resource, in the order of their arguments: `name` reads local.first, and
        # the local is where element() fails, not the resource; once, though two read it
        ("locals.tf", 3, "warning", "element(): cannot use element function with an empty list" + SUFFIX),
        ("main.tf", 4, "warning", "tonumber(): cannot convert 'x' to a number" + SUFFIX),
        ("main.tf", 5, "warning", "lookup(): the map has no key 'b'" + SUFFIX),
        ("main.tf", 8, "warning", "cidrsubnet(): insufficient address space to extend prefix of 30 by 8" + SUFFIX),
        # inside a heredoc the call's own line is not known: the argument's is used
        ("main.tf", 9, "warning", "file(): no file exists at 'missing.json'" + SUFFIX),
        # then the locals no resource reads; Terraform evaluates both operands of && (false && error fails)
        ("locals.tf", 5, "warning", "tonumber(): cannot convert 'y' to a number" + SUFFIX),
    ]
    assert code == 1  # warnings leave the exit code to the findings (TG154 fails on the queue)


def test_the_value_stays_unknown_and_try_catches_the_failure(tmp_path: Path) -> None:
    (tmp_path / "locals.tf").write_text(LOCALS)
    (tmp_path / "main.tf").write_text(QUEUE)
    resources, _ = load_directory(tmp_path, tmp_path, LoadOptions())
    values = resources[0].values
    assert isinstance(values["name"], EvalError)
    assert values["name"].reason == "element(): cannot use element function with an empty list"
    assert values["tags"]["safe"] == "none"
    assert isinstance(values["delay_seconds"], EvalError)


def test_a_failure_in_a_module_input_is_reported_in_the_caller(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(MODULE_CALL)
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(CHILD)
    _, diagnostics = _json_diagnostics(tmp_path, capsys)
    assert diagnostics == [("main.tf", 3, "warning", "element(): cannot use element function with an empty list"
                            + SUFFIX)]


def test_a_failure_on_a_line_of_its_own_is_reported_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_sns_topic" "t" {\n  name = join("-", [\n    "a",\n'
                                      '    element([], 0),\n  ])\n}\n')
    _, diagnostics = _json_diagnostics(tmp_path, capsys)
    assert diagnostics == [("main.tf", 4, "warning", "element(): cannot use element function with an empty list"
                            + SUFFIX)]

