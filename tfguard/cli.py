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
from tfguard.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, TfguardError, UsageError, exit_code

EXIT_HELP = __doc__.split("Exit codes:", 1)[1] if __doc__ else ""


def check_command(paths: list[Path], given: dict[str, Any]) -> int:
    from tfguard.model import SEVERITIES, Status
    from tfguard.options import build
    from tfguard.report import renderer
    from tfguard.run import run

    s = build(paths, given)
    fmt, output = s.fmt, s.output
    from tfguard.terminal import Progress, colourise, use_colour

    started = time.monotonic()
    with Progress(enabled=fmt == "text" and output is None and sys.stdout.isatty()):
        report = run(paths, s.options)
    report.seconds = time.monotonic() - started
    if s.new_only and not report.compared_with and not any(d.severity == "error" for d in report.diagnostics):
        # Gating on every finding instead would look like a change-aware gate and not be one. (An
        # unreadable plan is reported as such, exit code 2, rather than as this.)
        raise UsageError("--new-only needs something to compare with: a plan JSON (compared with its prior "
                         "state) or --diff-base REF; this scan compared nothing")
    text = renderer(fmt)(report, s.include_passed)
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
    threshold = SEVERITIES.index(s.fail_on)
    failing = [
        f for f in report.findings
        if SEVERITIES.index(f.severity) >= threshold and not f.suppressed and f.baseline != "unchanged"
        and not (s.new_only and f.change == "existing")  # unmarked (not compared) findings still fail
        and (f.status is Status.FAIL or (s.strict and f.status is Status.UNKNOWN))
    ]
    if not (fmt == "text" and output is None):
        # The text report on standard output lists them already: said twice in a
        # terminal otherwise. A file or a machine format leaves stderr to say them.
        for d in report.diagnostics:
            print(f"tfguard: {d}", file=sys.stderr)
    return exit_code(report.diagnostics, bool(failing))


def list_checks_command(checks_dir: list[Path] | None, frameworks: list[str] | None = None) -> int:
    from tfguard.compliance import framework_id
    from tfguard.engine import load_checks, select
    from tfguard.options import ids

    wanted = ids(frameworks)
    checks = select(load_checks(tuple(checks_dir or ())), set(), set(), set(wanted))
    for c in checks:
        flags = "".join([", escalates" if c.escalates else "", ", baseline" if c.baseline else ""])
        print(f"{c.id}  {c.slug:<36} {c.severity}{flags}  {c.title}")
        for fw in sorted(str(framework_id(f)) for f in wanted):
            print(f"       {fw}: {', '.join(c.compliance.get(fw, ()))}")
    return EXIT_OK


def baseline_command(paths: list[Path], output: Path, given: dict[str, Any]) -> int:
    """The findings a `check` with the same options and configuration would report, accepted."""
    from tfguard.baseline import summary, write
    from tfguard.options import build
    from tfguard.run import run

    report = run(paths, build(paths, given).options)
    print(f"tfguard: wrote {summary(write(output, report.findings), report.findings)} to {output}", file=sys.stderr)
    return EXIT_INPUT if any(d.severity == "error" for d in report.diagnostics) else EXIT_OK


def graph_command(path: Path, fmt: str, given: dict[str, Any]) -> int:
    """The resource graph with its labelled edges, for Graphviz or tools."""
    from tfguard.graph import ResourceGraph
    from tfguard.graph_export import render_graph
    from tfguard.options import build
    from tfguard.targets import distinct_targets, load_target

    fmt = fmt.lower()
    if fmt not in ("dot", "json"):
        raise UsageError(f"unknown graph format {fmt!r}; choose dot or json")
    options = build([path], given).options
    groups = [g for target in distinct_targets([path]) for g in load_target(target, options)]
    resources = [r for g in groups for r in g.resources]
    sys.stdout.write(render_graph(ResourceGraph(resources), fmt))
    return EXIT_OK


def explain_command(check_id: str, checks_dir: list[Path] | None) -> int:
    from tfguard.docs import render_check
    from tfguard.engine import load_checks

    for c in load_checks(tuple(checks_dir or ())):
        if check_id.lower() in (c.id.lower(), c.slug.lower()):
            sys.stdout.write(render_check(c))
            return EXIT_OK
    raise UsageError(f"unknown check {check_id!r} (see `tfguard list-checks`)")


def _given(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The options the command line gave, whatever their value: a default must not beat the configuration."""
    def source(name: str) -> str:
        found = ctx.get_parameter_source(name)
        return str(getattr(found, "name", ""))

    return {k: v for k, v in values.items() if source(k) in ("COMMANDLINE", "ENVIRONMENT")}


def _with_flags(fn: Any, names: tuple[str, ...], paths_help: str, many: bool = True,
                own: dict[str, tuple[Any, Any]] | None = None) -> Any:
    """Give a command the shared options (tfguard.options.FLAGS) by signature, so that
    `check`, `baseline create` and `graph` declare each option once and alike."""
    import inspect

    import typer

    from tfguard.options import FLAGS

    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        inspect.Parameter("paths", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=list[Path] if many else Path,
                          default=typer.Argument(..., metavar="PATH", help=paths_help, show_default=False)),
    ]
    # The command's own options (name -> annotation, typer.Option) come first.
    params += [inspect.Parameter(name, keyword, annotation=kind, default=option)
               for name, (kind, option) in (own or {}).items()]
    params += [inspect.Parameter(
        f.name, keyword, annotation=f.kind,
        default=typer.Option(f.default, *f.decls, help=f.help, metavar=f.metavar, show_default=f.show_default))
        for f in (FLAGS[n] for n in names)]
    fn.__signature__ = inspect.Signature(params)
    fn.__annotations__ = {}
    return fn


TARGETS_HELP = "Directories, .tf files or plan JSON files."


def _command_class() -> type:
    from typer.core import TyperCommand

    class Command(TyperCommand):
        """Usage lines as people write them: `tfguard check [OPTIONS] PATH...`."""

        def collect_usage_pieces(self, ctx: Any) -> list[str]:
            pieces = [self.options_metavar or "[OPTIONS]"]
            for param in self.get_params(ctx):
                if param.param_type_name == "argument":
                    name = param.metavar or (param.name or "").upper()
                    pieces.append(name + ("..." if param.nargs != 1 else ""))
            return pieces

    return Command


def _app() -> object:
    import typer

    from tfguard.options import CHECK, LOAD, SCAN

    command = _command_class()
    exits = "Exit codes:" + EXIT_HELP.replace("\n", "\n\n")
    app = typer.Typer(add_completion=False, no_args_is_help=True, help="Terraform security analyzer.", epilog=exits)

    @app.callback()
    def _root(version: bool = typer.Option(False, "--version", help="Show the version and exit.")) -> None:
        if version:
            print(f"tfguard {__version__}")
            raise typer.Exit(0)

    def _check(ctx: Any, paths: list[Path], **flags: Any) -> None:
        raise typer.Exit(check_command(paths, _given(ctx, flags)))

    check_paths = ("Directories, plan JSON files, or .tf/.tfvars files (each checked in the root modules of its git "
                   "repository that use it; only its findings).")
    app.command("check", cls=command, epilog=exits, help="Scan Terraform or OpenTofu configuration, or a plan JSON, and "
                "report findings.")(_with_flags(_check, CHECK, check_paths))

    @app.command("list-checks", cls=command, help="List the checks: id, slug, severity and title.")
    def _list(
        checks_dir: list[Path] | None = typer.Option(None, "--checks-dir", metavar="DIR", help="Also list checks from DIR."),
        framework: list[str] | None = typer.Option(None, "--framework", metavar="FRAMEWORK",
                                                   help="Only checks mapped to FRAMEWORK, with their controls."),
    ) -> None:
        raise typer.Exit(list_checks_command(checks_dir, framework))

    baseline_app = typer.Typer(help="Accept current findings so that only new ones fail.", no_args_is_help=True)
    app.add_typer(baseline_app, name="baseline")

    def _baseline_create(ctx: Any, paths: list[Path], output: Path, **flags: Any) -> None:
        raise typer.Exit(baseline_command(paths, output, _given(ctx, flags)))

    output = typer.Option(Path(".tfguard-baseline.json"), "--output", "-o", metavar="FILE",
                          help="Baseline file to write.")
    _with_flags(_baseline_create, SCAN, TARGETS_HELP, own={"output": (Path, output)})
    baseline_app.command("create", cls=command, help="Write the current findings to a baseline file; `check` takes the same "
                         "options and configuration.")(_baseline_create)

    def _graph(ctx: Any, paths: Path, fmt: str, **flags: Any) -> None:
        raise typer.Exit(graph_command(paths, fmt, _given(ctx, flags)))

    graph_format = typer.Option("dot", "--format", "-f", metavar="FORMAT", help="dot or json.")
    _with_flags(_graph, LOAD, "A directory or plan JSON file.", many=False, own={"fmt": (str, graph_format)})
    app.command("graph", cls=command, help="Print the resource graph with its labelled edges (Graphviz dot or JSON).")(_graph)

    def _fix(ctx: Any, paths: list[Path], diff: bool, unsafe_fixes: bool, **flags: Any) -> None:
        from tfguard.fix.command import fix_command

        raise typer.Exit(fix_command(paths, diff, unsafe_fixes, _given(ctx, flags)))

    fix_own = {"diff": (bool, typer.Option(False, "--diff", help="Print a unified diff and write nothing; exit 1 when "
                                            "there is something to fix.")),
               "unsafe_fixes": (bool, typer.Option(False, "--unsafe-fixes", help="Also apply fixes that force "
                                                    "replacement or may cut off access (the diff says why)."))}
    _with_flags(_fix, ("only", *LOAD), "Directories or .tf/.tfvars files to fix (not plan JSON).", own=fix_own)
    from tfguard.fix.command import __doc__ as fix_doc

    fix_exits = "Exit codes:" + (fix_doc or "").split("Exit codes:", 1)[1].replace("\n", "\n\n")
    app.command("fix", cls=command, epilog=fix_exits, help="Fix findings in the Terraform files: verified edits of literals and absent "
                "arguments (see docs/fix.md).")(_fix)

    @app.command("explain", cls=command, help="Explain a check: what it looks for, why, and how to fix a finding.")
    def _explain(
        check_id: str = typer.Argument(..., metavar="CHECK", help="A check id or slug, e.g. TG101."),
        checks_dir: list[Path] | None = typer.Option(None, "--checks-dir", metavar="DIR", help="Also look in DIR."),
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
