"""Report writers: one module per format, each `render(report, options) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from tfguard.model import Finding, Status
from tfguard.run import Report

FORMATS = ("text", "json", "sarif", "junit", "markdown", "html")


def shown(report: Report, include_passed: bool) -> list[Finding]:
    return [f for f in report.findings if include_passed or f.status is not Status.PASS]


def renderer(name: str) -> Callable[[Report, bool], str]:
    if name == "text":
        from tfguard.report.text import render
    elif name == "json":
        from tfguard.report.json_format import render
    elif name == "sarif":
        from tfguard.report.sarif import render
    elif name == "junit":
        from tfguard.report.junit import render
    elif name == "markdown":
        from tfguard.report.markdown import render
    elif name == "html":
        from tfguard.report.html import render
    else:
        raise KeyError(name)
    return render


PRETTY_LIMIT = 1000


def dumps(doc: object, findings: int) -> str:
    """Indented JSON for reports a person may read; compact beyond PRETTY_LIMIT findings,
    where the C encoder is about ten times faster than the indenting one."""
    import json

    if findings > PRETTY_LIMIT:
        return json.dumps(doc, separators=(",", ":")) + "\n"
    return json.dumps(doc, indent=2) + "\n"
