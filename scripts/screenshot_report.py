#!/usr/bin/env python3
"""Render an HTML report in headless Chromium and save a screenshot, to check
its layout in a real browser.

    python scripts/screenshot_report.py /tmp/screens/report.png
    python scripts/screenshot_report.py out.png --new kms.tf     # baseline states
    python scripts/screenshot_report.py out.png --target fixtures/eval/x --height 3000
    python scripts/screenshot_report.py out.png --html report.html  # an existing report

By default it scans the demo (fixtures/demo) with `tfguard check -f html`.
`--new FILE` first writes a baseline of the target without FILE, then scans
with it: FILE's findings show as new, the others as baselined. The page is
captured at the window size (`--width`, `--height`); `--open` also shows
the compliance view expanded (every <details> opened) in a second image.

Needs Chromium (Debian: apt-get install chromium). Not used by the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def browser(given: str | None) -> str:
    for name in ([given] if given else ["chromium", "chromium-browser", "google-chrome"]):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("screenshot_report: no Chromium found (apt-get install chromium, or --chromium PATH)")


def tfguard(*args: str, cwd: Path) -> None:
    """Run the tfguard of this checkout; exit 1 (findings) is expected."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "tfguard", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"screenshot_report: tfguard {' '.join(args)} exited {done.returncode}\n{done.stderr}")


def report(target: Path, new: str | None, work: Path) -> Path:
    """Scan target into work/report.html, against a baseline without `new` when given."""
    out = work / "report.html"
    if new is None:
        tfguard("check", target.name, "-f", "html", "-o", str(out), cwd=target.parent)
        return out
    accepted = work / "accepted" / target.name
    shutil.copytree(target, accepted, ignore=shutil.ignore_patterns(new))
    baseline = work / "baseline.json"
    tfguard("baseline", "create", target.name, "-o", str(baseline), cwd=accepted.parent)
    tfguard("check", target.name, "-f", "html", "-o", str(out), "--baseline", str(baseline), cwd=target.parent)
    return out


def screenshot(chromium: str, page: Path, png: Path, width: int, height: int) -> None:
    args = [chromium, "--headless", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},{height}",
            f"--screenshot={png}", page.resolve().as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not png.exists():
        sys.exit(f"screenshot_report: chromium failed ({done.returncode})\n{done.stderr}")
    print(png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="PNG file to write")
    parser.add_argument("--target", type=Path, default=REPO / "fixtures" / "demo", help="directory to scan")
    parser.add_argument("--html", type=Path, help="screenshot this report instead of scanning")
    parser.add_argument("--new", metavar="FILE", help="baseline the target without FILE (shows baseline states)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    parser.add_argument("--open", action="store_true", help="also capture the page with every <details> open")
    parser.add_argument("--chromium", help="browser executable (default: chromium on PATH)")
    args = parser.parse_args()
    chromium = browser(args.chromium)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = args.html or report(args.target.resolve(), args.new, work)
        screenshot(chromium, page, args.output, args.width, args.height)
        if args.open:
            opened = work / "opened.html"
            opened.write_text(re.sub(r"<details\b", "<details open", page.read_text(encoding="utf-8")),
                              encoding="utf-8")
            screenshot(chromium, opened, args.output.with_name(args.output.stem + "-open.png"),
                       args.width, args.height)


if __name__ == "__main__":
    main()
