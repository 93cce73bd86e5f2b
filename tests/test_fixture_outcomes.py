"""A check fixture's name states the outcome it pins for its own check.

fixtures/checks/TGxxx/<prefix>_<what>/: `bad_` fails TGxxx, `good_` passes it, `none_unknown_`
gives it UNKNOWN, and any other `none_` gives it neither PASS nor FAIL. (A fixture may hold
other resources with other results beside the one its name is about.) test_fixtures.py proves that
expected.txt is what tfguard reports, so reading expected.txt here is enough.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.expected import Triple, read_expected

CHECK_CASES = sorted(p.parent for p in (FIXTURES / "checks").glob("TG*/*/expected.txt"))

# bad_ fixtures whose failure the plan cannot show: the value that fails is known only after
# apply, or the provider fills in a default that passes. Their expected.txt documents the
# plan-mode result with a `# plan-expect:` line; the HCL still fails.
PLAN_BLIND = {
    "TG222/bad_enforce_https_unset",  # unset fails; the plan shows the default enforce_https = true
    "TG230/bad_objects_only_arn_reference",  # jsonencode() of the bucket's ARN: known after apply
    "TG404/bad_heredoc_interpolated_queue_arn",  # heredoc of the queue's ARN: known after apply
}


def _ids(case: Path) -> str:
    return case.relative_to(FIXTURES / "checks").as_posix()


def _statuses(triples: frozenset[Triple], check_id: str) -> set[str]:
    return {status for cid, _, status in triples if cid == check_id}


def _modes(case: Path) -> dict[str, set[str]]:
    expected = read_expected(case / "expected.txt")
    modes = {"hcl": _statuses(expected.hcl, case.parent.name)}
    if (case / "plan.json").exists():
        modes["plan"] = _statuses(expected.plan, case.parent.name)
    return modes


@pytest.mark.parametrize("case", [c for c in CHECK_CASES if c.name.startswith("bad_")], ids=_ids)
def test_bad_fixture_fails_its_check(case: Path) -> None:
    modes = _modes(case)
    assert "FAIL" in modes["hcl"], modes
    if "plan" in modes:
        blind = _ids(case) in PLAN_BLIND
        assert ("FAIL" in modes["plan"]) != blind, modes


def test_plan_blind_fixtures_exist() -> None:
    assert {c for c in PLAN_BLIND if (FIXTURES / "checks" / c / "plan.json").exists()} == PLAN_BLIND


@pytest.mark.parametrize("case", [c for c in CHECK_CASES if c.name.startswith("good_")], ids=_ids)
def test_good_fixture_passes_its_check(case: Path) -> None:
    assert "PASS" in _modes(case)["hcl"]


@pytest.mark.parametrize("case", [c for c in CHECK_CASES if c.name.startswith("none_")], ids=_ids)
def test_none_fixture_gives_no_verdict_on_its_check(case: Path) -> None:
    for mode, statuses in _modes(case).items():
        if case.name.startswith("none_unknown_"):
            assert "UNKNOWN" in statuses, (mode, statuses)
        else:
            assert not statuses & {"PASS", "FAIL"}, (mode, statuses)


def test_every_check_fixture_has_a_known_prefix() -> None:
    odd = [_ids(c) for c in CHECK_CASES if not c.name.startswith(("bad_", "good_", "none_"))]
    assert odd == []


def test_every_check_has_an_unknown_fixture() -> None:
    """Each check shows how it reports a value it cannot know, in its own directory."""
    from tfguard.engine import load_checks

    without = [check.id for check in load_checks()
               if not any("UNKNOWN" in statuses for c in CHECK_CASES if c.parent.name == check.id
                          for statuses in _modes(c).values())]
    assert without == []


@pytest.mark.parametrize(("case", "location", "message"), [
    ("TG403/none_unknown_flag_variable", ("main.tf", 15, "restrict_public_buckets"),
     "the public access block flag restrict_public_buckets is not known statically: "
     "var.restrict_public_buckets has no value"),
    ("TG505/none_unknown_identifier_variable", None,
     "the source_identifier of aws_config_config_rule.rds is not known statically "
     "(var.rds_rule_identifier has no value); RDS_STORAGE_ENCRYPTED may be missing"),
])
def test_unknown_names_the_flag_or_rule_and_its_variable(
        case: str, location: tuple[str, int, str] | None, message: str) -> None:
    from tfguard.run import run
    from tfguard.targets import Options

    check_id = case.split("/")[0]
    report = run([FIXTURES / "checks" / case], Options(only=frozenset({check_id})))
    [finding] = report.findings
    assert finding.message == message
    if location is not None:
        loc = finding.location
        assert loc is not None
        assert (Path(loc.file).name, loc.start_line, finding.attribute) == location
