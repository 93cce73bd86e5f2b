"""Benchmarks for tfguard: end-to-end CLI time and memory, scaling, parser throughput.

    python benchmarks/bench.py [--units N] [--repeat N] [--compare checkov] [--json FILE] ...

Standard library only; python-hcl2 8.x and lark must be installed in the
running interpreter, tfguard is run from this checkout. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the modules beside this file

import compare  # noqa: E402
import gen_plan  # noqa: E402
import gen_tree  # noqa: E402
from measure import BenchError, CliResult, ParseResult, Runner, machine_info, tfguard_cmd  # noqa: E402

# Performance targets on a 2-core machine, in seconds (and MiB for the plan's memory).
TARGETS = {"check 1 file, warm cache": 0.3, "tree 1x, cold cache": 1.5, "tree 1x, warm cache": 0.4,
           "plan 8x": 5.0}


def check(target: Path, *extra: str) -> list[str]:
    return tfguard_cmd(["check", str(target), "--format", "json", "--output", os.devnull, *extra])


def write_inputs(base: Path, args: argparse.Namespace) -> dict[str, Any]:
    inputs: dict[str, Any] = {"small": gen_tree.write_small(base / "small")}
    inputs["units1"] = gen_tree.write_tree(base / "tree1", args.units)
    gen_tree.write_tree(base / "tree8", args.units * 8)
    module_dir = base / "tree1" / "modules" / "mod_000"
    inputs["many"] = gen_tree.write_instances(base / "many", module_dir, args.instances)
    inputs["half"] = gen_tree.write_instances(base / "half", module_dir, max(args.instances // 2, 1))
    # Plans: a real plan (plans/unit, 25 resources) in module instances; managed resources per plan.
    inputs["plans"], inputs["expected"] = {}, {}
    for scale, n in (("1x", args.plan_resources), ("8x", args.plan_resources * 8)):
        path = base / f"plan-{scale}.json"
        inputs["plans"][scale] = path
        inputs["expected"][path] = gen_plan.managed_count(gen_plan.write(path, gen_plan.copies_for(n)))
    corpus = gen_plan.CORPUS / args.corpus_plan
    inputs["corpus"] = base / "plan-corpus.json"
    doc = gen_plan.write(inputs["corpus"], args.corpus_copies, corpus, args.corpus_token)
    inputs["expected"][inputs["corpus"]] = gen_plan.managed_count(doc)
    if args.big_plan_mb:
        inputs["big"] = base / "plan-big.json"
        gen_plan.write(inputs["big"], gen_plan.copies_for_mb(args.big_plan_mb))
    return inputs


def plan_label(inputs: dict[str, Any], key: str, args: argparse.Namespace) -> str:
    """"plan 1x (1250 resources, 50 instances, 4.1 MB)": what a plan scenario scans."""
    path = inputs["plans"][key] if key in inputs["plans"] else inputs[key]
    n = inputs["expected"][path]
    if key == "corpus":
        head, copies = f"corpus plan x{args.corpus_copies}", args.corpus_copies
    else:
        head, copies = f"plan {key}", gen_plan.copies_for(n)
    return f"{head} ({n} resources, {copies} instances, {path.stat().st_size / 1e6:.1f} MB)"


def cli_scenarios(run: Runner, base: Path, inputs: dict[str, Any], args: argparse.Namespace) -> list[CliResult]:
    def cold_and_warm(label: str, target: Path) -> list[CliResult]:
        cold = run.cli(f"{label}, cold cache", check(target, "--no-cache"))
        return [cold, run.cli(f"{label}, warm cache", check(target), warmup=True)]

    files1 = sum(len(u) for u in inputs["units1"])
    out = [run.cli("python -c pass (interpreter start-up)", [sys.executable, "-c", "pass"]),
           run.cli("tfguard --version", tfguard_cmd(["--version"])),
           run.cli("tfguard list-checks", tfguard_cmd(["list-checks"]))]
    out += cold_and_warm("check 1 file", inputs["small"])
    out += cold_and_warm(f"tree 1x ({args.units} units, {files1} files)", base / "tree1")
    out += cold_and_warm(f"tree 8x ({args.units * 8} units, {files1 * 8} files)", base / "tree8")
    # The pull-request check writes SARIF, whose rules carry every check's help text.
    sarif = tfguard_cmd(["check", str(base / "tree1"), "--format", "sarif", "--output", os.devnull])
    out.append(run.cli(f"tree 1x SARIF ({files1} files), warm cache", sarif, warmup=True))
    out += [run.cli(f"module called {max(args.instances // 2, 1)} times", check(inputs["half"]), warmup=True),
            run.cli(f"module called {args.instances} times", check(inputs["many"]), warmup=True)]
    # A plan is JSON, not HCL: tfguard's parse cache plays no part, so there is no cold/warm pair.
    out += [run.cli(plan_label(inputs, "1x", args), check(inputs["plans"]["1x"])),
            run.cli(plan_label(inputs, "8x", args), check(inputs["plans"]["8x"])),
            run.cli(plan_label(inputs, "corpus", args), check(inputs["corpus"]))]
    if "big" in inputs:
        mb = inputs["big"].stat().st_size / 1e6
        out.append(run.cli(f"plan of {mb:.0f} MB", check(inputs["big"]), repeat=max(1, args.repeat // 2)))
    return out


def checkov_scenarios(run: Runner, base: Path, inputs: dict[str, Any], args: argparse.Namespace,
                      counts: dict[str, Any]) -> tuple[list[CliResult], dict[str, float]]:
    """The same inputs through checkov, each after proof that both tools scan the same resources.

    tfguard is timed again in the same rounds as checkov (one run of each in
    turn), so that each ratio compares runs made under the same load.
    """
    exe = compare.find_checkov(args.checkov)
    if exe is None:
        print("bench: checkov not found (install it apart and give --checkov PATH, see benchmarks/README.md); "
              "the checkov comparison is SKIPPED", file=sys.stderr)
        return [], {}
    hcl = ("cold cache", "--no-cache"), ("warm cache", None)
    cases = [("check 1 file", inputs["small"], hcl), ("tree 1x", base / "tree1", hcl),
             ("plan 1x", inputs["plans"]["1x"], (("no cache", None),)),
             (f"corpus plan x{args.corpus_copies}", inputs["corpus"], (("no cache", None),))]
    out: list[CliResult] = []
    ratio: dict[str, float] = {}
    ckv_env = compare.checkov_env(run)
    for label, target, states in cases:
        cmd = compare.checkov_cmd(exe, target)
        theirs, version = compare.checkov_resources(run, cmd)  # untimed; also its warm-up
        ours = compare.tfguard_resources(run, target)  # untimed; fills tfguard's parse cache
        compare.same_resources(label, ours, theirs, inputs["expected"].get(target))
        counts[label] = {"tfguard": ours, "checkov": theirs, "checkov_version": version}
        ckv_name = f"checkov: {label} ({theirs} resources, --framework {compare.framework(target)})"
        ours_cases = [(f"  tfguard, same rounds: {label}, {state}", check(target, *([flag] if flag else [])), None, True)
                      for state, flag in states]
        # checkov exits 1 when it finds something; its exit codes are not ours to judge.
        results = run.interleaved([*ours_cases, (ckv_name, cmd, ckv_env, False)], args.checkov_repeat)
        out += results
        for mine, (state, _) in zip(results[:-1], states):
            ratio[f"checkov / tfguard: {label}, {state}"] = results[-1].median_s / mine.median_s
    return out, ratio


def parser_scenarios(run: Runner, base: Path, inputs: dict[str, Any], args: argparse.Namespace) -> list[ParseResult]:
    files = [p for u in inputs["units1"][: args.parse_units or None] for p in u]
    total = sum(p.stat().st_size for p in files)
    listing = base / "files.json"
    listing.write_text(json.dumps([str(p) for p in files]), encoding="utf-8")
    out = [run.parser("tfguard parse_body", "tfguard", sys.executable, listing, total, args.parse_repeat),
           run.parser("hcl2.loads", "hcl2", sys.executable, listing, total, args.parse_repeat)]
    if args.hcl2_v7_python:
        out.append(run.parser("hcl2.loads with_meta", "hcl2-v7-meta", args.hcl2_v7_python, listing, total,
                              args.parse_repeat))
    return out


def key(name: str) -> str:
    """A scenario's name without its sizes: "tree 1x (11 units, 88 files), cold cache" -> "tree 1x, cold cache"."""
    head = name.split(" (")[0]
    if head.startswith("corpus plan") or head.startswith("checkov: corpus plan"):
        head = head.rsplit(" x", 1)[0]
    return head + (", " + name.rsplit(", ", 1)[1] if name.endswith(" cache") and "," not in head else "")


def ratios(cli: list[CliResult]) -> dict[str, float]:
    """8x / 1x time for trees and plans, 2x / 1x for module calls."""
    by = {key(r.name): r for r in cli}
    out: dict[str, float] = {}
    for big, small in (("tree 8x, cold cache", "tree 1x, cold cache"), ("tree 8x, warm cache", "tree 1x, warm cache"),
                       ("plan 8x", "plan 1x")):
        if big in by and small in by:
            out[f"{big} / {small}"] = by[big].median_s / by[small].median_s
    calls = [r for r in cli if r.name.startswith("module called")]
    if len(calls) == 2:
        out["module called 2n / n times"] = calls[1].median_s / calls[0].median_s
    return out


def print_report(info: dict[str, Any], sizes: dict[str, Any], cli: list[CliResult], parsers: list[ParseResult],
                 ratio: dict[str, float], counts: dict[str, Any]) -> None:
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("inputs:  " + "; ".join(f"{k} {v}" for k, v in sizes.items()))
    print()
    print(f"{'CLI (wall time per process)':<72} {'runs':>4} {'median s':>9} {'min s':>8} {'peak MiB':>9} {'target s':>9}")
    for r in cli:
        target = f"{TARGETS[key(r.name)]:.1f}" if key(r.name) in TARGETS else ""
        print(f"{r.name:<72} {r.runs:>4} {r.median_s:>9.3f} {r.min_s:>8.3f} {r.peak_rss_mib:>9.1f} {target:>9}")
    print()
    for name, c in counts.items():
        print(f"checkov: {name}: both tools scanned {c['tfguard']} managed resources (checkov {c['checkov_version']})")
    if counts:
        print()
    for name, value in ratio.items():
        print(f"{name:<70} {value:>6.2f}x")
    if parsers:
        print()
        base = parsers[0]
        print(f"{'Parser (tree 1x files, warm)':<52} {'runs':>4} {'median s':>9} {'MB/s':>8} {'tfguard x':>9}")
        for p in parsers:
            print(f"{p.name + ' (hcl2 ' + p.version + ')':<52} {p.runs:>4} {p.median_s:>9.3f} "
                  f"{p.mb_per_s:>8.3f} {base.mb_per_s / p.mb_per_s:>8.1f}x")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="tfguard end-to-end, scaling and parser benchmarks.")
    ap.add_argument("--units", type=int, default=11,
                    help="module+example units in the 1x tree (11 = 88 files, ~170 KB); the 8x tree has 8 times as many")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per CLI scenario (5)")
    ap.add_argument("--parse-repeat", type=int, default=3, help="timed passes over the files per parser (3)")
    ap.add_argument("--parse-units", type=int, default=0, help="time the parsers on the first N units of the 1x tree (0 = all)")
    ap.add_argument("--no-parsers", action="store_true", help="skip the parser throughput table")
    ap.add_argument("--hcl2-v7-python", metavar="PATH", help="a Python with python-hcl2 7.x, to time it too")
    ap.add_argument("--instances", type=int, default=200,
                    help="module instances in the module-call scenario, also run at half that size (200)")
    ap.add_argument("--plan-resources", type=int, default=1250,
                    help="resources in the 1x plan; the 8x plan has 8 times as many (1250, so 10,000)")
    ap.add_argument("--corpus-plan", default="checkov__terragoat-aws-55-resources.json",
                    help="the plan of tests/data/plans/ that the corpus scenario replicates")
    ap.add_argument("--corpus-copies", type=int, default=20, help="module instances of the corpus plan (20)")
    ap.add_argument("--corpus-token", default="acme-corp",
                    help="the name part made unique per instance in the corpus plan (acme-corp)")
    ap.add_argument("--big-plan-mb", type=float, default=0, help="also scan a plan of about this many MB (off)")
    ap.add_argument("--compare", choices=["checkov"], help="also run checkov on the same inputs")
    ap.add_argument("--checkov", metavar="PATH", help="the checkov executable (default: checkov on PATH)")
    ap.add_argument("--checkov-repeat", type=int, default=5,
                    help="timed rounds per checkov scenario: one checkov and one tfguard run each (5)")
    ap.add_argument("--json", metavar="FILE", type=Path, help="also write the numbers as JSON to FILE")
    args = ap.parse_args(argv)
    if min(args.units, args.repeat, args.parse_repeat, args.instances, args.plan_resources, args.checkov_repeat,
           args.corpus_copies) < 1:
        ap.error("counts must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine_info()
    with tempfile.TemporaryDirectory(prefix="tfguard-bench-") as tmp:
        base = Path(tmp)
        inputs = write_inputs(base, args)
        files1 = [p for u in inputs["units1"] for p in u]
        sizes = {"tree 1x": f"{len(files1)} files, {sum(p.stat().st_size for p in files1) / 1e3:.0f} KB",
                 **{f"plan {n}": f"{p.stat().st_size / 1e6:.1f} MB" for n, p in inputs["plans"].items()},
                 "corpus plan": f"{args.corpus_plan} x {args.corpus_copies}"}
        run = Runner(base, args.repeat)
        counts: dict[str, Any] = {}
        peer_ratio: dict[str, float] = {}
        try:
            run.once(check(inputs["small"]))  # untimed: bytecode and tfguard's grammar cache
            cli = cli_scenarios(run, base, inputs, args)
            if args.compare:
                peer, peer_ratio = checkov_scenarios(run, base, inputs, args, counts)
                cli += peer
            parsers = [] if args.no_parsers else parser_scenarios(run, base, inputs, args)
        except BenchError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
    ratio = {**ratios(cli), **peer_ratio}
    print_report(info, sizes, cli, parsers, ratio, counts)
    if args.json:
        payload = {"machine": info, "inputs": sizes, "cli": [asdict(r) for r in cli], "resources_scanned": counts,
                   "parsers": [asdict(p) for p in parsers], "ratios": ratio, "targets": TARGETS}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
