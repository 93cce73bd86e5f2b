"""What a scan is asked for (Options) and what it loads: targets -> one Loaded per root module.

A target is a folder (every root module below it), a configuration or variables
file (its folder's module) or a plan JSON file. run.py drives the pipeline over
these; changed.py groups named files into the root modules that use them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tfguard.errors import InputError, UsageError
from tfguard.model import Diagnostic, Location, Resource

if TYPE_CHECKING:
    from tfguard.load.loader import Loader


@dataclass(frozen=True)
class Options:
    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    checks_dirs: tuple[Path, ...] = ()
    source: Path | None = None
    classification_tag: str = "DataClassification"
    var_files: tuple[Path, ...] = ()
    variables: tuple[str, ...] = ()  # "name=value", as --var gives them
    allow_outside_root: bool = False
    max_instances: int = 10_000
    profile: str = ""  # "baseline": run account-level checks even without an anchor
    frameworks: frozenset[str] = frozenset()  # run only checks mapped to these frameworks
    cache: bool = True  # reuse parsed files from the user's cache directory
    jobs: int = 0  # parser processes for large uncached trees: 0 = one per core, 1 = serial
    ignores: bool = True  # honour inline `tfguard:ignore` comments (--no-ignores: audit mode)
    baseline: Path | None = None  # accepted findings: only new ones fail
    severity: tuple[tuple[str, str], ...] = ()  # (check id or slug, severity) overrides from configuration
    exclude: tuple[str, ...] = ()  # glob patterns of paths (relative to the target) not to scan
    diff_base: str = ""  # a git revision to compare with (tfguard.branch): its findings are existing


# The folder a base revision's copy of the working directory is (tfguard.branch): its scan
# must name files and root modules as the scan of the work tree does, without a chdir.
_STANDING_IN: ContextVar[Path | None] = ContextVar("tfguard_standing_in", default=None)


@contextmanager
def standing_in(folder: Path) -> Iterator[None]:
    """Within this block, reports are relative to `folder` as if it were the working directory."""
    token = _STANDING_IN.set(folder)
    try:
        yield
    finally:
        _STANDING_IN.reset(token)


def shown_root(target: Path) -> Path:
    """Paths in reports are relative to the working directory when the target is inside it
    (what code scanning expects), else relative to the target itself."""
    cwd = _STANDING_IN.get() or Path(os.getcwd()).resolve()
    resolved = target.resolve()
    base = resolved if resolved.is_dir() else resolved.parent
    try:
        base.relative_to(cwd)
        return cwd
    except ValueError:
        return base


def root_name(path: Path, shown: Path) -> str:
    """A root module as findings name it: its folder (for a plan, the plan file) relative to
    what file paths are relative to (shown_root), so that it does not depend on which
    target the scan starts from."""
    from tfguard.load.files import relative

    return relative(path, shown)


@dataclass
class Loaded:
    resources: list[Resource]
    diagnostics: list[Diagnostic]
    sensitive: set[str] = field(default_factory=set)
    root_location: Location | None = None  # where account-level findings point without an anchor
    shown_root: Path | None = None  # what locations are relative to (for reading suppressions)
    keep: frozenset[str] | None = None  # named files (changed.py): report only the findings that touch them
    root: str = ""  # the root module, as root_name() gives it (a plan: its file, as shown)
    # The same root module before the change (a plan's prior state), checked too so that each
    # finding says whether the change introduced it; None when there is nothing to compare with.
    before: list[Resource] | None = None


MAIN_FILES = ("main.tf", "main.tf.json", "main.tofu", "main.tofu.json")


def account_location(directory: Path | None, shown: Path, unparsed: set[str] | None = None) -> Location | None:
    """Where account-level findings point when there is no anchor resource: the root
    module's main.tf, else its first file by name; never a file that could not be read
    or parsed. (The first file by name alone pointed at whatever it held first, e.g. a
    load balancer in alb.tf.)"""
    from tfguard.load.files import relative, tf_files

    files = [relative(p, shown) for p in tf_files(directory)] if directory is not None and directory.is_dir() else []
    read = [f for f in files if f not in (unparsed or ())]
    main = [f for f in read if f.rsplit("/", 1)[-1] in MAIN_FILES]
    return Location((main or read)[0], 1, 1) if read else None


def new_loader(scan_root: Path, shown: Path, options: Options) -> Loader:
    from tfguard.load.loader import Loader
    from tfguard.load.modules import LoadOptions
    from tfguard.load.variables import VarInputs

    inputs = VarInputs(var_files=options.var_files, assignments=options.variables)
    return Loader(scan_root, shown, LoadOptions(inputs, options.allow_outside_root, options.max_instances,
                                                options.cache, options.jobs))


def _load_hcl(directory: Path, scan_root: Path, shown: Path, options: Options, recursive: bool) -> list[Loaded]:
    from tfguard.load.files import module_dirs

    loader = new_loader(scan_root, shown, options)
    dirs = module_dirs(directory) if recursive else [directory]
    if options.exclude:
        dirs = [d for d in dirs if not excluded(d, directory, options.exclude)]
    loader.load(dirs)
    groups = [Loaded(resources, [], loader.sensitive_values,
                     account_location(root, shown, loader.module(root).unparsed), shown, root=root_name(root, shown))
              for root, resources in loader.roots]
    if not groups:
        groups = [Loaded([], [], loader.sensitive_values, None, shown, root=root_name(directory, shown))]
    groups[0].diagnostics = loader.diagnostics
    return groups


def excluded(path: Path, base: Path, patterns: tuple[str, ...]) -> bool:
    """A path matches when it, or one of its parent folders, matches a pattern (relative to base)."""
    import fnmatch

    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return False
    parts = rel.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(c, p.rstrip("/")) for c in candidates for p in patterns)


def load_target(target: Path, options: Options) -> list[Loaded]:
    """One Loaded per root module (a plan is one)."""
    from tfguard.load.files import relative

    root = shown_root(target)
    if target.is_dir():
        _require_configuration(target, root)
        return _load_hcl(target, target, root, options, recursive=True)
    if target.name.endswith(HCL_FILES):
        # A file stands for its module directory (pre-commit passes file names).
        groups = _load_hcl(target.parent, root, root, options, recursive=False)
        if not has_configuration(target.parent):
            # A variables file kept apart from its configuration: nothing to scan here, which
            # is worth saying but not failing on (pre-commit passes such files too).
            groups[0].diagnostics.append(Diagnostic(relative(target, root), 1, "no Terraform or OpenTofu "
                                                    "files beside this file; nothing scanned", "warning"))
        return groups
    from tfguard.load.plan import changes_nothing, config_index, load_plan_doc, load_prior_doc, read_plan

    shown = relative(target, root)
    doc = read_plan(target, shown)
    config = config_index(doc)
    resources, diagnostics, sensitive = load_plan_doc(doc, shown, config)
    # A plan that changes nothing is its own prior state: the same Resources stand for both.
    before = resources if changes_nothing(doc) else load_prior_doc(doc, shown, config)
    source = options.source
    if source is None and has_configuration(target.parent):
        source = target.parent
    first = None
    if source is not None:
        from tfguard.load.source_map import SourceMap

        smap = SourceMap(source, shown_root(source))
        for res in dict.fromkeys((*resources, *before)):  # located alike, so that inline suppressions match both
            smap.locate(res)
        diagnostics.extend(smap.diagnostics)
        first = account_location(source, shown_root(source), smap.unparsed())
    return [Loaded(resources, diagnostics, sensitive, first or Location(shown, 1, 1),
                   shown_root(source) if source is not None else None, root=shown, before=before)]


def has_configuration(directory: Path) -> bool:
    from tfguard.load.files import tf_files

    try:
        return bool(tf_files(directory))
    except OSError:
        return False


def _require_configuration(directory: Path, root: Path) -> None:
    """A folder with no configuration file anywhere below it is an input error: a
    mistyped path in CI must not pass as a clean scan."""
    from tfguard.load.files import module_dirs, relative

    if not module_dirs(directory):
        shown = relative(directory, root) if directory.resolve() != root.resolve() else "."
        raise InputError(shown, 1, "no Terraform or OpenTofu files (.tf, .tf.json, .tofu, .tofu.json) "
                         "in this folder or below it; nothing to scan")


# Files that stand for their folder: configuration and variable files (pre-commit passes them).
HCL_FILES = (".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json")


def distinct_targets(paths: list[Path]) -> list[Path]:
    """Distinct targets: several .tf files of one folder are one module, scanned once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
        key = path.resolve().parent if path.name.endswith(HCL_FILES) else path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out
