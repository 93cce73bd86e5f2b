"""checkov on the benchmark's inputs, and proof that both tools scanned the same resources.

checkov is not a dependency of tfguard: it is found with --checkov PATH or on
PATH (install it in a virtual environment of its own, see README.md). It runs
with the framework of the input only (`terraform` for a tree of .tf files,
`terraform_plan` for plan JSON) and with its network features off: no
platform API key in its environment, `--skip-download` (no policies or
guidelines fetched). Run that way it opens no network connection
(`strace -f -e trace=connect` shows none).

A comparison counts only when both tools saw the same managed resources:
tfguard's count is the managed nodes of `tfguard graph --format json` (the
graph `check` runs on; data sources are nodes too, checkov does not count
them), checkov's is `resource_count` in its JSON summary. Different counts,
or a count other than the one the input was built with, stop the benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from measure import BenchError, Runner, tfguard_cmd

# checkov sends results to its platform when it has an API key; none here.
_PLATFORM_ENV = ("BC_API_KEY", "BC_API_URL", "PRISMA_API_URL", "BC_SOURCE", "CKV_API_KEY")


def framework(target: Path) -> str:
    return "terraform_plan" if target.is_file() and target.suffix == ".json" else "terraform"


def checkov_cmd(exe: str, target: Path) -> list[str]:
    flag = "-f" if target.is_file() else "-d"
    return [exe, flag, str(target), "--framework", framework(target), "--skip-download",
            "--quiet", "--compact", "-o", "json"]


def checkov_env(run: Runner) -> dict[str, str]:
    return {k: v for k, v in run.env.items() if k not in _PLATFORM_ENV}


def checkov_resources(run: Runner, cmd: list[str]) -> tuple[int, str]:
    """One untimed checkov run (its warm-up): resources it scanned, its version."""
    proc = subprocess.run(cmd, cwd=run.base, env=checkov_env(run), capture_output=True, text=True)
    try:
        doc: Any = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise BenchError(f"`{' '.join(cmd)}` exited with {proc.returncode} and no JSON report:\n"
                         f"{proc.stderr[-4000:]}") from None
    reports = doc if isinstance(doc, list) else [doc]
    # With findings the summary is under "summary"; a run with no result prints the summary alone.
    summaries = [r.get("summary", r) for r in reports]
    return sum(int(s.get("resource_count", 0)) for s in summaries), str(summaries[0].get("checkov_version", "?"))


def tfguard_resources(run: Runner, target: Path) -> int:
    cmd = tfguard_cmd(["graph", str(target), "--format", "json"])
    proc = subprocess.run(cmd, cwd=run.base, env=run.env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n{proc.stderr[-4000:]}")
    return sum(1 for node in json.loads(proc.stdout)["nodes"] if node["mode"] == "managed")


def same_resources(label: str, ours: int, theirs: int, expected: int | None) -> None:
    """Fails loudly unless both tools scanned the same (and, where known, the expected) number of resources."""
    if ours != theirs or ours == 0 or (expected is not None and ours != expected):
        want = f", the input has {expected}" if expected is not None else ""
        raise BenchError(f"{label}: tfguard scanned {ours} managed resources, checkov {theirs}{want}: "
                         "the comparison would not measure the same work")


def find_checkov(path: str | None) -> str | None:
    if path:
        return path if os.access(path, os.X_OK) else None
    from shutil import which

    return which("checkov")
