"""One scan per (target, checks) for the whole test session.

tests/test_fixtures.py and tests/test_snapshots.py ask the same questions of every fixture:
the second reads the first's reports instead of scanning again.
"""

from __future__ import annotations

import functools
from pathlib import Path

from tfguard.model import Report
from tfguard.run import run
from tfguard.targets import Options


@functools.cache
def scan(target: Path, checks: frozenset[str]) -> Report:
    return run([target], Options(only=checks))
