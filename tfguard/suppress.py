"""Inline suppressions: `# tfguard:ignore:TG101,s3-versioning -- reason exp:2026-12-31`.

A suppression sits on the comment lines directly above a block or inside it
(`#` or `//` comments); on a `module` block it covers every resource of that
module. An instance selector (`TG101[0]`, `TG101["prod"]`) limits it to one
count/for_each instance. After its expiry date the finding returns, with a
note. A suppression without a reason still applies but is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from tfguard.model import Diagnostic, Finding, Location, Resource

_COMMENT = re.compile(r"^\s*(#|//)")
_DIRECTIVE = re.compile(r"(?:#|//)\s*tfguard:ignore:(?P<ids>[^\s]+)(?P<rest>.*)$")
_ITEM = re.compile(r'^(?P<id>[A-Za-z0-9_-]+)(?:\[(?P<key>"[^"]*"|[^\]]*)\])?$')
_EXPIRY = re.compile(r"\bexp:(\d{4}-\d{2}-\d{2})\b")
_REASON = re.compile(r'(?:--\s*(?P<plain>.+))|(?:reason="(?P<quoted>[^"]*)")')


@dataclass(frozen=True)
class Suppression:
    file: str
    line: int
    check: str  # id or slug
    key: str | None  # instance selector text, e.g. '"prod"' or '0'
    reason: str
    expires: dt.date | None


def parse_line(file: str, number: int, text: str) -> tuple[list[Suppression], Diagnostic | None]:
    m = _DIRECTIVE.search(text)
    if not m:
        return [], None
    rest = m.group("rest")
    expiry_match = _EXPIRY.search(rest)
    expires: dt.date | None = None
    if expiry_match:
        try:
            expires = dt.date.fromisoformat(expiry_match.group(1))
        except ValueError:
            return [], Diagnostic(file, number, f"suppression expiry {expiry_match.group(1)!r} is not a date", "warning")
        rest = rest.replace(expiry_match.group(0), "")
    reason_match = _REASON.search(rest)
    reason = ((reason_match.group("plain") or reason_match.group("quoted") or "") if reason_match else "").strip()
    out: list[Suppression] = []
    for item in m.group("ids").split(","):
        im = _ITEM.match(item.strip())
        if im is None:
            return [], Diagnostic(file, number, f"cannot read suppression {item!r}", "warning")
        out.append(Suppression(file, number, im.group("id"), im.group("key"), reason, expires))
    diag = None if reason else Diagnostic(file, number, "suppression without a reason (add `-- why`)", "warning")
    return out, diag


class Suppressions:
    """Suppressions found in the files that findings point into (read once per file)."""

    def __init__(self, roots: list[Path], today: dt.date | None = None) -> None:
        self.roots = roots
        self.today = today or dt.date.today()
        self._by_file: dict[str, list[tuple[int, list[Suppression]]]] = {}
        self._lines: dict[str, list[str]] = {}
        self.diagnostics: list[Diagnostic] = []

    def _read(self, file: str) -> None:
        if file in self._by_file:
            return
        self._by_file[file], self._lines[file] = [], []
        for root in self.roots:
            path = root / file
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_size > 20_000_000:
                    continue
                text = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                continue
            lines = text.splitlines()
            self._lines[file] = lines
            if "tfguard:ignore" not in text:
                return
            for number, line in enumerate(lines, 1):
                found, diag = parse_line(file, number, line)
                if found:
                    self._by_file[file].append((number, found))
                if diag:
                    self.diagnostics.append(diag)
            return

    def _covering(self, loc: Location) -> list[Suppression]:
        """Suppressions inside the block or on the comment lines directly above it."""
        self._read(loc.file)
        if not self._by_file.get(loc.file):
            return []  # the usual case: no suppression comment in the file at all
        lines = self._lines.get(loc.file, [])
        first = loc.start_line
        while first > 1 and first - 2 < len(lines) and _COMMENT.match(lines[first - 2]):
            first -= 1
        return [s for number, found in self._by_file.get(loc.file, []) if first <= number <= loc.end_line
                for s in found]

    def match(self, finding: Finding, subject: Resource | None) -> Suppression | None:
        places = [loc for loc in ((subject.location if subject else None), finding.location) if loc is not None]
        places += list(subject.calls) if subject is not None else []
        for loc in dict.fromkeys(places):
            for s in self._covering(loc):
                if s.check not in (finding.check_id, finding.slug):
                    continue
                if s.key is not None and subject is not None and not finding.address.endswith(f"[{s.key}]"):
                    continue
                return s
        return None
