"""JUnit XML for CI dashboards.

One <testsuite> per check ("TG101 s3-encryption-configured"), one <testcase> per
check x resource result (classname = check id, name = resource address, after its
root module when the scan has several; file and line when known). FAIL is a
<failure> (type = severity, body = remediation), UNKNOWN and suppressed results
are <skipped>, PASS is a plain test case. With a baseline, a FAIL the baseline
accepts is <skipped> too ("baselined: fail: ..."), as it does not fail the run,
and the messages of the others start with "new: ". Compared with a base (a plan's
prior state, --diff-base), a message starts with "introduced: " or "existing: ".
Input problems form the suite "tfguard input": an error is an <error>, a
warning a <skipped> case (it does not fail the run either).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from tfguard.model import Diagnostic, Finding, Report, Status
from tfguard.report.common import baseline_mark

INPUT_SUITE = "tfguard input"

# Characters XML 1.0 cannot carry at all, escaped or not: C0 controls other than
# tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text that XML can hold: characters XML forbids become U+FFFD. Markup
    characters (`<`, `&`, quotes) are left as they are: ElementTree escapes them."""
    return _NOT_XML.sub("\ufffd", text)


def _element(tag: str, attrs: dict[str, str], text: str = "") -> ET.Element:
    el = ET.Element(tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        el.text = xml_safe(text)
    return el


def _case(f: Finding, several_roots: bool) -> ET.Element:
    # Roots that call one module give results with one address: the root keeps the cases apart.
    attrs = {"classname": f.check_id, "name": f"{f.root}: {f.address}" if several_roots else f.address}
    if f.location is not None:
        attrs["file"] = f.location.file
        attrs["line"] = str(f.location.start_line)
    case = _element("testcase", attrs)
    if f.suppressed and f.status is not Status.PASS:
        reason = f.justification or "(no reason given)"
        case.append(_element("skipped", {"message": f"suppressed ({reason}): {f.status.value}: {f.message}"}))
    elif f.status is Status.FAIL and f.baseline == "unchanged":
        case.append(_element("skipped", {"message": f"baselined: fail: {f.message}"}))
    elif f.status is Status.FAIL:
        message = f"new: {f.message}" if f.baseline == "new" else f.message
        case.append(_element("failure", {"message": _changed(f, message), "type": f.severity}, f.remediation))
    elif f.status is Status.UNKNOWN:
        message = f"{baseline_mark(f)}: {f.message}" if f.baseline else f.message
        case.append(_element("skipped", {"message": _changed(f, message)}))
    return case


def _changed(f: Finding, message: str) -> str:
    """"introduced: ..." or "existing: ..." when the scan compared its findings with a base."""
    return f"{f.change}: {message}" if f.change else message


def _suite(name: str, cases: list[ET.Element]) -> ET.Element:
    def count(tag: str) -> int:
        return sum(c.find(tag) is not None for c in cases)

    suite = _element("testsuite", {
        "name": name, "tests": str(len(cases)), "failures": str(count("failure")),
        "errors": str(count("error")), "skipped": str(count("skipped")),
    })
    suite.extend(cases)
    return suite


def _input_case(d: Diagnostic) -> ET.Element:
    place = {"file": d.file, "line": str(d.line)} if d.file else {}  # a --var problem is in no file
    case = _element("testcase", {"classname": INPUT_SUITE, "name": d.where or "command line", **place})
    if d.severity == "error":
        case.append(_element("error", {"message": d.message, "type": d.severity}, str(d)))
    else:  # a warning: worth seeing, but the run does not fail on it
        case.append(_element("skipped", {"message": f"{d.severity}: {d.message}"}))
    return case


def render(report: Report, include_passed: bool = False) -> str:
    """`include_passed` is accepted for the common interface; a JUnit report always lists what passed."""
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_check[f.check_id].append(f)
    names = {c.id: f"{c.id} {c.slug}" for c in report.checks}
    for f in report.findings:  # results of a check the report does not list still count
        names.setdefault(f.check_id, f"{f.check_id} {f.slug}")
    several = len(report.roots) > 1
    suites = [_suite(name, [_case(f, several) for f in by_check.get(check_id, [])]) for check_id, name in names.items()]
    if report.diagnostics:
        suites.append(_suite(INPUT_SUITE, [_input_case(d) for d in report.diagnostics]))
    root = _element("testsuites", {"name": "tfguard"})
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.extend(suites)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
