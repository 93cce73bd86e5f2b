"""Baselines: accept today's findings, fail only on new ones.

An entry is one accepted finding: its fingerprint (a hash of check id, root
module, resource address and attribute; never file or line, so moving a
resource does not bring its finding back) together with its status, so that
an accepted UNKNOWN does not hide a later FAIL and an accepted finding in
envs/dev does not hide the same one in envs/prod. Check id, root and address
are written out too, for the people who review the file. The file is sorted
and indented so that it diffs well.

Format 1 (before root modules) keyed on check id, address and a fingerprint
without the root, and ignored the status: it cannot tell which root or which
status was accepted, so it is refused with a message saying how to recreate it
rather than guessed at.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tfguard.errors import UsageError
from tfguard.model import Entry, Finding, Status

VERSION = 2


def entry(f: Finding) -> Entry:
    return Entry(f.root, f.check_id, f.address, f.status.value, f.fingerprint)


def accepted(findings: list[Finding]) -> list[Entry]:
    """The entries a baseline of these findings holds: every FAIL and UNKNOWN that is not
    suppressed, once each (results with one fingerprint and status are one entry)."""
    return sorted({entry(f) for f in findings if f.status is not Status.PASS and not f.suppressed})


def dumps(entries: list[Entry]) -> str:
    doc = {"version": VERSION, "tool": "tfguard", "findings": [e._asdict() for e in entries]}
    return json.dumps(doc, indent=2) + "\n"


def write(path: Path, findings: list[Finding]) -> list[Entry]:
    """Write the baseline of `findings` to `path`; the entries written."""
    entries = accepted(findings)
    try:
        path.write_text(dumps(entries), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return entries


def load(path: Path) -> set[Entry]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
            raise ValueError("not a tfguard baseline (no list of findings)")
        version = doc.get("version")
        if version == 1:
            raise UsageError(
                f"baseline {path} was written by an earlier tfguard (format 1): its entries do not say which "
                "root module or status was accepted, so a regression in one root could pass as a finding "
                f"accepted in another. Recreate it: tfguard baseline create PATH... -o {path}")
        if version != VERSION:
            raise ValueError(f"unsupported baseline version {version!r} (this tfguard reads version {VERSION})")
        return {Entry(str(e["root"]), str(e["id"]), str(e["resource"]), str(e["status"]), str(e["fingerprint"]))
                for e in doc["findings"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read baseline {path}: {exc}") from None


def apply(findings: list[Finding], baseline: set[Entry]) -> tuple[list[Finding], list[Entry]]:
    """Mark findings new or unchanged; return them and the baseline entries no longer found (fixed).

    A suppressed finding is left unmarked (the suppression, not the baseline, accepts it), but its
    entry is not reported as fixed: it is still there."""
    keys = {e.key for e in baseline}
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        if f.status is Status.PASS:
            out.append(f)
            continue
        k = entry(f).key
        seen.add(k)
        out.append(f if f.suppressed else replace(f, baseline="unchanged" if k in keys else "new"))
    return out, sorted(e for e in baseline if e.key not in seen)


def summary(entries: list[Entry], findings: list[Finding]) -> str:
    """What `baseline create` wrote, in words. The count is of entries written; when several
    results share one fingerprint and status (one entry), the number of findings is given too."""
    counted = sum(f.status is not Status.PASS and not f.suppressed for f in findings)
    fails = sum(e.status == Status.FAIL.value for e in entries)
    text = (f"{len(entries)} baseline {'entry' if len(entries) == 1 else 'entries'} "
            f"({fails} fail, {len(entries) - fails} unknown)")
    if counted != len(entries):
        text += f" for {counted} findings"
    return text
