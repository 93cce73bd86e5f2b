"""Terraform directories -> Resources (HCL mode).

Every directory under the scan root that holds configuration files (.tf,
.tf.json, .tofu, .tofu.json) is a module, its override files merged in; those that no other scanned directory calls are loaded as root
modules (see modules.py). This file parses directories into blocks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tfguard.errors import json_problem
from tfguard.load.cache import ParseCache
from tfguard.load.files import decode, is_override, read_bytes, relative, tf_files
from tfguard.load.hcl_ast import Block, parse_body
from tfguard.load.hcl_grammar import HclSyntaxError
from tfguard.load.hcl_json import json_body
from tfguard.load.overrides import merge_overrides
from tfguard.model import Diagnostic


@dataclass
class Module:
    """The parsed files of one directory: top-level blocks with their file."""

    directory: Path
    rel: str
    blocks: list[tuple[str, Block]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unparsed: set[str] = field(default_factory=set)  # files (as shown) that could not be read or parsed

    def of_type(self, kind: str) -> list[tuple[str, Block]]:
        return [(f, b) for f, b in self.blocks if b.type == kind]


Parsed = dict[Path, tuple[list[Block], list[Diagnostic]]]


def parse_file(path: Path, root: Path, cache: ParseCache | None = None,
               prefetched: Parsed | None = None) -> tuple[list[Block], list[Diagnostic]]:
    if prefetched and path in prefetched:
        return prefetched.pop(path)  # parsed on another core (parallel.py)
    shown = relative(path, root)
    data, diag = read_bytes(path, shown)
    if data is None:
        return [], [diag] if diag else []
    key = ParseCache.key(path.suffix.encode() + b"\0" + data) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached, []
    blocks, diags = parse_data(path, shown, data)
    if cache is not None and not diags:
        cache.put(key, blocks)
    return blocks, diags


def parse_data(path: Path, shown: str, data: bytes) -> tuple[list[Block], list[Diagnostic]]:
    text, diag = decode(data, shown)
    if text is None:
        return [], [diag] if diag else []
    try:
        if path.name.endswith(".json"):
            return json_body(text, shown).blocks, []
        return parse_body(text).blocks, []
    except HclSyntaxError as exc:
        return [], [Diagnostic(shown, exc.line, f"cannot parse: {exc}")]
    except (json.JSONDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", 1)
        return [], [Diagnostic(shown, line, json_problem(exc))]


def parse_module(directory: Path, root: Path, cache: ParseCache | None = None,
                 prefetched: Parsed | None = None) -> Module:
    module = Module(directory, relative(directory, root))
    overrides: list[tuple[str, Block]] = []
    for path in tf_files(directory):  # normal files first, then override files
        blocks, diags = parse_file(path, root, cache, prefetched)
        module.diagnostics.extend(diags)
        shown = relative(path, root)
        if diags:  # parse_file says something only when the file could not be read or parsed
            module.unparsed.add(shown)
        (overrides if is_override(path.name) else module.blocks).extend((shown, b) for b in blocks)
    if overrides:
        module.blocks, diags = merge_overrides(module.blocks, overrides)
        module.diagnostics.extend(diags)
    return module
