"""Report writers: one module per format, each `render(report, options) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from tfguard.model import Report

FORMATS = ("text", "json", "sarif", "junit", "markdown", "html")


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
