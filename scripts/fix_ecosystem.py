#!/usr/bin/env python3
"""Run `tfguard fix` over the pinned public repositories and check what it did.

For every target of scripts/ecosystem.py (a repository's root and each
``examples/*`` folder) the repository is copied to a temporary folder and fixed
there twice: safe fixes, then ``--unsafe-fixes`` on the result. After each pass:

* the re-scan (same options) shows no FAIL left for a fixed (check, address),
  and no (check, address) open that was not open before the fix (except the
  findings a fix uncovers by design, tfguard.fix.rules.UNCOVERS);
* a second fix run makes no edit;
* ``terraform fmt -check`` passes on every edited file (compared with the
  file before the fix: a file that was not formatted before is counted apart);
* ``terraform validate`` of every touched root passes where it passed before
  the fix (offline: ``terraform init -backend=false -plugin-dir /opt/tf-plugins``;
  a root that needs another provider or a remote module cannot be initialised
  offline and is counted apart, with the reason).

Output: a JSON file of every target and a Markdown summary (fixes per check,
refusals per reason, needs --unsafe-fixes, verification rejections, validate
and fmt before/after, median time per target). Standard library and tfguard
(this checkout) only; the repositories are never copied into this one.

Usage::

    TFGUARD_ECOSYSTEM_CACHE=/work/eco-cache python scripts/fix_ecosystem.py -o fix.json --markdown fix.md
    python scripts/fix_ecosystem.py --repos terragoat s3-bucket -j 1
    TFGUARD_SRC=/path/to/older/checkout python scripts/fix_ecosystem.py -o before.json
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# This checkout's tfguard, or another one's ($TFGUARD_SRC: to measure an older version).
sys.path.insert(0, os.environ.get("TFGUARD_SRC") or str(HERE.parent))

from ecosystem import diagnostic_kind, targets  # noqa: E402
from ecosystem_cache import Repo, cache_dir, checkout, load_repos  # noqa: E402

PLUGIN_DIR = os.environ.get("TFGUARD_PLUGIN_DIR", "/opt/tf-plugins")
TIMEOUT = 900
TF_TIMEOUT = 300
Key = tuple[str, str, str]


# -- terraform -----------------------------------------------------------------------------
def _terraform(args: list[str], cwd: Path, data_dir: Path | None = None,
               stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    if data_dir is not None:
        env["TF_DATA_DIR"] = str(data_dir)  # keeps .terraform out of the tree tfguard scans
    try:
        return subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True,
                              input=stdin, timeout=TF_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", f"terraform {args[0]} timed out")


_NEEDS_PROVIDER = re.compile(r'provider registry\.terraform\.io/([\w-]+/[\w-]+)|'
                             r'Failed to query available provider packages.*?provider\s+([\w./-]+)', re.S)


def _init_reason(stderr: str) -> str:
    """Why a root cannot be initialised offline, without its particulars."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    if "Failed to download module" in text or "Module not found" in text or "registry.terraform.io/v1/modules" in text \
            or "Failed to resolve" in text and "module" in text.lower():
        return "needs a remote module"
    found = {p.removeprefix("registry.terraform.io/") for m in _NEEDS_PROVIDER.finditer(text) for p in m.groups() if p}
    providers = sorted(found - {"hashicorp/aws"})
    if providers:
        return "needs a provider not available offline: " + ", ".join(providers)
    if "Failed to query available provider packages" in text or "locked provider" in text:
        return "needs another version of hashicorp/aws or another provider"
    errors = [line.strip(" │╷╵") for line in text.splitlines() if line.strip(" │╷╵").startswith("Error:")]
    if errors and "problems during initialisation" in errors[0]:
        # Terraform will not initialise a configuration it cannot decode (e.g. 0.11 syntax).
        return "the configuration is invalid for this Terraform: " + diagnostic_kind(
            errors[1] if len(errors) > 1 else errors[0])
    return "init failed: " + diagnostic_kind(errors[0] if errors else text.strip()[:100])


class Validator:
    """`terraform validate` of roots in one copy, each initialised once (offline).

    A root that cannot be initialised as it is (a remote module, a utility provider, a
    hashicorp/aws 6.x constraint) is validated in an adapted copy, adapted as
    scripts/oracle_plan.py adapts an example to plan it offline: provider version
    constraints dropped, random/null/time resources stood in for by terraform_data,
    remote modules whose repository is in the cache wired in. The same adaptation is
    made before and after a fix, so the two are comparable."""

    def __init__(self, work: Path, repos: list[Repo], cache: Path) -> None:
        self.work, self.repos, self.cache = work, repos, cache
        self.inited: dict[Path, str] = {}  # root -> "" or why it cannot be initialised as it is
        self.count = 0

    def validate(self, copy: Path, root: Path) -> dict[str, Any]:
        data = self.work / "tfdata" / str(abs(hash(root)))
        if root not in self.inited:
            proc = _terraform(["init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={PLUGIN_DIR}"],
                              root, data)
            self.inited[root] = "" if proc.returncode == 0 else _init_reason(proc.stderr + proc.stdout)
        if not self.inited[root]:
            return dict(_validate(root, data), mode="as is")
        return self._adapted(copy, root, self.inited[root])

    def _adapted(self, copy: Path, root: Path, why: str) -> dict[str, Any]:
        from oracle_plan import Unplannable, relax_provider_versions, wire_modules

        self.count += 1
        work = self.work / f"adapted-{self.count}"
        shutil.copytree(copy, work, symlinks=True, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"))
        try:
            relax_provider_versions(work)
            stubbed = stub_remote_modules(work, self.repos, self.cache)
            example = work / root.relative_to(copy)
            entries = wire_modules(example, work, self.repos, self.cache)
        except (Unplannable, OSError) as exc:
            shutil.rmtree(work, ignore_errors=True)
            return {"status": "no-init", "why": f"{why}; adapted: {diagnostic_kind(str(exc))}"}
        manifest = example / ".terraform" / "modules" / "modules.json"
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"Modules": entries}), encoding="utf-8")
        proc = _terraform(["init", "-backend=false", "-get=false", "-input=false", "-no-color",
                           f"-plugin-dir={PLUGIN_DIR}"], example)
        if proc.returncode != 0:
            result = {"status": "no-init", "why": f"{why}; adapted: {_init_reason(proc.stderr + proc.stdout)}"}
        else:
            result = dict(_validate(example, None), mode="adapted, remote modules stubbed" if stubbed else "adapted")
        shutil.rmtree(work, ignore_errors=True)
        return result


_MODULE_BLOCK = re.compile(r'^\s*module\s+"([^"]+)"\s*\{', re.MULTILINE)
_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]*)"', re.MULTILINE)
_NOT_INPUTS = {"source", "version", "count", "for_each", "depends_on", "providers"}


def stub_remote_modules(work: Path, repos: list[Repo], cache: Path) -> int:
    """Stand in for every remote module call that is not in the cache: a local module taking
    any argument the call gives and giving every output the folder reads, each unknown (the
    output of a terraform_data), so that the caller is validated as it is. How many."""
    from oracle_plan import _block_body, cached_module

    count = 0
    for tf in sorted(work.rglob("*.tf")):
        if ".terraform" in tf.parts:
            continue
        text = tf.read_text(encoding="utf-8", errors="replace")
        folder = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in tf.parent.glob("*.tf"))
        out, pos = [], 0
        for m in _MODULE_BLOCK.finditer(text):
            body = _block_body(text, m.end())
            src = _SOURCE.search(body)
            if src is None or src.group(1).startswith(("./", "../")) or cached_module(src.group(1), repos, cache):
                continue
            name = m.group(1)
            inputs = set(re.findall(r"^\s*([A-Za-z_][\w-]*)\s*=", body, re.MULTILINE)) - _NOT_INPUTS
            outputs = set(re.findall(rf"\bmodule\.{re.escape(name)}(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)", folder))
            stub = tf.parent / f".stub-{name}"
            stub.mkdir(exist_ok=True)
            (stub / "main.tf").write_text(
                "".join(f'variable "{v}" {{\n  default = null\n}}\n\n' for v in sorted(inputs))
                + 'resource "terraform_data" "stub" {}\n\n'
                + "".join(f'output "{o}" {{\n  value = terraform_data.stub.output\n}}\n\n' for o in sorted(outputs)),
                encoding="utf-8")
            local = body[:src.start(1)] + f"./.stub-{name}" + body[src.end(1):]
            out += [text[pos:m.end()], re.sub(r'(?m)^\s*version\s*=\s*"[^"]*"\s*$', "", local)]
            pos = m.end() + len(body)
            count += 1
        if out:
            tf.write_text("".join(out) + text[pos:], encoding="utf-8")
    return count


def _validate(root: Path, data: Path | None) -> dict[str, Any]:
    proc = _terraform(["validate", "-json", "-no-color"], root, data)
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"status": "error", "errors": [(proc.stderr.strip().splitlines() or ["no output"])[-1]]}
    # The detail's start only: Terraform names the first mismatching attribute of a map in
    # no fixed order, so the same error can end differently from one run to the next.
    errors = [f"{d.get('summary')}: {d.get('detail', '')[:90]}" for d in doc.get("diagnostics", [])
              if d.get("severity") == "error"]
    return {"status": "valid" if doc.get("valid") else "invalid", "errors": errors}


def _fmt_off(text: str, cwd: Path) -> int:
    """How many lines `terraform fmt` would change (-1: it cannot format the file). A file that
    was not formatted before a fix is judged by whether the fix added to that count."""
    proc = _terraform(["fmt", "-"], cwd, stdin=text)
    if proc.returncode != 0:
        return -1
    import difflib

    return sum(1 for line in difflib.unified_diff(text.splitlines(), proc.stdout.splitlines(), lineterm="", n=0)
               if line.startswith("-") and not line.startswith("---"))


# -- one target ----------------------------------------------------------------------------
def _open(report: Any) -> set[Key]:
    from tfguard.model import Status

    return {(f.root, f.check_id, f.address) for f in report.findings if f.status is not Status.PASS and not f.suppressed}


def _failing(report: Any) -> set[Key]:
    from tfguard.model import Status

    return {(f.root, f.check_id, f.address) for f in report.findings if f.status is Status.FAIL and not f.suppressed}


def _roots(outcome: Any, copy: Path) -> set[Path]:
    """The roots a pass touched: those of its fixed findings, and the folder of each edited file."""
    roots = {(copy / k[0]).resolve() for k in outcome.fixed if not k[0].endswith(".json")}
    roots |= {p.parent for p in outcome.texts}
    return {r for r in roots if r.is_dir()}


def _pass(paths: list[Path], options: Any, copy: Path, unsafe: bool, open0: set[Key], fixed_before: set[Key],
          validator: Validator, valid_before: dict[str, Any]) -> tuple[dict[str, Any], set[Key]]:
    from tfguard.fix.engine import fix, write
    from tfguard.fix.rules import UNCOVERS
    from tfguard.run import run

    rec: dict[str, Any] = {}
    outcome = fix(paths, options, frozenset(), unsafe)
    rec["fixed"] = sorted(f"{k[1]} {k[2]}" for k in outcome.fixed)
    rec["fixed_by_check"] = dict(Counter(k[1] for k in outcome.fixed))
    rec["refused"] = sorted({f"{f.check_id} {f.address}: {why}" for f, why in outcome.refused.values()})
    rec["refused_kinds"] = dict(Counter(f"{f.check_id}: {diagnostic_kind(why)}" for f, why in outcome.refused.values()))
    rec["needs_unsafe"] = dict(Counter(f.check_id for f, _ in outcome.unsafe.values()))
    rec["rejected"] = list(outcome.rejected)
    rec["internal"] = [str(d) for d in outcome.diagnostics if d.internal]
    rec["files"] = sorted(os.path.relpath(p, copy) for p in outcome.texts)
    if not outcome.texts:
        return rec, set(outcome.fixed)
    roots = _roots(outcome, copy)
    for root in sorted(roots):
        name = os.path.relpath(root, copy)
        if name not in valid_before:  # untouched so far: as the repository has it
            valid_before[name] = validator.validate(copy, root)
    rec["fmt_before"] = {os.path.relpath(p, copy): _fmt_off(b, p.parent) for p, (b, _) in outcome.texts.items()}
    write(outcome)
    rec["fmt_after"] = {os.path.relpath(p, copy): _fmt_off(a, p.parent) for p, (_, a) in outcome.texts.items()}
    rec["validate"] = {os.path.relpath(r, copy): {"before": valid_before[os.path.relpath(r, copy)],
                                                  "after": validator.validate(copy, r)} for r in sorted(roots)}
    # The re-scan: every fixed finding gone, nothing new open.
    fixed = fixed_before | set(outcome.fixed)
    after = run(paths, options)
    # As the fix's own verification: a finding held back while another was open (TG102 while
    # TG101 fails) may come out on a resource where that one is gone.
    allowed = {(r, u, a) for (r, c, a) in open0 - _open(after) for u in UNCOVERS.get(c, ())}
    rec["still_failing"] = sorted(f"{k[1]} {k[2]} ({k[0]})" for k in fixed & _failing(after))
    rec["new_open"] = sorted(f"{k[1]} {k[2]} ({k[0]})" for k in _open(after) - open0 - allowed)
    again = fix(paths, options, frozenset(), unsafe)
    rec["second_run_edits"] = sorted(os.path.relpath(p, copy) for p in again.texts)
    return rec, fixed


def _alarm(signum: int, frame: Any) -> None:
    raise TimeoutError(f"target took more than {TIMEOUT}s")


def run_target(repo_name: str, source: str, target: str, tmp: str, cache: str) -> dict[str, Any]:
    """Fix one target in a fresh copy of its repository (in a worker process: chdir is ours)."""
    from tfguard.options import build
    from tfguard.run import run

    start = time.monotonic()
    rec: dict[str, Any] = {"repo": repo_name, "target": target}
    work = Path(tempfile.mkdtemp(dir=tmp, prefix="fix-"))
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        copy = work / "repo"
        # Lock files pin provider versions the offline plugin folder may not have; tfguard reads none.
        shutil.copytree(source, copy, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", ".terraform", ".terraform.lock.hcl"))
        os.chdir(copy)
        paths = [Path(target)]
        options = build(paths, {"allow_outside_root": target != "."}).options
        before = run(paths, options)
        open0 = _open(before)
        rec["open_before"] = len(open0)
        validator = Validator(work, load_repos(), Path(cache))
        valid_before: dict[str, Any] = {}
        fixed: set[Key] = set()
        for name, unsafe in (("safe", False), ("unsafe", True)):
            rec[name], fixed = _pass(paths, options, copy, unsafe, open0, fixed, validator, valid_before)
    except Exception as exc:  # a crash is a finding of this run, with its traceback
        rec["crash"] = f"{type(exc).__name__}: {exc}"
        rec["traceback"] = traceback.format_exc()[-3000:]
    finally:
        signal.alarm(0)
        os.chdir(tmp)
        shutil.rmtree(work, ignore_errors=True)
    rec["seconds"] = round(time.monotonic() - start, 2)
    return rec


# -- the summary ---------------------------------------------------------------------------
def _new_errors(v: dict[str, Any]) -> list[str]:
    """The validate errors after a fix that were not there before (each counted)."""
    return list((Counter(v["after"].get("errors", [])) - Counter(v["before"].get("errors", []))).elements())


def _problems(rec: dict[str, Any]) -> list[str]:
    """What this target shows wrong with the fixes (empty when all holds)."""
    out = [f"crash: {rec['crash']}"] if "crash" in rec else []
    for name in ("safe", "unsafe"):
        p = rec.get(name) or {}
        out += [f"{name}: internal: {x}" for x in p.get("internal", [])]
        out += [f"{name}: still failing: {x}" for x in p.get("still_failing", [])]
        out += [f"{name}: new finding: {x}" for x in p.get("new_open", [])]
        out += [f"{name}: second run edits {x}" for x in p.get("second_run_edits", [])]
        # A file terraform fmt already changes is judged in the summary only: an edit follows
        # the block's own (unformatted) indentation.
        out += [f"{name}: terraform fmt would change {n} lines of {f}, formatted before"
                for f, n in p.get("fmt_after", {}).items() if n != 0 and p["fmt_before"][f] == 0]
        for root, v in p.get("validate", {}).items():
            new = _new_errors(v)
            if new or v["after"]["status"] != v["before"]["status"]:
                out.append(f"{name}: terraform validate of {root}: {v['before']['status']} before, "
                           f"{v['after']['status']} after: {new[:3]}")
    return out


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    s: dict[str, Any] = {"targets": len(results), "crashes": sum("crash" in r for r in results)}
    for name in ("safe", "unsafe"):
        passes = [r[name] for r in results if name in r]
        fixed: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        unsafe: Counter[str] = Counter()
        for p in passes:
            fixed.update(p["fixed_by_check"])
            refused.update(p["refused_kinds"])
            unsafe.update(p["needs_unsafe"])
        val: Counter[str] = Counter()
        why: Counter[str] = Counter()
        fmt: Counter[str] = Counter()
        for p in passes:
            for v in p.get("validate", {}).values():
                mode = f", {v['before']['mode']}" if "mode" in v["before"] else ""
                new = len(_new_errors(v))
                same = "" if v["before"]["status"] == "no-init" else f" ({new or 'no'} new errors{mode})"
                val[f"{v['before']['status']} -> {v['after']['status']}{same}"] += 1
                if v["before"]["status"] == "no-init":
                    why[v["before"]["why"]] += 1
            for f, n in p.get("fmt_after", {}).items():
                was = p["fmt_before"][f]
                fmt["formatted -> formatted" if was == n == 0 else
                    "not formatted before, as far off after" if was == n else
                    f"{'formatted' if was == 0 else 'not formatted'} -> {n} lines off (was {was})"] += 1
        s[name] = {"targets_edited": sum(bool(p["files"]) for p in passes),
                   "files_edited": sum(len(p["files"]) for p in passes),
                   "fixed": sum(fixed.values()), "fixed_by_check": dict(sorted(fixed.items())),
                   "refused": dict(refused.most_common()), "needs_unsafe": dict(sorted(unsafe.items())),
                   "rejected": sum(len(p["rejected"]) for p in passes),
                   "rejections": sorted({x for p in passes for x in p["rejected"]})[:40],
                   "validate": dict(val.most_common()), "not_validated_because": dict(why.most_common()),
                   "fmt": dict(fmt.most_common())}
    times = [r["seconds"] for r in results]
    s["median_seconds"] = round(statistics.median(times), 2) if times else 0
    s["total_seconds"] = round(sum(times), 1)
    s["problems"] = {f"{r['repo']} {r['target']}": _problems(r) for r in results if _problems(r)}
    return s


def markdown(s: dict[str, Any]) -> str:
    out = ["# tfguard fix on the corpus\n", f"{s['targets']} targets, {s['crashes']} crashes, median "
           f"{s['median_seconds']} s per target (two passes with their checks), {s['total_seconds']} s in all.\n"]
    for name in ("safe", "unsafe"):
        p = s[name]
        out.append(f"\n## {name} pass\n\n{p['fixed']} findings fixed in {p['files_edited']} files of "
                   f"{p['targets_edited']} targets; {p['rejected']} verification rejections.\n")
        out.append("\n| check | fixed |\n|---|---|\n" + "".join(f"| {c} | {n} |\n" for c, n in p["fixed_by_check"].items()))
        if p["needs_unsafe"]:
            out.append("\nNeeds --unsafe-fixes: " + ", ".join(f"{c} {n}" for c, n in p["needs_unsafe"].items()) + "\n")
        out.append("\n| not fixed, why | findings |\n|---|---|\n"
                   + "".join(f"| {k.replace('|', '/')} | {n} |\n" for k, n in p["refused"].items()))
        out.append("\n| terraform validate of touched roots, before -> after | roots |\n|---|---|\n"
                   + "".join(f"| {k} | {n} |\n" for k, n in p["validate"].items()))
        if p["not_validated_because"]:
            out.append("\n| not validated offline, because | roots |\n|---|---|\n"
                       + "".join(f"| {k} | {n} |\n" for k, n in p["not_validated_because"].items()))
        out.append("\n| terraform fmt of edited files, before -> after | files |\n|---|---|\n"
                   + "".join(f"| {k} | {n} |\n" for k, n in p["fmt"].items()))
        if p["rejections"]:
            out.append("\nRejections:\n\n" + "".join(f"- {r}\n" for r in p["rejections"]))
    out.append("\n## Problems\n\n" + ("".join(f"- {t}: " + "; ".join(ps) + "\n" for t, ps in s["problems"].items())
                                      or "None.\n"))
    return "".join(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Run tfguard fix over the pinned public repositories and verify it.")
    p.add_argument("--cache", help="checkout cache (default: $TFGUARD_ECOSYSTEM_CACHE or ~/.cache/tfguard-ecosystem)")
    p.add_argument("--repos", nargs="*", help="only these repositories (owner/name or name)")
    p.add_argument("--target", help="only this target (e.g. examples/complete)")
    p.add_argument("--output", "-o", help="write every target's record as JSON here")
    p.add_argument("--markdown", help="write the summary as Markdown here")
    p.add_argument("--jobs", "-j", type=int, default=2, help="targets fixed in parallel (default 2)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cache = cache_dir(args.cache)
    work: list[tuple[Repo, Path, str]] = []
    for repo in load_repos(only=args.repos):
        root = checkout(repo, cache)
        if root is None:
            print(f"{repo.name}: not in the cache; to add it: {repo.clone_command(cache)}", file=sys.stderr)
            continue
        work += [(repo, root, t) for t in targets(repo, root) if args.target in (None, t)]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="tfguard-fix-eco-") as tmp:
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter per target: no state carried over
        with concurrent.futures.ProcessPoolExecutor(max(1, args.jobs), ctx, max_tasks_per_child=1) as pool:
            futures = [pool.submit(run_target, repo.name, str(root), t, tmp, str(cache)) for repo, root, t in work]
            for future in concurrent.futures.as_completed(futures):
                rec = future.result()
                results.append(rec)
                flag = " PROBLEM" if _problems(rec) else ""
                fixed = len(rec.get("safe", {}).get("fixed", [])) + len(rec.get("unsafe", {}).get("fixed", []))
                print(f"{rec['seconds']:7.1f}s {fixed:3} fixed {rec['repo']} {rec['target']}{flag}", file=sys.stderr)
    results.sort(key=lambda r: (r["repo"], r["target"]))
    summary = summarize(results)
    if args.output:
        Path(args.output).write_text(json.dumps({"summary": summary, "targets": results}, indent=1) + "\n",
                                     encoding="utf-8")
    text = markdown(summary)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    print(text)
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
