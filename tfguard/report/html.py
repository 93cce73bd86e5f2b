"""A self-contained report for people (templates/report.html.j2): inline CSS,
no scripts, nothing loaded from elsewhere, every text autoescaped by jinja2.

A header with what was scanned, when, by which version and the counts; a
table of contents; the findings grouped by severity (most severe first) with
their baseline state (and root module when a scan has several); the input problems and warnings; then the compliance view, one
collapsed <details> per framework that lists only the controls with results
and names the others in one line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tfguard import __version__
from tfguard.compliance import FRAMEWORK_NAMES, FRAMEWORKS
from tfguard.model import SEVERITIES, CheckInfo, Finding, Report, Status
from tfguard.report.common import change_summary, shown

STATUSES = ("fail", "unknown", "pass", "suppressed")
STATUS_ORDER = ("fail", "unknown", "suppressed", "pass")  # how findings are listed within a severity
SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # critical first


def status_of(f: Finding) -> str:
    """fail, unknown, pass or suppressed: each finding in exactly one bucket."""
    return "suppressed" if f.suppressed and f.status is not Status.PASS else f.status.value


def baseline_state(f: Finding) -> str:
    """"new", "baselined" or "" (no baseline given): the words the other formats' summaries use."""
    return "" if not f.baseline else "new" if f.baseline == "new" else "baselined"


@dataclass
class CheckRow:
    check: CheckInfo
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

    @property
    def with_results(self) -> list[CheckRow]:
        return [c for c in self.checks if c.status != "none"]

    @property
    def without_results(self) -> list[CheckRow]:
        return [c for c in self.checks if c.status == "none"]


@dataclass
class FrameworkSection:
    id: str
    name: str
    controls: list[ControlRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.controls)

    @property
    def with_results(self) -> list[ControlRow]:
        return [c for c in self.controls if c.status != "none"]

    @property
    def without_results(self) -> list[ControlRow]:
        return [c for c in self.controls if c.status == "none"]


@dataclass
class SeverityGroup:
    severity: str
    findings: list[Finding]

    def count(self, status: str) -> int:
        return sum(status_of(f) == status for f in self.findings)

    @property
    def new(self) -> int:
        """New failures, as the header counts them."""
        return sum(baseline_state(f) == "new" and status_of(f) == "fail" for f in self.findings)


def natural_key(text: str) -> list[tuple[int, int, str]]:
    """Sort key that puts AU-2 before AU-12 and 3.5.1 before 10.2.1."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p]


def _location_key(f: Finding) -> tuple[str, int, str, str]:
    return (f.location.file if f.location else "", f.location.start_line if f.location else 0, f.check_id, f.address)


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def finding_key(f: Finding) -> tuple[int, int, bool, tuple[str, int, str, str], str]:
    """Most severe first; within a severity failures, then unknowns, suppressed, passes;
    new before baselined; then by place and root module."""
    return (_severity_rank(f.severity), STATUS_ORDER.index(status_of(f)), baseline_state(f) == "baselined",
            _location_key(f), f.root)


def severity_groups(findings: list[Finding]) -> list[SeverityGroup]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in sorted(findings, key=finding_key):
        groups[f.severity].append(f)
    return [SeverityGroup(sev, fs) for sev, fs in groups.items()]


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


def summary(report: Report) -> dict[str, Any]:
    """The header's counts: results by status, failures by severity, baseline states, diagnostics."""
    statuses = [status_of(f) for f in report.findings]
    fails = [f for f, s in zip(report.findings, statuses) if s == "fail"]
    states = [baseline_state(f) for f in fails]
    return {
        "totals": {s: statuses.count(s) for s in STATUSES},
        "by_severity": {sev: sum(f.severity == sev for f in fails) for sev in SEVERITY_ORDER},
        "baseline": any(f.baseline for f in report.findings) or bool(report.fixed),
        "new": states.count("new"), "baselined": states.count("baselined"), "fixed": len(report.fixed),
        "errors": sum(d.severity == "error" for d in report.diagnostics),
        "warnings": sum(d.severity != "error" for d in report.diagnostics),
    }


def _environment() -> Any:
    import jinja2

    from tfguard.docs import TEMPLATES

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def render(report: Report, include_passed: bool = False) -> str:
    findings = shown(report, include_passed)
    hidden = len(report.findings) - len(findings)  # passes, unless --include-passed
    return str(_environment().get_template("report.html.j2").render(
        version=__version__, report=report, counts=summary(report), groups=severity_groups(findings),
        shown=len(findings), hidden_passes=hidden,
        frameworks=frameworks(report), status=status_of, state=baseline_state,
        with_baseline=any(f.baseline for f in report.findings),
        several_roots=len(report.roots) > 1,  # several roots may share a module's address and line
        change=change_summary(report),
    ))
