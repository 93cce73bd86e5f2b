#!/usr/bin/env python3
"""Scan pinned public Terraform repositories with tfguard and record what it says.

For every repository of ``scripts/ecosystem_repos.json`` found in the cache
(see ecosystem_cache.py), the targets are the repository root (``tfguard check
.``) and every ``examples/*`` folder (``tfguard check examples/x
--allow-outside-root``, as a user of a module repository runs it). Each target
is one ``python -m tfguard ... --format json --include-passed`` subprocess; the
result records the exit code, internal errors, diagnostics by kind, results
per check and status, every verdict and the wall time.

Usage::

    python scripts/ecosystem.py --output after.json
    python scripts/ecosystem.py --output after.json --compare before.json --markdown diff.md
    python scripts/ecosystem.py --compare-only before.json after.json
    python scripts/ecosystem.py --prepare-from /path/to/git-dirs   # fill the cache, no scan
    python scripts/ecosystem.py --tfguard-python /other/venv/bin/python --output before.json

It never fetches anything: a repository missing from the cache is reported
with the command that clones it. Standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecosystem_cache import Repo, cache_dir, checkout, load_repos, prepare_from  # noqa: E402
from ecosystem_diff import compare, markdown  # noqa: E402

TIMEOUT = 600
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|`[^`]*`")
_NUMBER = re.compile(r"\b\d+\b")
_PATHLIKE = re.compile(r"\S+\.(?:tf|json|tfvars|tpl|yaml|yml)\b")


_ADDRESS = re.compile(r"\b(?:module\.[\w-]+(?:\[[^\]]*\])?\.?)+(?:(?:data\.)?\w+\.[\w-]+)?|\b(?:data\.)?[a-z0-9]+_\w+\.[\w-]+"
                      r"|\b(?:local|var)\.[\w-]+")


def diagnostic_kind(message: str) -> str:
    """The message without its particulars (names, numbers, files): diagnostics of one kind share it."""
    text = _QUOTED.sub("…", message)
    text = _ADDRESS.sub("X", text)
    text = _PATHLIKE.sub("FILE", text)
    text = _NUMBER.sub("N", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:120]


def targets(repo: Repo, root: Path) -> list[str]:
    found = ["."]
    examples = root / "examples"
    if examples.is_dir():
        for sub in sorted(examples.iterdir()):
            if sub.is_dir() and any(sub.glob("*.tf")):
                found.append(f"examples/{sub.name}")
    return found


def tfguard_command(python: str, target: str) -> list[str]:
    cmd = [python, "-m", "tfguard", "check", target, "--format", "json", "--include-passed"]
    if target != ".":
        cmd.append("--allow-outside-root")
    return cmd


def run_target(repo: Repo, root: Path, target: str, python: str, env: dict[str, str]) -> dict[str, Any]:
    start = time.monotonic()
    record: dict[str, Any] = {"repo": repo.name, "target": target}
    exit_code, stdout, stderr, cpu = run_measured(tfguard_command(python, target), root, env)
    record["seconds"] = round(time.monotonic() - start, 3)
    # CPU time is the fairer comparison on a shared machine: wall time grows with the load.
    record["cpu_seconds"] = round(cpu, 3)
    record["exit"] = exit_code
    record.update(_parse_report(stdout, stderr))
    return record


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str, float]:
    """Exit code, stdout, stderr and the CPU seconds (user + system) of the process and its children."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        if proc.returncode == -signal.SIGKILL:
            stderr += f"\ntimed out after {TIMEOUT}s"
        return proc.returncode, out.read().decode(errors="replace"), stderr, usage.ru_utime + usage.ru_stime


def _parse_report(stdout: str, stderr: str) -> dict[str, Any]:
    # stderr repeats the report's diagnostics; only a crash (no report) is taken from it.
    internal = [line.strip() for line in stderr.splitlines() if line.startswith("tfguard: internal error")][:5]
    if not internal and stderr.strip() and "Traceback" in stderr:
        internal = [stderr.strip().splitlines()[-1]]
    try:
        doc = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        doc = None
    if not isinstance(doc, dict):
        return {"report": False, "internal_errors": internal, "diagnostics": {}, "checks": {}, "verdicts": [],
                "resources": 0}
    kinds: dict[str, int] = {}
    for diag in doc.get("diagnostics") or []:
        message = str(diag.get("message", ""))
        if "internal error" in message.lower():
            internal.append(f"{diag.get('file')}:{diag.get('line')}: {message}")
        kind = f"{diag.get('severity', 'error')}: {diagnostic_kind(message)}"
        kinds[kind] = kinds.get(kind, 0) + 1
    checks: dict[str, dict[str, int]] = {}
    verdicts: list[list[str]] = []
    for finding in doc.get("findings") or []:
        cid, status = str(finding.get("id")), str(finding.get("status"))
        per = checks.setdefault(cid, {})
        per[status] = per.get(status, 0) + 1
        verdicts.append([cid, str(finding.get("resource")), status, str(finding.get("attribute") or "")])
    verdicts.sort()
    summary = doc.get("summary") or {}
    return {"report": True, "internal_errors": internal, "diagnostics": dict(sorted(kinds.items())),
            "checks": dict(sorted(checks.items())), "verdicts": verdicts, "resources": summary.get("resources", 0)}


def tfguard_identity(python: str, env: dict[str, str]) -> dict[str, str]:
    """Where the scanning tfguard comes from, and its commit when it is a git checkout."""
    proc = subprocess.run([python, "-c", "import tfguard, sys; print(tfguard.__file__); print(tfguard.__version__)"],
                          env=env, capture_output=True, text=True, check=False, cwd="/")
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) < 2:
        raise SystemExit(f"error: {python} cannot import tfguard: {proc.stderr.strip()}")
    source = Path(lines[0]).resolve().parent.parent
    commit = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip()
    return {"python": python, "source": str(source), "version": lines[1], "commit": commit}


def scan(repos: list[Repo], cache: Path, python: str, env: dict[str, str], jobs: int) -> tuple[list[dict[str, Any]], list[str]]:
    work: list[tuple[Repo, Path, str]] = []
    missing: list[str] = []
    for repo in repos:
        root = checkout(repo, cache)
        if root is None:
            missing.append(f"{repo.name}: not in the cache; to add it: {repo.clone_command(cache)}")
            continue
        work.extend((repo, root, t) for t in targets(repo, root))
    results: list[dict[str, Any]] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_target, repo, root, t, python, env) for repo, root, t in work]
        for future in concurrent.futures.as_completed(futures):
            rec = future.result()
            rec["commit"] = next(r.commit for r in repos if r.name == rec["repo"])
            results.append(rec)
            flag = " INTERNAL ERROR" if rec["internal_errors"] else ""
            print(f"exit {rec['exit']:>2} {rec['seconds']:6.2f}s {rec['repo']} {rec['target']}{flag}", file=sys.stderr)
    results.sort(key=lambda r: (r["repo"], r["target"]))
    return results, missing


def scan_env(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = str(Path(src).resolve()) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("NO_COLOR", "1")
    return env


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Scan pinned public Terraform repositories with tfguard.")
    p.add_argument("--cache", help="checkout cache (default: $TFGUARD_ECOSYSTEM_CACHE or ~/.cache/tfguard-ecosystem)")
    p.add_argument("--repos", nargs="*", help="only these repositories (owner/name or name)")
    p.add_argument("--prepare-from", metavar="DIR", help="extract missing checkouts from DIR/<owner>+<name>/repo git dirs")
    p.add_argument("--output", "-o", help="write the results JSON here")
    p.add_argument("--compare", metavar="OLD", help="diff against a previous results JSON")
    p.add_argument("--compare-only", nargs=2, metavar=("OLD", "NEW"), help="diff two results files, no scan")
    p.add_argument("--markdown", help="write the summary table and moved verdicts as Markdown here")
    p.add_argument("--jobs", "-j", type=int, default=2, help="targets scanned in parallel (default 2)")
    p.add_argument("--tfguard-python", default=sys.executable, help="python that runs tfguard (default: this one)")
    p.add_argument("--tfguard-src", help="a tfguard checkout to put first on PYTHONPATH")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.compare_only:
        old, new = (json.loads(Path(f).read_text(encoding="utf-8")) for f in args.compare_only)
        return _report_diff(old, new, args.markdown)
    cache = cache_dir(args.cache)
    repos = load_repos(only=args.repos)
    if args.prepare_from:
        cache.mkdir(parents=True, exist_ok=True)
        for repo in repos:
            print(prepare_from(repo, Path(args.prepare_from), cache))
        return 0
    env = scan_env(args.tfguard_src)
    identity = tfguard_identity(args.tfguard_python, env)
    print(f"tfguard {identity['version']} from {identity['source']} ({identity['commit'][:12]}), cache {cache}", file=sys.stderr)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    results, missing = scan(repos, cache, args.tfguard_python, env, args.jobs)
    for line in missing:
        print(line, file=sys.stderr)
    doc = {"schema": 1, "started": started, "tfguard": identity, "cache": str(cache), "missing": missing,
           "targets": results}
    if args.output:
        Path(args.output).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    if args.compare:
        return _report_diff(json.loads(Path(args.compare).read_text(encoding="utf-8")), doc, args.markdown)
    if args.markdown:
        Path(args.markdown).write_text(markdown(doc, None, None), encoding="utf-8")
    return 1 if any(r["internal_errors"] for r in results) else 0


def _report_diff(old: dict[str, Any], new: dict[str, Any], out: str | None) -> int:
    diff = compare(old, new)
    text = markdown(new, old, diff)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
