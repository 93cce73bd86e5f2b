"""Regenerate docs/checks/ from the built-in checks' metadata (run after changing a check)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tfguard.docs import pages  # noqa: E402
from tfguard.engine import load_checks  # noqa: E402


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
