"""Benchmarks for tfguard: end-to-end CLI time and HCL parser throughput.

    python benchmarks/bench.py [--dirs N] [--repeat N] [--parse-dirs N] [--parse-repeat N]
                               [--hcl2-v7-python PATH] [--json FILE]

Standard library only. tfguard is run from this checkout (its root is put on
PYTHONPATH for every child process), python-hcl2 8.x and lark must be
installed in the running interpreter. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # gen_plan beside this file

# Runs one command in a fresh interpreter and reports that command's own wall
# time and peak RSS. RUSAGE_CHILDREN's ru_maxrss is the maximum over every
# child reaped so far, so it is only per-run when each run gets a new parent.
_RUN_WRAPPER = """\
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "maxrss": usage.ru_maxrss, "rc": proc.returncode,
                  "stderr": proc.stderr.decode("utf-8", "replace")}))
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

EXIT_OK_CODES = (0, 1)  # tfguard: 0 = clean, 1 = findings; 2 = input error, 3 = internal error


class BenchError(RuntimeError):
    pass


# --------------------------------------------------------------------------- inputs

SMALL_TF = """\
resource "aws_kms_key" "data" {
  description         = "Data bucket key"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-small-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}
"""


def module_files(i: int) -> dict[str, str]:
    """The .tf files of generated module i; content varies with i but is deterministic."""
    n = f"{i:03d}"
    env = ("dev", "staging", "prod")[i % 3]
    sse = "aws:kms" if i % 4 else "AES256"
    versioning = "Enabled" if i % 5 else "Suspended"
    block_acls = "true" if i % 6 else "false"
    rotation = "true" if i % 7 else "false"
    principal = '"*"' if i % 11 == 0 else '"arn:aws:iam::${var.account_id}:root"'
    https = i % 8 != 0
    ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" if i % 3 else "ELBSecurityPolicy-2016-08"

    variables = f"""\
variable "env" {{
  type    = string
  default = "{env}"
}}

variable "account_id" {{
  type    = string
  default = "1234567890{n[-2:]}"
}}

variable "name_prefix" {{
  type        = string
  description = "Prefix for every resource name in module {n}"
  default     = "acme-{env}-{n}"
}}

variable "tags" {{
  type = map(string)
  default = {{
    Owner      = "platform-team"
    CostCenter = "cc-{1000 + i}"
  }}
}}

variable "ingress_ports" {{
  type    = list(number)
  default = [443, 8443{", 80" if not https else ""}]
}}

variable "allowed_cidrs" {{
  type    = list(string)
  default = ["10.{i % 250}.0.0/16", "192.168.{i % 250}.0/24"]
}}
"""

    locals_tf = f"""\
locals {{
  common_tags = merge(var.tags, {{
    Module             = "mod-{n}"
    Environment        = var.env
    DataClassification = "{("internal", "confidential", "phi")[i % 3]}"
  }})

  bucket_names = [for suffix in ["data", "logs", "replica"] : "${{var.name_prefix}}-${{suffix}}"]
  port_rules   = {{ for p in var.ingress_ports : tostring(p) => {{ port = p, cidrs = var.allowed_cidrs }} }}
  is_prod      = var.env == "prod"
}}
"""

    s3 = f"""\
resource "aws_s3_bucket" "data" {{
  bucket = local.bucket_names[0]
  tags   = local.common_tags
}}

resource "aws_s3_bucket" "replica" {{
  count  = 2
  bucket = "${{local.bucket_names[2]}}-${{count.index}}"
  tags   = merge(local.common_tags, {{ Replica = tostring(count.index) }})
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {{
  bucket = aws_s3_bucket.data.id

  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "{sse}"
      kms_master_key_id = {"aws_kms_key.data.arn" if sse == "aws:kms" else "null"}
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_s3_bucket_versioning" "data" {{
  bucket = aws_s3_bucket.data.id

  versioning_configuration {{
    status = "{versioning}"
  }}
}}

resource "aws_s3_bucket_public_access_block" "data" {{
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = {block_acls}
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = local.is_prod ? true : {block_acls}
}}
"""

    kms = f"""\
resource "aws_kms_key" "data" {{
  description             = "Data key for module {n}"
  enable_key_rotation     = {rotation}
  deletion_window_in_days = 30
  tags                    = local.common_tags

  policy = <<EOF
{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "EnableRootAccess",
      "Effect": "Allow",
      "Principal": {{ "AWS": "arn:aws:iam::${{var.account_id}}:root" }},
      "Action": "kms:*",
      "Resource": "*"
    }}
  ]
}}
EOF
}}

resource "aws_kms_key" "logs" {{
  description         = "Log key for module {n}"
  enable_key_rotation = true

  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "EnableRootAccess"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::${{var.account_id}}:root" }}
        Action    = "kms:*"
        Resource  = "*"
      }},
      {{
        Sid       = "AllowDecrypt"
        Effect    = "Allow"
        Principal = {{ AWS = {principal} }}
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
      }},
    ]
  }})
}}

resource "aws_kms_alias" "data" {{
  name          = "alias/${{var.name_prefix}}-data"
  target_key_id = aws_kms_key.data.key_id
}}
"""

    if https:
        listener = f"""\
  port            = 443
  protocol        = "HTTPS"
  ssl_policy      = "{ssl_policy}"
  certificate_arn = "arn:aws:acm:us-east-1:${{var.account_id}}:certificate/cert-{n}"
"""
    else:
        listener = """\
  port     = 80
  protocol = "HTTP"
"""
    lb = f"""\
resource "aws_security_group" "lb" {{
  name   = "${{var.name_prefix}}-lb"
  vpc_id = "vpc-{i:08x}"

  dynamic "ingress" {{
    for_each = local.port_rules
    content {{
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }}
  }}
}}

resource "aws_lb" "app" {{
  name               = "lb-{n}"
  load_balancer_type = "application"
  internal           = {"false" if i % 2 else "true"}
  security_groups    = [aws_security_group.lb.id]
  subnets            = ["subnet-{i:04x}a", "subnet-{i:04x}b"]
  tags               = local.common_tags
}}

resource "aws_lb_target_group" "app" {{
  name     = "tg-{n}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-{i:08x}"
}}

resource "aws_lb_listener" "app" {{
  load_balancer_arn = aws_lb.app.arn
{listener}
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }}
}}
"""
    return {"variables.tf": variables, "locals.tf": locals_tf, "s3.tf": s3, "kms.tf": kms, "lb.tf": lb}


def write_small(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "main.tf").write_text(SMALL_TF, encoding="utf-8")
    return root


def write_tree(root: Path, dirs: int) -> list[list[Path]]:
    """Writes the tree; returns the files of each module directory, in order."""
    modules: list[list[Path]] = []
    for i in range(dirs):
        module = root / "modules" / f"mod_{i:03d}"
        module.mkdir(parents=True)
        modules.append([])
        for name, text in module_files(i).items():
            (module / name).write_text(text, encoding="utf-8")
            modules[-1].append(module / name)
    return modules


def write_instances(root: Path, module_dir: Path, count: int) -> Path:
    """A root module that calls (its own copy of) one module `count` times through for_each."""
    import shutil

    root.mkdir(parents=True)
    shutil.copytree(module_dir, root / "module")
    rel = "module"
    keys = ", ".join(f'"i{i:04d}"' for i in range(count))
    (root / "main.tf").write_text(
        f'module "many" {{\n  source   = "./{rel}"\n  for_each = toset([{keys}])\n}}\n', encoding="utf-8")
    return root


# --------------------------------------------------------------------------- measurement


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


CACHE_DIR: Path | None = None  # the runs' parse cache, inside the benchmark's temporary folder


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    if CACHE_DIR is not None:
        env["TFGUARD_CACHE_DIR"] = str(CACHE_DIR)
    return env


def tfguard_cmd(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "tfguard", *args]


def run_once(cmd: list[str], cwd: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _RUN_WRAPPER, *cmd], cwd=cwd, env=child_env(),
                         capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    if result["rc"] not in EXIT_OK_CODES:
        raise BenchError(f"`{' '.join(cmd)}` exited with {result['rc']}:\n{result['stderr']}")
    return result


def rss_mib(maxrss: int) -> float:
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024  # bytes vs KiB


def bench_cli(name: str, args: list[str], cwd: Path, repeat: int) -> CliResult:
    runs = [run_once(tfguard_cmd(args), cwd) for _ in range(repeat)]
    walls = [r["wall"] for r in runs]
    return CliResult(name, repeat, statistics.median(walls), min(walls),
                     max(rss_mib(r["maxrss"]) for r in runs))


def bench_parser(name: str, worker: str, python: str, listing: Path, total_bytes: int,
                 repeat: int) -> ParseResult:
    proc = subprocess.run([python, "-c", _PARSE_WORKER, worker, str(listing), str(repeat)],
                          env=child_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"parser {name} ({python}) failed:\n{proc.stderr}")
    data = json.loads(proc.stdout)
    median = statistics.median(data["times"])
    return ParseResult(name, data["hcl2_version"], repeat, median, total_bytes / 1e6 / median)


def machine_info() -> dict[str, Any]:
    import lark

    sys.path.insert(0, str(REPO))  # the checkout under test, as for the child processes
    import tfguard

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "tfguard": tfguard.__version__,
        "lark": lark.__version__,
    }


# --------------------------------------------------------------------------- report


def print_report(info: dict[str, Any], tree: dict[str, Any], cli: list[CliResult],
                 parsers: list[ParseResult]) -> None:
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"tree:    {tree['dirs']} module dirs, {tree['files']} .tf files, {tree['bytes'] / 1e6:.2f} MB; "
          f"parsers timed on {tree['parse_files']} of them, {tree['parse_bytes'] / 1e6:.3f} MB")
    print()
    print(f"{'CLI (wall time per process)':<50} {'runs':>4} {'median s':>9} {'min s':>8} {'peak RSS MiB':>13}")
    for r in cli:
        print(f"{r.name:<50} {r.runs:>4} {r.median_s:>9.3f} {r.min_s:>8.3f} {r.peak_rss_mib:>13.1f}")
    print()
    base = parsers[0]
    print(f"{'Parser (tree files, warm)':<50} {'runs':>4} {'median s':>9} {'MB/s':>8} {'tfguard x':>13}")
    for p in parsers:
        ratio = base.mb_per_s / p.mb_per_s
        print(f"{p.name + ' (hcl2 ' + p.version + ')':<50} {p.runs:>4} {p.median_s:>9.3f} "
              f"{p.mb_per_s:>8.3f} {ratio:>12.1f}x")


def _checkov(name: str, cmd: list[str], cwd: Path, repeat: int) -> CliResult | None:
    """The same input through checkov, when it is installed (it is not a dependency)."""
    import shutil

    exe = shutil.which("checkov")
    if exe is None:
        return None
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _RUN_WRAPPER, exe, *cmd], cwd=cwd, capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    walls = [r["wall"] for r in runs]
    return CliResult(name, repeat, statistics.median(walls), min(walls), max(rss_mib(r["maxrss"]) for r in runs))


def main(argv: list[str] | None = None) -> int:
    global CACHE_DIR
    ap = argparse.ArgumentParser(description="tfguard end-to-end and parser benchmarks.")
    ap.add_argument("--dirs", type=int, default=25, help="module directories in the 1x tree; the 8x tree has 8 times as many (25)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per CLI scenario (5)")
    ap.add_argument("--parse-repeat", type=int, default=3, help="timed passes over the tree per parser (3)")
    ap.add_argument("--parse-dirs", type=int, default=25,
                    help="time the parsers on the files of the first N module dirs (25; 0 = all)")
    ap.add_argument("--hcl2-v7-python", metavar="PATH", help="a Python with python-hcl2 7.x, to time it too")
    ap.add_argument("--instances", type=int, default=200,
                    help="module instances in the module-call scenario, also run at half that size (200)")
    ap.add_argument("--plan-resources", type=int, default=1250,
                    help="resources in the 1x plan; the 8x plan has 8 times as many (1250)")
    ap.add_argument("--big-plan-mb", type=float, default=0, help="also scan a plan of about this many MB (off)")
    ap.add_argument("--compare", choices=["checkov"], help="also run checkov on the same inputs, if installed")
    ap.add_argument("--json", metavar="FILE", type=Path, help="also write the numbers as JSON to FILE")
    args = ap.parse_args(argv)
    if args.dirs < 1 or args.repeat < 1 or args.parse_repeat < 1 or args.parse_dirs < 0:
        ap.error("--dirs, --repeat and --parse-repeat must be at least 1, --parse-dirs at least 0")
    import gen_plan

    info = machine_info()
    with tempfile.TemporaryDirectory(prefix="tfguard-bench-") as tmp:
        base = Path(tmp)
        CACHE_DIR = base / "cache"
        small = write_small(base / "small")
        modules = write_tree(base / "tree1", args.dirs)
        write_tree(base / "tree8", args.dirs * 8)
        module_dir = modules[0][0].parent
        many = write_instances(base / "many", module_dir, args.instances)
        half = write_instances(base / "half", module_dir, max(args.instances // 2, 1))
        plans = {n: base / f"plan-{n}.json" for n in (args.plan_resources, args.plan_resources * 8)}
        for n, path in plans.items():
            gen_plan.write(path, n)
        if args.big_plan_mb:
            big = base / "plan-big.json"
            gen_plan.write(big, gen_plan.resources_for_mb(args.big_plan_mb))
        files = [p for m in modules for p in m]
        parse_files = [p for m in modules[: args.parse_dirs or None] for p in m]
        total = sum(p.stat().st_size for p in parse_files)
        tree = {"dirs": args.dirs, "files": len(files), "bytes": sum(p.stat().st_size for p in files),
                "parse_files": len(parse_files), "parse_bytes": total,
                "plans": {str(n): p.stat().st_size for n, p in plans.items()}}
        listing = base / "files.json"
        listing.write_text(json.dumps([str(p) for p in parse_files]), encoding="utf-8")

        def check(target: Path, *extra: str) -> list[str]:
            return ["check", str(target), "--format", "json", "--output", os.devnull, *extra]

        def cold_and_warm(label: str, target: Path) -> list[CliResult]:
            cold = bench_cli(f"{label}, cold cache", check(target, "--no-cache"), base, args.repeat)
            run_once(tfguard_cmd(check(target)), base)  # fills the parse cache
            return [cold, bench_cli(f"{label}, warm cache", check(target), base, args.repeat)]

        try:
            run_once(tfguard_cmd(check(small)), base)  # warm-up, untimed: bytecode, tfguard's grammar cache
            n8 = args.dirs * 8
            cli = [bench_cli("tfguard --version", ["--version"], base, args.repeat)]
            cli += cold_and_warm("check 1 file", small)
            cli += cold_and_warm(f"check tree 1x ({args.dirs} dirs, {len(files)} files)", base / "tree1")
            cli += cold_and_warm(f"check tree 8x ({n8} dirs, {len(files) * 8} files)", base / "tree8")
            cli += [
                bench_cli(f"check {max(args.instances // 2, 1)} module instances", check(half), base, args.repeat),
                bench_cli(f"check {args.instances} module instances", check(many), base, args.repeat),
            ]
            cli += [bench_cli(f"check plan of {n} resources", check(path), base, args.repeat)
                    for n, path in plans.items()]
            if args.big_plan_mb:
                cli.append(bench_cli(f"check plan of {big.stat().st_size / 1e6:.0f} MB", check(big), base,
                                     max(1, args.repeat // 2)))
            if args.compare:
                for label, cmd in (("checkov: 1 file", ["-d", str(small)]),
                                   ("checkov: tree 1x", ["-d", str(base / "tree1")]),
                                   (f"checkov: plan of {args.plan_resources} resources",
                                    ["-f", str(plans[args.plan_resources]), "--framework", "terraform_plan"])):
                    result = _checkov(label, [*cmd, "--quiet", "--compact", "-o", "json"], base, args.repeat)
                    if result is None:
                        print("bench: checkov is not installed; --compare skipped", file=sys.stderr)
                        break
                    cli.append(result)
            parsers = [
                bench_parser("tfguard parse_body", "tfguard", sys.executable, listing, total, args.parse_repeat),
                bench_parser("hcl2.loads", "hcl2", sys.executable, listing, total, args.parse_repeat),
            ]
            if args.hcl2_v7_python:
                parsers.append(bench_parser("hcl2.loads with_meta", "hcl2-v7-meta", args.hcl2_v7_python,
                                            listing, total, args.parse_repeat))
        except BenchError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1

    print_report(info, tree, cli, parsers)
    if args.json:
        payload = {"machine": info, "tree": tree, "cli": [asdict(r) for r in cli],
                   "parsers": [asdict(p) for p in parsers],
                   "tfguard_speedup": {p.name: parsers[0].mb_per_s / p.mb_per_s for p in parsers[1:]}}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
