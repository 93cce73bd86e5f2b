"""Pull-request summary in GitHub-flavoured Markdown (templates/markdown.md.j2).

Every text that comes from the scanned configuration (addresses carry
`for_each` keys, messages carry tag values and names) goes through
`escape_cell`, so it cannot end a table cell, open a code span or a link,
add HTML or mention anyone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import quote

from tfguard.model import SEVERITIES, Finding, Location, Report, Status
from tfguard.report.common import baseline_counts, baseline_mark, change_summary, counted, problems, shown, since

NO_FILE = "(no file)"

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_MARKUP = re.compile(r"([\\`*_\[\]|~])")


def escape_cell(text: object) -> str:
    """Plain text for one line of Markdown (a table cell, a list item): line breaks and
    control characters become a space, HTML characters become entities, Markdown
    punctuation (`|`, backtick, `[`, `*`...) is backslash-escaped and `@` cannot
    start a mention."""
    s = _CONTROL.sub(" ", str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MARKUP.sub(r"\\\1", s)
    return s.replace("@", "@&#8203;")


def escape_html(text: object) -> str:
    """Text inside a raw HTML line (the `<summary>` of a `<details>`)."""
    s = _CONTROL.sub(" ", str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return s.replace("@", "@&#8203;")


def link(text: str, loc: Location | None, base: str = "") -> str:
    """`[text](base + file#Lline)`, with the text escaped and the target percent-encoded."""
    if loc is None:
        return escape_cell(text)
    target = quote(loc.file, safe="/") + f"#L{loc.start_line}"
    return f"[{escape_cell(text)}]({quote(base, safe=':/?=&%')}{target})"


def status_of(f: Finding) -> str:
    """fail, unknown, pass or suppressed: each finding in exactly one bucket."""
    return "suppressed" if f.suppressed and f.status is not Status.PASS else f.status.value


def _severity_key(f: Finding) -> tuple[int, str, int, str, str]:
    loc = f.location
    return (-SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 1, loc.file if loc else "",
            loc.start_line if loc else 0, f.check_id, f.address)


def _environment() -> Any:
    import jinja2

    from tfguard.docs import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["md"] = escape_cell
    env.filters["html"] = escape_html
    return env


def render(report: Report, include_passed: bool = False, *, link_base: str = "") -> str:
    """`link_base` is put in front of `file#Lline` in links (e.g. a blob URL of the commit)."""
    statuses = [status_of(f) for f in report.findings]
    # New (and introduced) findings first: those are what a pull request has to fix.
    fails = sorted((f for f, s in zip(report.findings, statuses) if s == "fail"),
                   key=lambda f: (f.baseline == "unchanged", f.change == "existing", *_severity_key(f)))
    by_severity = {sev: sum(f.severity == sev for f in fails) for sev in reversed(SEVERITIES)}
    several = len(report.roots) > 1
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in shown(report, include_passed):
        file = f.location.file if f.location else NO_FILE
        by_file[f"{f.root}: {file}" if several else file].append(f)
    new, baselined = baseline_counts(report)
    files = [(name, sorted(items, key=lambda x: (x.location.start_line if x.location else 0, x.check_id, x.address)))
             for name, items in sorted(by_file.items())]
    return str(_environment().get_template("markdown.md.j2").render(
        fails=fails, by_severity=by_severity, files=files, diagnostics=report.diagnostics,
        unknown=statuses.count("unknown"), passed=statuses.count("pass"), suppressed=statuses.count("suppressed"),
        scope=f"{counted(report.resources, 'resource')}, {counted(len(report.checks), 'check')}, {problems(report)}",
        where=lambda f: link(f"{f.location.file}:{f.location.start_line}" if f.location else "-", f.location, link_base),
        line=lambda f: link(str(f.location.start_line) if f.location else "-", f.location, link_base),
        dwhere=lambda d: link(d.where, Location(d.file, d.line, d.line), link_base) if d.file else "command line",
        status=status_of, mark=baseline_mark, roots=several,
        against=report.baseline is not None, new=new, baselined=baselined,
        change=change_summary(report), resolved=report.resolved, since=since(report) if report.compared_with else "",
    ))
