"""JUnit and Markdown reports and the graph export: exact content on a small
configuration, correct counts, and hostile text (a `for_each` key in an address, a
value echoed in a message) escaped in every format."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tfguard.graph import ResourceGraph
from tfguard.graph_export import Edge, dot_quote, edges, render_graph
from tfguard.model import Diagnostic, Finding, Location, Report, Status
from tfguard.report import FORMATS, junit, markdown, renderer
from tfguard.report import html as html_report
from tfguard.run import run
from tfguard.targets import Options, load_target

HOSTILE = "<script>alert(1)</script>|`x`@team"
EACH = 'aws_s3_bucket.each["<img src=x>"]'
CHECKS = frozenset({"TG101", "TG202", "TG301", "TG601"})

MAIN_TF = """\
variable "rotate" {}

resource "aws_kms_key" "k" {
  enable_key_rotation = var.rotate
}

resource "aws_lb_listener" "web" {
  protocol   = "HTTPS"
  ssl_policy = "<script>alert(1)</script>|`x`@team"
}

resource "aws_s3_bucket" "data" {
  bucket = "data-bucket"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "sse" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "v" {
  bucket = "data-bucket"
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "each" {
  for_each = toset(["<img src=x>"])
  bucket   = "each"
}

data "aws_caller_identity" "me" {}
"""
TLS_MESSAGE = f"TLS policy {HOSTILE} allows protocols older than TLS 1.2"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    (tmp_path / "broken.tf").write_text('resource "aws_kms_key" "t" {\n  description = "abc', encoding="utf-8")
    return tmp_path


@pytest.fixture()
def report(tree: Path) -> Report:
    return run([tree], Options(only=CHECKS))


def _finding(status: Status, address: str = "aws_kms_key.k", message: str = "m", **kw: Any) -> Finding:
    fields: dict[str, Any] = {"check_id": "TG301", "slug": "kms-rotation", "title": "KMS key rotation is enabled",
                              "severity": "medium", "status": status, "address": address, "message": message,
                              "location": Location("main.tf", 3, 5), "remediation": "Set enable_key_rotation = true."}
    fields.update(kw)
    return Finding(**fields)


def test_configuration_results(report: Report) -> None:
    """What the other tests rely on: the scan of the small configuration."""
    got = [(f.check_id, f.status.value, f.address, f.severity, f.location.start_line if f.location else None)
           for f in report.findings]
    assert got == [
        ("TG101", "pass", "aws_s3_bucket.data", "high", 19),
        ("TG101", "fail", EACH, "high", 33),
        ("TG202", "fail", "aws_lb_listener.web", "medium", 9),
        ("TG301", "unknown", "aws_kms_key.k", "medium", 4),
        ("TG601", "pass", "aws_s3_bucket.data", "medium", 12),
        ("TG601", "fail", EACH, "medium", 33),
    ]
    assert [f.message for f in report.findings if f.check_id == "TG202"] == [TLS_MESSAGE]
    assert report.diagnostics == [Diagnostic("broken.tf", 2, "cannot parse: unexpected end of file")]


def test_formats_registered() -> None:
    assert {"junit", "markdown", "html"} <= set(FORMATS)
    assert renderer("junit") is junit.render
    assert renderer("markdown") is markdown.render
    assert renderer("html") is html_report.render


# -- JUnit -------------------------------------------------------------------------


def test_junit_suites_cases_and_counts(report: Report) -> None:
    text = junit.render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("name", "tests", "failures", "errors", "skipped")} == {
        "name": "tfguard", "tests": "7", "failures": "3", "errors": "1", "skipped": "1"}
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["TG101 s3-encryption-configured", "TG202 lb-tls-policy", "TG301 kms-rotation",
                            "TG601 s3-versioning", "tfguard input"]
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert suite.get(attr) == str(sum(c.find(tag) is not None for c in cases))

    tg101 = [c.attrib for c in suites["TG101 s3-encryption-configured"].findall("testcase")]
    assert tg101 == [{"classname": "TG101", "name": "aws_s3_bucket.data", "file": "main.tf", "line": "19"},
                     {"classname": "TG101", "name": EACH, "file": "main.tf", "line": "33"}]
    [passed, failed] = suites["TG101 s3-encryption-configured"].findall("testcase")
    assert list(passed) == []  # PASS: a plain test case
    [failure] = list(failed)
    assert failure.tag == "failure" and failure.get("type") == "high"
    assert failure.get("message") == "no default encryption is configured for the bucket"
    assert failure.text == report.checks[0].remediation

    [tls] = suites["TG202 lb-tls-policy"].findall("testcase/failure")
    assert tls.get("message") == TLS_MESSAGE and tls.get("type") == "medium"
    assert tls.text == "Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy."

    [skipped] = suites["TG301 kms-rotation"].findall("testcase/skipped")
    assert skipped.get("message") == "enable_key_rotation is not known statically: var.rotate has no value"

    [case] = suites["tfguard input"].findall("testcase")
    assert case.attrib == {"classname": "tfguard input", "name": "broken.tf:2", "file": "broken.tf", "line": "2"}
    [error] = list(case)
    assert (error.tag, error.get("message"), error.get("type")) == ("error", "cannot parse: unexpected end of file", "error")
    assert error.text == "broken.tf:2: error: cannot parse: unexpected end of file"


def test_junit_escapes_hostile_text(report: Report) -> None:
    text = junit.render(report)
    assert "<script" not in text and "<img" not in text
    assert 'message="TLS policy &lt;script&gt;alert(1)&lt;/script&gt;|`x`@team allows' in text
    assert 'name="aws_s3_bucket.each[&quot;&lt;img src=x&gt;&quot;]"' in text


def test_junit_lists_passed_results_always(report: Report) -> None:
    for include_passed in (False, True):
        root = ET.fromstring(junit.render(report, include_passed))
        assert root.get("tests") == "7"


def test_junit_suppressed_is_skipped_and_control_characters_are_replaced() -> None:
    report = Report(findings=[
        _finding(Status.FAIL, suppressed=True, justification="accepted <risk>"),
        _finding(Status.FAIL, address="aws_kms_key.b", message="bad\x00value\x1b[31m\ufffe"),
    ])
    text = junit.render(report)
    root = ET.fromstring(text)  # parses: no character XML forbids is left
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "2", "failures": "1", "errors": "0", "skipped": "1"}
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "TG301 kms-rotation"  # a check the report does not list
    [suppressed, failed] = suite.findall("testcase")
    assert suppressed.find("skipped") is not None
    assert suppressed.find("skipped").get("message") == "suppressed (accepted <risk>): fail: m"  # type: ignore[union-attr]
    assert failed.find("failure").get("message") == "bad\ufffdvalue\ufffd[31m\ufffd"  # type: ignore[union-attr]
    assert "tfguard input" not in text  # no input problems, no input suite


def test_junit_xml_safe() -> None:
    assert junit.xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"
    assert junit.xml_safe("\x00\x08\x0b\x1f\ud800\ufffe\uffff") == "\ufffd" * 7
    assert junit.xml_safe("<&\"'>\u00e9\U0001f600") == "<&\"'>\u00e9\U0001f600"  # ElementTree escapes markup


# -- Markdown ----------------------------------------------------------------------


def test_markdown_summary_exact(report: Report) -> None:
    text = markdown.render(report)
    esc_tls = r"TLS policy &lt;script&gt;alert(1)&lt;/script&gt;\|\`x\`@&#8203;team allows protocols older than TLS 1.2"
    esc_each = r'aws\_s3\_bucket.each\["&lt;img src=x&gt;"\]'
    esc_rotation = r"enable\_key\_rotation is not known statically: var.rotate has no value"
    assert text == f"""\
## tfguard: 3 failing, 1 unknown

| Severity | Failing |
|---|---:|
| critical | 0 |
| high | 1 |
| medium | 2 |
| low | 0 |
| **unknown** | 1 |

2 passed, 0 suppressed; 7 resources, 4 checks, 1 error.

### Failing findings

| Severity | ID | Resource | Location | Message |
|---|---|---|---|---|
| high | TG101 | {esc_each} | [main.tf:33](main.tf#L33) | no default encryption is configured for the bucket |
| medium | TG202 | aws\\_lb\\_listener.web | [main.tf:9](main.tf#L9) | {esc_tls} |
| medium | TG601 | {esc_each} | [main.tf:33](main.tf#L33) | versioning is not enabled for the bucket |

### Findings by file

<details>
<summary>main.tf (4)</summary>

| Line | Status | Severity | ID | Resource | Message |
|---:|---|---|---|---|---|
| [4](main.tf#L4) | unknown | medium | TG301 | aws\\_kms\\_key.k | {esc_rotation} |
| [9](main.tf#L9) | fail | medium | TG202 | aws\\_lb\\_listener.web | {esc_tls} |
| [33](main.tf#L33) | fail | high | TG101 | {esc_each} | no default encryption is configured for the bucket |
| [33](main.tf#L33) | fail | medium | TG601 | {esc_each} | versioning is not enabled for the bucket |

</details>

### Input problems

| Severity | Location | Message |
|---|---|---|
| error | [broken.tf:2](broken.tf#L2) | cannot parse: unexpected end of file |
"""


def _cells(row: str) -> list[str]:
    """Cells of a GFM table row: split at pipes that are not backslash-escaped."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_markdown_hostile_text_cannot_break_the_table(report: Report) -> None:
    text = markdown.render(report, include_passed=True)
    assert "<script" not in text and "<img" not in text and "`x`" not in text
    assert "@team" not in text  # no mention
    widths = {"| Severity | Failing |": 2, "| Severity | ID |": 5, "| Line | Status |": 6, "| Severity | Location |": 3}
    width = 0
    for line in text.splitlines():
        width = next((n for head, n in widths.items() if line.startswith(head)), width if line.startswith("|") else 0)
        if line.startswith("|"):
            assert len(_cells(line)) == width, line
    assert "| [12](main.tf#L12) | pass | medium | TG601 | aws\\_s3\\_bucket.data | versioning is enabled |" in text


def test_markdown_escape_helpers() -> None:
    assert markdown.escape_cell("a|b`c") == r"a\|b\`c"
    assert markdown.escape_cell("<b onclick=x>&amp;</b>") == "&lt;b onclick=x&gt;&amp;amp;&lt;/b&gt;"
    assert markdown.escape_cell("![img](https://x/y.png) *b* _i_ ~s~ \\") == r"!\[img\](https://x/y.png) \*b\* \_i\_ \~s\~ \\"
    assert markdown.escape_cell("line1\nline2\r\x00|") == r"line1 line2 \|"
    assert markdown.escape_cell("@org/team") == "@&#8203;org/team"
    assert markdown.escape_html('<x a="1">&@y') == "&lt;x a=&quot;1&quot;&gt;&amp;@&#8203;y"
    assert markdown.link("a b.tf:3", Location("dir (1)/a b.tf", 3, 3)) == "[a b.tf:3](dir%20%281%29/a%20b.tf#L3)"
    assert markdown.link("x.tf:1", Location("x.tf", 1, 1), "https://host/blob/abc/") == "[x.tf:1](https://host/blob/abc/x.tf#L1)"
    assert markdown.link("[x](y)", None) == r"\[x\](y)"


def test_markdown_without_failures_or_files() -> None:
    text = markdown.render(Report(findings=[_finding(Status.PASS)]))
    assert "No failing findings.\n" in text
    assert "<details>" not in text and "### Input problems" not in text
    assert "<summary>main.tf (1)</summary>" in markdown.render(Report(findings=[_finding(Status.PASS)]), True)


def test_markdown_suppressed_is_not_failing() -> None:
    text = markdown.render(Report(findings=[_finding(Status.FAIL, suppressed=True, justification="ok")]))
    assert text.startswith("## tfguard: 0 failing, 0 unknown\n")
    assert "0 passed, 1 suppressed;" in text
    assert "| [3](main.tf#L3) | suppressed | medium | TG301 |" in text


# -- graph export ------------------------------------------------------------------


def _graph(tree: Path) -> ResourceGraph:
    loaded: Any = load_target(tree, Options())
    groups = loaded if isinstance(loaded, list) else [loaded]  # one Loaded per root module, or a single one
    return ResourceGraph([r for group in groups for r in group.resources])


def test_graph_json(tree: Path) -> None:
    doc = json.loads(render_graph(_graph(tree), "json"))
    assert doc["edges"] == [
        {"from": "aws_s3_bucket_server_side_encryption_configuration.sse", "to": "aws_kms_key.k",
         "via": "rule.apply_server_side_encryption_by_default.kms_master_key_id", "by": "reference"},
        {"from": "aws_s3_bucket_server_side_encryption_configuration.sse", "to": "aws_s3_bucket.data",
         "via": "bucket", "by": "reference"},
        {"from": "aws_s3_bucket_versioning.v", "to": "aws_s3_bucket.data", "via": "bucket", "by": "value"},
    ]
    nodes = {n["address"]: n for n in doc["nodes"]}
    assert list(nodes) == sorted(nodes)
    assert nodes["aws_s3_bucket.data"] == {"address": "aws_s3_bucket.data", "type": "aws_s3_bucket",
                                           "mode": "managed", "file": "main.tf", "line": 12}
    assert nodes[EACH]["line"] == 33
    assert nodes["data.aws_caller_identity.me"]["mode"] == "data"
    assert render_graph(_graph(tree), "json") == render_graph(_graph(tree), "json")  # stable


def test_graph_dot(tree: Path) -> None:
    lines = render_graph(_graph(tree), "dot").splitlines()
    assert lines[0] == "digraph tfguard {" and lines[-1] == "}"
    assert '  "aws_s3_bucket.each[\\"<img src=x>\\"]" [label="aws_s3_bucket.each[\\"<img src=x>\\"]", ' \
           'tooltip="main.tf:33"];' in lines
    assert '  "data.aws_caller_identity.me" [label="data.aws_caller_identity.me", shape=ellipse, tooltip="main.tf:38"];' \
        in lines
    assert '  "aws_s3_bucket_server_side_encryption_configuration.sse" -> "aws_s3_bucket.data" [label="bucket"];' in lines
    assert '  "aws_s3_bucket_versioning.v" -> "aws_s3_bucket.data" [label="bucket", style=dashed];' in lines
    assert sum("->" in line for line in lines) == 3
    for line in lines[4:-1]:  # every quote inside an id or label is escaped: quotes pair up
        assert len(re.findall(r'(?<!\\)"', line.replace("\\\\", ""))) % 2 == 0, line


def test_dot_quote() -> None:
    assert dot_quote('a["k"]') == '"a[\\"k\\"]"'
    assert dot_quote("back\\slash\\") == '"back\\\\slash\\\\"'
    assert dot_quote("two\nlines\r\n") == '"two\\nlines\\n"'
    assert dot_quote("<html>label</html>") == '"<html>label</html>"'  # quoted: never an HTML label


def test_graph_export_reads_the_edges_the_graph_yields() -> None:
    class Plain:
        """A graph reduced to what the export reads: resources and `edges()`."""

        resources: list[Any] = []

        def edges(self) -> list[tuple[str, str, str, dict[str, str]]]:
            return [("b", "a", "bucket", {"via": "bucket", "by": "value"}),
                    ("c", "a", "key_id", {"via": "key_id", "by": "reference"})]

    assert edges(Plain()) == [Edge("b", "a", "bucket", "value"),  # type: ignore[arg-type]
                              Edge("c", "a", "key_id", "reference")]
    assert '"b" -> "a" [label="bucket", style=dashed];' in render_graph(Plain(), "dot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown graph format"):
        render_graph(Plain(), "svg")  # type: ignore[arg-type]


def test_dumps_indents_the_top_levels_and_keeps_each_item_on_one_line() -> None:
    import json

    from tfguard.report.common import dumps

    doc = {"summary": {"fail": 1}, "findings": [{"id": "TG101", "related": [{"a": "é\"x"}]}, {"id": "TG102"}],
           "empty": [], "none": None}
    text = dumps(doc, 2)
    assert json.loads(text) == doc
    assert text.splitlines() == [
        "{",
        '  "summary": {',
        '    "fail": 1',
        "  },",
        '  "findings": [',
        '    {"id": "TG101", "related": [{"a": "\\u00e9\\"x"}]},',
        '    {"id": "TG102"}',
        "  ],",
        '  "empty": [],',
        '  "none": null',
        "}",
    ]
