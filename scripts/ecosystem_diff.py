"""Diff two ecosystem.py result files and render them as Markdown (standard library only)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

ABSENT = "absent"
MAX_MOVED_SHOWN = 40  # per target, in Markdown; the JSON diff keeps them all


def _verdicts(target: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """(check, address, attribute) -> status; several findings on one key keep all their statuses."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for v in target.get("verdicts", []):
        check, address, status = v[0], v[1], v[2]
        attribute = v[3] if len(v) > 3 else ""
        out.setdefault((check, address, attribute), []).append(status)
    return {k: "+".join(sorted(s)) for k, s in out.items()}


def _by_target(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t["repo"], t["target"]): t for t in doc.get("targets", [])}


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Per target: verdicts that moved, exit code changes, internal errors that came or went."""
    olds, news = _by_target(old), _by_target(new)
    changes: list[dict[str, Any]] = []
    for key in sorted(set(olds) | set(news)):
        a, b = olds.get(key), news.get(key)
        entry: dict[str, Any] = {"repo": key[0], "target": key[1]}
        if a is None or b is None:
            entry["only_in"] = "new" if a is None else "old"
            changes.append(entry)
            continue
        moved = _moved(_verdicts(a), _verdicts(b))
        ea, eb = set(a["internal_errors"]), set(b["internal_errors"])
        da, db = a.get("diagnostics", {}), b.get("diagnostics", {})
        diags = {k: [da.get(k, 0), db.get(k, 0)] for k in sorted(set(da) | set(db)) if da.get(k, 0) != db.get(k, 0)}
        if moved or ea != eb or a["exit"] != b["exit"] or diags:
            entry.update({"exit": [a["exit"], b["exit"]], "moved": moved, "internal_new": sorted(eb - ea),
                          "internal_gone": sorted(ea - eb), "diagnostics": diags})
            changes.append(entry)
    return changes


def _unkeyed(address: str) -> str:
    return _KEY_SUFFIX.sub("", address)


_KEY_SUFFIX = re.compile(r'(\["(?:[^"\\]|\\.)*"\]|\[\d+\])$')


def _moved(va: dict[tuple[str, str, str], str], vb: dict[tuple[str, str, str], str]) -> list[list[str]]:
    """[check, address, old, new]; a verdict whose resource only gained or lost its instance key
    (`x` -> `x[0]`: the count became known) or whose attribute changed is one move."""
    gone = {k for k in va if k not in vb}
    came = {k for k in vb if k not in va}
    pairs: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    for k in sorted(gone):
        partner = next((n for n in sorted(came) if n[0] == k[0] and n not in pairs.values()
                        and _unkeyed(n[1]) == _unkeyed(k[1])), None)
        if partner is not None:
            pairs[k] = partner
    out = []
    for k in sorted(set(va) | set(vb)):
        attr = f" ({k[2]})" if k[2] else ""
        if k in pairs:
            n = pairs[k]
            address = k[1] if k[1] == n[1] else f"{k[1]} → {n[1]}"
            where = attr if k[2] == n[2] else f" ({k[2] or '-'} → {n[2] or '-'})"
            out.append([k[0], address + where, va[k], vb[n]])
        elif k not in pairs.values() and va.get(k) != vb.get(k):
            out.append([k[0], k[1] + attr, va.get(k, ABSENT), vb.get(k, ABSENT)])
    return out


def _repo_row(targets: list[dict[str, Any]]) -> dict[str, Any]:
    exits = Counter(str(t["exit"]) for t in targets)
    status: Counter[str] = Counter()
    for t in targets:
        for per in t.get("checks", {}).values():
            status.update(per)
    return {"targets": len(targets), "exits": " ".join(f"{k}×{v}" for k, v in sorted(exits.items())),
            "internal": sum(1 for t in targets if t["internal_errors"]), "fail": status["fail"],
            "unknown": status["unknown"], "pass": status["pass"], "seconds": round(sum(t["seconds"] for t in targets), 1),
            "cpu": round(sum(t.get("cpu_seconds", 0.0) for t in targets), 1)}


def _rows(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in doc.get("targets", []):
        groups.setdefault(t["repo"], []).append(t)
    rows = {repo: _repo_row(ts) for repo, ts in groups.items()}
    rows["TOTAL"] = _repo_row(doc.get("targets", []))
    return rows


def _cell(old: dict[str, Any] | None, new: dict[str, Any] | None, field: str) -> str:
    b = "–" if new is None else new[field]
    if old is None:
        return str(b)
    a = old[field]
    if field in ("seconds", "cpu"):
        return f"{a:.1f} → {b:.1f}" if new is not None else f"{a:.1f} → –"
    return str(b) if a == b else f"{a} → {b}"


def markdown(new: dict[str, Any], old: dict[str, Any] | None, diff: list[dict[str, Any]] | None) -> str:
    lines = [f"tfguard {new['tfguard'].get('commit', '')[:12]} ({new.get('started', '')})"]
    if old is not None:
        lines[0] = f"before: tfguard {old['tfguard'].get('commit', '')[:12]}, after: " + lines[0]
    lines += ["", "| repository | targets | exit codes | internal errors | FAIL | UNKNOWN | PASS | wall s | CPU s |",
              "|---|---|---|---|---|---|---|---|---|"]
    new_rows, old_rows = _rows(new), _rows(old) if old is not None else {}
    for repo in sorted(set(new_rows) | set(old_rows), key=lambda r: (r == "TOTAL", r)):
        n, o = new_rows.get(repo), old_rows.get(repo) if old is not None else None
        cells = [_cell(o, n, f) for f in ("targets", "exits", "internal", "fail", "unknown", "pass", "seconds", "cpu")]
        lines.append(f"| {repo} | " + " | ".join(cells) + " |")
    if diff is not None:
        lines += _diff_lines(diff)
    return "\n".join(lines) + "\n"


def _diff_lines(diff: list[dict[str, Any]]) -> list[str]:
    kinds = Counter(f"{m[2]} → {m[3]}" for d in diff for m in d.get("moved", []))
    lines = ["", "## Moved verdicts", ""]
    lines += [f"- {k}: {v}" for k, v in kinds.most_common()] or ["- none"]
    for d in diff:
        head = f"### {d['repo']} {d['target']}"
        if "only_in" in d:
            lines += ["", f"{head}: only in the {d['only_in']} run"]
            continue
        lines += ["", f"{head} (exit {d['exit'][0]} → {d['exit'][1]})"]
        lines += [f"- internal error gone: {e}" for e in d["internal_gone"]]
        lines += [f"- NEW internal error: {e}" for e in d["internal_new"]]
        lines += [f"- diagnostics `{k}`: {a} → {b}" for k, (a, b) in d.get("diagnostics", {}).items()]
        lines += [f"- {m[0]} `{m[1]}`: {m[2]} → {m[3]}" for m in d["moved"][:MAX_MOVED_SHOWN]]
        if len(d["moved"]) > MAX_MOVED_SHOWN:
            lines.append(f"- … {len(d['moved']) - MAX_MOVED_SHOWN} more")
    return lines
