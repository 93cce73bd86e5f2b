"""tfguard's HCL evaluation agrees with the real plan of every fixture (scripts/oracle_compare.py).

The plans are the committed plan.json files; the disagreements that remain are
listed, with a reason, in tests/data/oracle_fixtures.json. A new disagreement
fails, and so does a listed one that no longer occurs (fixed: drop it from
the list with `python scripts/oracle.py fixtures --update-accepted`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from oracle_compare import compare, load_hcl  # noqa: E402

CASES = sorted(p.parent for p in FIXTURES.rglob("plan.json"))
ACCEPTED = json.loads((DATA / "oracle_fixtures.json").read_text(encoding="utf-8"))["accepted"]


def _key(entry: dict[str, str]) -> tuple[str, str, str]:
    return (entry["kind"], entry["address"], entry["path"])


def _name(case: Path) -> str:
    return case.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.relative_to(FIXTURES).as_posix())
def test_hcl_evaluation_agrees_with_plan(case: Path) -> None:
    resources, _ = load_hcl(case)
    result = compare(json.loads((case / "plan.json").read_text(encoding="utf-8")), resources)
    found = {_key(d): d for d in result.disagreements}
    accepted = {_key(e) for e in ACCEPTED if e["fixture"] == _name(case)}
    new = [found[k] for k in sorted(set(found) - accepted)]
    assert not new, f"new disagreements with the plan: {new}"
    gone = sorted(accepted - set(found))
    assert not gone, f"listed in tests/data/oracle_fixtures.json but no longer found (fixed?): {gone}"


def test_accepted_entries_name_fixtures_with_plans() -> None:
    names = {_name(c) for c in CASES}
    assert {e["fixture"] for e in ACCEPTED} <= names
    assert all(e["reason"] for e in ACCEPTED)


def test_the_comparison_sees_a_wrong_value() -> None:
    """The instrument itself: a plan that disagrees with the HCL is reported, with the serious kind."""
    case = FIXTURES / "eval" / "dynamic_sse"
    plan = json.loads((case / "plan.json").read_text(encoding="utf-8"))
    for rc in plan["resource_changes"]:
        if rc["address"] == "aws_kms_key.x":
            rc["change"]["after"]["description"] = "Another key"
    resources, _ = load_hcl(case)
    result = compare(plan, resources)
    assert [(d["kind"], d["address"], d["path"]) for d in result.disagreements] == [
        ("different value", "aws_kms_key.x", "description")]


def test_the_comparison_sees_missing_and_extra_addresses() -> None:
    case = FIXTURES / "eval" / "dynamic_sse"
    plan = json.loads((case / "plan.json").read_text(encoding="utf-8"))
    resources, _ = load_hcl(case)
    for res in resources:
        if res.address == "aws_kms_key.x":
            res.address = "aws_kms_key.x[0]"
    result = compare(plan, resources)
    assert [(d["kind"], d["address"]) for d in result.disagreements] == [
        ("missing address", "aws_kms_key.x"), ("extra address", "aws_kms_key.x[0]")]
