"""`tfguard check PATH... --diff-base REF`: which findings a branch introduces.

The same targets are scanned twice with the same options: as they are, and as they
were at REF. A finding whose fingerprint and status the base has too is existing,
any other open finding is introduced, and the base's open findings that are gone are
resolved (tfguard.comparison.mark).

The base is read with git plumbing into a temporary folder (tfguard.gitbase): nothing
of the repository runs. The copy mirrors the file system under the temporary folder
(REPO/infra is TMP/REPO/infra) and its scan stands in the copy of the working
directory (targets.standing_in), so that it names files and root modules exactly as
the work tree's scan does: the fingerprint holds the root module's name, and an
unchanged finding must keep it. A target that REF does not have (a new folder)
contributes nothing to the base: everything in it is introduced.

What is not the repository's at REF is the work tree's: extra checks (--checks-dir:
code is never taken from a revision), a --var-file outside the repository or not in
REF, and the modules `terraform init` installed under `.terraform/modules` (git has
none; the base uses the work tree's, so that a remote module's findings are compared
rather than all introduced).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tfguard.errors import UsageError
from tfguard.model import Diagnostic, Finding, Location, Report
from tfguard.targets import HCL_FILES, Options, standing_in

Scan = Callable[[list[Path], Options], Report]


def compared(targets: list[Path], options: Options, scan: Scan) -> Report:
    """The scan of `targets`, its findings marked against the scan of the base revision."""
    from tfguard.comparison import mark

    ref = options.diff_base
    _refuse_plans(targets)
    base, copy = _base_scan(targets, options, scan)
    current = scan(targets, replace(options, diff_base=""))
    current.findings, _ = mark(current.findings, base.findings + base.untouched)
    _, resolved = mark(current.findings + current.untouched, base.findings)
    current.resolved = [_unmirrored(f, copy) for f in resolved]
    current.compared_with = ref
    errors = [d for d in base.diagnostics if d.severity == "error"]
    if errors:
        # Its findings there are missing from the base, so they would show as introduced: say so.
        current.diagnostics.append(Diagnostic("", 0, f"--diff-base {ref}: {len(errors)} problem(s) reading the base "
                                              f"revision, e.g. {errors[0]}; findings there count as introduced",
                                              "warning"))
    return current


def _unmirrored(finding: Finding, copy: str) -> Finding:
    """A resolved finding's places as the work tree names them: a file outside the folder
    reports are relative to is named by its absolute path, which was in the copy."""
    def place(loc: Location | None) -> Location | None:
        if loc is None or not copy or not loc.file.startswith(copy + "/"):
            return loc
        return replace(loc, file="/" + loc.file[len(copy) + 1:])

    related = tuple(replace(r, location=place(r.location)) for r in finding.related)
    return replace(finding, location=place(finding.location), related=related)


def _refuse_plans(targets: list[Path]) -> None:
    for target in targets:
        if not target.exists():
            raise UsageError(f"no such file or directory: {target}")
        if target.is_file() and not target.name.endswith(HCL_FILES):
            raise UsageError(f"--diff-base compares configuration with a git revision; {target} is a plan, "
                             "and a plan is compared with its own prior state: scan it without --diff-base")


class Mirror:
    """The file system as REF has it, under a temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()

    def of(self, path: Path) -> Path:
        """Where `path` of the work tree is in the copy."""
        full = path.resolve()
        return self.folder / full.relative_to(full.anchor)


def _base_scan(targets: list[Path], options: Options, scan: Scan) -> tuple[Report, str]:
    """The scan of the targets as REF has them, and the folder of the copy (POSIX)."""
    from tfguard.gitbase import Git

    git = Git()
    tops = list(dict.fromkeys(git.toplevel(t.resolve() if t.is_dir() else t.resolve().parent, t) for t in targets))
    commits = {top: git.commit(top, options.diff_base) for top in tops}
    with tempfile.TemporaryDirectory(prefix="tfguard-base-") as tmp:
        mirror = Mirror(Path(tmp))
        for top in sorted(tops, key=lambda p: len(p.parts)):  # a nested repository after the one holding it
            copy = mirror.of(top)
            folders = git.extract(top, commits[top], copy, _within(top, targets, options))
            # changed.repository() knows a work tree's top by its .git: named files are checked in
            # the roots of the copy's repository, as they are in the work tree's.
            (copy / ".git").mkdir(exist_ok=True)
            _installed_modules(top, copy, folders)
        base_targets = [b for b in (_base_target(t, mirror) for t in targets) if b is not None]
        if not base_targets:
            return Report(), ""
        base_options = replace(options, diff_base="", baseline=None,
                               var_files=tuple(_var_file(v, mirror, tops) for v in options.var_files))
        with standing_in(mirror.of(Path(os.getcwd()))):
            return scan(base_targets, base_options), mirror.folder.as_posix()


def _within(top: Path, targets: list[Path], options: Options) -> list[str] | None:
    """What of the repository a scan of folders can read: only those folders (and the
    --var-files), since module sources and file functions stay inside the scanned folder
    unless --allow-outside-root. Named files are checked in the roots of the whole
    repository. None: everything."""
    if options.allow_outside_root or not all(t.is_dir() for t in targets):
        return None
    within = [p.resolve().relative_to(top).as_posix() for p in (*targets, *options.var_files)
              if p.resolve().is_relative_to(top)]
    return None if "." in within else within


def _base_target(target: Path, mirror: Mirror) -> Path | None:
    """The target in the copy; None when REF has nothing to scan there. A named file that
    REF lacks stands as an empty file, so that the roots using its folder are still
    scanned (a resource moved into a new file is not new) and nothing touches it."""
    from tfguard.load.files import module_dirs

    base = mirror.of(target)
    if target.is_dir():
        return base if base.is_dir() and module_dirs(base) else None
    if not base.exists():
        base.parent.mkdir(parents=True, exist_ok=True)
        base.write_text("{}" if base.name.endswith(".json") else "", encoding="utf-8")
    return base


def _var_file(path: Path, mirror: Mirror, tops: list[Path]) -> Path:
    """A --var-file of the repository as REF has it; the work tree's when REF has none."""
    full = path.resolve()
    for top in tops:
        if full.is_relative_to(top) and mirror.of(full).is_file():
            return mirror.of(full)
    return path


def _installed_modules(top: Path, copy: Path, folders: list[str]) -> None:
    """The work tree's `.terraform/modules` beside each module folder of the copy."""
    for folder in folders:
        installed = top / folder / ".terraform" / "modules"
        into = copy / folder / ".terraform" / "modules"
        if (installed / "modules.json").is_file() and not into.exists():
            shutil.copytree(installed, into, symlinks=True)
