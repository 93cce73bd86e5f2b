"""Check docs are generated from metadata, fresh, and the same text everywhere."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import FIXTURES, ROOT
from tfguard.cli import main
from tfguard.docs import pages, render_check
from tfguard.engine import load_checks

SECTIONS = ["## What it does", "## Why it matters", "## Bad example", "## Good example", "## Compliance", "## References"]


def test_generated_docs_are_fresh() -> None:
    docs = ROOT / "docs" / "checks"
    wanted = pages(load_checks())
    present = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")}
    stale = sorted(n for n in wanted if present.get(n) != wanted[n]) + sorted(set(present) - set(wanted))
    assert not stale, f"docs/checks is stale ({', '.join(stale)}): run `python scripts/gen_docs.py`"


def test_fix_doc_lists_every_fix_rule_as_the_code_has_it() -> None:
    from tfguard.fix.rules import RULES, table

    text = (ROOT / "docs" / "fix.md").read_text(encoding="utf-8")
    assert "<!-- rules:start -->\n" + table() + "<!-- rules:end -->" in text, \
        "docs/fix.md's rule table is stale: run `python scripts/gen_docs.py`"
    for check_id, rule in RULES.items():
        assert f"| [{check_id}](checks/{check_id}.md) | {'safe' if rule.safe else 'unsafe'} |" in text


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.id)
def test_page_sections_in_order(check) -> None:  # type: ignore[no-untyped-def]
    text = render_check(check)
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    assert check.bad_example and check.good_example and check.references and check.compliance


def test_explain_prints_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "TG101"]) == 0
    assert capsys.readouterr().out == render_check(next(c for c in load_checks() if c.id == "TG101"))
    assert main(["explain", "TG999"]) == 2


def test_list_checks_by_framework(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-checks", "--framework", "cis"]) == 0
    out = capsys.readouterr().out
    assert "TG403" in out and "cis-aws: 2.1.4" in out and "TG102" not in out
    assert main(["list-checks", "--framework", "sox"]) == 2


def test_framework_restricts_a_run_and_tags_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "demo"), "--framework", "cis-aws", "--format", "sarif"]) == 1
    doc = json.loads(capsys.readouterr().out)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {c.id for c in load_checks() if "cis-aws" in c.compliance}
    tg403 = next(r for r in rules if r["id"] == "TG403")
    assert {"security", "s3", "cis-aws/2.1.4", "hipaa/164.312(a)(1)"} <= set(tg403["properties"]["tags"])
    assert tg403["help"]["markdown"] == render_check(next(c for c in load_checks() if c.id == "TG403"))


def test_readme_names_every_field_of_the_json_report() -> None:
    """The README's json paragraph is the format's documentation: every key tfguard writes is in it."""
    from tfguard.model import Diagnostic, Entry, Finding, Report, Status
    from tfguard.report import json_format

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("- **json**:")
    described = set(re.findall(r"`([a-z_]+)`", readme[start:readme.index("- **sarif**:", start)]))
    described |= set(re.findall(r'"([a-z_]+)"', readme[start:readme.index("- **sarif**:", start)]))
    finding = Finding("TG101", "s", "t", "high", Status.FAIL, "aws_s3_bucket.b", "m", None)
    report = Report(findings=[finding], fixed=[Entry(".", "TG101", "aws_s3_bucket.c", "fail", "f")],
                    diagnostics=[Diagnostic("main.tf", 1, "m", "warning")])
    doc = json.loads(json_format.render(report))
    keys = set(doc) | set(doc["summary"]) | set(doc["findings"][0]) | set(doc["baseline_fixed"][0])
    assert (keys | set(doc["diagnostics"][0])) - described == set()
