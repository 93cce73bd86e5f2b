"""Running one benchmark command and measuring it: wall time and peak memory per process.

Every run happens in a fresh interpreter, started by a fresh wrapper: see
_RUN_WRAPPER for why. tfguard is taken from this checkout (its root is put
on PYTHONPATH); bytecode goes to a cache inside the benchmark's temporary
folder, so that the runs load .pyc files as an installed tfguard does, even
where PYTHONDONTWRITEBYTECODE is set, without writing into the checkout.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXIT_OK_CODES = (0, 1)  # tfguard: 0 = clean, 1 = findings; 2 = input error, 3 = internal error

# Runs one command and reports that command's own wall time and peak RSS.
# RUSAGE_CHILDREN's ru_maxrss is the maximum over every child reaped so far,
# so it is only per-run when each run gets a new parent.
_RUN_WRAPPER = """\
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "maxrss": usage.ru_maxrss, "rc": proc.returncode,
                  "stderr": proc.stderr.decode("utf-8", "replace")[-4000:]}))
"""

# Times one parser over a list of files; argv: parser name, file list (JSON), repeats.
# It runs in a fresh interpreter per parser, which may be another Python (the v7 venv).
_PARSE_WORKER = """\
import json, sys, time
name, listing, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(listing, encoding="utf-8") as f:
    texts = [open(p, encoding="utf-8").read() for p in json.load(f)]
if name == "tfguard":
    from tfguard.load.hcl_ast import parse_body as parse
elif name == "hcl2":
    import hcl2
    parse = hcl2.loads
elif name == "hcl2-v7-meta":
    import hcl2
    parse = lambda text: hcl2.loads(text, with_meta=True)
else:
    raise SystemExit("unknown parser " + name)
import importlib.metadata as md
version = md.version("python-hcl2")
parse(texts[0])  # warm-up: grammar compiled or loaded from its cache
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    for text in texts:
        parse(text)
    times.append(time.perf_counter() - t0)
print(json.dumps({"times": times, "hcl2_version": version}))
"""


class BenchError(RuntimeError):
    pass


@dataclass
class CliResult:
    name: str
    runs: int
    median_s: float
    min_s: float
    peak_rss_mib: float


@dataclass
class ParseResult:
    name: str
    version: str
    runs: int
    median_s: float
    mb_per_s: float


class Runner:
    """Runs commands with the benchmark's environment: this checkout, its own caches."""

    def __init__(self, base: Path, repeat: int) -> None:
        self.base = base
        self.repeat = repeat
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        env["TFGUARD_CACHE_DIR"] = str(base / "tfguard-cache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
        self.env = env

    def once(self, cmd: list[str], check_rc: bool = True, env: dict[str, str] | None = None) -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-c", _RUN_WRAPPER, *cmd], cwd=self.base, env=env or self.env,
                             capture_output=True, text=True, check=True)
        result: dict[str, Any] = json.loads(out.stdout)
        if check_rc and result["rc"] not in EXIT_OK_CODES:
            raise BenchError(f"`{' '.join(cmd)}` exited with {result['rc']}:\n{result['stderr']}")
        return result

    def cli(self, name: str, cmd: list[str], repeat: int | None = None, check_rc: bool = True,
            warmup: bool = False, env: dict[str, str] | None = None) -> CliResult:
        """Median over `repeat` runs; with warmup, after one untimed run (caches filled)."""
        n = repeat or self.repeat
        if warmup:
            self.once(cmd, check_rc, env)
        runs = [self.once(cmd, check_rc, env) for _ in range(n)]
        walls = [r["wall"] for r in runs]
        return CliResult(name, n, statistics.median(walls), min(walls), max(rss_mib(r["maxrss"]) for r in runs))

    def interleaved(self, cases: list[tuple[str, list[str], dict[str, str] | None, bool]],
                    repeat: int) -> list[CliResult]:
        """`repeat` rounds of one run per case (name, command, env, check_rc), in turn.

        On a shared machine the load changes from minute to minute: cases timed
        in the same rounds are compared under the same load.
        """
        samples: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in cases}
        for _ in range(repeat):
            for name, cmd, env, check_rc in cases:
                samples[name].append(self.once(cmd, check_rc, env))
        return [CliResult(name, len(runs), statistics.median(r["wall"] for r in runs), min(r["wall"] for r in runs),
                          max(rss_mib(r["maxrss"]) for r in runs)) for name, runs in samples.items()]

    def parser(self, name: str, worker: str, python: str, listing: Path, total_bytes: int,
               repeat: int) -> ParseResult:
        proc = subprocess.run([python, "-c", _PARSE_WORKER, worker, str(listing), str(repeat)],
                              env=self.env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BenchError(f"parser {name} ({python}) failed:\n{proc.stderr}")
        data = json.loads(proc.stdout)
        median = statistics.median(data["times"])
        return ParseResult(name, data["hcl2_version"], repeat, median, total_bytes / 1e6 / median)


def tfguard_cmd(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "tfguard", *args]


def rss_mib(maxrss: int) -> float:
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024  # bytes vs KiB


def machine_info() -> dict[str, Any]:
    import importlib.metadata as md

    sys.path.insert(0, str(REPO))  # the checkout under test, as for the child processes
    import tfguard

    def version(dist: str) -> str:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return "-"

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "tfguard": tfguard.__version__,
        **{dist: version(dist) for dist in ("python-hcl2", "lark", "typer", "networkx")},
    }
