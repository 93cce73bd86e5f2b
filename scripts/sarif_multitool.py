"""Validate SARIF files with Microsoft's SARIF Multitool, GitHub's rules included.

The Multitool is a .NET program from npm; install it once, outside this repository:

    mkdir -p ~/tools && cd ~/tools && npm install @microsoft/sarif-multitool-linux

then (from the repository root):

    python scripts/sarif_multitool.py --multitool ~/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool \\
        --scan fixtures/demo out.sarif [more.sarif ...]

`--scan PATH OUT` first runs `tfguard check PATH -f sarif -o OUT` in the current directory, with
`--check-args="..."` added (e.g. `--check-args=--allow-outside-root` for a module repository's
example that calls `../../`).
Each file is checked with `validate --rule-kind "Gh;Sarif"` at every level; the script prints
every error and warning, a count of notes by rule, and exits 1 when any error or warning
is left. Notes are advice the Multitool gives every tool (message ids instead of text,
PascalCase rule names, URIs it could not reach offline) and do not fail.

Not part of the test suite: the Multitool is downloaded, and CI has no network. The
tests validate every SARIF they write against the bundled OASIS schema instead.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT = Path.home() / "tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"


def validate(multitool: Path, sarif: Path) -> tuple[list[str], collections.Counter[str]]:
    """(errors and warnings as lines, count of notes by rule id)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "validation.sarif"
        subprocess.run([str(multitool), "validate", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning;Note",
                        "--kind", "Fail", "--output", str(log), str(sarif)],
                       check=False, capture_output=True, text=True)
        if not log.is_file():
            raise SystemExit(f"{multitool} wrote no validation log for {sarif}")
        results = json.loads(log.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    problems, notes = [], collections.Counter[str]()
    for r in results:
        if r.get("level", "warning") == "note":
            notes[r["ruleId"]] += 1
        else:
            args = r.get("message", {}).get("arguments", [])
            problems.append(f"{sarif}: {r.get('level', 'warning')} {r['ruleId']}: {args}")
    return problems, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--multitool", type=Path, default=Path(os.environ.get("SARIF_MULTITOOL", DEFAULT)))
    parser.add_argument("--scan", nargs=2, action="append", default=[], metavar=("PATH", "OUT"),
                        help="scan PATH with tfguard into OUT first (repeatable)")
    parser.add_argument("--check-args", default="", help="more `tfguard check` arguments for --scan")
    parser.add_argument("sarif", nargs="*", type=Path)
    args = parser.parse_args()
    if not args.multitool.is_file():
        raise SystemExit(f"no Multitool at {args.multitool}; see this script's description to install it")
    files = list(args.sarif)
    for path, out in args.scan:
        subprocess.run([sys.executable, "-m", "tfguard", "check", path, "-f", "sarif", "-o", out,
                        *shlex.split(args.check_args)], check=False)
        files.append(Path(out))
    failed = False
    for sarif in files:
        problems, notes = validate(args.multitool, sarif)
        for line in problems:
            print(line)
        errors = sum(": error " in p for p in problems)
        print(f"{sarif}: {errors} errors, {len(problems) - errors} warnings, notes: "
              + (", ".join(f"{rule} x{n}" for rule, n in sorted(notes.items())) or "none"))
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
