"""Profiles of the three benchmark scenarios: one file, the 1x tree, a 10,000-resource plan.

    python benchmarks/profile.py [small|tree|plan ...] [--cold] [--top N]

Each scenario runs `tfguard check` in this process (after one unprofiled
run, so the parse cache is warm unless --cold) under pyinstrument when it is
installed (`pip install pyinstrument`, not a dependency), else under the
standard library's cProfile. pyinstrument samples and so barely slows the
code; cProfile's per-call overhead inflates small functions, so compare
profiles made with the same tool only. Imports made before main() are part
of the profile: a process pays for them on every run.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import gen_plan  # noqa: E402
import gen_tree  # noqa: E402


def inputs(base: Path, units: int, resources: int) -> dict[str, Path]:
    gen_tree.write_tree(base / "tree", units)
    gen_plan.write(base / "plan.json", gen_plan.copies_for(resources))
    return {"small": gen_tree.write_small(base / "small"), "tree": base / "tree", "plan": base / "plan.json"}


def profile(argv: list[str], top: int) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return _cprofile(argv, top)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    _run(argv)
    profiler.stop()
    return str(profiler.output_text(unicode=False, color=False, show_all=False))


def _cprofile(argv: list[str], top: int) -> str:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    _run(argv)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats("tfguard", top)
    return out.getvalue()


def _run(argv: list[str]) -> None:
    from tfguard.cli import main

    rc = main(argv)
    if rc not in (0, 1):
        raise SystemExit(f"tfguard exited with {rc}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenarios", nargs="*", default=["small", "tree", "plan"], choices=["small", "tree", "plan"])
    ap.add_argument("--cold", action="store_true", help="profile with an empty parse cache (--no-cache)")
    ap.add_argument("--units", type=int, default=11, help="units in the tree (11 = 88 files)")
    ap.add_argument("--resources", type=int, default=10000, help="resources in the plan (10000)")
    ap.add_argument("--top", type=int, default=30, help="rows per cProfile table (30)")
    args = ap.parse_args()
    if len(args.scenarios) > 1:  # each scenario in a fresh process: its imports are part of its profile
        flags = [*(["--cold"] if args.cold else []), "--units", str(args.units), "--resources", str(args.resources),
                 "--top", str(args.top)]
        for name in args.scenarios:
            sys.stdout.flush()
            subprocess.run([sys.executable, __file__, name, *flags], check=True)
        return 0
    name = args.scenarios[0]
    with tempfile.TemporaryDirectory(prefix="tfguard-profile-") as tmp:
        os.environ["TFGUARD_CACHE_DIR"] = str(Path(tmp) / "cache")
        paths = inputs(Path(tmp), args.units, args.resources)
        argv = ["check", str(paths[name]), "--format", "json", "--output", os.devnull]
        if args.cold:
            argv.append("--no-cache")
        else:  # warm the parse cache in another process, so that this one has imported nothing yet
            subprocess.run([sys.executable, "-m", "tfguard", *argv], env={**os.environ, "PYTHONPATH": str(HERE.parent)},
                           stdout=subprocess.DEVNULL, check=False)
        print(f"=== {name}{' (cold)' if args.cold else ''}: tfguard {' '.join(argv)}")
        print(profile(argv, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
