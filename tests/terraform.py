"""Terraform as the oracle of fixed files: `terraform fmt -check` and an offline `terraform validate`.

Validating is costly mostly in starting the AWS provider (its schema is large), so every
directory is validated at once: each becomes a module of one generated root, which gets one
`terraform init` (the provider linked from the offline plugin directory, never downloaded)
and one `terraform validate -json`; each error is given back to the directory its file is in.
A module's variables without a default are passed root variables without a value, which
validate treats as unknown, as it treats a root's own.

Tests using this skip when terraform or the offline AWS provider is not installed: the
plugin directory is $TFGUARD_TF_PLUGIN_DIR, else /opt/tf-plugins (as scripts/gen_plans.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tfguard.load.hcl_ast import parse_body

AWS = Path("registry.terraform.io") / "hashicorp" / "aws"


def plugin_dir() -> Path | None:
    found = Path(os.environ.get("TFGUARD_TF_PLUGIN_DIR") or "/opt/tf-plugins")
    return found if (found / AWS).is_dir() else None


def require_terraform() -> Path:
    """The plugin directory; the test is skipped without terraform or the offline provider."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    plugins = plugin_dir()
    if plugins is None:
        pytest.skip("the offline AWS provider is not installed ($TFGUARD_TF_PLUGIN_DIR or /opt/tf-plugins)")
    return plugins


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    return subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def unformatted(dirs: list[Path]) -> list[str]:
    """The files `terraform fmt -check` would change, in all of `dirs`."""
    found: list[str] = []
    for d in dirs:
        done = _run(["fmt", "-check", "-recursive", "-list=true"], d)
        found += [str(d / line) for line in done.stdout.split()]
        if done.returncode not in (0, 3) or (done.returncode == 3 and not done.stdout.strip()):
            found.append(f"{d}: terraform fmt failed: {done.stderr.strip()}")
    return found


def _required(module: Path) -> list[str]:
    names: list[str] = []
    for tf in sorted(module.glob("*.tf")):
        body = parse_body(tf.read_text(encoding="utf-8"))
        names += [b.labels[0] for b in body.blocks if b.type == "variable" and "default" not in b.attrs]
    return names


def validate(dirs: dict[str, Path], root: Path) -> dict[str, list[str]]:
    """Validate each of `dirs` (name -> a directory of .tf files, copied into `root` as a
    module): the errors of each name that has any."""
    plugins = require_terraform()
    root.mkdir(parents=True)
    calls: list[str] = []
    inputs: list[str] = []
    where: dict[str, str] = {}
    for i, (name, d) in enumerate(sorted(dirs.items())):
        call = f"m{i}"
        where[call] = name
        shutil.copytree(d, root / call, ignore=shutil.ignore_patterns("plan.json", "expected.txt", "*.tfvars"))
        args = [f'  source = "./{call}"']
        for var in _required(root / call):
            inputs.append(f'variable "{call}_{var}" {{}}\n')
            args.append(f"  {var} = var.{call}_{var}")
        calls.append(f'module "{call}" {{\n' + "\n".join(args) + "\n}\n")
    (root / "main.tf").write_text("\n".join(calls + inputs), encoding="utf-8")
    init = _run(["init", "-backend=false", "-input=false", f"-plugin-dir={plugins}"], root)
    assert init.returncode == 0, init.stdout + init.stderr
    done = _run(["validate", "-json", "-no-color"], root)
    errors: dict[str, list[str]] = {}
    for d in json.loads(done.stdout).get("diagnostics", []):
        if d["severity"] != "error":
            continue
        file = d.get("range", {}).get("filename", "main.tf")
        name = where.get(Path(file).parts[0], "<generated root>")
        errors.setdefault(name, []).append(f"{file}: {d['summary']}: {d.get('detail', '')}")
    return errors
