"""One options builder for every command that scans (check, baseline create, graph).

Precedence: built-in defaults < the configuration file < the command line. An
option given on the command line wins whatever its value, even one equal to
its default (`--fail-on low` beats `fail-on = "critical"`), so the commands
ask the parser which options were given instead of comparing with defaults.
`--skip-checks` is the one option that adds to the file's list (skip-checks)
rather than replacing it. Check ids, slugs, severities and formats are
case-insensitive everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfguard.errors import UsageError

if TYPE_CHECKING:
    from tfguard.targets import Options

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Flag:
    """A command-line option: its parameter name is the key the builder uses."""

    name: str
    decls: tuple[str, ...]
    kind: Any
    default: Any
    help: str
    metavar: str | None = None
    show_default: bool = True


_FLAGS = (
    Flag("fmt", ("--format", "-f"), str, "text", "Report format: text, json, sarif, junit, markdown or html "
         "(default: from the --output file's extension, else the configuration, else text).", "FORMAT",
         show_default=False),
    Flag("output", ("--output", "-o"), Path | None, None, "Write the report to FILE instead of standard output.", "FILE"),
    Flag("fail_on", ("--fail-on",), str, "low", "Lowest severity that fails: low, medium, high or critical.", "SEVERITY"),
    Flag("only", ("--checks",), list[str] | None, None,
         "Run only these check ids or slugs (comma-separated, repeatable); replaces the configuration's checks.", "IDS"),
    Flag("skip", ("--skip-checks",), list[str] | None, None,
         "Do not run these check ids or slugs (comma-separated, repeatable); added to the configuration's "
         "skip-checks.", "IDS"),
    Flag("strict", ("--strict/--no-strict",), bool, False, "UNKNOWN results fail too."),
    Flag("checks_dir", ("--checks-dir",), list[Path] | None, None, "Load extra checks from DIR.", "DIR"),
    Flag("source", ("--source",), Path | None, None, "Configuration directory of a plan JSON.", "DIR"),
    Flag("include_passed", ("--include-passed",), bool, False, "Also list passing results."),
    Flag("var_file", ("--var-file",), list[Path] | None, None,
         "Root variable values from FILE (repeatable); replaces the configuration's var-files.", "FILE"),
    Flag("var", ("--var",), list[str] | None, None, "Root variable NAME=VALUE (repeatable).", "NAME=VALUE"),
    Flag("allow_outside_root", ("--allow-outside-root",), bool, False,
         "Follow local module sources outside the scanned directory."),
    Flag("max_instances", ("--max-instances",), int, 10_000, "Limit of count/for_each instances per block.", "N"),
    Flag("profile", ("--profile",), str, "", "'baseline' runs account-level checks without an anchor.", "PROFILE"),
    Flag("classification_tag", ("--classification-tag",), str, "DataClassification",
         "Tag key that holds the data classification.", "KEY"),
    Flag("framework", ("--framework",), list[str] | None, None,
         "Run only checks mapped to FRAMEWORK: hipaa, pci-dss, gdpr, nist-800-53, cis-aws.", "FRAMEWORK"),
    Flag("no_cache", ("--no-cache",), bool, False, "Parse every file again; do not use the parse cache."),
    Flag("jobs", ("--jobs", "-j"), int, 0, "Parser processes for a large uncached tree: 0 = one per core, 1 = serial.", "N"),
    Flag("no_ignores", ("--no-ignores",), bool, False, "Audit mode: report suppressed findings as if unsuppressed."),
    Flag("baseline", ("--baseline",), Path | None, None, "Only findings not in this baseline file fail.", "FILE"),
    Flag("new_only", ("--new-only/--no-new-only",), bool, False,
         "Only findings the change introduces fail (a plan against its prior state, or --diff-base); existing ones "
         "are still reported. A usage error when nothing was compared."),
    Flag("trust_config", ("--trust-config",), bool, False, "Allow checks-dir from a configuration file."),
    Flag("diff_base", ("--diff-base",), str, "", "Also scan the git revision REF (e.g. origin/main) with the same "
         "options: findings it has too are existing, the others introduced, and its findings that are gone "
         "resolved. Read with git plumbing; nothing in the repository runs.", "REF", show_default=False),
)
FLAGS = {f.name: f for f in _FLAGS}
# What reading the configuration needs: every command that loads Terraform takes these.
LOAD = ("var_file", "var", "allow_outside_root", "max_instances", "no_cache", "jobs", "trust_config")
# What decides the findings: `check` and `baseline create` take the same ones.
SCAN = ("only", "skip", "checks_dir", "source", "var_file", "var", "allow_outside_root", "max_instances", "profile",
        "classification_tag", "framework", "no_cache", "jobs", "no_ignores", "trust_config")
CHECK = tuple(f.name for f in _FLAGS)
DEFAULTS: dict[str, Any] = {f.name: f.default for f in _FLAGS} | {"severity": None, "exclude": None}

FORMATS = ("text", "json", "sarif", "junit", "markdown", "html")
# Report files whose name says their format; a SARIF log is JSON, so .json may hold either.
_EXTENSIONS = {".sarif": "sarif", ".json": "json", ".xml": "junit", ".md": "markdown", ".markdown": "markdown",
               ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class Settings:
    options: Options
    fmt: str
    output: Path | None
    fail_on: str
    strict: bool
    include_passed: bool
    new_only: bool = False


def ids(values: list[str] | None) -> frozenset[str]:
    return frozenset(x.strip() for v in values or [] for x in v.split(",") if x.strip())


def format_of(output: Path) -> str | None:
    """The report format a file name asks for (`x.sarif`, `x.sarif.json`, `x.xml` for JUnit)."""
    name = output.name.lower()
    return "sarif" if name.endswith(".sarif.json") else _EXTENSIONS.get(Path(name).suffix)


def _format(given: dict[str, Any], configured: Any) -> str:
    output: Path | None = given.get("output")
    inferred = format_of(output) if output is not None else None
    fmt = given.get("fmt")
    if fmt is None:
        return inferred or str(configured or "text").lower()
    fmt = str(fmt).lower()
    if inferred is not None and fmt != inferred and not (fmt == "sarif" and inferred == "json"):
        assert output is not None
        raise UsageError(f"--format {fmt} does not match --output {output.name}, which names a {inferred} file; "
                         f"drop --format to write {inferred}, or give the file another name")
    return fmt


def merged(paths: list[Path], given: dict[str, Any]) -> dict[str, Any]:
    """Defaults < configuration file < the options given on the command line (only those)."""
    from tfguard import config

    path, data = config.find(paths)
    from_file = config.options_from(path, data, bool(given.get("trust_config")))
    out = {**DEFAULTS, **from_file, **given}
    if given.get("skip") and from_file.get("skip"):
        out["skip"] = [*from_file["skip"], *given["skip"]]
    out["fmt"] = _format(given, from_file.get("fmt"))
    return out


def build(paths: list[Path], given: dict[str, Any]) -> Settings:
    """Every scanning command's settings, validated, from what the command line gave."""
    from tfguard.targets import Options

    a = merged(paths, given)
    fmt, fail_on, profile = a["fmt"], str(a["fail_on"]).lower(), str(a["profile"]).lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fail_on not in SEVERITIES:
        raise UsageError(f"unknown --fail-on {a['fail_on']!r}; choose one of {', '.join(SEVERITIES)}")
    if profile not in ("", "baseline"):
        raise UsageError(f"unknown --profile {profile!r}; the only profile is 'baseline'")
    if a["max_instances"] < 1:
        raise UsageError("--max-instances must be at least 1")
    if a["jobs"] < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    severity = {str(k): str(v).lower() for k, v in (a["severity"] or {}).items()}
    if any(v not in SEVERITIES for v in severity.values()):
        raise UsageError(f"severity overrides must be one of {', '.join(SEVERITIES)}")
    options = Options(only=ids(a["only"]), skip=ids(a["skip"]), checks_dirs=tuple(a["checks_dir"] or ()),
                      source=a["source"], var_files=tuple(a["var_file"] or ()), variables=tuple(a["var"] or ()),
                      allow_outside_root=a["allow_outside_root"], max_instances=a["max_instances"], profile=profile,
                      classification_tag=a["classification_tag"], frameworks=ids(a["framework"]),
                      cache=not a["no_cache"], jobs=a["jobs"], ignores=not a["no_ignores"], baseline=a["baseline"],
                      severity=tuple(sorted(severity.items())), exclude=tuple(a["exclude"] or ()),
                      diff_base=str(a["diff_base"] or ""))
    return Settings(options, fmt, a["output"], fail_on, bool(a["strict"]), bool(a["include_passed"]),
                    bool(a["new_only"]))
