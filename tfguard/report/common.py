"""What every report format shares: which findings it shows, how it counts them, and
JSON written fast. The formats import this, never the package, which picks a format."""

from __future__ import annotations

from tfguard.model import Finding, Report, Status


def shown(report: Report, include_passed: bool) -> list[Finding]:
    return [f for f in report.findings if include_passed or f.status is not Status.PASS]


def open_findings(report: Report) -> list[Finding]:
    """The FAIL and UNKNOWN results that are not suppressed: those a baseline marks new or baselined."""
    return [f for f in report.findings if f.status is not Status.PASS and not f.suppressed]


def baseline_counts(report: Report) -> tuple[int, int]:
    """(new, baselined) among the open findings; only new ones set the exit code."""
    marks = [f.baseline for f in open_findings(report)]
    return marks.count("new"), marks.count("unchanged")


def baseline_mark(f: Finding) -> str:
    """How people read a finding's baseline state: new, baselined, or "" without a baseline."""
    return {"new": "new", "unchanged": "baselined"}.get(f.baseline, "")


def change_counts(report: Report) -> tuple[int, int]:
    """(introduced, existing) among the open findings, when they were compared with a base."""
    marks = [f.change for f in open_findings(report)]
    return marks.count("introduced"), marks.count("existing")


def since(report: Report) -> str:
    """What a change-aware report says the findings were compared with: "by this plan" for a
    plan's prior state, else "since" the base revision."""
    return "by this plan" if report.compared_with == "the prior state" else f"since {report.compared_with}"


def change_summary(report: Report) -> str:
    """"2 introduced by this plan, 14 existing, 1 resolved" ("" when nothing was compared)."""
    if not report.compared_with:
        return ""
    introduced, existing = change_counts(report)
    return f"{introduced} introduced {since(report)}, {existing} existing, {len(report.resolved)} resolved"


def counted(n: int, word: str) -> str:
    """`1 check`, `2 checks`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def problems(report: Report) -> str:
    """Errors and warnings counted apart: a warning is not an input problem."""
    errors = sum(d.severity == "error" for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    parts = ([counted(errors, "error")] if errors else []) + ([counted(warnings, "warning")] if warnings else [])
    return ", ".join(parts) or "no input problems"


def dumps(doc: object, depth: int) -> str:
    """JSON that a person can read and that is fast to write.

    The first `depth` levels of objects and arrays are indented; everything
    below (one finding, one SARIF result) goes on one line through the C
    encoder. json.dumps(indent=...) runs the pure-Python encoder over the
    whole document, about ten times slower on a large report.
    """
    import json

    encode = json.JSONEncoder(separators=(", ", ": ")).encode
    key = json.JSONEncoder().encode

    def pretty(value: object, level: int, pad: str) -> str:
        if level >= depth or not value or not isinstance(value, (dict, list)):
            return encode(value)
        inner = pad + "  "
        if isinstance(value, dict):
            parts = [f"{inner}{key(str(k))}: {pretty(v, level + 1, inner)}" for k, v in value.items()]
            return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
        parts = [inner + pretty(v, level + 1, inner) for v in value]
        return "[\n" + ",\n".join(parts) + "\n" + pad + "]"

    return pretty(doc, 0, "") + "\n"
