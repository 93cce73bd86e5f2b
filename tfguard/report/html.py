"""A self-contained compliance report (templates/report.html.j2): inline CSS,
no scripts, nothing loaded from elsewhere, every text autoescaped by jinja2.

Summary counts; then per framework, per control, the checks mapped to it with
their pass / fail / unknown counts and failing resources; then every finding
and the input problems.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tfguard import __version__
from tfguard.check import Check
from tfguard.compliance import FRAMEWORK_NAMES, FRAMEWORKS
from tfguard.model import SEVERITIES, Finding, Status
from tfguard.report import shown
from tfguard.run import Report

STATUSES = ("fail", "unknown", "pass", "suppressed")


def status_of(f: Finding) -> str:
    """fail, unknown, pass or suppressed: each finding in exactly one bucket."""
    return "suppressed" if f.suppressed and f.status is not Status.PASS else f.status.value


@dataclass
class CheckRow:
    check: Check
    counts: dict[str, int]
    failing: list[Finding]  # failing and suppressed results, in that order

    @property
    def status(self) -> str:
        for status in ("fail", "unknown", "pass", "suppressed"):
            if self.counts[status]:
                return status
        return "none"


@dataclass
class ControlRow:
    control: str
    checks: list[CheckRow]

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        return next((s for s in ("fail", "unknown", "pass", "suppressed") if s in statuses), "none")


@dataclass
class FrameworkSection:
    id: str
    name: str
    controls: list[ControlRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.controls)


def natural_key(text: str) -> list[tuple[int, int, str]]:
    """Sort key that puts AU-2 before AU-12 and 3.5.1 before 10.2.1."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p]


def _location_key(f: Finding) -> tuple[str, int, str, str]:
    return (f.location.file if f.location else "", f.location.start_line if f.location else 0, f.check_id, f.address)


def frameworks(report: Report) -> list[FrameworkSection]:
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_check[f.check_id].append(f)
    rows: dict[str, CheckRow] = {}
    for check in report.checks:
        results = by_check.get(check.id, [])
        counts = {s: 0 for s in STATUSES}
        for f in results:
            counts[status_of(f)] += 1
        failing = sorted((f for f in results if status_of(f) == "fail"), key=_location_key)
        failing += sorted((f for f in results if status_of(f) == "suppressed" and f.status is Status.FAIL),
                          key=_location_key)
        rows[check.id] = CheckRow(check, counts, failing)
    sections: list[FrameworkSection] = []
    for fw in FRAMEWORKS:
        controls: dict[str, list[CheckRow]] = defaultdict(list)
        for check in report.checks:
            for control in check.compliance.get(fw, ()):
                controls[control].append(rows[check.id])
        sections.append(FrameworkSection(fw, FRAMEWORK_NAMES.get(fw, fw), [
            ControlRow(control, controls[control]) for control in sorted(controls, key=natural_key)]))
    return sections


def _environment() -> Any:
    import jinja2

    from tfguard.docs import TEMPLATES

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def render(report: Report, include_passed: bool = False) -> str:
    statuses = [status_of(f) for f in report.findings]
    fails = [f for f, s in zip(report.findings, statuses) if s == "fail"]
    totals = {s: statuses.count(s) for s in STATUSES}
    by_severity = {sev: sum(f.severity == sev for f in fails) for sev in reversed(SEVERITIES)}
    findings = sorted(shown(report, include_passed), key=_location_key)
    return str(_environment().get_template("report.html.j2").render(
        version=__version__, report=report, totals=totals, by_severity=by_severity,
        frameworks=frameworks(report), findings=findings, status=status_of,
    ))
