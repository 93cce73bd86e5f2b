"""Baselines: accept today's findings, fail only on new ones.

Entries are keyed on check id + resource address + fingerprint (never file or
line), so moving a resource to another file does not bring its finding back.
The file is sorted and indented so that it diffs well in review.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tfguard.errors import UsageError
from tfguard.model import Finding, Status

VERSION = 1
Key = tuple[str, str, str]


def key(f: Finding) -> Key:
    return (f.check_id, f.address, f.fingerprint)


def dumps(findings: list[Finding]) -> str:
    entries = sorted({key(f) for f in findings if f.status is not Status.PASS and not f.suppressed})
    doc = {"version": VERSION, "tool": "tfguard",
           "findings": [{"id": i, "resource": a, "fingerprint": fp} for i, a, fp in entries]}
    return json.dumps(doc, indent=2) + "\n"


def load(path: Path) -> set[Key]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries = doc["findings"]
        if doc.get("version") != VERSION:
            raise ValueError(f"unsupported baseline version {doc.get('version')!r}")
        return {(str(e["id"]), str(e["resource"]), str(e["fingerprint"])) for e in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read baseline {path}: {exc}") from None


def apply(findings: list[Finding], accepted: set[Key]) -> tuple[list[Finding], list[Key]]:
    """Mark findings new/unchanged; return them and the baseline entries no longer found (fixed)."""
    seen: set[Key] = set()
    out: list[Finding] = []
    for f in findings:
        if f.status is Status.PASS:
            out.append(f)
            continue
        k = key(f)
        seen.add(k)
        out.append(replace(f, baseline="unchanged" if k in accepted else "new"))
    return out, sorted(accepted - seen)
