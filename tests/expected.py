"""Reading fixtures' expected.txt files: `# checks: ...` header, then `ID ADDRESS STATUS` lines.

A `# diagnostic: FILE LINE` line names an input problem the fixture is about
(FILE relative to the fixture); any other diagnostic fails the fixture.
A `# plan-expect: ID ADDRESS STATUS` line replaces the result with the same
id and address in plan mode, where the plan itself knows less than the HCL
(documented beside the line).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

Triple = tuple[str, str, str]


class Expected(NamedTuple):
    checks: frozenset[str]
    hcl: frozenset[Triple]
    plan: frozenset[Triple]
    severities: frozenset[Triple]  # (id, address, effective severity) from `# severity:` lines
    diagnostics: frozenset[tuple[str, int]] = frozenset()  # (file, line) from `# diagnostic:` lines


def read_expected(path: Path) -> Expected:
    checks: set[str] = set()
    hcl: set[Triple] = set()
    plan_over: dict[tuple[str, str], str | None] = {}
    severities: set[Triple] = set()
    diagnostics: set[tuple[str, int]] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# checks:"):
            checks.update(line.split(":", 1)[1].split())
        elif line.startswith("# severity:"):
            cid, address, sev = line.split(":", 1)[1].split()
            severities.add((cid, address, sev.lower()))
        elif line.startswith("# diagnostic:"):
            file, number = line.split(":", 1)[1].split()[:2]
            diagnostics.add((file, int(number)))
        elif line.startswith("# plan-expect:"):
            parts = line.split(":", 1)[1].split()
            if len(parts) == 3:
                plan_over[(parts[0], parts[1])] = parts[2]
            elif len(parts) == 2:
                plan_over[(parts[0], parts[1])] = None  # no result in plan mode
        elif line and not line.startswith("#"):
            cid, address, status = line.split()
            hcl.add((cid, address, status.upper()))
    plan = {t for t in hcl if (t[0], t[1]) not in plan_over}
    plan |= {(c, a, s.upper()) for (c, a), s in plan_over.items() if s}
    return Expected(frozenset(checks), frozenset(hcl), frozenset(plan), frozenset(severities),
                    frozenset(diagnostics))
