#!/usr/bin/env python3
"""The Terraform oracle: tfguard's HCL evaluation against real plans of the same configuration.

Two sets of targets:

- ``fixtures``: every fixture with a committed ``plan.json`` (made by
  scripts/gen_plans.py). No terraform needed. ``--update-accepted`` rewrites
  tests/data/oracle_fixtures.json, the accepted disagreements that
  tests/test_oracle.py holds the suite to (reasons already written are kept).
- ``ecosystem``: every ``examples/*`` folder of the repositories of
  scripts/ecosystem_repos.json in the cache, planned offline by terraform
  (oracle_plan.py; plans are cached under ``<cache>/oracle/``). Examples that
  cannot be planned offline are listed with the reason.

Usage::

    python scripts/oracle.py fixtures
    python scripts/oracle.py fixtures --update-accepted
    python scripts/oracle.py ecosystem --cache /path/to/cache --output oracle.json

What is compared, and the kinds of disagreement: see oracle_compare.py.
Standard library and tfguard only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle_compare import SERIOUS, Result, compare, load_hcl  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
ACCEPTED = REPO_ROOT / "tests" / "data" / "oracle_fixtures.json"


def fixture_dirs() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.rglob("plan.json"))


def compare_dir(directory: Path, plan_file: Path) -> Result:
    try:
        resources, _ = load_hcl(directory)
    except Exception as exc:  # noqa: BLE001 - an internal error of tfguard is a result here
        result = Result(error=f"tfguard: {type(exc).__name__}: {exc}")
        return result
    return compare(json.loads(plan_file.read_text(encoding="utf-8")), resources)


def run_fixtures() -> dict[str, Result]:
    return {d.relative_to(REPO_ROOT).as_posix(): compare_dir(d, d / "plan.json") for d in fixture_dirs()}


def run_ecosystem(args: argparse.Namespace) -> tuple[dict[str, Result], dict[str, dict[str, Any]]]:
    from ecosystem_cache import cache_dir, checkout, load_repos
    from gen_plans import resolve_plugin_dir
    from oracle_plan import OVERRIDE_FILE_NAME, plan_example

    cache = cache_dir(args.cache)
    repos = load_repos(only=args.repos)
    all_repos = load_repos()
    terraform = shutil.which(args.terraform) or args.terraform
    plugin_dir = resolve_plugin_dir(args.plugin_dir)
    jobs: list[tuple[str, Any, Path, str]] = []
    for repo in repos:
        root = checkout(repo, cache)
        if root is None or not (root / "examples").is_dir():
            continue
        for example in sorted(p for p in (root / "examples").iterdir() if p.is_dir() and any(p.glob("*.tf"))):
            jobs.append((f"{repo.name} examples/{example.name}", repo, root, f"examples/{example.name}"))

    def plan_one(job: tuple[str, Any, Path, str]) -> dict[str, Any]:
        start = time.monotonic()
        info = plan_example(job[1], job[2], job[3], all_repos, cache, terraform, plugin_dir, args.cached_only)
        print(f"{info['status']:11} {time.monotonic() - start:5.1f}s {job[0]} {info['reason'][:150]}", file=sys.stderr)
        return info

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        infos = list(pool.map(plan_one, jobs))
    results: dict[str, Result] = {}
    planned: dict[str, dict[str, Any]] = {}
    for (name, *_), info in zip(jobs, infos):
        planned[name] = info
        if info["status"] == "planned":
            work = Path(info["work"])
            hidden = work / OVERRIDE_FILE_NAME  # fake credentials only: tfguard reads the user's text
            if hidden.exists():
                hidden.rename(work / (OVERRIDE_FILE_NAME + ".oracle"))
            results[name] = compare_dir(work, work / "plan.json")
    return results, planned


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}% ({a}/{b})" if b else "n/a (0)"


def summary(results: dict[str, Result]) -> dict[str, Any]:
    total = Result()
    kinds: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for r in results.values():
        total.merge(r)
        kinds.update(d["kind"] for d in r.disagreements)
        groups.update(reason_group(d) for d in r.disagreements)
    return {"targets": len(results), "errors": sum(1 for r in results.values() if r.error),
            "addresses": pct(total.addresses_agree, total.addresses_plan),
            "configured_values": pct(total.configured_agree, total.configured),
            "configured_values_without_limits": pct(total.configured_agree, total.configured - total.limited),
            "other_values_tfguard_gives": pct(total.claimed_agree, total.claimed),
            "disagreements_by_kind": dict(kinds.most_common()), "disagreements_by_cause": dict(groups.most_common())}


def as_json(results: dict[str, Result]) -> dict[str, Any]:
    return {name: {"error": r.error, "addresses": [r.addresses_agree, r.addresses_plan],
                   "configured": [r.configured_agree, r.configured], "other": [r.claimed_agree, r.claimed],
                   "disagreements": r.disagreements} for name, r in sorted(results.items())}


def accepted_key(target: str, d: dict[str, Any]) -> tuple[str, str, str, str]:
    return (target, d["kind"], d["address"], d["path"])


def update_accepted(results: dict[str, Result]) -> None:
    old = json.loads(ACCEPTED.read_text(encoding="utf-8")) if ACCEPTED.exists() else {"accepted": []}
    reasons = {accepted_key(e["fixture"], e): e["reason"] for e in old["accepted"]}
    entries = []
    for target, r in sorted(results.items()):
        if r.error:
            raise SystemExit(f"error: {target}: {r.error}")
        for d in r.disagreements:
            key = accepted_key(target, d)
            entries.append({"fixture": target, "kind": d["kind"], "address": d["address"], "path": d["path"],
                            "plan": d["plan"], "tfguard": d["tfguard"], "reason": reasons.get(key) or default_reason(d)})
    doc = {"description": old.get("description", DESCRIPTION), "accepted": entries}
    ACCEPTED.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(entries)} accepted disagreements written to {ACCEPTED.relative_to(REPO_ROOT)}")


DESCRIPTION = ("Disagreements between tfguard's HCL evaluation and the committed real plans of the fixtures "
               "(scripts/oracle.py fixtures). tests/test_oracle.py fails on any other disagreement and on an "
               "entry that no longer occurs. Regenerate with: python scripts/oracle.py fixtures --update-accepted")


def default_reason(d: dict[str, Any]) -> str:
    return REASONS.get(reason_group(d), "to fix: not yet explained")


REASONS = {
    "policy document json": "to fix: a reference to data.aws_iam_policy_document.X.json is unknown, though its inputs are "
                            "known and Terraform renders it at plan time",
    "configured argument of another resource": "to fix: a configured argument of another resource is read as computed "
                                               "(CHECKS.md: configured arguments are known)",
    "type conversion": "to fix: the value does not take its argument's type (provider schema)",
    "data.aws_partition / aws_region": "to fix: data.aws_partition and data.aws_region are known from the provider "
                                       "configuration at plan time",
}


def reason_group(d: dict[str, Any]) -> str:
    """A short name for the likely cause of a disagreement, from its kind and tfguard's unknown reason."""
    ours, kind = str(d.get("tfguard")), d["kind"]
    if kind == "type":
        return "type conversion"
    if kind.startswith("unknown in tfguard"):
        if "aws_iam_policy_document" in ours:
            return "policy document json"
        if "data.aws_partition" in ours or "data.aws_region" in ours:
            return "data.aws_partition / aws_region"
        if "known only after apply" in ours and "data." not in ours:
            return "configured argument of another resource"
        if "for_each" in ours or "count" in ours:
            return "unknown count / for_each"
        return "other unknown"
    if kind == "missing address":
        return "missing address (" + ("unkeyed instance" if d.get("path") else "absent") + ")"
    return str(kind)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Compare tfguard's HCL evaluation with real terraform plans.")
    p.add_argument("what", choices=("fixtures", "ecosystem"))
    p.add_argument("--cache", help="ecosystem checkout cache (see ecosystem.py)")
    p.add_argument("--repos", nargs="*", help="only these repositories")
    p.add_argument("--terraform", default="terraform")
    p.add_argument("--cached-only", action="store_true", help="ecosystem: compare only examples already planned")
    p.add_argument("--jobs", "-j", type=int, default=2, help="examples planned in parallel (default 2)")
    p.add_argument("--plugin-dir", help="local provider directory (default: $TFGUARD_TF_PLUGIN_DIR or /opt/tf-plugins)")
    p.add_argument("--output", "-o", help="write every result and disagreement as JSON here")
    p.add_argument("--update-accepted", action="store_true", help="fixtures: rewrite tests/data/oracle_fixtures.json")
    p.add_argument("--show", type=int, default=30, help="disagreements printed (serious ones first)")
    args = p.parse_args(argv)
    planned: dict[str, dict[str, Any]] = {}
    if args.what == "fixtures":
        results = run_fixtures()
        if args.update_accepted:
            update_accepted(results)
    else:
        results, planned = run_ecosystem(args)
    report = {"summary": summary(results), "results": as_json(results),
              "unplannable": {k: v["reason"] for k, v in sorted(planned.items()) if v["status"] == "unplannable"},
              "not_planned": sorted(k for k, v in planned.items() if v["status"] == "not planned"),
              "stripped": {k: v["stripped"] for k, v in sorted(planned.items()) if v.get("stripped")}}
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report["summary"], indent=1))
    if report["unplannable"]:
        print(f"not plannable offline: {len(report['unplannable'])} of {len(planned)}")
    rows = [(t, d) for t, r in results.items() for d in r.disagreements]
    rows.sort(key=lambda x: (x[1]["kind"] not in SERIOUS, x[0]))
    for target, d in rows[:args.show]:
        print(f"{d['kind']}: {target} {d['address']} {d['path']}: plan {d['plan']!r} tfguard {d['tfguard']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
