"""Regenerate docs/checks/ from the built-in checks' metadata (run after changing a check)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tfguard.docs import pages  # noqa: E402
from tfguard.engine import load_checks  # noqa: E402
from tfguard.fix.replacement import markdown  # noqa: E402
from tfguard.fix.rules import table  # noqa: E402

START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"
REPLACEMENT_START, REPLACEMENT_END = "<!-- replacement:start -->\n", "<!-- replacement:end -->"


def between(text: str, start: str, end: str, content: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return head + start + content + end + tail


def with_rules(text: str) -> str:
    """docs/fix.md with its table of fix rules as tfguard.fix.rules has them, and the
    arguments that force replacement as tfguard.fix.replacement has them."""
    text = between(text, START, END, table())
    return between(text, REPLACEMENT_START, REPLACEMENT_END, markdown())


def main() -> int:
    out = ROOT / "docs" / "checks"
    out.mkdir(parents=True, exist_ok=True)
    wanted = pages(load_checks())
    for stale in out.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} files to {out.relative_to(ROOT)}")
    fix_doc = ROOT / "docs" / "fix.md"
    fix_doc.write_text(with_rules(fix_doc.read_text(encoding="utf-8")), encoding="utf-8")
    print("wrote the rule table of docs/fix.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
