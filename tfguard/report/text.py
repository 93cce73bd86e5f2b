"""Human-readable report, grouped by file, and by root module first when a scan has several."""

from __future__ import annotations

from collections import defaultdict

from tfguard.model import SEVERITIES, Finding, Report, Status
from tfguard.report.common import baseline_counts, baseline_mark, change_summary, counted, problems, shown, since


def _line(f: Finding) -> str:
    where = f":{f.location.start_line}" if f.location else ""
    status = "" if f.status is Status.FAIL else f" [{f.status.value}]"
    if f.suppressed:
        status += f" [suppressed: {f.justification}]"
    if mark := baseline_mark(f):
        status += f" [{mark}]"
    if f.change:
        status += f" [{f.change}]"
    return f"  {where:>6}  {f.severity.upper():<8} {f.check_id} {f.address}{status}: {f.message}"


def _by_file(findings: list[Finding]) -> list[str]:
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
    return out


def _body(report: Report, findings: list[Finding]) -> list[str]:
    if len(report.roots) < 2:
        return _by_file(findings)
    # Several roots may call one module: the same address and line then appear once per root.
    by_root: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_root[f.root].append(f)
    out: list[str] = []
    for root in sorted(by_root):
        out.append(f"== root module {root} ==")
        out.extend(_by_file(by_root[root]))
    return out


def _summary(report: Report) -> str:
    fails = sum(f.status is Status.FAIL and not f.suppressed for f in report.findings)
    suppressed = sum(f.suppressed for f in report.findings)
    unknown = sum(f.status is Status.UNKNOWN for f in report.findings)
    passed = sum(f.status is Status.PASS for f in report.findings)
    by_severity = ", ".join(
        f"{n} {sev}" for sev in reversed(SEVERITIES)
        if (n := sum(f.severity == sev and f.status is Status.FAIL and not f.suppressed for f in report.findings))
    )
    new, baselined = baseline_counts(report)
    against = f"; {new} new, {baselined} baselined" if report.baseline is not None else ""
    if change := change_summary(report):
        against += f"; {change}"
    return (
        f"{fails} failed{f' ({by_severity})' if by_severity else ''}, {unknown} unknown, {passed} passed, "
        f"{suppressed} suppressed{against}; {counted(report.resources, 'resource')} in "
        f"{counted(report.files, 'file')}, {counted(len(report.checks), 'check')}, {problems(report)}"
        + (f", {report.seconds:.1f}s" if report.seconds else "")
    )


def render(report: Report, include_passed: bool = False) -> str:
    out = _body(report, shown(report, include_passed))
    for d in report.diagnostics:
        out.append(f"{d}")
    for e in report.fixed:
        where = f" in {e.root}" if len(report.roots) > 1 or e.root not in report.roots else ""
        out.append(f"fixed since the baseline: {e.id} {e.resource}{where} (was {e.status})")
    for f in report.resolved:
        where = f" in {f.root}" if len(report.roots) > 1 else ""
        out.append(f"resolved {since(report)}: {f.check_id} {f.address}{where} (was {f.status.value})")
    out.append(_summary(report))
    return "\n".join(out) + "\n"
