#!/usr/bin/env python3
"""Generate ``plan.json`` for the Terraform fixtures under ``fixtures/``.

For every fixture directory (a directory that directly contains ``*.tf``
files), the script copies the directory to a temporary location, adds an
offline AWS provider configuration when the fixture has no ``provider "aws"``
block of its own, and runs::

    terraform init -backend=false -plugin-dir=<dir>
    terraform validate
    terraform plan -refresh=false -input=false -lock=false -out=plan.out
    terraform show -json plan.out

The JSON is written pretty-printed to ``<fixture>/plan.json``. Nothing else
is written into the fixture directory (``.terraform/``, lock files and
``plan.out`` stay in the temporary copy).

A fixture that holds ``prior.tfstate`` (a Terraform state, format version 4)
is planned against it: the file is copied into the working copy as
``terraform.tfstate``, which the default local backend reads, so the plan's
``prior_state`` and ``change.before`` hold the resources it describes as
deployed (``-refresh=false``: nothing is read from AWS). This is how the
change-aware fixtures (``fixtures/changes/``) get a real plan of a change to
deployed resources. Write the state by hand: ``resources[]`` with ``mode``,
``type``, ``name``, ``provider`` (``provider["registry.terraform.io/hashicorp/aws"]``)
and ``instances[].attributes``; attributes left out are null.

Usage::

    python scripts/gen_plans.py                      # every fixture
    python scripts/gen_plans.py fixtures/checks/TG101  # one subtree
    python scripts/gen_plans.py --validate-only

The AWS provider must be available unpacked in a local plugin directory
(``<dir>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/...``):
``--plugin-dir``, else ``$TFGUARD_TF_PLUGIN_DIR``, else ``/opt/tf-plugins``.
No network access is needed or attempted: the provider is configured with
fake credentials and every AWS API call at plan time is skipped.

Fixtures that declare their own ``provider "aws"`` blocks (for example to
use aliases in other regions) must include the same fake credentials and
``skip_*`` flags as ``PROVIDER_BLOCK`` below so that they plan offline.

Standard library only (Python 3.11+).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_ROOT = REPO_ROOT / "fixtures"
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"
PLUGIN_DIR_ENV = "TFGUARD_TF_PLUGIN_DIR"

# A fixture's deployed state (see the module docstring) and where the local backend reads it.
PRIOR_STATE = "prior.tfstate"
LOCAL_STATE = "terraform.tfstate"

# File written into the temporary copy when the fixture has no provider "aws".
PROVIDER_FILE_NAME = "zz_gen_plans_provider.tf"
PROVIDER_BLOCK = """\
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"""

# Names never copied from a fixture into the working copy.
COPY_IGNORE = shutil.ignore_patterns(
    ".terraform",
    ".terraform.lock.hcl",
    "*.tfstate",
    "*.tfstate.*",
    "plan.out",
    "plan.json",
    "expected.txt",
    "__pycache__",
)

# Matches `provider "aws" {` / `provider aws {` at the start of a line.
PROVIDER_AWS_RE = re.compile(r'^\s*provider\s+"?aws"?\s*\{', re.MULTILINE)
# Comments are removed before searching so a commented-out block does not count.
LINE_COMMENT_RE = re.compile(r"(?m)^\s*(#|//).*$")
BLOCK_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)

# Per-command timeout (seconds). Planning a small fixture takes a few seconds.
COMMAND_TIMEOUT = 600
# Extra attempts for a command whose provider plugin failed to start in time.
RETRIES = 2


@dataclass
class Outcome:
    fixture: Path
    ok: bool = False
    stage: str = ""
    message: str = ""
    warnings: int = 0
    resources: int = 0
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)


class StageError(Exception):
    def __init__(self, stage: str, message: str, output: str = "") -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.output = output


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def is_fixture_dir(path: Path) -> bool:
    return path.is_dir() and any(p.is_file() for p in path.glob("*.tf"))


def find_fixtures(targets: list[str]) -> list[Path]:
    """Fixture directories named by ``targets`` (or all under fixtures/)."""
    roots = [Path(t) for t in targets] if targets else [FIXTURES_ROOT]
    found: list[Path] = []
    for root in roots:
        if not root.exists():
            raise SystemExit(f"error: no such file or directory: {root}")
        if root.is_file():
            root = root.parent
        if is_fixture_dir(root):
            found.append(root.resolve())
            continue
        for dirpath, dirnames, _ in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            path = Path(dirpath)
            if is_fixture_dir(path):
                found.append(path.resolve())
                # A fixture's subdirectories are its local modules, not fixtures.
                dirnames[:] = []
    unique = sorted(set(found))
    if not unique:
        raise SystemExit("error: no fixture directories (with *.tf files) found")
    return unique


def has_aws_provider(workdir: Path) -> bool:
    for tf in workdir.glob("*.tf"):
        text = tf.read_text(encoding="utf-8", errors="replace")
        text = BLOCK_COMMENT_RE.sub("", text)
        text = LINE_COMMENT_RE.sub("", text)
        if PROVIDER_AWS_RE.search(text):
            return True
    return False


def resolve_plugin_dir(option: str | None) -> Path:
    value = option or os.environ.get(PLUGIN_DIR_ENV) or DEFAULT_PLUGIN_DIR
    path = Path(value).expanduser().resolve()
    aws = path / "registry.terraform.io" / "hashicorp" / "aws"
    if not aws.is_dir():
        raise SystemExit(
            f"error: plugin directory {path} does not contain "
            "registry.terraform.io/hashicorp/aws/<version>/<os_arch>/ "
            f"(set --plugin-dir or ${PLUGIN_DIR_ENV})"
        )
    return path


def build_env(scratch: Path, plugin_dir: Path) -> dict[str, str]:
    """Environment for terraform: automation mode, no CLI config, no network."""
    cli_config = scratch / "empty.tfrc"
    cli_config.write_text("", encoding="utf-8")
    aws_config = scratch / "empty-aws-config"
    aws_config.write_text("", encoding="utf-8")

    env = {
        k: v
        for k, v in os.environ.items()
        # Drop anything that could change terraform's or the provider's
        # behaviour (real credentials, profiles, plugin caches, TF_VAR_*...).
        if not k.startswith(("TF_", "AWS_", "CHECKPOINT_")) and k.upper() not in {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"}
    }
    env.update(
        {
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "CHECKPOINT_DISABLE": "1",
            # The plugin directory has the layout of a plugin cache: using it as
            # the cache makes `init` symlink the (large) provider binary instead
            # of copying it into every working copy. Nothing is written to it,
            # since the only installation source is that same directory.
            "TF_PLUGIN_CACHE_DIR": str(plugin_dir),
            "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "true",
            # Any connection attempt goes to a closed local port and fails fast.
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "",
            "no_proxy": "",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(aws_config),
            "AWS_SHARED_CREDENTIALS_FILE": str(aws_config),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
        }
    )
    return env


def run(stage: str, args: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> str:
    """Run one terraform command; return stdout.

    With ``check=False`` a non-zero exit status is not an error (used for
    ``validate -json``, whose output carries the diagnostics).
    """
    for attempt in range(1, RETRIES + 2):
        try:
            proc = subprocess.run(
                args,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            raise StageError(stage, f"timed out after {COMMAND_TIMEOUT}s") from exc
        if proc.returncode == 0 or (not check and proc.stdout.lstrip().startswith("{")):
            return proc.stdout
        output = (proc.stderr or "") + (proc.stdout or "")
        # The AWS provider binary is large; on a busy machine it can miss
        # terraform's plugin start-up deadline. That is worth another try.
        if "timeout while waiting for plugin to start" in output and attempt <= RETRIES:
            continue
        raise StageError(stage, f"exit status {proc.returncode}", output)
    raise AssertionError("unreachable")


def summarize_validate(stdout: str) -> tuple[int, list[str]]:
    """Parse `terraform validate -json`; raise on errors, return warnings."""
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError as exc:
        raise StageError("validate", "unreadable validate output", stdout) from exc
    warnings: list[str] = []
    errors: list[str] = []
    for diag in result.get("diagnostics", []):
        rng = diag.get("range") or {}
        where = ""
        if rng:
            where = f" ({rng.get('filename')}:{rng.get('start', {}).get('line')})"
        text = f"{diag.get('summary', '')}{where}"
        if diag.get("severity") == "error":
            errors.append(text)
        else:
            warnings.append(text)
    if errors or not result.get("valid", False):
        raise StageError("validate", "configuration is invalid", "\n".join(errors))
    return len(warnings), warnings


def count_resources(plan: dict[str, Any]) -> int:
    return sum(1 for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed")


def process(
    fixture: Path,
    terraform: str,
    plugin_dir: Path,
    validate_only: bool,
    verbose: bool,
) -> Outcome:
    outcome = Outcome(fixture=fixture)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tfguard-gen-plans-") as tmp:
        scratch = Path(tmp)
        workdir = scratch / "module"
        shutil.copytree(fixture, workdir, ignore=COPY_IGNORE, symlinks=False)
        if (fixture / PRIOR_STATE).is_file():
            shutil.copyfile(fixture / PRIOR_STATE, workdir / LOCAL_STATE)
            outcome.details.append(f"state: {PRIOR_STATE}")
        if not has_aws_provider(workdir):
            (workdir / PROVIDER_FILE_NAME).write_text(PROVIDER_BLOCK, encoding="utf-8")
            outcome.details.append("provider: added offline default")
        else:
            outcome.details.append("provider: fixture's own")
        env = build_env(scratch, plugin_dir)
        try:
            run(
                "init",
                [terraform, "init", "-backend=false", f"-plugin-dir={plugin_dir}", "-input=false", "-no-color"],
                workdir,
                env,
            )
            out = run("validate", [terraform, "validate", "-json", "-no-color"], workdir, env, check=False)
            outcome.warnings, warning_texts = summarize_validate(out)
            if verbose:
                outcome.details.extend(f"warning: {w}" for w in warning_texts)
            if not validate_only:
                run(
                    "plan",
                    [terraform, "plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.out"],
                    workdir,
                    env,
                )
                out = run("show", [terraform, "show", "-json", "-no-color", "plan.out"], workdir, env)
                try:
                    plan = json.loads(out)
                except json.JSONDecodeError as exc:
                    raise StageError("show", "terraform show did not return JSON", out[:2000]) from exc
                if plan.get("errored"):
                    raise StageError("plan", "plan is marked errored")
                outcome.resources = count_resources(plan)
                target = fixture / "plan.json"
                partial = fixture / ".plan.json.tmp"
                partial.write_text(json.dumps(plan, indent=2, sort_keys=False) + "\n", encoding="utf-8")
                os.replace(partial, target)
            outcome.ok = True
            outcome.stage = "validate" if validate_only else "plan"
        except StageError as exc:
            outcome.stage = exc.stage
            outcome.message = exc.message
            if exc.output:
                tail = exc.output.strip().splitlines()[-40:]
                outcome.details.extend(tail)
        except OSError as exc:
            outcome.stage = "io"
            outcome.message = str(exc)
    outcome.seconds = time.monotonic() - start
    return outcome


def report(outcome: Outcome, verbose: bool) -> str:
    name = rel(outcome.fixture)
    if outcome.ok:
        if outcome.stage == "validate":
            what = "valid"
        else:
            what = f"plan.json written ({outcome.resources} managed resources)"
        warn = f", {outcome.warnings} warning(s)" if outcome.warnings else ""
        line = f"OK    {name}: {what}{warn} [{outcome.seconds:.1f}s]"
        lines = [line] + ([f"      {d}" for d in outcome.details] if verbose else [])
    else:
        line = f"FAIL  {name}: {outcome.stage} failed: {outcome.message} [{outcome.seconds:.1f}s]"
        lines = [line] + [f"      {d}" for d in outcome.details]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate plan.json for Terraform fixtures (offline).",
    )
    parser.add_argument(
        "fixtures",
        nargs="*",
        help="fixture directories, or directories to search for fixtures (default: every fixture under fixtures/)",
    )
    parser.add_argument(
        "--plugin-dir",
        help=f"local provider directory (default: ${PLUGIN_DIR_ENV} or {DEFAULT_PLUGIN_DIR})",
    )
    parser.add_argument(
        "--validate-only",
        action="store_true",
        help="only run terraform init and validate; do not write plan.json",
    )
    parser.add_argument(
        "--terraform",
        default=os.environ.get("TERRAFORM", "terraform"),
        help="terraform binary (default: $TERRAFORM or terraform on PATH)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=max(1, min(4, os.cpu_count() or 1)),
        help="fixtures processed in parallel (default: up to 4)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show warnings and details")
    args = parser.parse_args(argv)

    terraform = shutil.which(args.terraform)
    if terraform is None:
        print(f"error: terraform binary not found: {args.terraform}", file=sys.stderr)
        return 2
    plugin_dir = resolve_plugin_dir(args.plugin_dir)
    fixtures = find_fixtures(args.fixtures)

    mode = "validating" if args.validate_only else "planning"
    print(f"{mode} {len(fixtures)} fixture(s) with {terraform}, plugins from {plugin_dir}")
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(process, f, terraform, plugin_dir, args.validate_only, args.verbose) for f in fixtures]
        for future in concurrent.futures.as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            with lock:
                print(report(outcome, args.verbose), flush=True)

    failed = sorted((o for o in outcomes if not o.ok), key=lambda o: o.fixture)
    print(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed")
    for o in failed:
        print(f"  failed: {rel(o.fixture)} ({o.stage})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
