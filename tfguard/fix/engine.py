"""`tfguard fix`: scan, edit, scan the edits, and keep only what the scan confirms.

Each round fixes the FAIL findings of the fixable checks (tfguard.fix.rules)
that are not suppressed, in memory, then scans the edited texts in place of
the files (nothing is written until the end, and `--diff` writes nothing). A
round that finds nothing left to edit ends the run: that is the "second run
makes no edit" guarantee. The result is then verified: every edited file
parses, every fixed finding is gone, no finding appears that was not there
before (save one a check held back, rules.UNCOVERS), and no input error
appears (a duplicate resource would leave what follows it unchecked). A run that fails
this is done again without the fixes that caused it.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tfguard.errors import UsageError
from tfguard.fix.rules import RULES, UNCOVERS
from tfguard.fix.site import Files, Site
from tfguard.fix.text import Refused
from tfguard.graph import ResourceGraph
from tfguard.model import Diagnostic, Finding, Report, Status
from tfguard.targets import Options

MAX_ROUNDS = 4
OTHERS = "by the edits made for other findings"
Key = tuple[str, str, str]  # root, check id, address


def key(f: Finding) -> Key:
    return (f.root, f.check_id, f.address)


@dataclass
class Outcome:
    fixed: dict[Key, tuple[Finding, list[str]]] = field(default_factory=dict)
    refused: dict[Key, tuple[Finding, str]] = field(default_factory=dict)
    unsafe: dict[Key, tuple[Finding, str]] = field(default_factory=dict)  # fixable with --unsafe-fixes
    texts: dict[Path, tuple[str, str]] = field(default_factory=dict)  # file -> (before, after)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # fixes the verification turned down, and why
    touched: dict[Key, set[Path]] = field(default_factory=dict)  # the files each fix edited
    hazards: dict[Key, str] = field(default_factory=dict)  # why an applied fix is unsafe
    writes: dict[Key, list[tuple[str, str]]] = field(default_factory=dict)  # what each fix wrote (Site.writes)


@dataclass
class _Scan:
    report: Report
    groups: dict[str, tuple[Path, ResourceGraph]]  # root -> (locations' base, graph)


def _scan(paths: list[Path], options: Options, files: Files) -> _Scan:
    from tfguard.load.files import overlay
    from tfguard.run import run

    groups: dict[str, tuple[Path, ResourceGraph]] = {}

    def observe(loaded: object, ctx: object) -> None:
        from tfguard.check import Context
        from tfguard.targets import Loaded

        assert isinstance(loaded, Loaded) and isinstance(ctx, Context)
        if loaded.shown_root is not None:
            groups[loaded.root] = (loaded.shown_root.resolve(), ctx.graph)

    with overlay({p: t.encode("utf-8") for p, t in files.changed().items()}):
        report = run(paths, options, observe)
    return _Scan(report, groups)


def _open(report: Report) -> set[Key]:
    return {key(f) for f in report.findings if f.status is not Status.PASS and not f.suppressed}


def fix(paths: list[Path], options: Options, only: frozenset[str], unsafe: bool) -> Outcome:
    """What fixing `paths` does (not written yet): see write()."""
    plans = [p for p in paths if p.is_file() and p.name.endswith(".json") and not p.name.endswith(".tf.json")]
    kept = [p for p in paths if p not in plans]
    if plans and not kept:
        raise UsageError(f"{plans[0]}: a plan gets no fixes; fix the configuration it was made from "
                         "(tfguard fix DIR)")
    import contextlib

    from tfguard.targets import standing_in

    common = _common_folder(kept)
    with standing_in(common) if common is not None else contextlib.nullcontext():
        outcome = _fix(kept, options, only, unsafe)
    outcome.diagnostics[:0] = [Diagnostic(str(p), 1, "a plan gets no fixes; fix the configuration it was made from",
                                          "warning") for p in plans]
    return outcome


def _common_folder(paths: list[Path]) -> Path | None:
    """A target outside the working directory is named relative to itself: two such targets
    would both be root ".", and a fix would look for one's resource in the other's scan.
    Several targets, one of them outside, are named from their common folder instead."""
    cwd = Path.cwd().resolve()
    dirs = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    if len(dirs) < 2 or all(d == cwd or cwd in d.parents for d in dirs):
        return None
    return Path(os.path.commonpath(dirs))


def _fix(kept: list[Path], options: Options, only: frozenset[str], unsafe: bool) -> Outcome:
    excluded: dict[Key, str] = {}  # fixes the verification turned down -> why, for the report
    rejected: list[str] = []
    for _ in range(3):
        outcome, first, last = _attempt(kept, options, only, unsafe, excluded)
        culprits = _verify(outcome, first, last)
        rejected += outcome.rejected
        if not culprits:
            break
        excluded |= culprits
    else:
        unverified = {k: "its fix could not be verified and was left out" for k in outcome.fixed}
        outcome, _, _ = _attempt(kept, options, only, unsafe, excluded | unverified)
        rejected.append("fixes that could not be verified were left out")
    outcome.rejected = list(dict.fromkeys(rejected))
    return outcome


def _attempt(paths: list[Path], options: Options, only: frozenset[str], unsafe: bool,
             excluded: dict[Key, str]) -> tuple[Outcome, set[Key], Report]:
    """One run of rounds without the `excluded` fixes: the outcome, the findings open
    before it, and the last scan (of the edited texts)."""
    files = Files([p.resolve() for p in paths])
    outcome = Outcome()
    scan = _scan(paths, options, files)
    outcome.diagnostics = list(scan.report.diagnostics)
    first = _open(scan.report)
    for _ in range(MAX_ROUNDS):
        edited = False
        for f in scan.report.findings:
            if f.status is not Status.FAIL or f.suppressed or f.check_id not in RULES:
                continue
            if only and f.check_id not in only:
                continue
            if key(f) in excluded:  # reported as not fixed, with the verification's reason
                outcome.refused.setdefault(key(f), (f, excluded[key(f)]))
                continue
            edited |= _one(f, scan, files, outcome, unsafe)
        if not edited:
            break
        files.rescanned()
        scan = _scan(paths, options, files)
    else:
        outcome.rejected.append(f"edits still changed after {MAX_ROUNDS} rounds")
    # A finding refused in one round may be gone after another fix (a replica once its source
    # is encrypted, a second instance of a module whose file the first one's fix edited): it
    # is fixed, by those edits, not one left to fix by hand.
    still = _open(scan.report)
    for k, (f, _) in outcome.refused.items():
        if k not in still:
            outcome.fixed.setdefault(k, (f, [OTHERS]))
    outcome.refused = {k: v for k, v in outcome.refused.items() if k in still}
    outcome.texts = {p: (files.original[p], t) for p, t in files.changed().items()}
    return outcome, first, scan.report


def _one(f: Finding, scan: _Scan, files: Files, outcome: Outcome, unsafe: bool) -> bool:
    rule = RULES[f.check_id]
    k = key(f)
    base, graph = scan.groups.get(f.root, (None, None))
    subject = graph.by_address.get(f.address) if graph is not None else None
    if base is None or graph is None or subject is None:
        outcome.refused.setdefault(k, (f, "the resource was not found in the scan"))
        return False
    before = {p: s.text for p, s in files.current.items()}
    site = Site(f, subject, graph, base, files)
    try:
        rule.apply(site)
    except Refused as exc:
        _restore(files, before)
        if k not in outcome.fixed:
            outcome.refused.setdefault(k, (f, str(exc)))
        return False
    hazards = rule.hazards(site.writes)
    if hazards and not unsafe:
        # Judged by what it wrote: a launch template's encryption is a new template version
        # (safe), an instance's root volume a new instance (unsafe).
        _restore(files, before)
        outcome.unsafe.setdefault(k, (f, "; ".join(hazards)))
        return False
    if hazards:
        outcome.hazards[k] = "; ".join(hazards)
    outcome.writes.setdefault(k, []).extend(w for w in site.writes if w not in outcome.writes.get(k, []))
    if not site.changes:
        if k not in outcome.fixed:  # dropped at the end if another fix of this round made it pass
            outcome.refused.setdefault(k, (f, "its fix found nothing to change where the resource is declared; "
                                              "change it by hand"))
        return False
    done = outcome.fixed.setdefault(k, (f, []))[1]
    done.extend(c for c in site.changes if c not in done)
    # A file this fix only read (opened for the first time) is not one it edited.
    outcome.touched.setdefault(k, set()).update(
        p for p, src in files.current.items() if src.text != before.get(p, files.original.get(p)))
    outcome.refused.pop(k, None)
    return True


def _restore(files: Files, before: dict[Path, str]) -> None:
    """Undo the part of a fix made before it was refused: a fix is whole or nothing."""
    from tfguard.fix.text import Source

    for p in list(files.current):
        if p not in before:
            del files.current[p]
        elif files.current[p].text != before[p]:
            files.current[p] = Source.parse_text(before[p])


def _verify(outcome: Outcome, first: set[Key], report: Report) -> dict[Key, str]:
    """The fixes to leave out: every fix when an edited file does not parse; else those whose
    finding is still there, or that made a new one. Empty when the run stands."""
    from tfguard.fix.text import Source
    from tfguard.load.hcl_grammar import HclSyntaxError

    for path, (_, after) in outcome.texts.items():
        try:
            Source.parse_text(after).body()
        except HclSyntaxError as exc:
            outcome.rejected.append(f"{path}: the edited file would not parse ({exc}); no fix is applied")
            return dict.fromkeys(outcome.fixed, "the edited file would not parse; left out")
    now = _open(report)
    # Held back while the finding was open, on whichever resource it is gone from: fixing a
    # source database also brings out the key check of its replica.
    allowed = {(r, u, a) for (r, c, a) in first - now for u in UNCOVERS.get(c, ())}
    culprits = dict.fromkeys(_new_errors(outcome, report), "its edit would make an input error; left out")
    for k in sorted(now - first - allowed):
        # The fixes of the same resource made it, else those of the same root (a root's
        # findings come from its own configuration), else any of them may have.
        blamed = ({x for x in outcome.fixed if x[0] == k[0] and x[2] == k[2]}
                  or {x for x in outcome.fixed if x[0] == k[0]} or set(outcome.fixed))
        outcome.rejected.append(f"{k[1]} {k[2]} would be a new finding; the fixes that made it are left out")
        culprits |= {b: culprits.get(b, f"its fix would bring a new finding ({k[1]} {k[2]}); left out")
                     for b in blamed}
    failing = {key(f) for f in report.findings if f.status is Status.FAIL and not f.suppressed}
    for k in outcome.fixed:
        if k in failing:  # an UNKNOWN left by another, unknown argument is not this fix's failure
            outcome.rejected.append(f"{k[1]} {k[2]} is still found after its fix; the fix is left out")
            culprits.setdefault(k, "the finding is still there after the fix; left out")
    return culprits


def _new_errors(outcome: Outcome, report: Report) -> set[Key]:
    """The fixes of a file in which the edits made an input error (a duplicate resource, which
    the scan then leaves unchecked): an edit may not make the input worse."""
    def norm(message: str) -> str:
        return re.sub(r":\d+", ":N", message)  # lines the edits moved are not a new error

    before = {(d.file, norm(d.message)) for d in outcome.diagnostics if d.severity == "error"}
    culprits: set[Key] = set()
    for d in report.diagnostics:
        if d.severity != "error" or (d.file, norm(d.message)) in before:
            continue
        path = Path(d.file).resolve() if d.file else None
        outcome.rejected.append(f"{d.where}: {d.message}: the edits would make this error; the fixes that made it "
                                "are left out")
        culprits |= {k for k, files in outcome.touched.items() if path in files} or set(outcome.fixed)
    return culprits


def write(outcome: Outcome) -> None:
    """Write the edited files, each in one step (a temporary file renamed over it)."""
    for path, (_, after) in outcome.texts.items():
        mode = path.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tfguard")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(after)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
