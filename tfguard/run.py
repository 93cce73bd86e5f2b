"""The pipeline as one function: targets -> resources -> graph -> checks -> findings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tfguard.check import Check, Context
from tfguard.errors import InputError, UsageError
from tfguard.model import Diagnostic, Finding, Resource


@dataclass(frozen=True)
class Options:
    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    checks_dirs: tuple[Path, ...] = ()
    source: Path | None = None
    classification_tag: str = "DataClassification"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    resources: int = 0


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


def load_target(target: Path, options: Options) -> tuple[list[Resource], list[Diagnostic]]:
    from tfguard.load.files import relative

    root = _shown_root(target)
    if target.is_dir():
        from tfguard.load.hcl import load_directory

        return load_directory(target, root)
    if target.name.endswith((".tf", ".tf.json")):
        from tfguard.load.hcl import load_directory

        return load_directory(target.parent, root, recursive=False)
    from tfguard.load.plan import load_plan

    resources, diagnostics = load_plan(target, relative(target, root))
    source = options.source
    if source is None and any(target.parent.glob("*.tf")):
        source = target.parent
    if source is not None:
        from tfguard.load.source_map import SourceMap

        smap = SourceMap(source, _shown_root(source))
        for res in resources:
            smap.locate(res)
        diagnostics.extend(smap.diagnostics)
    return resources, diagnostics


def run(targets: list[Path], options: Options = Options()) -> Report:
    from tfguard.engine import load_checks, run_checks, select
    from tfguard.graph import ResourceGraph

    checks = select(load_checks(options.checks_dirs), set(options.only), set(options.skip))
    report = Report(checks=checks)
    for target in targets:
        if not target.exists():
            raise UsageError(f"no such file or directory: {target}")
        if options.source is not None and not options.source.is_dir():
            raise UsageError(f"--source is not a directory: {options.source}")
        try:
            resources, diagnostics = load_target(target, options)
        except InputError as exc:
            # One unreadable target is reported; the other targets are still scanned.
            report.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
            continue
        report.diagnostics.extend(diagnostics)
        report.resources += len(resources)
        ctx = Context(ResourceGraph(resources), options.classification_tag)
        report.findings.extend(run_checks(checks, ctx))
    return report
