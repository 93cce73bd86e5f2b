"""Each check's documented examples, scanned alone, give the outcome their label promises.

The bad and good examples are what `tfguard explain` and docs/checks/ show a user; an example
that does not fail (or pass) the check it documents teaches the wrong thing. Each example is
written alone into an empty folder and scanned with only its own check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tfguard.check import Check
from tfguard.engine import load_checks
from tfguard.run import Options, run

CHECKS = load_checks()


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
