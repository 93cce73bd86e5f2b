"""Human-readable report, grouped by file."""

from __future__ import annotations

from collections import defaultdict

from tfguard.model import SEVERITIES, Finding, Status
from tfguard.report import shown
from tfguard.run import Report


def _line(f: Finding) -> str:
    where = f":{f.location.start_line}" if f.location else ""
    status = "" if f.status is Status.FAIL else f" [{f.status.value}]"
    if f.suppressed:
        status += f" [suppressed: {f.justification}]"
    return f"  {where:>6}  {f.severity.upper():<8} {f.check_id} {f.address}{status}: {f.message}"


def render(report: Report, include_passed: bool = False) -> str:
    findings = shown(report, include_passed)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_file[f.location.file if f.location else "(no file)"].append(f)
    out: list[str] = []
    for file in sorted(by_file):
        out.append(file)
        for f in sorted(by_file[file], key=lambda x: (x.location.start_line if x.location else 0, x.check_id)):
            out.append(_line(f))
            if f.status is Status.FAIL and f.remediation and not f.suppressed:
                out.append(f"          fix: {f.remediation}")
        out.append("")
    for d in report.diagnostics:
        out.append(f"{d}")
    for cid, address, _ in report.fixed:
        out.append(f"fixed since the baseline: {cid} {address}")
    fails = sum(f.status is Status.FAIL and not f.suppressed for f in report.findings)
    suppressed = sum(f.suppressed for f in report.findings)
    unknown = sum(f.status is Status.UNKNOWN for f in report.findings)
    passed = sum(f.status is Status.PASS for f in report.findings)
    by_severity = ", ".join(
        f"{n} {sev}" for sev in reversed(SEVERITIES)
        if (n := sum(f.severity == sev and f.status is Status.FAIL and not f.suppressed for f in report.findings))
    )
    out.append(
        f"{fails} failed{f' ({by_severity})' if by_severity else ''}, {unknown} unknown, {passed} passed, "
        f"{suppressed} suppressed; {report.resources} resources in {report.files} files, {len(report.checks)} checks, "
        f"{len(report.diagnostics)} input problems" + (f", {report.seconds:.1f}s" if report.seconds else "")
    )
    return "\n".join(out) + "\n"
