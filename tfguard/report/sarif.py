"""SARIF 2.1.0 shaped for GitHub code scanning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tfguard import __version__
from tfguard.compliance import tags as compliance_tags
from tfguard.docs import render_check
from tfguard.model import ACCOUNT, ANY_RESOURCE, CheckInfo, Finding, Location, Report, Status
from tfguard.report.common import dumps

MAX_TAGS = 20
MAX_RESULTS = 25_000
MAX_SNIPPET = 2_000  # characters: a longer region (a large policy document) goes without its text
MAX_SNIPPETS = 2_000_000  # characters in all: snippets never bring a large scan near GitHub's 10 MB
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
INFO_URI = "https://github.com/tfguard/tfguard"


def _service(check: CheckInfo) -> list[str]:
    """The AWS service of the check's first declared type (`aws_s3_bucket`: s3), `account` for
    account-level checks, none for a check on any resource."""
    first = check.resource_types[0] if check.resource_types else ACCOUNT
    if first == ANY_RESOURCE:
        return []
    parts = first.removeprefix("data.").split("_")
    return [parts[1]] if first != ACCOUNT and len(parts) > 1 else [ACCOUNT]


def _rule(check: CheckInfo) -> dict[str, Any]:
    # GitHub accepts at most 20 tags per rule (and shows 10): the general ones first.
    tags = ["security", "terraform", *_service(check), *compliance_tags(check.compliance)][:MAX_TAGS]
    rule: dict[str, Any] = {
        "id": check.id,
        "name": check.slug,
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.rationale},
        "help": {"text": f"{check.rationale} Remediation: {check.remediation}", "markdown": render_check(check)},
        "defaultConfiguration": {"level": LEVELS[check.severity]},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[check.severity],
                       "precision": "high", "severity": check.severity},
    }
    builtin = check.id.startswith("TG") and check.id[2:].isdigit()
    rule["helpUri"] = (f"{INFO_URI}/blob/main/docs/checks/{check.id}.md" if builtin or not check.references
                       else check.references[0])
    return rule


def _physical(loc: Location | None) -> dict[str, Any]:
    if loc is None:
        return {}
    return {"physicalLocation": {
        "artifactLocation": {"uri": loc.file, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": max(loc.start_line, 1), "endLine": max(loc.end_line, loc.start_line, 1)},
    }}


# A comparison with the prior state or a base revision decides baselineState; without one,
# a --baseline file does. Resolved findings are results of the base: "absent".
STATES = {"introduced": "new", "existing": "unchanged"}


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    level = "note" if f.status is Status.UNKNOWN else LEVELS[f.severity]
    kind = "account" if f.address == "account" else "resource"
    location = {**_physical(f.location),
                "logicalLocations": [{"fullyQualifiedName": f.address, "kind": kind}]}
    linked = [(i, r) for i, r in enumerate(f.related, 1) if r.location is not None]
    # GitHub links related locations only from `[text](id)` in the message.
    see = "; ".join(f"[{r.address}]({i})" for i, r in linked)
    result: dict[str, Any] = {
        "ruleId": f.check_id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": f"{f.address}: {f.message}" + (f" (see {see})" if see else "")},
        "locations": [location],
        # Our fingerprint (check id, root module, address, attribute) as GitHub's primary key
        # too: alerts then survive moved lines and stay apart for count/for_each instances
        # and for the roots that call one module.
        "partialFingerprints": {"tfguard/v2": f.fingerprint, "primaryLocationLineHash": f.fingerprint},
        "properties": {"status": f.status.value, "severity": f.severity,
                       "security-severity": SECURITY_SEVERITY[f.severity], "root": f.root},
    }
    related = [{"id": i, "message": {"text": r.address}, **_physical(r.location)} for i, r in linked]
    if related:
        result["relatedLocations"] = related
    if f.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": f.justification}]
    if state := STATES.get(f.change) or f.baseline:
        result["baselineState"] = state
    return result


def _absent(f: Finding, rule_index: int) -> dict[str, Any]:
    """A finding of the base that is gone. It passes now: kind "pass" (whose level must be
    "none"), so that a consumer that reads `kind` but not `baselineState` shows no failure."""
    result = _result(f, rule_index)
    result.update(kind="pass", level="none", baselineState="absent")
    return result


def _reported(report: Report) -> list[Finding]:
    known = {c.id for c in report.checks}
    return [f for f in report.findings if f.status is not Status.PASS and f.check_id in known]


def _resolved(report: Report) -> list[Finding]:
    known = {c.id for c in report.checks}
    return [f for f in report.resolved if f.check_id in known]


def overflow(report: Report) -> str | None:
    """What the SARIF report leaves out to stay within GitHub's limit, or None."""
    count = len(_reported(report)) + len(_resolved(report))
    if count <= MAX_RESULTS:
        return None
    return (f"SARIF holds only the {MAX_RESULTS:,} most severe of {count:,} results (GitHub's limit per run); "
            "narrow the scan with --checks, --skip-checks or --framework, or scan in parts")


def _name_roots(results: list[dict[str, Any]]) -> None:
    """With several roots, each message names its root: the alerts of two roots that call one
    module are otherwise alike on GitHub (same file, line and text)."""
    if len({r["properties"]["root"] for r in results}) < 2:
        return
    for result in results:
        text, address = result["message"]["text"], result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        if text.startswith(f"{address}: "):
            result["message"]["text"] = f"{address} (root module {result['properties']['root']}): {text[len(address) + 2:]}"


def _nest_in_roots(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """run.logicalLocations: each root module (kind `module`), then each resource of a result
    with its root as parent. A result's logical location becomes a copy of its cached one
    with `index`, as SARIF requires when the run caches it (3.33.3)."""
    cached: list[dict[str, Any]] = []
    index: dict[tuple[str, ...], int] = {}

    def cache(key: tuple[str, ...], logical: dict[str, Any]) -> int:
        if key not in index:
            index[key] = len(cached)
            cached.append(logical)
        return index[key]

    for result in results:
        root = result["properties"]["root"]
        own = result["locations"][0]["logicalLocations"][0]
        parent = cache(("module", root), {"name": root, "fullyQualifiedName": root, "kind": "module"})
        nested = {**own, "parentIndex": parent}
        i = cache(("resource", root, own["fullyQualifiedName"], own["kind"]), nested)
        result["locations"][0]["logicalLocations"][0] = {"index": i, **nested}
    return cached


def render(report: Report, include_passed: bool = False) -> str:
    index = {c.id: i for i, c in enumerate(report.checks)}
    results = [_result(f, index[f.check_id]) for f in _reported(report)]
    # GitHub rejects runs of more than 25,000 results: keep the most severe, and say so.
    results.sort(key=lambda r: (r["properties"]["status"] != "fail", -float(r["properties"]["security-severity"])))
    results += [_absent(f, index[f.check_id]) for f in _resolved(report)]  # the current results first
    results = results[:MAX_RESULTS]
    _add_snippets(results, report.location_roots)
    _name_roots(results)
    logical = _nest_in_roots(results)
    notifications = [
        {"level": "error" if d.severity == "error" else "warning", "message": {"text": d.message},
         **({"locations": [_physical(Location(d.file, d.line, d.line))]} if d.file else {})}  # --var: no file
        for d in report.diagnostics
    ]
    dropped = overflow(report)
    if dropped:
        notifications.append({"level": "warning", "message": {"text": dropped}})
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "tfguard", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFO_URI, "rules": [_rule(c) for c in report.checks]}},
        "results": results,
        **_provenance(report.location_roots[0] if report.location_roots else Path.cwd()),
        "logicalLocations": logical,
        # Input errors mean some of the input was not analysed: not a successful execution.
        "invocations": [{"executionSuccessful": not any(d.severity == "error" for d in report.diagnostics),
                         "toolExecutionNotifications": notifications}],
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return dumps(doc, 4)  # one result per line


def _add_snippets(results: list[dict[str, Any]], roots: list[Path]) -> None:
    """Each primary region's source text, for viewers that do not have the files."""
    from tfguard.report.sources import Sources

    sources = Sources(roots)
    budget = MAX_SNIPPETS
    for result in results:
        physical = result["locations"][0].get("physicalLocation")
        if physical is None:
            continue
        region = physical["region"]
        text = sources.text(physical["artifactLocation"]["uri"], region["startLine"], region["endLine"])
        if text is not None and text.strip() and len(text) <= min(MAX_SNIPPET, budget):
            region["snippet"] = {"text": text}
            budget -= len(text)


def _provenance(base: Path) -> dict[str, Any]:
    """Which commit of which repository the results are about, when `base` (what locations are
    relative to) is in a Git work tree with a remote "origin"; read from files, nothing is run."""
    from urllib.parse import quote

    from tfguard.vcs import find_repository

    repo = find_repository(base)
    if repo is None or repo.url is None:
        return {}  # a repositoryUri is required, and a local path is not one to publish
    details: dict[str, Any] = {"repositoryUri": repo.url}
    if repo.commit:
        details["revisionId"] = repo.commit
    if repo.branch:
        details["branch"] = repo.branch
    inside = base.resolve().relative_to(repo.root).as_posix()
    if inside == ".":
        details["mappedTo"] = {"uriBaseId": "%SRCROOT%"}
        return {"versionControlProvenance": [details]}
    # Scanned from a folder of the repository: %SRCROOT% is that folder of the repository's root.
    details["mappedTo"] = {"uriBaseId": "REPO_ROOT"}
    return {"versionControlProvenance": [details],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": quote(inside) + "/", "uriBaseId": "REPO_ROOT"}}}
