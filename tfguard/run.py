"""The pipeline as one function: targets -> resources -> graph -> checks -> findings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tfguard.check import Check, Context
from tfguard.errors import InputError, TfguardError, UsageError, internal_error
from tfguard.model import Diagnostic, Finding, Location, Report, Resource

if TYPE_CHECKING:
    from tfguard.load.loader import Loader
    from tfguard.suppress import Suppressions


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


def _shown_root(target: Path) -> Path:
    """Paths in reports are relative to the working directory when the target is inside it
    (what code scanning expects), else relative to the target itself."""
    cwd = Path(os.getcwd()).resolve()
    resolved = target.resolve()
    base = resolved if resolved.is_dir() else resolved.parent
    try:
        base.relative_to(cwd)
        return cwd
    except ValueError:
        return base


def root_name(path: Path, shown: Path) -> str:
    """A root module as findings name it: its folder (for a plan, the plan file) relative to
    what file paths are relative to (_shown_root), so that it does not depend on which
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


MAIN_FILES = ("main.tf", "main.tf.json", "main.tofu", "main.tofu.json")


def _account_location(directory: Path | None, shown: Path, unparsed: set[str] | None = None) -> Location | None:
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
                     _account_location(root, shown, loader.module(root).unparsed), shown, root=root_name(root, shown))
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

    root = _shown_root(target)
    if target.is_dir():
        _require_configuration(target, root)
        return _load_hcl(target, target, root, options, recursive=True)
    if target.name.endswith(HCL_FILES):
        # A file stands for its module directory (pre-commit passes file names).
        groups = _load_hcl(target.parent, root, root, options, recursive=False)
        if not _has_configuration(target.parent):
            # A variables file kept apart from its configuration: nothing to scan here, which
            # is worth saying but not failing on (pre-commit passes such files too).
            groups[0].diagnostics.append(Diagnostic(relative(target, root), 1, "no Terraform or OpenTofu "
                                                    "files beside this file; nothing scanned", "warning"))
        return groups
    from tfguard.load.plan import load_plan_doc, read_plan

    shown = relative(target, root)
    resources, diagnostics, sensitive = load_plan_doc(read_plan(target, shown), shown)
    source = options.source
    if source is None and _has_configuration(target.parent):
        source = target.parent
    first = None
    if source is not None:
        from tfguard.load.source_map import SourceMap

        smap = SourceMap(source, _shown_root(source))
        for res in resources:
            smap.locate(res)
        diagnostics.extend(smap.diagnostics)
        first = _account_location(source, _shown_root(source), smap.unparsed())
    return [Loaded(resources, diagnostics, sensitive, first or Location(shown, 1, 1),
                   _shown_root(source) if source is not None else None, root=shown)]


def _has_configuration(directory: Path) -> bool:
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


def _targets(paths: list[Path]) -> list[Path]:
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


def _redact_text(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "(sensitive)")
    return text


def redact(finding: Finding, secrets: set[str]) -> Finding:
    """Values of sensitive variables never reach a report."""
    message = _redact_text(finding.message, secrets)
    return finding if message == finding.message else replace(finding, message=message)


def run(targets: list[Path], options: Options = Options()) -> Report:
    from tfguard.engine import load_checks, resolve, select

    available = load_checks(options.checks_dirs)
    checks = select(available, set(options.only), set(options.skip), set(options.frameworks))
    overrides = {check_id: sev for name, sev in options.severity for check_id in resolve(available, [name])}
    checks = [replace(c, severity=overrides.get(c.id, c.severity)) for c in checks]
    from datetime import datetime, timezone

    started = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    report = Report(checks=checks, targets=[str(t) for t in targets], started=started)
    # One suppression index per folder that locations are relative to, for the whole run:
    # a suppression is unused only when no root module used it.
    suppressions: dict[Path, Suppressions] = {}
    from tfguard.changed import load_jobs

    for target, load_job in load_jobs(targets, options):
        if options.source is not None and not options.source.is_dir():
            raise UsageError(f"--source is not a directory: {options.source}")
        try:
            groups = load_job()
        except InputError as exc:
            # One unreadable target is reported; the other targets are still scanned.
            report.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
            continue
        except Exception as exc:
            if isinstance(exc, TfguardError):
                raise
            report.diagnostics.append(internal_error(str(target), 1, f"loading {target}", exc))
            continue
        for loaded in groups:
            try:
                _check_group(loaded, checks, options, report, suppressions)
            except Exception as exc:  # e.g. building the graph: this root module's results are lost, not the scan's
                if isinstance(exc, TfguardError):
                    raise
                where = loaded.root_location or Location(str(target), 1, 1)
                report.diagnostics.append(internal_error(where.file, where.start_line, "checking a module", exc,
                                                         "its results may be incomplete"))
    if suppressions:
        from tfguard.suppress import warnings

        report.diagnostics.extend(warnings(suppressions.values(), {c.id for c in available} | {c.slug for c in available}))
    if any(p.name.endswith(HCL_FILES) and not p.is_dir() for p in targets):
        from tfguard.changed import once

        report.findings = once(report.findings)
    if options.baseline is not None:
        from tfguard.baseline import apply, load

        report.findings, report.fixed = apply(report.findings, load(options.baseline))
        report.baseline = options.baseline
    return report


def _check_group(loaded: Loaded, checks: list[Check], options: Options, report: Report,
                 suppressions: dict[Path, Suppressions]) -> None:
    from tfguard.engine import run_checks
    from tfguard.graph import ResourceGraph

    report.diagnostics.extend(
        d if not loaded.sensitive else replace(d, message=_redact_text(d.message, loaded.sensitive))
        for d in loaded.diagnostics)
    if loaded.shown_root is not None and loaded.shown_root.resolve() not in report.location_roots:
        report.location_roots.append(loaded.shown_root.resolve())
    report.resources += len(loaded.resources)
    if loaded.resources and loaded.root not in report.roots:
        report.roots.append(loaded.root)
    report.files += len({r.location.file for r in loaded.resources if r.location is not None})
    ctx = Context(ResourceGraph(loaded.resources), options.classification_tag, options.profile,
                  loaded.root_location)
    findings = [redact(f, loaded.sensitive) for f in run_checks(checks, ctx, report.diagnostics, loaded.root)]
    if options.ignores and loaded.shown_root is not None:
        from tfguard.suppress import Suppressions

        index = suppressions.setdefault(loaded.shown_root, Suppressions([loaded.shown_root]))
        index.read(loc.file for r in loaded.resources for loc in (r.location, *r.calls) if loc is not None)
        index.ran.update(name.lower() for c in checks if not c.baseline or ctx.baseline_active for name in (c.id, c.slug))
        index.report_only(loaded.keep)  # named files (pre-commit): warn only about their suppressions
        findings = _apply_suppressions(findings, ctx, index)
    if loaded.keep is not None:
        from tfguard.changed import touches

        keep = loaded.keep
        findings = [f for f in findings if touches(f, keep, ctx.graph.by_address.get(f.address))]
    report.findings.extend(findings)


def _apply_suppressions(findings: list[Finding], ctx: Context, index: Suppressions) -> list[Finding]:
    from tfguard.model import Status

    out: list[Finding] = []
    for f in findings:
        s = index.match(f, ctx.graph.by_address.get(f.address)) if f.status is not Status.PASS else None
        if s is None:
            out.append(f)
        elif s.expires is not None and s.expires < index.today:
            note = f" (suppression at {s.file}:{s.line} expired on {s.expires.isoformat()})"
            out.append(replace(f, message=f.message + note))
        else:
            out.append(replace(f, suppressed=True, justification=s.reason or "(no reason given)"))
    return out
