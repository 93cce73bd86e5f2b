"""What a fix run says: a unified diff (`--diff`) and one line per finding."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from tfguard.fix.engine import Outcome


def shown(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def diff(outcome: Outcome) -> str:
    """Each edited file's diff, after comment lines saying which fix made it and, for an
    unsafe fix, why it is unsafe (patch and git apply skip lines before a diff)."""
    out: list[str] = []
    for path in sorted(outcome.texts):
        before, after = outcome.texts[path]
        for k, (f, changes) in outcome.fixed.items():
            if path in outcome.touched.get(k, ()):
                unsafe = f" [unsafe: {outcome.hazards[k]}]" if k in outcome.hazards else ""
                out.append(f"# {f.check_id} {f.address}: {'; '.join(changes)}{unsafe}\n")
        name = shown(path)
        out.extend(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}"))
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
    return "".join(out)


def _where(f: object) -> str:
    from tfguard.model import Finding

    assert isinstance(f, Finding)
    return f"{f.location.file}:{f.location.start_line}: " if f.location else ""


def lines(outcome: Outcome, applied: bool) -> list[str]:
    """One line per finding: fixed (or would be), needs --unsafe-fixes, or not fixable and why;
    then what the verification turned down, and a count."""
    verb = "fixed" if applied else "would fix"
    out = [f"{_where(f)}{f.check_id} {f.address}: {verb}: {'; '.join(c)}" for f, c in outcome.fixed.values()]
    out += [f"{_where(f)}{f.check_id} {f.address}: needs --unsafe-fixes: {why}" for f, why in outcome.unsafe.values()]
    out += [f"{_where(f)}{f.check_id} {f.address}: not fixed: {why}" for f, why in outcome.refused.values()]
    out += [f"rejected: {r}" for r in outcome.rejected]
    files = len(outcome.texts)
    out.append(f"{len(outcome.fixed)} {'finding' if len(outcome.fixed) == 1 else 'findings'} {verb} "
               f"in {files} {'file' if files == 1 else 'files'}; {len(outcome.unsafe)} more with --unsafe-fixes; "
               f"{len(outcome.refused)} not fixable automatically")
    return out
