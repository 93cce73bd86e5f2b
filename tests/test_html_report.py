"""The HTML report, read back through the standard library's parser: a header with
path, time, version and counts; a table of contents whose links resolve; the
findings first, most severe first, with their baseline state; the compliance view
after them, one collapsed <details> per framework listing only controls with results;
nothing executable, nothing loaded from elsewhere, hostile text escaped."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.test_reports_more import CHECKS, EACH, MAIN_TF, TLS_MESSAGE, _finding
from tfguard import __version__
from tfguard.check import Check
from tfguard.cli import main
from tfguard.compliance import FRAMEWORK_NAMES, FRAMEWORKS
from tfguard.model import Diagnostic, Entry, Location, Related, Report, Status
from tfguard.report import html as html_report
from tfguard.run import run
from tfguard.targets import Options

VOID = {"meta", "br", "col", "img", "input", "link", "hr", "wbr"}
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "nav", "main", "footer", "section",
                "h1", "h2", "h3", "p", "span", "strong", "a", "dl", "dt", "dd", "ol", "ul", "li", "time", "details",
                "summary", "div", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "code", "br"}
SPACED = {"br", "p", "li", "td", "th", "dt", "dd"}
CSP = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def raw(self) -> str:
        inner = "".join(c.raw() if isinstance(c, Node) else c for c in self.children)
        return f" {inner} " if self.tag in SPACED else inner

    def text(self) -> str:
        """What a reader sees, whitespace collapsed; a line break or a paragraph separates words."""
        return " ".join(self.raw().split())

    def walk(self) -> list[Node]:
        out = [self]
        for c in self.children:
            if isinstance(c, Node):
                out.extend(c.walk())
        return out

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.walk()[1:] if n.tag == tag and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str, **attrs: str) -> Node:
        [node] = self.find_all(tag, **attrs)
        return node

    def by_id(self, id_: str) -> Node:
        [node] = [n for n in self.walk() if n.attrs.get("id") == id_]
        return node

    def rows(self) -> list[list[str]]:
        """Each row's cells (th and td) as text; a <br> counts as a space."""
        return [[c.text() for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
                for tr in self.find_all("tr")]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.tags.append(tag)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID and self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(text: str) -> tuple[Node, list[str]]:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root, builder.tags


def meta(page: Node) -> dict[str, str]:
    dl = page.find("dl", **{"class": "meta"})
    terms = [n.text() for n in dl.find_all("dt")]
    return dict(zip(terms, [n.text() for n in dl.find_all("dd")]))


def finding_rows(page: Node) -> list[tuple[str, ...]]:
    """(severity group, cells...) for every finding, in page order."""
    out: list[tuple[str, ...]] = []
    for group in page.by_id("findings").find_all("section"):
        severity = group.attrs["id"].removeprefix("severity-")
        out.extend((severity, *row) for row in group.find("tbody").rows())
    return out


def check_self_contained(text: str) -> Node:
    page, tags = parse(text)
    assert text.startswith("<!DOCTYPE html>\n")
    assert set(tags) <= ALLOWED_TAGS and "script" not in tags and "<script" not in text.lower()
    attrs = [(k, v) for n in page.walk() for k, v in n.attrs.items()]
    assert not any(k in ("src", "action", "style") or k.startswith("on") for k, _ in attrs)
    assert all(v.startswith("#") for k, v in attrs if k == "href")  # links stay inside the page
    assert "://" not in text and "url(" not in text and "@import" not in text
    assert page.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"] == CSP
    ids = [n.attrs["id"] for n in page.walk() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    for link in page.find_all("a"):
        assert link.attrs["href"][1:] in ids  # every table-of-contents link resolves
    return page


# -- a small configuration with hostile text -------------------------------------------


@pytest.fixture()
def report(tmp_path: Path) -> Report:
    (tmp_path / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    (tmp_path / "broken.tf").write_text('resource "aws_kms_key" "t" {\n  description = "abc', encoding="utf-8")
    return run([tmp_path], Options(only=CHECKS))


def test_html_is_self_contained_and_escaped(report: Report) -> None:
    text = html_report.render(report, include_passed=True)
    check_self_contained(text)
    assert "TLS policy &lt;script&gt;alert(1)&lt;/script&gt;|`x`@team allows protocols older than TLS 1.2" in text
    assert "aws_s3_bucket.each[&#34;&lt;img src=x&gt;&#34;]" in text


def test_html_header_findings_and_problems(report: Report) -> None:
    page = check_self_contained(html_report.render(report))
    assert page.find("h1").text() == "tfguard report"
    assert meta(page) == {"Scanned": report.targets[0], "Time": report.started.replace("T", " ").replace("Z", " UTC"),
                          "Version": f"tfguard {__version__}", "Scope": "7 resources, 4 checks"}
    assert page.find("time").attrs["datetime"] == report.started
    assert page.by_id("summary").rows() == [
        ["Failing", "Unknown", "Passed", "Suppressed", "Input errors", "Warnings"],
        ["all", "critical", "high", "medium", "low"],
        ["3", "0", "1", "2", "0", "1", "2", "0", "1", "0"],
    ]
    fix = "Fix: Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy."
    assert finding_rows(page) == [
        ("high", "fail", "TG101 s3-encryption-configured", f"{EACH} main.tf:33",
         "no default encryption is configured for the bucket Fix: Add an aws_s3_bucket_server_side_encryption_"
         "configuration for the bucket with a rule that sets apply_server_side_encryption_by_default.sse_algorithm."),
        ("medium", "fail", "TG202 lb-tls-policy", "aws_lb_listener.web main.tf:9", f"{TLS_MESSAGE} {fix}"),
        ("medium", "fail", "TG601 s3-versioning", f"{EACH} main.tf:33",
         "versioning is not enabled for the bucket Fix: Add an aws_s3_bucket_versioning for the bucket with "
         'versioning_configuration { status = "Enabled" }.'),
        ("medium", "unknown", "TG301 kms-rotation", "aws_kms_key.k main.tf:4",
         "enable_key_rotation is not known statically: var.rotate has no value"),
    ]
    assert [h.text() for h in page.by_id("findings").find_all("h3")] == ["High · 1 failing", "Medium · 2 failing, 1 unknown"]
    assert page.by_id("input-problems").rows() == [["Severity", "Location", "Message"],
                                                   ["error", "broken.tf:2", "cannot parse: unexpected end of file"]]


def test_html_sections_order_contents_and_compliance(report: Report) -> None:
    page = check_self_contained(html_report.render(report))
    order = [n.attrs["id"] for n in page.walk() if n.tag in ("section", "details", "nav")]
    assert order == ["contents", "findings", "severity-high", "severity-medium", "input-problems", "compliance",
                     *(f"framework-{fw}" for fw in FRAMEWORKS)]
    assert [(a.attrs["href"], a.text()) for a in page.find("nav").find_all("a")] == [
        ("#findings", "Findings"), ("#severity-high", "High"), ("#severity-medium", "Medium"),
        ("#input-problems", "Input problems and warnings"), ("#compliance", "Compliance"),
        *((f"#framework-{fw}", FRAMEWORK_NAMES[fw]) for fw in FRAMEWORKS)]
    compliance = page.by_id("compliance")
    assert all("open" not in d.attrs for d in compliance.find_all("details"))  # collapsed
    assert [d.attrs["id"] for d in compliance.find_all("details")] == [f"framework-{fw}" for fw in FRAMEWORKS]
    overview = compliance.find("table", **{"class": "overview"}).rows()
    assert overview[0] == ["Framework", "Controls", "Failing", "Unknown", "Passing", "Suppressed only",
                           "Without results"]
    assert ["PCI DSS v4.0", "5", "3", "2", "0", "0", "0"] in overview
    pci = page.by_id("framework-pci-dss")
    assert pci.find("summary").text() == "PCI DSS v4.0 (pci-dss) 5 of 5 controls with results"
    assert pci.find("tbody").rows() == [
        ["3.5.1 fail", "TG101 s3-encryption-configured S3 bucket has default encryption configured",
         "1 fail, 1 pass", f"{EACH} main.tf:33"],
        ["3.6.1 unknown", "TG301 kms-rotation Symmetric KMS key rotates automatically", "1 unknown", ""],
        ["3.7.4 unknown", "TG301 kms-rotation Symmetric KMS key rotates automatically", "1 unknown", ""],
        ["4.2.1 fail", "TG202 lb-tls-policy Load balancer listener requires TLS 1.2 or later", "1 fail",
         "aws_lb_listener.web main.tf:9"],
        ["12.10.1 fail", "TG601 s3-versioning S3 bucket has versioning enabled", "1 fail, 1 pass",
         f"{EACH} main.tf:33"],
    ]
    assert pci.find_all("p") == []  # every control has results


def check(cid: str, controls: tuple[str, ...]) -> Check:
    return Check(id=cid, slug=cid.lower(), title="t", severity="low", resource_types=(), rationale="r",
                 remediation="f", evaluate=lambda ctx: iter(()), compliance={"nist-800-53": controls})


def test_html_control_status_and_order() -> None:
    report = Report(checks=[check("TG301", ("AU-12", "AU-2")), check("TG999", ("AU-2", "AU-9"))], findings=[
        _finding(Status.FAIL, address="aws_kms_key.<b>", suppressed=True, justification="<i>why</i>"),
        _finding(Status.PASS, address="aws_kms_key.ok"),
    ])
    [nist] = [s for s in html_report.frameworks(report) if s.id == "nist-800-53"]
    assert [c.control for c in nist.controls] == ["AU-2", "AU-9", "AU-12"]
    assert [(c.check.id, c.status) for c in nist.controls[0].checks] == [("TG301", "pass"), ("TG999", "none")]
    assert nist.controls[0].status == "pass" and nist.count("pass") == 2 and nist.count("none") == 1
    text = html_report.render(report)
    page = check_self_contained(text)
    assert "aws_kms_key.&lt;b&gt;" in text and "suppressed: &lt;i&gt;why&lt;/i&gt;" in text
    assert "<b>" not in text and "<i>" not in text
    rows = page.by_id("framework-nist-800-53").find("tbody").rows()
    assert rows == [["AU-2 pass also mapped, no results: TG999", "TG301 tg301 t", "1 pass, 1 suppressed",
                     "aws_kms_key.<b> main.tf:3 suppressed: <i>why</i>"],
                    ["AU-12 pass", "TG301 tg301 t", "1 pass, 1 suppressed",
                     "aws_kms_key.<b> main.tf:3 suppressed: <i>why</i>"]]
    assert page.by_id("framework-nist-800-53").find("p").text() == (
        "Without results (1; no resource their checks apply to): AU-9")
    overview = page.by_id("compliance").find("table", **{"class": "overview"}).rows()
    assert ["NIST SP 800-53 Rev. 5", "3", "0", "0", "2", "0", "1"] in overview
    assert ["HIPAA Security Rule", "No selected check maps to this framework."] in overview
    assert [d.attrs["id"] for d in page.find_all("details")] == ["framework-nist-800-53"]
    assert meta(page)["Scanned"] == "not recorded" and meta(page)["Time"] == "not recorded"
    assert html_report.natural_key("AU-2") < html_report.natural_key("AU-12")
    assert sorted(["10.2.1", "3.5.1", "3.10"], key=html_report.natural_key) == ["3.5.1", "3.10", "10.2.1"]


def test_html_orders_by_severity_then_status_then_baseline() -> None:
    def f(severity: str, status: Status, address: str, baseline: str = "", **kw: Any) -> Any:
        return _finding(status, address=address, severity=severity, baseline=baseline, **kw)

    report = Report(targets=["infra/prod", "infra/dev"], started="2026-12-07T17:00:00Z", findings=[
        f("low", Status.FAIL, "aws_kms_key.low", "new"),
        f("critical", Status.UNKNOWN, "aws_kms_key.crit_unknown", "new"),
        f("high", Status.FAIL, "aws_kms_key.high_old", "unchanged"),
        f("high", Status.FAIL, "aws_kms_key.high_new", "new"),
        f("high", Status.FAIL, "aws_kms_key.high_ok", "new", suppressed=True, justification="accepted"),
        f("critical", Status.FAIL, "aws_kms_key.crit", "new"),
        f("medium", Status.PASS, "aws_kms_key.pass", "new"),
    ], fixed=[Entry(".", "TG301", "aws_kms_key.gone", "fail", "fp")], diagnostics=[Diagnostic("a.tf", 1, "odd", "warning")])
    page = check_self_contained(html_report.render(report))
    assert [(r[0], r[1], r[2], r[4].split()[0]) for r in finding_rows(page)] == [
        ("critical", "fail", "new", "aws_kms_key.crit"),
        ("critical", "unknown", "new", "aws_kms_key.crit_unknown"),
        ("high", "fail", "new", "aws_kms_key.high_new"),
        ("high", "fail", "baselined", "aws_kms_key.high_old"),
        ("high", "suppressed", "new", "aws_kms_key.high_ok"),
        ("low", "fail", "new", "aws_kms_key.low"),
    ]
    assert page.by_id("findings").find_all("thead")[0].rows()[0][:2] == ["Status", "Baseline"]
    assert meta(page)["Scanned"] == "infra/prod, infra/dev"
    assert meta(page)["Time"] == "2026-12-07 17:00:00 UTC"
    assert page.by_id("summary").rows() == [
        ["Failing", "Baseline", "Unknown", "Passed", "Suppressed", "Input errors", "Warnings"],
        ["all", "critical", "high", "medium", "low", "new", "baselined", "fixed"],
        ["4", "1", "2", "0", "1", "3", "1", "1", "1", "1", "1", "0", "1"],
    ]
    assert [h.text() for h in page.by_id("findings").find_all("h3")] == [
        "Critical · 1 failing (1 new), 1 unknown", "High · 2 failing (1 new), 1 suppressed", "Low · 1 failing (1 new)"]
    assert page.by_id("fixed").find("li").text() == "TG301 aws_kms_key.gone"
    assert page.by_id("input-problems").find("h2").text() == "Input problems and warnings"
    assert page.by_id("input-problems").rows() == [["Severity", "Location", "Message"], ["warning", "a.tf:1", "odd"]]
    assert [a.attrs["href"] for a in page.find("nav").find_all("a")][:6] == [
        "#findings", "#severity-critical", "#severity-high", "#severity-low", "#input-problems", "#fixed"]


def test_html_names_where_a_deciding_value_passed_through() -> None:
    """The caller's line is the location; the module's lines it passed through follow as
    "via"; resources that merely explain the finding (a KMS key) are left to the message."""
    finding = _finding(Status.FAIL, address="module.app.aws_db_instance.this", location=Location("main.tf", 6, 6),
                       related=(Related("module.app.aws_db_instance.this", Location("modules/db/main.tf", 23, 23),
                                        "storage_encrypted", provenance=True),
                                Related("aws_kms_key.k", Location("kms.tf", 1, 3), "key")))
    page = check_self_contained(html_report.render(Report(findings=[finding])))
    assert [r[3] for r in finding_rows(page)] == ["module.app.aws_db_instance.this main.tf:6 via modules/db/main.tf:23"]


# -- end to end ------------------------------------------------------------------------


def test_demo_report_with_a_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The team accepted the demo's S3 and load balancer findings; kms.tf came later: its
    two failures are new (exit 1) and listed first in their severity, the rest baselined."""
    accepted = tmp_path / "accepted" / "demo"
    shutil.copytree(FIXTURES / "demo", accepted, ignore=shutil.ignore_patterns("kms.tf", "plan.json"))
    shutil.copytree(FIXTURES / "demo", tmp_path / "demo", ignore=shutil.ignore_patterns("plan.json"))
    monkeypatch.chdir(tmp_path / "accepted")
    assert main(["baseline", "create", "demo", "-o", str(tmp_path / "baseline.json")]) == 0
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "report.html"
    assert main(["check", "demo", "-f", "html", "-o", str(out), "--baseline", "baseline.json"]) == 1
    page = check_self_contained(out.read_text(encoding="utf-8"))
    assert meta(page)["Scanned"] == "demo"
    assert [(r[0], r[1], r[2], r[3].split()[0], r[4].split()[0]) for r in finding_rows(page)] == [
        ("critical", "fail", "new", "TG302", "aws_kms_key.records"),
        ("high", "fail", "baselined", "TG201", "aws_lb_listener.http"),
        ("high", "fail", "baselined", "TG101", "aws_s3_bucket.patient_records"),
        ("high", "fail", "baselined", "TG230", "aws_s3_bucket.patient_records"),
        ("high", "fail", "baselined", "TG403", "aws_s3_bucket.patient_records"),
        ("medium", "fail", "new", "TG301", "aws_kms_key.records"),
        ("medium", "fail", "baselined", "TG507", "account"),
        ("medium", "fail", "baselined", "TG508", "aws_s3_bucket.patient_records"),
        ("medium", "fail", "baselined", "TG601", "aws_s3_bucket.patient_records"),
        ("medium", "fail", "baselined", "TG603", "aws_s3_bucket.patient_records"),
    ]
    assert page.by_id("summary").rows()[2][:9] == ["10", "1", "4", "5", "0", "2", "8", "0", "0"]
    assert [h.text() for h in page.by_id("findings").find_all("h3")] == [
        "Critical · 1 failing (1 new)", "High · 4 failing (0 new)", "Medium · 5 failing (1 new)"]
    assert page.by_id("findings").find_all("p")[0].text() == "3 passed results not listed (--include-passed lists them)."


def test_two_roots_sharing_a_module_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """envs/dev's accepted finding and envs/prod's regression share the module's address and
    line: the report tells them apart by root module, and only prod's is new."""
    tree = tmp_path / "two_envs"
    shutil.copytree(FIXTURES / "roots" / "two_envs", tree, ignore=shutil.ignore_patterns("plan.json"))
    monkeypatch.chdir(tree)
    assert main(["baseline", "create", ".", "-o", "baseline.json"]) == 0
    prod = tree / "envs" / "prod" / "main.tf"
    prod.write_text(prod.read_text(encoding="utf-8").replace('"production"', '"sandbox"'), encoding="utf-8")
    assert main(["check", ".", "--checks", "TG301", "-f", "html", "-o", "r.html", "--baseline", "baseline.json"]) == 1
    page = check_self_contained((tree / "r.html").read_text(encoding="utf-8"))
    assert meta(page)["Scope"] == "2 resources in 2 root modules, 1 check"
    assert [r[:5] for r in finding_rows(page)] == [
        ("medium", "fail", "new", "TG301 kms-rotation",
         "module.key.aws_kms_key.this modules/key/main.tf:9 root module envs/prod"),
        ("medium", "fail", "baselined", "TG301 kms-rotation",
         "module.key.aws_kms_key.this modules/key/main.tf:9 root module envs/dev"),
    ]
    [row] = [r for r in page.by_id("framework-pci-dss").find("tbody").rows() if r[0] == "3.6.1 fail"]
    assert row[-1] == "module.key.aws_kms_key.this modules/key/main.tf:9 in envs/dev " \
                      "module.key.aws_kms_key.this modules/key/main.tf:9 in envs/prod"
