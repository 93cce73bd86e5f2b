"""Change-aware scans: which findings a change introduces, which it leaves, which it resolves.

The base is the same configuration before the change: a plan's prior state (the deployed
truth) or a base revision of the repository (`--diff-base`). A finding is the same in
both when its fingerprint (check id, root module, address, attribute; never the line)
and its status are, as a baseline entry is: a FAIL that was UNKNOWN before is
introduced, since the change is what made it certain.
"""

from __future__ import annotations

from dataclasses import replace

from tfguard.model import Finding, Status

INTRODUCED = "introduced"
EXISTING = "existing"


def _open(f: Finding) -> bool:
    return f.status is not Status.PASS and not f.suppressed


def _key(f: Finding) -> tuple[str, str]:
    return (f.fingerprint, f.status.value)


def mark(findings: list[Finding], before: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """`findings` with `change` set on each open one (FAIL or UNKNOWN, not suppressed), and
    the open findings of `before` that are gone (resolved), once each.

    A suppressed finding is left unmarked, as a baseline leaves it, and is not resolved:
    it is still there."""
    was = {_key(f) for f in before if _open(f)}
    now = {_key(f) for f in findings if f.status is not Status.PASS}
    marked = [replace(f, change=EXISTING if _key(f) in was else INTRODUCED) if _open(f) else f for f in findings]
    resolved: dict[tuple[str, str], Finding] = {}
    for f in before:
        if _open(f) and _key(f) not in now:
            resolved.setdefault(_key(f), f)
    return marked, list(resolved.values())


def counts(findings: list[Finding]) -> tuple[int, int]:
    """How many open findings are introduced and how many existing."""
    return (sum(f.change == INTRODUCED for f in findings), sum(f.change == EXISTING for f in findings))
