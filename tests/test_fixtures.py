"""Every fixture directory: exact (check id, address, status) results, in HCL and plan mode."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.expected import Triple, read_expected
from tests.scans import scan
from tfguard.run import run
from tfguard.unknowns import NAME

CASES = sorted(p.parent for p in FIXTURES.rglob("expected.txt"))


def _ids(case: Path) -> str:
    return case.relative_to(FIXTURES).as_posix()


@functools.cache
def results(target: Path, checks: frozenset[str]) -> frozenset[Triple]:
    # Cached: the mode tests and the differential test ask for the same scans.
    report = scan(target, checks)
    case = (target if target.is_dir() else target.parent).resolve()
    got = {(_in_case(d.file, case), d.line) for d in report.diagnostics}
    assert got == set(read_expected(case / "expected.txt").diagnostics), report.diagnostics
    UNKNOWN_MESSAGES[(target, checks)] = [(f.check_id, f.address, f.message) for f in report.findings
                                          if f.status.value == "unknown"]
    return frozenset((f.check_id, f.address, f.status.value.upper()) for f in report.findings)


UNKNOWN_MESSAGES: dict[tuple[Path, frozenset[str]], list[tuple[str, str, str]]] = {}
# What an UNKNOWN message must name: a variable or reference (tfguard.unknowns.NAME), the
# literal it could not find ('name', an ARN), or the provider configuration that is missing.
CAUSE = re.compile(NAME.pattern + r"|'[^']+'|\barn:|\bprovider \S+ is not configured")


def _in_case(file: str, case: Path) -> str:
    path = (Path.cwd() / file).resolve()
    return path.relative_to(case).as_posix() if path.is_relative_to(case) else file


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_hcl_mode(case: Path) -> None:
    expected = read_expected(case / "expected.txt")
    assert results(case, expected.checks) == set(expected.hcl)


@pytest.mark.parametrize("case", [c for c in CASES if (c / "plan.json").exists()], ids=_ids)
def test_plan_mode(case: Path) -> None:
    expected = read_expected(case / "expected.txt")
    assert results(case / "plan.json", expected.checks) == set(expected.plan)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_unknown_messages_name_their_cause(case: Path) -> None:
    """Every UNKNOWN says which variable, reference or missing object it waits for."""
    checks = read_expected(case / "expected.txt").checks
    targets = [case] + ([case / "plan.json"] if (case / "plan.json").exists() else [])
    for target in targets:
        results(target, checks)
        vague = [m for m in UNKNOWN_MESSAGES[(target, checks)] if not CAUSE.search(m[2])]
        assert vague == [], target


def test_every_check_has_good_and_bad_fixtures() -> None:
    from tfguard.engine import load_checks

    for check in load_checks():
        cases = [p.name for p in (FIXTURES / "checks" / check.id).iterdir() if p.is_dir()]
        assert any(c.startswith("good") for c in cases), check.id
        assert any(c.startswith("bad") for c in cases), check.id


@pytest.mark.parametrize("case", [c for c in CASES if (c / "plan.json").exists()], ids=_ids)
def test_hcl_and_plan_modes_agree(case: Path) -> None:
    """Differential: what terraform planned from the same HCL gives the same findings."""
    expected = read_expected(case / "expected.txt")
    if expected.hcl != expected.plan:
        pytest.skip("documented plan-mode difference (plan-expect)")
    assert results(case, expected.checks) == results(case / "plan.json", expected.checks)


@pytest.mark.parametrize("case", [c for c in CASES if (c / "plan.json").exists()], ids=_ids)
def test_plan_findings_point_at_tf_lines(case: Path) -> None:
    """A plan beside its configuration maps every finding to the .tf block it comes from."""
    report = run([case / "plan.json"])
    for f in report.findings:
        assert f.location is not None and f.location.file.endswith((".tf", ".tf.json")), (f.address, f.location)


SEVERITY_CASES = [c for c in CASES if read_expected(c / "expected.txt").severities]


@pytest.mark.parametrize("case", SEVERITY_CASES, ids=_ids)
def test_escalated_severities(case: Path) -> None:
    expected = read_expected(case / "expected.txt")
    targets = [case] + ([case / "plan.json"] if (case / "plan.json").exists() else [])
    for target in targets:
        got = {(f.check_id, f.address, f.severity) for f in scan(target, expected.checks).findings}
        assert set(expected.severities) <= got, target
