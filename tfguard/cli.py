"""Command line: a thin typer app over run(); `main(argv) -> int` for tests.

Exit codes:
  0  no finding at or above --fail-on, and every input was read
  1  findings at or above --fail-on (UNKNOWN results count only with --strict)
  2  usage error, an input that could not be read or parsed, or no Terraform/OpenTofu file (the rest was scanned)
  3  internal error (a bug: please report it); the rest of the input is still scanned and reported
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from tfguard import __version__
from tfguard.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, TfguardError, UsageError

SEVERITY_CHOICES = ("low", "medium", "high", "critical")
EXIT_HELP = __doc__.split("Exit codes:", 1)[1] if __doc__ else ""


def _ids(values: list[str] | None) -> frozenset[str]:
    return frozenset(x.strip() for v in values or [] for x in v.split(",") if x.strip())


DEFAULTS: dict[str, Any] = {
    "fmt": "text", "output": None, "fail_on": "low", "only": None, "skip": None, "strict": False,
    "checks_dir": None, "source": None, "include_passed": False, "var_file": None, "var": None,
    "allow_outside_root": False, "max_instances": 10_000, "profile": "", "classification_tag": "DataClassification",
    "framework": None, "no_cache": False, "jobs": 0, "no_ignores": False, "baseline": None, "severity": None,
    "exclude": None, "trust_config": False,
}


def _merged(paths: list[Path], given: dict[str, Any]) -> dict[str, Any]:
    """Defaults < configuration file < options given on the command line."""
    from tfguard import config

    path, data = config.find(paths)
    from_file = config.options_from(path, data, bool(given.get("trust_config")))
    explicit = {k: v for k, v in given.items() if v is not None and v != DEFAULTS.get(k)}
    return {**DEFAULTS, **from_file, **explicit}


def check_command(paths: list[Path], given: dict[str, Any]) -> int:
    from tfguard.model import SEVERITIES, Status
    from tfguard.report import FORMATS, renderer
    from tfguard.run import Options, run

    a = _merged(paths, given)
    fmt, fail_on, profile, max_instances = a["fmt"], a["fail_on"], a["profile"], a["max_instances"]
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fail_on not in SEVERITIES:
        raise UsageError(f"unknown --fail-on {fail_on!r}; choose one of {', '.join(SEVERITIES)}")
    if profile not in ("", "baseline"):
        raise UsageError(f"unknown --profile {profile!r}; the only profile is 'baseline'")
    if max_instances < 1:
        raise UsageError("--max-instances must be at least 1")
    if a["jobs"] < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    severity = {str(k): str(v) for k, v in (a["severity"] or {}).items()}
    if any(v not in SEVERITIES for v in severity.values()):
        raise UsageError(f"severity overrides must be one of {', '.join(SEVERITIES)}")
    options = Options(only=_ids(a["only"]), skip=_ids(a["skip"]), checks_dirs=tuple(a["checks_dir"] or ()),
                      source=a["source"], var_files=tuple(a["var_file"] or ()), variables=tuple(a["var"] or ()),
                      allow_outside_root=a["allow_outside_root"], max_instances=max_instances, profile=profile,
                      classification_tag=a["classification_tag"], frameworks=_ids(a["framework"]),
                      cache=not a["no_cache"], jobs=a["jobs"], ignores=not a["no_ignores"], baseline=a["baseline"],
                      severity=tuple(sorted(severity.items())), exclude=tuple(a["exclude"] or ()))
    output, include_passed, strict = a["output"], a["include_passed"], a["strict"]
    from tfguard.terminal import Progress, colourise, use_colour

    started = time.monotonic()
    with Progress(enabled=fmt == "text" and output is None and sys.stdout.isatty()):
        report = run(paths, options)
    report.seconds = time.monotonic() - started
    text = renderer(fmt)(report, include_passed)
    if fmt == "text" and output is None and use_colour(sys.stdout):
        text = colourise(text)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    if fmt == "sarif":
        from tfguard.report.sarif import overflow

        dropped = overflow(report)
        if dropped:  # the report may go straight to an upload: say it where the log shows it
            print(f"tfguard: warning: {dropped}", file=sys.stderr)
    threshold = SEVERITIES.index(fail_on)
    failing = [
        f for f in report.findings
        if SEVERITIES.index(f.severity) >= threshold and not f.suppressed and f.baseline != "unchanged"
        and (f.status is Status.FAIL or (strict and f.status is Status.UNKNOWN))
    ]
    if any(d.internal for d in report.diagnostics):
        for d in report.diagnostics:
            print(f"tfguard: {d}", file=sys.stderr)
        return EXIT_INTERNAL
    if any(d.severity == "error" for d in report.diagnostics):
        for d in report.diagnostics:
            print(f"tfguard: {d}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_FINDINGS if failing else EXIT_OK


def list_checks_command(checks_dir: list[Path] | None, frameworks: list[str] | None = None) -> int:
    from tfguard.compliance import framework_id
    from tfguard.engine import load_checks, select

    wanted = _ids(frameworks)
    checks = select(load_checks(tuple(checks_dir or ())), set(), set(), set(wanted))
    for c in checks:
        flags = "".join([", escalates" if c.escalates else "", ", baseline" if c.baseline else ""])
        print(f"{c.id}  {c.slug:<36} {c.severity}{flags}  {c.title}")
        for fw in sorted(str(framework_id(f)) for f in wanted):
            print(f"       {fw}: {', '.join(c.compliance.get(fw, ()))}")
    return EXIT_OK


def baseline_command(paths: list[Path], output: Path) -> int:
    from tfguard.baseline import summary, write
    from tfguard.run import run

    report = run(paths)
    print(f"tfguard: wrote {summary(write(output, report.findings), report.findings)} to {output}", file=sys.stderr)
    return EXIT_INPUT if any(d.severity == "error" for d in report.diagnostics) else EXIT_OK


def graph_command(path: Path, fmt: str) -> int:
    """The resource graph with its labelled edges, for Graphviz or tools."""
    from tfguard.graph import ResourceGraph
    from tfguard.graph_export import render_graph
    from tfguard.run import Options, _targets, load_target

    if fmt not in ("dot", "json"):
        raise UsageError(f"unknown graph format {fmt!r}; choose dot or json")
    groups = [g for target in _targets([path]) for g in load_target(target, Options())]
    resources = [r for g in groups for r in g.resources]
    sys.stdout.write(render_graph(ResourceGraph(resources), fmt))
    return EXIT_OK


def explain_command(check_id: str, checks_dir: list[Path] | None) -> int:
    from tfguard.docs import render_check
    from tfguard.engine import load_checks

    for c in load_checks(tuple(checks_dir or ())):
        if check_id in (c.id, c.slug):
            sys.stdout.write(render_check(c))
            return EXIT_OK
    raise UsageError(f"unknown check {check_id!r} (see `tfguard list-checks`)")


def _app() -> object:
    import typer

    app = typer.Typer(add_completion=False, no_args_is_help=True, help="Terraform security analyzer.",
                      epilog="Exit codes:" + EXIT_HELP.replace("\n", "\n\n"))

    @app.callback()
    def _root(version: bool = typer.Option(False, "--version", help="Show the version and exit.")) -> None:
        if version:
            print(f"tfguard {__version__}")
            raise typer.Exit(0)

    @app.command("check", epilog="Exit codes:" + EXIT_HELP.replace("\n", "\n\n"))
    def _check(
        paths: list[Path] = typer.Argument(..., help="Directories, plan JSON files, or .tf/.tfvars files (each checked "
                                            "in the root modules of its git repository that use it; only its findings)."),
        fmt: str = typer.Option(None, "--format", "-f", show_default="text", help="text, json, sarif, junit, markdown or html."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
        fail_on: str = typer.Option(None, "--fail-on", show_default="low", help="Lowest severity that fails: low, medium, high, critical."),
        only: list[str] | None = typer.Option(None, "--checks", help="Run only these ids/slugs (comma-separated)."),
        skip: list[str] | None = typer.Option(None, "--skip-checks", help="Do not run these ids/slugs."),
        strict: bool = typer.Option(False, "--strict", help="UNKNOWN results fail too."),
        checks_dir: list[Path] | None = typer.Option(None, "--checks-dir", help="Load extra checks from DIR."),
        source: Path | None = typer.Option(None, "--source", help="Configuration directory of a plan JSON."),
        include_passed: bool = typer.Option(False, "--include-passed", help="Also list passing results."),
        var_file: list[Path] | None = typer.Option(None, "--var-file", help="Root variable values from FILE (repeatable)."),
        var: list[str] | None = typer.Option(None, "--var", help="Root variable NAME=VALUE (repeatable)."),
        allow_outside_root: bool = typer.Option(False, "--allow-outside-root",
                                                help="Follow local module sources outside the scanned directory."),
        max_instances: int = typer.Option(None, "--max-instances", show_default="10000",
                                          help="Limit of count/for_each instances per block."),
        profile: str = typer.Option(None, "--profile", help="'baseline' runs account-level checks without an anchor."),
        classification_tag: str = typer.Option(None, "--classification-tag", show_default="DataClassification",
                                               help="Tag key that holds the data classification."),
        framework: list[str] | None = typer.Option(None, "--framework",
                                                   help="Run only checks mapped to FRAMEWORK: hipaa, pci-dss, gdpr, nist-800-53, cis-aws."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Parse every file again; do not use the parse cache."),
        jobs: int = typer.Option(None, "--jobs", "-j", show_default="0",
                                 help="Parser processes for a large uncached tree: 0 = one per core, 1 = serial."),
        no_ignores: bool = typer.Option(False, "--no-ignores", help="Audit mode: report suppressed findings as if unsuppressed."),
        baseline: Path | None = typer.Option(None, "--baseline", help="Only findings not in this baseline file fail."),
        trust_config: bool = typer.Option(False, "--trust-config", help="Allow checks-dir from a configuration file."),
    ) -> None:
        given = dict(locals())
        del given["paths"]
        raise typer.Exit(check_command(paths, given))

    @app.command("list-checks")
    def _list(
        checks_dir: list[Path] | None = typer.Option(None, "--checks-dir", help="Also list checks from DIR."),
        framework: list[str] | None = typer.Option(None, "--framework", help="Only checks mapped to FRAMEWORK, with their controls."),
    ) -> None:
        raise typer.Exit(list_checks_command(checks_dir, framework))

    baseline_app = typer.Typer(help="Accept current findings so that only new ones fail.", no_args_is_help=True)
    app.add_typer(baseline_app, name="baseline")

    @baseline_app.command("create")
    def _baseline_create(
        paths: list[Path] = typer.Argument(..., help="Directories, .tf files or plan JSON files."),
        output: Path = typer.Option(Path(".tfguard-baseline.json"), "--output", "-o", help="Baseline file to write."),
    ) -> None:
        raise typer.Exit(baseline_command(paths, output))

    @app.command("graph")
    def _graph(
        path: Path = typer.Argument(..., help="A directory or plan JSON file."),
        fmt: str = typer.Option("dot", "--format", "-f", help="dot or json."),
    ) -> None:
        raise typer.Exit(graph_command(path, fmt))

    @app.command("explain")
    def _explain(
        check_id: str = typer.Argument(..., help="A check id or slug, e.g. TG101."),
        checks_dir: list[Path] | None = typer.Option(None, "--checks-dir"),
    ) -> None:
        raise typer.Exit(explain_command(check_id, checks_dir))

    return app


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # fast path: no typer import
        print(f"tfguard {__version__}")
        return EXIT_OK
    # A scan allocates millions of small, long-lived objects (AST tuples, values,
    # findings) and frees almost none before it ends; at the default threshold
    # of 700 the collector keeps re-walking them. 50,000 made a 10,000-resource
    # plan about 15 % faster at the same peak memory (benchmarks/README.md).
    import gc

    gc.set_threshold(50_000, 20, 20)
    try:
        app = _app()
        code = app(args, prog_name="tfguard", standalone_mode=False)  # type: ignore[operator]
        return code if isinstance(code, int) else EXIT_OK
    except TfguardError as exc:
        print(f"tfguard: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SystemExit as exc:  # typer.Exit inside standalone_mode=False
        return int(exc.code or 0)
    except Exception as exc:
        return _click_or_internal(exc)


def _click_or_internal(exc: Exception) -> int:
    # typer may vendor its own copy of click, so its exceptions are recognised
    # by shape rather than by class.
    if type(exc).__name__ == "Exit" and hasattr(exc, "exit_code"):
        return int(exc.exit_code)
    if type(exc).__name__ == "Abort":
        return EXIT_INPUT
    if hasattr(exc, "show") and hasattr(exc, "exit_code"):
        exc.show()
        return EXIT_INPUT
    import traceback

    traceback.print_exc()
    print(f"tfguard: internal error: {exc!r} (exit {EXIT_INTERNAL}); please report it", file=sys.stderr)
    return EXIT_INTERNAL
