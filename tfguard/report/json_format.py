"""Machine-readable report. The shape is documented in README.md ("Output formats", json); it only grows."""

from __future__ import annotations

from typing import Any

from tfguard import __version__
from tfguard.model import Finding, Location, Report, Status
from tfguard.report.common import baseline_counts, change_counts, dumps, shown

SCHEMA_VERSION = 1


def _loc(loc: Location | None) -> dict[str, Any]:
    if loc is None:
        return {"file": None, "start_line": None, "end_line": None}
    return {"file": loc.file, "start_line": loc.start_line, "end_line": loc.end_line}


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "id": f.check_id, "slug": f.slug, "title": f.title, "severity": f.severity,
        "status": f.status.value, "resource": f.address, **_loc(f.location),
        "attribute": f.attribute, "message": f.message, "remediation": f.remediation,
        "related": [{"resource": r.address, "type": r.message, **_loc(r.location), "provenance": r.provenance}
                    for r in f.related],
        "fingerprint": f.fingerprint, "suppressed": f.suppressed, "justification": f.justification,
        "baseline": f.baseline, "change": f.change, "root": f.root,
        "compliance": {fw: list(controls) for fw, controls in f.compliance.items()},
    }


def render(report: Report, include_passed: bool = False) -> str:
    counts = {s.value: sum(f.status is s for f in report.findings) for s in Status}
    new, baselined = baseline_counts(report)
    introduced, existing = change_counts(report)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tfguard", "version": __version__},
        "summary": {
            "resources": report.resources, "checks": len(report.checks), **counts,
            "diagnostics": len(report.diagnostics), "new": new, "baselined": baselined,
            "compared_with": report.compared_with, "introduced": introduced, "existing": existing,
            "resolved": len(report.resolved),
        },
        "findings": [finding_dict(f) for f in shown(report, include_passed)],
        "baseline_fixed": [e._asdict() for e in report.fixed],
        "resolved": [finding_dict(f) for f in report.resolved],
        "diagnostics": [
            {"file": d.file, "line": d.line, "severity": d.severity, "message": d.message}
            for d in report.diagnostics
        ],
    }
    return dumps(doc, 2)  # one finding per line
