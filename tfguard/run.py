"""The pipeline as one function: targets -> resources -> graph -> checks -> findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tfguard.check import Check, Context
from tfguard.errors import InputError, TfguardError, UsageError, internal_error
from tfguard.model import Diagnostic, Finding, Location, Report, Resource
from tfguard.targets import HCL_FILES, Loaded, Options

if TYPE_CHECKING:
    from tfguard.suppress import Suppressions


def _redact_text(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "(sensitive)")
    return text


def redact(finding: Finding, secrets: set[str]) -> Finding:
    """Values of sensitive variables never reach a report."""
    message = _redact_text(finding.message, secrets)
    return finding if message == finding.message else replace(finding, message=message)


# Called with each root module's loaded input and the context its checks ran in
# (`tfguard fix` reads the resources behind the findings from it).
Observer = Callable[[Loaded, Context], None]


def run(targets: list[Path], options: Options = Options(), observe: Observer | None = None) -> Report:
    if options.diff_base:
        from tfguard.branch import compared

        return compared(targets, options, run)
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
                _check_group(loaded, checks, options, report, suppressions, observe)
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
                 suppressions: dict[Path, Suppressions], observe: Observer | None = None) -> None:
    report.diagnostics.extend(
        d if not loaded.sensitive else replace(d, message=_redact_text(d.message, loaded.sensitive))
        for d in loaded.diagnostics)
    if loaded.shown_root is not None and loaded.shown_root.resolve() not in report.location_roots:
        report.location_roots.append(loaded.shown_root.resolve())
    report.resources += len(loaded.resources)
    if loaded.resources and loaded.root not in report.roots:
        report.roots.append(loaded.root)
    report.files += len({r.location.file for r in loaded.resources if r.location is not None})
    findings, ctx = _findings(loaded.resources, loaded, checks, options, report.diagnostics, suppressions)
    if observe is not None:
        observe(loaded, ctx)
    if loaded.keep is not None:
        from tfguard.changed import touches

        keep = loaded.keep
        touching = [touches(f, keep, ctx.graph.by_address.get(f.address)) for f in findings]
        report.untouched.extend(f for f, t in zip(findings, touching) if not t)
        findings = [f for f, t in zip(findings, touching) if t]
    if loaded.before is not None:
        findings = _compare(findings, loaded, checks, options, report, suppressions)
    report.findings.extend(findings)


def _findings(resources: list[Resource], loaded: Loaded, checks: list[Check], options: Options,
              diagnostics: list[Diagnostic], suppressions: dict[Path, Suppressions],
              record: bool = True) -> tuple[list[Finding], Context]:
    """The findings of the checks on these resources of a root module, suppressions applied
    (`record=False`: a suppression they use is not counted as used)."""
    from tfguard.engine import run_checks
    from tfguard.graph import ResourceGraph

    ctx = Context(ResourceGraph(resources), options.classification_tag, options.profile, loaded.root_location)
    findings = [redact(f, loaded.sensitive) for f in run_checks(checks, ctx, diagnostics, loaded.root)]
    if options.ignores and loaded.shown_root is not None:
        from tfguard.suppress import Suppressions

        index = suppressions.setdefault(loaded.shown_root, Suppressions([loaded.shown_root]))
        used = set(index.used)
        index.read(loc.file for r in resources for loc in (r.location, *r.calls) if loc is not None)
        index.ran.update(name.lower() for c in checks if not c.baseline or ctx.baseline_active for name in (c.id, c.slug))
        index.report_only(loaded.keep)  # named files (pre-commit): warn only about their suppressions
        findings = _apply_suppressions(findings, ctx, index)
        if not record:
            index.used = used
    return findings, ctx


PRIOR_STATE = "the prior state"


def _compare(findings: list[Finding], loaded: Loaded, checks: list[Check], options: Options, report: Report,
             suppressions: dict[Path, Suppressions]) -> list[Finding]:
    """`findings` marked introduced or existing against the same checks on the root module
    before the change; the findings gone since then go to report.resolved."""
    from tfguard.comparison import mark

    assert loaded.before is not None
    problems: list[Diagnostic] = []
    if loaded.before is loaded.resources:  # a plan that changes nothing: the same findings
        before = findings
    else:
        before, _ = _findings(loaded.before, loaded, checks, options, problems, suppressions, record=False)
    if problems:  # a check failed on the prior state only: its findings would pass as introduced
        where = loaded.root_location or Location(loaded.root, 1, 1)
        report.diagnostics.append(Diagnostic(where.file, where.start_line, f"{len(problems)} check(s) failed on "
                                             f"{PRIOR_STATE}; their findings may be marked introduced", "warning"))
    marked, resolved = mark(findings, before)
    report.resolved.extend(resolved)
    report.compared_with = report.compared_with or PRIOR_STATE
    return marked


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
