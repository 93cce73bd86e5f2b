"""The loader: every root module under a scan target, parsed once and evaluated.

Folders that no other scanned folder calls are root modules (module_roots.py);
each is evaluated as its own configuration (modules.py), with its variables
from tfvars, the environment and the command line (variables.py), and the
modules that `terraform init` installed under `.terraform/modules`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tfguard.errors import internal_error
from tfguard.load import parallel
from tfguard.load.cache import ParseCache
from tfguard.load.files import module_dirs, tf_files
from tfguard.load.hcl import Module, parse_module
from tfguard.load.hcl_ast import Block
from tfguard.load.lazy import Cycles
from tfguard.load.module_roots import root_modules, roots_reaching
from tfguard.load.modules import LoadOptions, ModuleInstance
from tfguard.load.provenance import root_origins
from tfguard.load.variables import declarations, root_values, undeclared
from tfguard.model import Diagnostic, Resource


def remote_modules(directory: Path) -> dict[str, Path]:
    """`terraform init`'s record of installed modules: call key ("a.b") -> folder."""
    manifest = directory / ".terraform" / "modules" / "modules.json"
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, Path] = {}
    for entry in doc.get("Modules") or [] if isinstance(doc, dict) else []:
        if isinstance(entry, dict) and entry.get("Key") and isinstance(entry.get("Dir"), str):
            out[str(entry["Key"])] = (directory / entry["Dir"]).resolve()
    return out


class Loader:
    """Loads every root module under a target directory."""

    def __init__(self, target: Path, shown_root: Path, options: LoadOptions | None = None) -> None:
        self._parse = parse_module
        self.root = target.resolve()
        self.shown_root = shown_root
        self.options = options or LoadOptions()
        self.resources: list[Any] = []
        self.diagnostics: list[Diagnostic] = []
        self.cycles = Cycles()  # the values being computed, per root module
        self.sensitive_values: set[str] = set()
        self.roots: list[tuple[Path, list[Any]]] = []  # (root module folder, its resources)
        self.declared: set[str] = set()  # the root modules' variables, for --var names that match none
        self._parsed: dict[Path, Module] = {}
        self.orders: dict[Path, list[tuple[str, Block]]] = {}  # module folder -> evaluation_order()
        self._prefetched: dict[Path, Any] = {}
        self.cache = ParseCache() if self.options.cache else None

    def module(self, directory: Path) -> Module:
        directory = directory.resolve()
        if directory not in self._parsed:
            module = self._parse(directory, self.shown_root, self.cache, self._prefetched)
            self.diagnostics.extend(module.diagnostics)
            self._parsed[directory] = module
        return self._parsed[directory]

    def note_sensitive(self, values: Mapping[str, Any], names: set[str]) -> None:
        for name in names:
            for leaf in _strings(values.get(name)):
                if len(leaf) >= 3:
                    self.sensitive_values.add(leaf)

    def load(self, directories: list[Path], touching: set[Path] | None = None) -> None:
        """Evaluate the root modules among `directories`; with `touching` (resolved
        folders), only the roots whose module tree holds one of them."""
        if self.options.jobs != 1 and len(directories) > 1:
            paths = [p for d in directories for p in tf_files(d)]
            self._prefetched = parallel.prefetch(paths, self.shown_root, self.cache, self.options.jobs or None)
        before = len(self.diagnostics)
        modules = [self.module(d) for d in directories]
        roots = root_modules(modules)
        if touching is not None:
            roots, reached = roots_reaching(modules, touching)
            # Folders that none of those roots uses were read only to find the callers:
            # their problems are not this scan's.
            self.diagnostics[before:] = [d for m in modules if m.directory in reached for d in m.diagnostics]
        for module in roots:
            start = len(self.resources)
            try:
                self._run_root(module)
            except Exception as exc:  # a bug: what this root module yielded so far is kept
                first = module.blocks[0][0] if module.blocks else (module.rel or ".")
                self.diagnostics.append(internal_error(first, 1, f"loading the module in {module.rel or '.'}", exc,
                                                      "its resources may be incomplete"))
            # Each root module is its own configuration: its own addresses, its own graph.
            self.roots.append((module.directory, self.resources[start:]))
        if roots:
            self.diagnostics.extend(undeclared(self.options.inputs, self.declared, len(roots)))

    def _run_root(self, module: Module) -> None:
        decls = declarations(module.blocks)
        self.declared.update(decls)
        values = root_values(module.directory, self.shown_root, decls, self.options.inputs)
        self.diagnostics.extend(values.diagnostics)
        self.note_sensitive(values.values, values.sensitive)
        self.cycles = Cycles()
        ModuleInstance(self, module, "", values.values, {}, (module.directory,),
                       remote_modules(module.directory), origins=root_origins(values.origins, decls)).run()
        for key, where in self.cycles.found.items():
            file, line = where or (module.rel or ".", 1)
            self.diagnostics.append(Diagnostic(file, line, f"{key} depends on itself (a reference cycle); "
                                               "its value is unknown", "warning"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def load_directory(
    target: Path, root: Path | None = None, options: LoadOptions | None = None, recursive: bool = True,
) -> tuple[list[Resource], list[Diagnostic]]:
    """Load every root module under target; file names are shown relative to root."""
    loader = Loader(target, root or target, options)
    loader.load(module_dirs(target) if recursive else [target])
    return loader.resources, loader.diagnostics
