"""Configuration files named on the command line, as pre-commit passes the staged ones.

A named file is checked where Terraform evaluates it: in every root module of its
repository whose module tree holds its folder (the folder itself when it is a root,
else the roots that call its module, with their arguments). A module scanned alone
knows only its variables' defaults, so it gave FAILs that its callers fix, and a
module scanned alone and through its caller reported each finding twice.

Of those roots' findings, only the ones that touch a named file are reported: the
primary location, a related location, or a module block that instantiates the
resource is in the file. A variables file (`.tfvars`) stands for its root module:
its values may decide any finding of that root, so all of them are reported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from tfguard.errors import UsageError
from tfguard.model import Diagnostic, Finding, Resource
from tfguard.targets import (
    HCL_FILES,
    Loaded,
    Options,
    account_location,
    distinct_targets,
    excluded,
    has_configuration,
    load_target,
    new_loader,
    root_name,
    shown_root,
)

VAR_FILES = (".tfvars", ".tfvars.json")


def repository(directory: Path, shown: Path) -> Path:
    """Where to look for the roots that use `directory`: the git work tree that holds it
    (or the folder reports are relative to, when the work tree starts above it). Outside
    a git work tree only the folder itself: walking a whole home folder for callers is
    not what a user asks for by naming a file."""
    start, top = directory.resolve(), shown.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
        if folder == top:
            return top if any((p / ".git").exists() for p in top.parents) else start
    return start


def load_jobs(paths: list[Path], options: Options) -> list[tuple[Path, Callable[[], list[Loaded]]]]:
    """What to load: each directory and plan on its own; the named configuration files
    together, in the root modules that use them."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    named = list({p.resolve(): p for p in paths if p.name.endswith(HCL_FILES) and not p.is_dir()}.values())
    out: list[tuple[Path, Callable[[], list[Loaded]]]] = [
        (t, functools.partial(load_target, t, options)) for t in distinct_targets([p for p in paths if p not in named])]
    return out + jobs(named, options)


def jobs(files: list[Path], options: Options) -> list[tuple[Path, Callable[[], list[Loaded]]]]:
    """One loading job per repository: its roots are evaluated once for all the named files."""
    groups: dict[tuple[Path, Path], list[Path]] = {}
    for path in files:
        shown = shown_root(path)
        groups.setdefault((shown, repository(path.parent, shown)), []).append(path)
    return [(base, _job(base, shown, named, options)) for (shown, base), named in groups.items()]


def _job(base: Path, shown: Path, named: list[Path], options: Options) -> Callable[[], list[Loaded]]:
    return lambda: load_changed(base, shown, named, options)


def load_changed(base: Path, shown: Path, named: list[Path], options: Options) -> list[Loaded]:
    from tfguard.load.files import module_dirs, relative

    folders = {p.resolve().parent for p in named}
    dirs = [d for d in module_dirs(base) if not excluded(d, base, options.exclude)]
    listed = {d.resolve() for d in dirs}
    # A named file in a folder the walk skips (a hidden one) is still scanned.
    dirs += [d for d in sorted(folders - listed) if has_configuration(d)]
    loader = new_loader(shown, shown, options)
    loader.load(dirs, touching=folders)
    keep = frozenset(relative(p, shown) for p in named)
    whole = {p.resolve().parent for p in named if p.name.endswith(VAR_FILES)}
    groups = [Loaded(resources, [], loader.sensitive_values, account_location(root, shown, loader.module(root).unparsed), shown,
                     keep=None if root.resolve() in whole else keep, root=root_name(root, shown))
              for root, resources in loader.roots]
    if not groups:
        groups = [Loaded([], [], loader.sensitive_values, None, shown, keep=keep, root=root_name(base, shown))]
    groups[0].diagnostics = loader.diagnostics
    for path in named:
        if not has_configuration(path.parent):
            # A variables file kept apart from its configuration: nothing to scan here, which
            # is worth saying but not failing on (pre-commit passes such files too).
            groups[0].diagnostics.append(Diagnostic(relative(path, shown), 1, "no Terraform or OpenTofu "
                                                    "files beside this file; nothing scanned", "warning"))
    return groups


def touches(finding: Finding, files: frozenset[str], subject: Resource | None) -> bool:
    """Whether the finding points into one of `files`: its location, a related location,
    or a module block that instantiates its resource (the caller's arguments decide)."""
    places = [finding.location, *(r.location for r in finding.related), *(subject.calls if subject else ())]
    return any(p is not None and p.file in files for p in places)


def once(findings: list[Finding]) -> list[Finding]:
    """Each finding once. Findings of different roots differ by their root; equal ones come
    from one root evaluated by two jobs (a git work tree nested in another, both named)."""
    seen: set[str] = set()
    out: list[Finding] = []
    for f in findings:
        key = repr(f)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
