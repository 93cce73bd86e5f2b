"""Check documentation from one source: the checks' metadata, rendered with jinja2.

The same text is `tfguard explain ID`, the pages in docs/checks/ (written by
scripts/gen_docs.py, checked for staleness by the tests) and SARIF help.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tfguard.compliance import FRAMEWORK_NAMES
from tfguard.model import ANY_RESOURCE, CheckInfo

TEMPLATES = Path(__file__).resolve().parent / "templates"


# One environment per process: jinja2 compiles a template once per environment,
# and SARIF renders the help of every check (58 compilations cost ~0.5 s).
@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["code"] = lambda s: f"`{s}`"
    env.filters["subject"] = lambda t: "any managed resource" if t == ANY_RESOURCE else f"`{t}`"
    return env


def what_it_does(check: CheckInfo) -> str:
    """The reading of the catalog that the check implements: its `doc` (its module's
    docstring) without the first line (which repeats the id and slug)."""
    doc = inspect.cleandoc(check.doc) if check.doc else inspect.getdoc(inspect.getmodule(check.evaluate)) or ""
    lines = doc.splitlines()
    body = "\n".join(lines[1:]).strip() if lines and lines[0].startswith(check.id) else doc.strip()
    if body.lower().startswith("reading:"):
        body = body[len("reading:"):].strip()
    body = textwrap.dedent(body)
    return body[:1].upper() + body[1:] if body else check.title + "."


def render_check(check: CheckInfo) -> str:
    return str(_environment().get_template("check.md.j2").render(c=check, what=what_it_does(check),
                                                                 names=FRAMEWORK_NAMES))


def render_index(checks: Sequence[CheckInfo]) -> str:
    return str(_environment().get_template("index.md.j2").render(checks=checks))


def pages(checks: Sequence[CheckInfo]) -> dict[str, str]:
    """File name -> content for docs/checks/."""
    out = {f"{c.id}.md": render_check(c) for c in checks}
    out["README.md"] = render_index(checks)
    return out
