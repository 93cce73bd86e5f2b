"""Parsing many files on several cores, when that pays.

HCL parsing is the one step of a cold scan that grows with the bytes of the
tree and needs nothing from other files, so a large tree's files that the
parse cache does not already hold are split across forked workers. Forking
shares the loaded grammar with the workers, so they start in milliseconds;
where fork is not available (macOS defaults aside, Windows) a worker would
have to import and load everything again, which costs more than it saves
on the trees that are scanned in a commit hook, so parsing stays serial.

Below PARALLEL_MIN_BYTES of uncached text the serial parse is faster than
starting a worker (measured with benchmarks/bench.py; see its README).

Forking a process with threads is only safe if the child takes no lock that
another thread may hold. The only other thread tfguard starts is the
terminal progress line (terminal.py), which sleeps for its first two
seconds and then only writes to stderr; a worker parses bytes it was given
and sends back plain tuples, and never writes to stderr or takes the import
lock (everything it needs is imported before the fork).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tfguard.load.cache import ParseCache, decode_blocks, encode_blocks
from tfguard.load.hcl import parse_data
from tfguard.load.hcl_ast import Block
from tfguard.model import Diagnostic

PARALLEL_MIN_BYTES = 48_000
MAX_WORKERS = 8

Parsed = dict[Path, tuple[list[Block], list[Diagnostic]]]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _fork_context() -> Any:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None  # pragma: no cover - Windows
    return multiprocessing.get_context("fork")


def prefetch(paths: list[Path], root: Path, cache: ParseCache | None, workers: int | None = None) -> Parsed:
    """Parse the .tf files among `paths` that the cache lacks, on several cores.

    Returns {path: (blocks, diagnostics)} for the files parsed here (and puts
    them in the cache); {} when parallel parsing would not pay, in which case
    the caller parses as usual.
    """
    from tfguard.load.files import read_bytes, relative

    workers = min(workers or cores(), MAX_WORKERS)
    if workers < 2:
        return {}
    todo: list[tuple[Path, str, bytes, str]] = []
    for path in paths:
        if not path.name.endswith(".tf"):
            continue  # JSON files parse with the C json module: nothing to gain
        shown = relative(path, root)
        data, _ = read_bytes(path, shown)
        if data is None:
            continue  # the serial pass reports why
        key = ParseCache.key(path.suffix.encode() + b"\0" + data) if cache is not None else ""
        if cache is not None and cache.has(key):
            continue
        todo.append((path, shown, data, key))
    if len(todo) < 2 or sum(len(t[2]) for t in todo) < PARALLEL_MIN_BYTES:
        return {}
    context = _fork_context()
    if context is None:  # pragma: no cover - Windows
        return {}
    from concurrent.futures.process import BrokenProcessPool

    try:
        return _parse_in_workers(todo, min(workers, len(todo)), context, cache)
    except (OSError, BrokenProcessPool):
        # No process could be started (limits, memory) or a worker died: the
        # serial pass parses everything instead; speed is all that is lost.
        return {}


def _bins(todo: list[tuple[Path, str, bytes, str]], n: int) -> list[list[tuple[Path, str, bytes, str]]]:
    """Largest first into the lightest bin: parse time follows the bytes."""
    bins: list[list[tuple[Path, str, bytes, str]]] = [[] for _ in range(n)]
    loads = [0] * n
    for item in sorted(todo, key=lambda t: -len(t[2])):
        i = loads.index(min(loads))
        bins[i].append(item)
        loads[i] += len(item[2])
    return bins


def _parse_in_workers(todo: list[tuple[Path, str, bytes, str]], n: int, context: Any,
                      cache: ParseCache | None) -> Parsed:
    from concurrent.futures import ProcessPoolExecutor

    from tfguard.load.hcl_grammar import parser

    parser()  # load the grammar before forking, so that no worker loads it again
    bins = _bins(todo, n)
    out: Parsed = {}
    # The parent parses the first bin itself instead of waiting for the others.
    with ProcessPoolExecutor(max_workers=n - 1, mp_context=context) as pool:
        futures = [pool.submit(_parse_bin, [(p, s, d) for p, s, d, _ in b]) for b in bins[1:]]
        results = [_parse_bin([(p, s, d) for p, s, d, _ in bins[0]])] + [f.result() for f in futures]
    for b, result in zip(bins, results):
        for (path, _, _, key), (encoded, diags) in zip(b, result):
            blocks = decode_blocks(encoded)
            out[path] = (blocks, diags)
            if cache is not None and not diags:
                cache.put(key, blocks)
    return out


def _parse_bin(items: list[tuple[Path, str, bytes]]) -> list[tuple[tuple[Any, ...], list[Diagnostic]]]:
    out = []
    for path, shown, data in items:
        blocks, diags = parse_data(path, shown, data)
        out.append((encode_blocks(blocks), diags))  # plain tuples: cheaper to send than objects
    return out
