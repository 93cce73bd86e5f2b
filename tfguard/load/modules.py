"""Module instances: local and `terraform init`-installed modules, called any number of times.

Each call (and each count / for_each instance of it) evaluates the child with
its own inputs; outputs flow back to the caller lazily, on first reference,
so a module is instantiated once whatever refers to it. Sources that leave the
scan root, remote sources without `.terraform/modules`, and loops are reported
as diagnostics and not followed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfguard.errors import internal_error
from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.evaluate_ops import apply_steps
from tfguard.load.hcl import Module
from tfguard.load.hcl_ast import Block
from tfguard.load.hcl_expr import Node
from tfguard.load.hcl_resources import MAX_INSTANCES, instance_keys, instances_of
from tfguard.load.instances import collection, evaluation_order
from tfguard.load.lazy import Instance, LazyValues, ModuleCall
from tfguard.load.module_roots import local_source
from tfguard.load.policy_document import render
from tfguard.load.provenance import Origins, module_origins
from tfguard.load.providers import ProviderConfig, data_region, module_providers, passed_providers
from tfguard.load.values import call_failures, json_value
from tfguard.load.variables import Declaration, VarInputs, declarations, variable_value
from tfguard.model import Diagnostic, Location, Resource, Unknown

MAX_MODULE_DEPTH = 32
MAX_REFERENCE_DEPTH = 16  # resources being evaluated for one another's references at once
# `ephemeral` (Terraform 1.10) resources are never stored or planned: nothing to check,
# and a reference to one is unknown (evaluate_ops); `check` blocks' scoped data likewise.
_TOP_LEVEL = {"terraform", "provider", "variable", "locals", "output", "module", "resource", "data",
              "ephemeral", "moved", "import", "check", "removed"}
_CALL_META = {"source", "version", "count", "for_each", "providers", "depends_on"}


@dataclass(frozen=True)
class LoadOptions:
    inputs: VarInputs = field(default_factory=VarInputs)
    allow_outside_root: bool = False
    max_instances: int = MAX_INSTANCES
    cache: bool = True  # the content-hash parse cache (--no-cache turns it off)
    jobs: int = 0  # parser processes: 0 = one per core when the uncached text is large enough, 1 = serial


def inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


class ModuleInstance(Instance):
    def __init__(self, loader: Any, module: Module, path: str, variables: Mapping[str, Any],
                 providers: dict[str, ProviderConfig], chain: tuple[Path, ...],
                 remote: dict[str, Path], remote_key: str = "", passed: dict[str, str] | None = None,
                 calls: tuple[Location, ...] = (), origins: Origins | None = None) -> None:
        self.loader, self.module, self.path, self.chain = loader, module, path, chain
        self.calls = calls
        self.remote, self.remote_key = remote, remote_key
        local_exprs = {n: a.expr for _, b in module.of_type("locals") for n, a in b.attrs.items()}
        local_at = {n: (a.file or f, a.line) for f, b in module.of_type("locals") for n, a in b.attrs.items()}
        # Paths as Terraform run in the root module's folder gives them: path.module
        # relative to that folder, path.cwd its absolute path (chain[0] is the root module).
        self.scope = Scope(module=path, variables=variables, local_exprs=local_exprs,
                           path_module=os.path.relpath(module.directory, chain[0]), module_outputs=self.reference,
                           policy_document=self.policy_document, resource_instances=self.instances,
                           data_region=self.data_region,
                           directory=module.directory, root=loader.root,
                           shown_root=chain[0], origins=origins, local_at=local_at)
        self._inherited, self._passed = providers, passed
        self._providers: dict[str, ProviderConfig] | None = None
        self._calls: dict[str, ModuleCall | Unknown] = {}
        self._documents: dict[str, Any] = {}
        exprs = {b.labels[0]: b.attrs["value"].expr for _, b in module.of_type("output") if b.labels and "value" in b.attrs}
        where = {b.labels[0]: (f, b.line) for f, b in module.of_type("output") if b.labels and b.labels[0] in exprs}
        self.sensitive = {n for _, b in module.of_type("variable") if b.labels and (n := b.labels[0])
                          and b.attrs.get("sensitive") is not None and b.attrs["sensitive"].expr == ("lit", True)}
        self.outputs = LazyValues(where, lambda name: evaluate(exprs[name], self.scope.located(where[name])), loader.cycles,
                                  f"{path + '.' if path else ''}output.")
        self._evaluated: dict[tuple[str, ...], tuple[list[Resource], list[Diagnostic]]] = {}
        self._values: dict[tuple[str, ...], Any] = {}
        self._building: dict[tuple[str, ...], None] = {}
        self._failed: dict[tuple[str, ...], Exception] = {}

    @property
    def providers(self) -> dict[str, ProviderConfig]:
        # On first use, not when the instance is made: a provider's region may come from
        # a variable whose value comes from another module's output.
        if self._providers is None:
            self._providers = module_providers(self.module.blocks, self.scope, self._inherited, self._passed)
        return self._providers

    def _block(self, file: str, block: Block) -> tuple[list[Resource], list[Diagnostic]]:
        """A resource/data block's instances, evaluated once however often it is referenced."""
        key = (block.type, *block.labels)
        if key not in self._evaluated:
            self._building[key] = None
            try:
                self._evaluated[key] = self._instances(file, block)
            except Exception as exc:  # reported by run() where the block is declared
                self._failed[key] = exc
                self._evaluated[key] = ([], [])
            finally:
                self._building.pop(key, None)
        return self._evaluated[key]

    def instances(self, mode: str, rtype: str, name: str) -> Any:
        """What a reference to `type.name` (or `data.type.name`) evaluates to; None when not declared."""
        kind = "data" if mode == "data" else "resource"
        key = (kind, rtype, name)
        if key in self._values:
            return self._values[key]
        base = f"{self.path + '.' if self.path else ''}{'data.' if mode == 'data' else ''}{rtype}.{name}"
        if key in self._building or len(self._building) > MAX_REFERENCE_DEPTH:
            return Unknown(f"{base} depends on itself", (base,))  # a value cycle: Terraform rejects it
        found = next(((f, b) for f, b in self.module.of_type(kind) if b.labels == (rtype, name)), None)
        if found is None:
            return None
        resources, diags = self._block(*found)
        render_doc = render if mode == "data" and rtype == "aws_iam_policy_document" else None
        value = collection(resources, "count" in found[1].attrs, "for_each" in found[1].attrs, not diags,
                           base, render_doc)
        self._values[key] = value
        return value

    def policy_document(self, name: str) -> Any:
        """The rendered document of `data "aws_iam_policy_document" name` (first instance)."""
        if name not in self._documents:
            self._documents[name] = None  # a document that sources itself renders as unknown
            for file, block in self.module.of_type("data"):
                if block.labels == ("aws_iam_policy_document", name):
                    res, _ = instances_of(block, file, self.scope, self.providers, 1)
                    self._documents[name] = render(res[0].values) if res else None
        return self._documents[name]

    def data_region(self, name: str, rtype: str = "aws_region") -> Any:
        return data_region(self.module.blocks, name, self.scope, self.providers, rtype)

    def run(self) -> None:
        order = self.loader.orders.get(self.module.directory)
        if order is None:  # the same for every instance of the module
            order = self.loader.orders[self.module.directory] = evaluation_order(self.module.blocks, self.scope.local_exprs)
        for file, block in order:
            self._block(file, block)  # references first: each block finds what it reads evaluated
        seen: dict[tuple[str, ...], str] = {}
        for file, block in self.module.blocks:
            if block.type not in _TOP_LEVEL:
                self._diag(file, block.line, f"unknown top-level block {block.type!r}; ignored", "warning")
                continue
            if block.type in ("resource", "data", "module"):
                key = (block.type, *block.labels)
                if key in seen:
                    self._diag(file, block.line, f"duplicate {block.type} {'.'.join(block.labels)} "
                               f"(first declared in {seen[key]}); this one is not checked")
                    continue
                seen[key] = file
            if block.type in ("resource", "data") and len(block.labels) == 2:
                res, diags = self._block(file, block)
                failure = self._failed.get((block.type, *block.labels))
                if failure is not None:  # a bug: this resource is left out, the scan goes on
                    what = f"evaluating {self._address(block)}"
                    self.loader.diagnostics.append(internal_error(file, block.line, what, failure))
                    continue
                self.loader.resources.extend(res)
                self.loader.diagnostics.extend(diags)
                self._report(call_failures(r.values for r in res))
        for file, block in self.module.of_type("module"):
            if block.labels:
                call = self.call(block.labels[0])
                if isinstance(call, ModuleCall):
                    self._run_call(file, block, call)
        # Every local once, as Terraform evaluates them: unused cycles and failures are found too.
        self._report(call_failures(self.scope.local(name) for name in self.scope.local_exprs))
        for name in sorted(self.scope.cycles):
            file, line = self._local_location(name)
            self.loader.diagnostics.append(
                Diagnostic(file, line, f"local.{name} is part of a reference cycle; its value is unknown"))

    def _instances(self, file: str, block: Block) -> tuple[list[Resource], list[Diagnostic]]:
        res, diags = instances_of(block, file, self.scope, self.providers, self.loader.options.max_instances)
        for doc in res:
            doc.calls = self.calls
            if doc.mode == "data" and doc.type == "aws_iam_policy_document":
                doc.values["json"] = json_value(render(doc.values))
        return res, diags

    def _address(self, block: Block) -> str:
        prefix = f"{self.path}." if self.path else ""
        return prefix + ("data." if block.type == "data" else "") + ".".join(block.labels)

    def reference(self, name: str, steps: tuple[Node, ...], scope: Scope, depth: int) -> Any:
        """The value of `module.<name>` followed by `steps` (in the referring scope)."""
        call = self.call(name)
        if isinstance(call, Unknown):
            return call
        value, rest = call.reference(steps, scope, depth)
        return apply_steps(value, rest, scope, depth)

    def call(self, name: str) -> ModuleCall | Unknown:
        if name not in self._calls:
            prefix = f"{self.path}." if self.path else ""
            found = [(f, b.line) for f, b in self.module.of_type("module") if b.labels == (name,)]
            call = self.loader.cycles.compute(f"{prefix}module.{name}", lambda: self._guarded_call(name),
                                              found[0] if found else None)
            self._calls.setdefault(name, call)
        return self._calls[name]

    def _guarded_call(self, name: str) -> ModuleCall | Unknown:
        try:
            return self._instantiate(name)
        except Exception as exc:  # a bug: this module call is left out, the scan goes on
            found = [(f, b) for f, b in self.module.of_type("module") if b.labels == (name,)]
            file, line = (found[0][0], found[0][1].line) if found else (self.module.rel or ".", 1)
            prefix = f"{self.path}." if self.path else ""
            self.loader.diagnostics.append(internal_error(file, line, f"loading {prefix}module.{name}", exc))
            return Unknown(f"module.{name} could not be loaded")

    def _run_call(self, file: str, block: Block, call: ModuleCall) -> None:
        """Evaluate the resources of the call's instances (once), after the caller's own."""
        if call.ran:
            return
        try:
            call.run()
            for instance in call.instances.values():
                assert isinstance(instance, ModuleInstance)
                self.loader.note_sensitive(instance.scope.variables, instance.sensitive)
        except Exception as exc:  # a bug: this module call is left out, the scan goes on
            prefix = f"{self.path}." if self.path else ""
            self.loader.diagnostics.append(internal_error(file, block.line, f"loading {prefix}module.{call.name}", exc))

    def _report(self, diags: list[Diagnostic]) -> None:
        # Once each: a module called twice, or a local read by many resources, fails at one place.
        self.loader.diagnostics.extend(d for d in dict.fromkeys(diags) if d not in self.loader.diagnostics)

    def _diag(self, file: str, line: int, message: str, severity: str = "error") -> None:
        self.loader.diagnostics.append(Diagnostic(file, line, message, severity))

    def _instantiate(self, name: str) -> ModuleCall | Unknown:
        found = [(f, b) for f, b in self.module.of_type("module") if b.labels == (name,)]
        if not found:
            return Unknown(f"module.{name} is not declared")
        file, block = found[0]
        directory = self._source_dir(file, block, name)
        if directory is None:
            return Unknown(f"module.{name} is not scanned")
        if directory in self.chain:
            what = "the calling module itself" if directory == self.module.directory else "a module that calls it"
            self._diag(file, block.line, f"module.{name}: module loop (its source is {what}); not followed")
            return Unknown(f"module.{name} is part of a module loop")
        if len(self.chain) > MAX_MODULE_DEPTH:
            self._diag(file, block.line, f"module.{name}: module loop or nesting deeper than {MAX_MODULE_DEPTH}; not followed")
            return Unknown(f"module.{name} is part of a module loop")
        child = self.loader.module(directory)
        keys, diag = instance_keys(block, file, self.scope, self.loader.options.max_instances)
        if diag:
            self.loader.diagnostics.append(diag)
        decls = declarations(child.blocks)
        instances: dict[Any, Instance] = {}
        given = {arg: a.expr for arg, a in block.attrs.items() if arg not in _CALL_META}
        where: dict[str, tuple[str, int] | None] = {
            n: (block.attrs[n].file or file, block.attrs[n].line) if n in given else (d.file, d.line) for n, d in decls.items()}
        for key, iteration in keys:
            suffix = "" if key is None else (f'["{key}"]' if isinstance(key, str) else f"[{key}]")
            path = f"{self.path + '.' if self.path else ''}module.{name}{suffix}"
            remote_key = f"{self.remote_key}.{name}" if self.remote_key else name
            variables = LazyValues(where, self._input(decls, given, self.scope.child(**iteration), where),
                                   self.loader.cycles, f"{path}.var.")
            origins = module_origins(path, {n: block.attrs[n] for n in given}, file, self.scope.child(**iteration), decls)
            instances[key] = ModuleInstance(self.loader, child, path, variables, self.providers,
                                            self.chain + (directory,), self.remote, remote_key, passed_providers(block),
                                            self.calls + (Location(file, block.line, block.end_line),), origins)
        kind = "count" if "count" in block.attrs else "for_each" if "for_each" in block.attrs else ""
        return ModuleCall(name, kind, instances)

    @staticmethod
    def _input(decls: dict[str, Declaration], given: dict[str, Node], scope: Scope,
               where: dict[str, tuple[str, int] | None]) -> Callable[[str], Any]:
        def value(name: str) -> Any:
            expr = given.get(name)
            given_value = evaluate(expr, scope.located(where[name])) if expr is not None else None
            return variable_value(decls[name], expr is not None, given_value)
        return value

    def _source_dir(self, file: str, block: Block, name: str) -> Path | None:
        attr = block.attrs.get("source")
        source = evaluate(attr.expr, self.scope) if attr else None
        line = attr.line if attr else block.line
        file = (attr.file or file) if attr else file
        if local_source(source):
            directory = (self.module.directory / str(source)).resolve()
            if not self.loader.options.allow_outside_root and not inside(directory, self.loader.root):
                self._diag(file, line, f"module.{name}: source {source!r} is outside the scan root; "
                           "not scanned (--allow-outside-root allows it)")
                return None
            if not directory.is_dir():
                self._diag(file, line, f"module.{name}: source {source!r} does not exist")
                return None
            return directory
        installed = self.remote.get(f"{self.remote_key}.{name}" if self.remote_key else name)
        if installed is not None and installed.is_dir() and inside(installed, self.loader.root):
            return installed
        self._diag(file, line, f"module.{name}: remote module {source!r} not scanned "
                   "(run `terraform init` so that .terraform/modules holds it)", "warning")
        return None

    def _local_location(self, name: str) -> tuple[str, int]:
        for file, block in self.module.of_type("locals"):
            if name in block.attrs:
                return block.attrs[name].file or file, block.attrs[name].line
        return self.module.rel or ".", 1
