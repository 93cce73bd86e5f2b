"""`tfguard fix PATH... [--diff] [--checks IDS] [--unsafe-fixes]`.

Exit codes:
  0  the fixes were applied, or there was nothing to fix
  1  with --diff: there is something to fix (nothing was written)
  2  usage error, or an input that could not be read (the rest was fixed)
  3  internal error (a bug: please report it)
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tfguard.errors import exit_code


def fix_command(paths: list[Path], diff_only: bool, unsafe: bool, given: dict[str, Any]) -> int:
    from tfguard.engine import load_checks, resolve
    from tfguard.fix.engine import fix, write
    from tfguard.fix.summary import diff, lines
    from tfguard.options import build

    options = build(paths, given).options
    only = frozenset(resolve(load_checks(options.checks_dirs), options.only)) if options.only else frozenset()
    # --checks chooses what to fix; the verification still runs every check, so that a fix
    # cannot pass by making a finding of a check that was left out.
    options = replace(options, only=frozenset())
    outcome = fix(paths, options, only, unsafe)
    if diff_only:
        sys.stdout.write(diff(outcome))
    else:
        write(outcome)
    for line in lines(outcome, applied=not diff_only):
        print(line, file=sys.stderr if diff_only else sys.stdout)
    for d in outcome.diagnostics:
        print(f"tfguard: {d}", file=sys.stderr)
    return exit_code(outcome.diagnostics, diff_only and bool(outcome.texts))
