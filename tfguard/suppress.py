"""Inline suppressions: `# tfguard:ignore:TG101,s3-versioning -- reason exp:2026-12-31`.

A suppression sits on the comment lines directly above a block or inside it
(`#` or `//` comments); on a `module` block it covers every resource of that
module. An instance selector (`TG101[0]`, `TG101["prod"]`) limits it to one
count/for_each instance. After its expiry date the finding returns, with a
note. A suppression without a reason still applies but is reported.

A suppression that does nothing says so, as a warning with file and line: one
that names an unknown check, one that is not written in the accepted form (a
missing colon, a `/* */` comment, upper case), and one that suppresses no
finding of the checks that ran (like ruff's unused `noqa`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tfguard.model import Diagnostic, Finding, Location, Resource

_COMMENT = re.compile(r"^\s*(#|//)")
_DIRECTIVE = re.compile(r"(?:#|//)\s*tfguard:ignore:(?P<ids>[^\s]+)(?P<rest>.*)$")
# Anything a reader would take for a suppression: `# TFGUARD:IGNORE:...`, `/* tfguard:ignore:... */`,
# `# tfguard:ignore TG301`. What the directive above does not accept must not pass silently.
_LOOKALIKE = re.compile(r"(?P<opener>#|//|/\*)\s*(?P<word>tfguard\s*[:_-]?\s*ignore)(?P<after>\S?)", re.IGNORECASE)
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


def _not_read(text: str) -> str | None:
    """Why a comment that looks like a suppression is not one, or None."""
    m = _LOOKALIKE.search(text)
    if m is None:
        return None
    if m.group("opener") == "/*":
        return "suppression in a /* */ comment is not read; write it as a # or // comment"
    if m.group("word") != "tfguard:ignore":
        if m.group("word").lower() == "tfguard:ignore":
            return f"suppression written as {m.group('word')!r} is not read; write tfguard:ignore in lower case"
        return f"{m.group('word')!r} is not read as a suppression; write tfguard:ignore:ID -- reason"
    if m.group("after") == ":":
        return "suppression names no check; write tfguard:ignore:ID -- reason"
    return "suppression without a colon before its check ids is not read; write tfguard:ignore:ID -- reason"


def parse_line(file: str, number: int, text: str) -> tuple[list[Suppression], Diagnostic | None]:
    m = _DIRECTIVE.search(text)
    if not m:
        why = _not_read(text)
        return [], (Diagnostic(file, number, why, "warning") if why else None)
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
    """Suppressions in the files of one scan root (each file read once), and which of them were used.

    One index serves every root module of a run that shares the folder locations are relative to,
    so a suppression in a module that two roots call is unused only when neither used it.
    """

    def __init__(self, roots: list[Path], today: dt.date | None = None) -> None:
        self.roots = roots
        self.today = today or dt.date.today()
        self._by_file: dict[str, list[tuple[int, list[Suppression]]]] = {}
        self._where: dict[str, Path] = {}  # the file each name was read from
        self._lines: dict[str, list[str]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.used: set[Suppression] = set()
        self.ran: set[str] = set()  # ids and slugs (lower case) of the checks that ran
        self.shown: set[str] | None = set()  # files whose suppressions get warnings; None: every file

    def read(self, files: Iterable[str]) -> None:
        """Read these files now, so that their unused suppressions are found too."""
        for file in sorted(set(files)):
            self._read(file)

    def _read(self, file: str) -> None:
        if file in self._by_file:
            return
        self._by_file[file] = []
        for root in self.roots:
            path = root / file
            text = _text(path)
            if text is None:
                continue
            self._where[file] = path.resolve()
            if "tfguard" not in text.lower():
                return  # the usual case: nothing to read, and no lines to keep
            lines = text.splitlines()
            for number, line in enumerate(lines, 1):
                found, diag = parse_line(file, number, line)
                if found:
                    self._by_file[file].append((number, found))
                if diag:
                    self.diagnostics.append(diag)
            if self._by_file[file]:
                self._lines[file] = lines
            return

    def report_only(self, files: frozenset[str] | None) -> None:
        """Warn about the suppressions of these files only (None: of every file), for one more root."""
        if self.shown is not None:
            self.shown = None if files is None else self.shown | files

    def shows(self, file: str) -> bool:
        return self.shown is None or file in self.shown

    def entries(self) -> Iterator[tuple[tuple[Path, int, str, str | None], Suppression, bool, bool]]:
        """Each suppression read, under a key that is the same whichever root read its file, whether
        it was used and whether it gets warnings."""
        for file, found in self._by_file.items():
            for s in (s for _, line in found for s in line):
                yield (self._where[file], s.line, s.check.lower(), s.key), s, s in self.used, self.shows(file)

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
                if s.check.lower() not in (finding.check_id.lower(), finding.slug.lower()):
                    continue
                if s.key is not None and subject is not None and not finding.address.endswith(f"[{s.key}]"):
                    continue
                self.used.add(s)
                return s
        return None


def warnings(indexes: Iterable[Suppressions], known: set[str]) -> list[Diagnostic]:
    """Problems met while reading, then suppressions naming an unknown check or suppressing no finding.

    A file read by several indexes (scan targets outside the working directory each have their
    own) is judged once: a suppression is unused only when no root module used it.
    """
    indexes = list(indexes)
    known = {k.lower() for k in known}
    ran = {name for index in indexes for name in index.ran}
    first: dict[tuple[Path, int, str, str | None], Suppression] = {}
    used: set[tuple[Path, int, str, str | None]] = set()
    out = [d for index in indexes for d in index.diagnostics if index.shows(d.file)]
    for index in indexes:
        for key, found, was_used, shown in index.entries():
            if shown:
                first.setdefault(key, found)
            if was_used:
                used.add(key)
    for key, found in first.items():
        if key[2] not in known:
            out.append(Diagnostic(found.file, found.line, f"suppression names an unknown check {found.check!r} "
                                  "(see `tfguard list-checks`)", "warning"))
        elif key[2] in ran and key not in used:
            out.append(Diagnostic(found.file, found.line, f"suppression of {found.check} suppresses no finding; "
                                  "remove it", "warning"))
    return sorted(dict.fromkeys(out), key=lambda d: (d.file, d.line))


def _text(path: Path) -> str | None:
    """The file as the loader reads it (with the edits `tfguard fix` is checking), or None."""
    from tfguard.load.files import overlaid

    data = overlaid(path)
    try:
        if data is None:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > 20_000_000:
                return None
            data = path.read_bytes()
    except OSError:
        return None
    return data.decode("utf-8-sig", errors="replace")
