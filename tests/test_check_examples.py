"""Each check's documented examples, scanned alone, give the outcome their label promises.

The bad and good examples are what `tfguard explain` and docs/checks/ show a user; an example
that does not fail (or pass) the check it documents teaches the wrong thing. Each example is
written alone into an empty folder and scanned with only its own check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tfguard.check import Check
from tfguard.engine import load_checks
from tfguard.run import run
from tfguard.targets import Options

CHECKS = load_checks()

# A reference `aws_x.name` / `data.aws_x.name` / `var.name` in an example, and a block that declares one.
_REFERENCE = re.compile(r'(?<![\w."])((?:data\.)?aws_[a-z0-9_]+|var)\.([a-z_][a-z0-9_-]*)')
_DECLARATION = re.compile(r'^(resource|data|variable) "([a-z0-9_]+)"(?: "([^"]+)")?', re.MULTILINE)


def _statuses(check: Check, example: str, tmp_path: Path) -> list[tuple[str, str]]:
    (tmp_path / "main.tf").write_text(example + "\n", encoding="utf-8")
    report = run([tmp_path], Options(only=frozenset({check.id}), cache=False))
    assert not report.diagnostics, [d.message for d in report.diagnostics]
    return sorted((f.status.value, f.address) for f in report.findings if f.check_id == check.id)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_bad_example_fails(check: Check, tmp_path: Path) -> None:
    found = _statuses(check, check.bad_example, tmp_path)
    assert found, f"{check.id}'s bad example gives no result"
    assert {status for status, _ in found} == {"fail"}, found


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_good_example_passes(check: Check, tmp_path: Path) -> None:
    found = _statuses(check, check.good_example, tmp_path)
    assert found, f"{check.id}'s good example gives no result"
    assert {status for status, _ in found} == {"pass"}, found


def _dangling(example: str) -> set[str]:
    declared = {("var", first) if kind == "variable" else (("data." if kind == "data" else "") + first, name)
                for kind, first, name in _DECLARATION.findall(example)}
    return {f"{rtype}.{name}" for rtype, name in _REFERENCE.findall(example) if (rtype, name) not in declared}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_examples_declare_what_they_reference(check: Check) -> None:
    """An example is complete Terraform: every resource it references is in it (inputs from
    outside, such as a role ARN, are variables)."""
    assert _dangling(check.bad_example) == set()
    assert _dangling(check.good_example) == set()


def test_dangling_reference_is_noticed() -> None:
    example = 'resource "aws_kms_key" "a" {}\n\nresource "aws_sqs_queue" "q" {\n  kms_master_key_id = aws_kms_key.b.arn\n}'
    assert _dangling(example) == {"aws_kms_key.b"}
    assert _dangling(example.replace("aws_kms_key.b", "aws_kms_key.a")) == set()
    assert _dangling(example.replace("aws_kms_key.b.arn", "var.key_arn")) == {"var.key_arn"}
    assert _dangling('variable "key_arn" {}\n\n' + example.replace("aws_kms_key.b.arn", "var.key_arn")) == set()
