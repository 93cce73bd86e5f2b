"""Load checks (built-in and user) through one mechanism, select and run them."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from tfguard.check import Check, Context, Result
from tfguard.errors import TfguardError, UsageError, internal_error
from tfguard.model import SEVERITIES, Diagnostic, Finding, Location, Related, Resource, Status
from tfguard.unknowns import named_cause


def builtin_checks_dir() -> Path:
    """Built-ins ship inside the package as tfguard/builtin_checks; in a source
    checkout they are the top-level checks/ folder."""
    here = Path(__file__).resolve().parent
    packaged = here / "builtin_checks"
    return packaged if packaged.is_dir() else here.parent / "checks"


def load_checks_from(directory: Path) -> list[Check]:
    if not directory.is_dir():
        raise UsageError(f"checks directory not found: {directory}")
    tag = hashlib.sha1(str(directory.resolve()).encode()).hexdigest()[:10]
    found: list[Check] = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"_tfguard_checks_{tag}.{path.stem}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise UsageError(f"{path}: cannot be loaded as a check module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[name]
                raise UsageError(f"{path}: check module failed to load: {exc}") from None
        check = getattr(module, "CHECK", None)
        if not isinstance(check, Check):
            raise UsageError(f"{path}: defines no CHECK = Check(...)")
        found.append(check if check.doc else replace(check, doc=module.__doc__ or ""))
    return found


def load_checks(extra_dirs: Iterable[Path] = ()) -> list[Check]:
    checks = load_checks_from(builtin_checks_dir())
    for d in extra_dirs:
        checks.extend(load_checks_from(d))
    seen: dict[str, Check] = {}
    for check in checks:
        if check.id in seen:
            raise UsageError(f"two checks share the id {check.id}")
        seen[check.id] = check
    return sorted(seen.values(), key=lambda c: c.id)


def select(checks: list[Check], only: set[str], skip: set[str], frameworks: frozenset[str] | set[str] = frozenset()) -> list[Check]:
    from tfguard.compliance import framework_id

    only_ids, skip_ids = resolve(checks, only), resolve(checks, skip)
    wanted = {framework_id(f) for f in frameworks}
    if None in wanted:
        raise UsageError(f"unknown framework in {', '.join(sorted(frameworks))}; "
                         "choose from hipaa, pci-dss, gdpr, nist-800-53, cis-aws")
    return [
        c for c in checks
        if (not only or c.id in only_ids) and c.id not in skip_ids and (not wanted or wanted & set(c.compliance))
    ]


def resolve(checks: list[Check], names: Iterable[str]) -> set[str]:
    """Check ids for ids or slugs in any case (`tg101`, `KMS-Rotation`); an unknown name is a usage error."""
    by_name = {n.lower(): c.id for c in checks for n in (c.id, c.slug)}
    unknown = sorted(n for n in names if n.lower() not in by_name)
    if unknown:
        raise UsageError(f"unknown check id(s): {', '.join(unknown)} (see `tfguard list-checks`)")
    return {by_name[n.lower()] for n in names}


def fingerprint(check_id: str, root: str, address: str, attribute: str) -> str:
    # Never line numbers: the fingerprint must survive edits above the resource.
    # The root module is part of it: envs/dev and envs/prod calling one module
    # give findings with the same address and line that are still different findings.
    return hashlib.sha256(f"{check_id}|{root}|{address}|{attribute}".encode()).hexdigest()[:32]


def _severity(check: Check, result: Result, ctx: Context) -> str:
    sev = check.severity
    if check.escalates and result.resource.type != "account" and ctx.sensitive(result.resource):
        sev = SEVERITIES[min(SEVERITIES.index(sev) + 1, len(SEVERITIES) - 1)]
    return sev


def _installed(loc: Location | None) -> bool:
    """A file `terraform init` placed under .terraform/modules: not in the repository."""
    return loc is not None and (loc.file.startswith(".terraform/") or "/.terraform/" in loc.file)


def provenance(at: Resource, attribute: str) -> tuple[Location | None, list[Related], str]:
    """Where a finding points, the places its value passed through, and what set it.

    The primary location is where the user edits: the outermost place that set the
    deciding value (a caller's argument, a tfvars line) when the argument is a plain
    `var.x` given from outside, else the argument itself. A file under
    .terraform/modules is never primary: then the first place outside it going
    outwards, or the root module's call. The other places are related locations.
    """
    here = at.location_of(attribute) if attribute else at.location
    origins = at.origin_of(attribute) if attribute and at.origins else ()
    if not origins and not _installed(here):
        return here, [], ""  # most findings: the block or argument itself is where to edit
    given = bool(origins) and not origins[0].default
    # Innermost first: the module's own line, then each argument that passed the value on.
    chain = [(here, at.address, attribute or at.type)]
    chain += [(o.location, o.address or at.address, o.what) for o in reversed(origins) if o.location is not None]
    calls = [(call, at.address, "module call") for call in reversed(at.calls)]
    candidates = (chain[:0:-1] if given else []) + chain + calls
    primary = next((loc for loc, _, _ in candidates if loc is not None and not _installed(loc)), here)
    shown = chain + (calls if _installed(here) and primary in [c for c, _, _ in calls] else [])
    related = [Related(address, loc, what, provenance=True) for loc, address, what in shown
               if loc is not None and loc != primary]
    return primary, related, origins[0].what if given else ""


def to_finding(check: Check, result: Result, ctx: Context, root: str = "") -> Finding:
    subject = result.resource
    at = result.at or subject
    location, related, origin = provenance(at, result.attribute)
    # Every other resource that explains the finding: the subject when the
    # finding points elsewhere, then the linked keys, documents, sources.
    explain = ([subject] if at is not subject else []) + list(result.related)
    for res in explain:
        if res is not at and all(r.address != res.address or r.provenance for r in related):
            related.append(Related(res.address, res.location, res.type))
    message = result.message
    if result.status is Status.UNKNOWN and (why := named_cause(message, at, result.attribute)):
        message = f"{message}: {why}"
    if origin:
        message = f"{message} (set by {origin})"
    return Finding(
        check_id=check.id, slug=check.slug, title=check.title, severity=_severity(check, result, ctx),
        status=result.status, address=subject.address, message=message,
        location=location, attribute=result.attribute, related=tuple(related),
        remediation=check.remediation,
        fingerprint=fingerprint(check.id, root, subject.address, result.attribute),
        compliance=check.compliance, root=root,
    )


def run_checks(checks: list[Check], ctx: Context, diagnostics: list[Diagnostic] | None = None,
               root: str = "") -> list[Finding]:
    """The findings of every check on one root module (`root`, as reports show it). With
    `diagnostics`, a check that raises is reported there as an internal error and the
    other checks still run."""
    findings: list[Finding] = []
    for check in checks:
        if check.baseline and not ctx.baseline_active:
            continue  # account-level checks need an account anchor or --profile baseline
        try:
            for result in check.run(ctx):
                findings.append(to_finding(check, result, ctx, root))
        except Exception as exc:
            if diagnostics is None or isinstance(exc, TfguardError):
                raise
            where = ctx.root_location or Location(".", 1, 1)
            what = f"running check {check.id} ({check.slug})"
            diagnostics.append(internal_error(where.file, where.start_line, what, exc, "its results may be incomplete"))
    findings.sort(key=lambda f: (f.check_id, f.address, f.status != Status.FAIL))
    return findings
