#!/usr/bin/env python3
"""The function oracle: Terraform's own results for tfguard's function table.

Every expression of tests/data/function_inputs.txt is evaluated by
`terraform console` (offline: pure functions need no provider; the
provider::aws:: ones use the hashicorp/aws plugin of --plugin-dir), and the
printed result (or the first line of the error) is recorded in
tests/data/function_cases.json. tests/test_function_oracle.py compares
tfguard's value of each expression with the recorded one, without terraform.

    python scripts/function_oracle.py            # record every case
    python scripts/function_oracle.py --check    # also print tfguard's disagreements

`terraform console` reading a pipe evaluates its whole input as one
expression and prints only the last result, so each case runs in its own
console process (about 50 ms each), several at a time.

The files that file functions read are written into the working directory
from FILES below; the test writes the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INPUTS = REPO_ROOT / "tests" / "data" / "function_inputs.txt"
CASES = REPO_ROOT / "tests" / "data" / "function_cases.json"
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"

FILES = {
    "hello.txt": "hello\n",
    "tpl/greet.tftpl": "Hello, ${name}!\n",
    "tpl/list.tftpl": "%{ for x in items ~}\n- ${x}\n%{ endfor ~}\n",
}
AWS_REQUIREMENT = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def read_inputs(path: Path = INPUTS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def write_files(directory: Path) -> None:
    for name, text in FILES.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _env(scratch: Path) -> dict[str, str]:
    config = scratch / "empty.tfrc"
    config.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_", "CHECKPOINT_"))}
    env.update({"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "TF_CLI_CONFIG_FILE": str(config),
                "CHECKPOINT_DISABLE": "1"})
    return env


def console(expr: str, directory: Path, env: dict[str, str]) -> dict[str, str]:
    """{"output": printed value} or {"error": the error's summary and detail}."""
    proc = subprocess.run(["terraform", "console", "-no-color"], input=expr + "\n", cwd=directory, env=env,
                          capture_output=True, text=True, timeout=60)
    if proc.returncode == 0:
        return {"output": proc.stdout.rstrip("\n")}
    text = _ANSI.sub("", proc.stderr)
    lines = [ln.strip(" │╷╵") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("on <console-input>", "(source code not available)"))]
    return {"error": " ".join(lines)}


def _prepare(directory: Path, aws: bool, plugin_dir: Path, env: dict[str, str]) -> Path:
    directory.mkdir()
    write_files(directory)
    if aws:
        (directory / "main.tf").write_text(AWS_REQUIREMENT, encoding="utf-8")
        subprocess.run(["terraform", "init", "-backend=false", f"-plugin-dir={plugin_dir}"], cwd=directory,
                       env=env, check=True, capture_output=True)
    return directory


def record(plugin_dir: Path, jobs: int) -> dict[str, dict[str, str]]:
    inputs = read_inputs()
    with tempfile.TemporaryDirectory(prefix="tfguard-fn-oracle-") as tmp:
        scratch = Path(tmp)
        env = _env(scratch)
        # console takes the state lock: each worker has its own directories.
        free: queue.Queue[tuple[Path, Path]] = queue.Queue()
        for n in range(jobs):
            free.put((_prepare(scratch / f"plain{n}", False, plugin_dir, env),
                      _prepare(scratch / f"aws{n}", True, plugin_dir, env)))

        def one(expr: str) -> dict[str, str]:
            plain, aws = free.get()
            try:
                return console(expr, aws if expr.startswith("provider::") else plain, env)
            finally:
                free.put((plain, aws))

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, inputs))
    return dict(zip(inputs, results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin-dir", default=os.environ.get("TFGUARD_TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="print tfguard's disagreements after recording")
    parser.add_argument("--no-record", action="store_true", help="only compare with the recorded results")
    args = parser.parse_args(argv)
    if not args.no_record:
        cases = record(Path(args.plugin_dir), args.jobs)
        CASES.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{len(cases)} cases recorded in {CASES.relative_to(REPO_ROOT)}")
    if args.check or args.no_record:
        sys.path.insert(0, str(REPO_ROOT))
        from tests.function_oracle_compare import compare_all

        with tempfile.TemporaryDirectory() as tmp:
            write_files(Path(tmp))
            report = compare_all(json.loads(CASES.read_text(encoding="utf-8")), Path(tmp))
        for expr, (verdict, detail) in report.items():
            if verdict != "agree":
                print(f"{verdict:9} {expr}\n          {detail}")
        agree = sum(1 for v, _ in report.values() if v == "agree")
        print(f"{agree}/{len(report)} agree ({100 * agree / max(len(report), 1):.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
