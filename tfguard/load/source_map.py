"""Plan addresses -> the `.tf` blocks they come from (`--source DIR`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tfguard.load.hcl import Module, parse_module
from tfguard.load.hcl_ast import Block
from tfguard.load.hcl_expr import Node, static_refs
from tfguard.load.modules import inside
from tfguard.model import Diagnostic, Location, Ref, Resource, Unknown, parse_address, set_nested

MAX_MODULE_DEPTH = 32


class SourceMap:
    def __init__(self, source: Path, root: Path) -> None:
        self.source = source.resolve()
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self._modules: dict[str, Module | None] = {}

    def _module(self, config_path: str) -> Module | None:
        if config_path in self._modules:
            return self._modules[config_path]
        module: Module | None = None
        if not config_path:
            module = parse_module(self.source, self.root)
        elif config_path.count("module.") <= MAX_MODULE_DEPTH:
            parent_path, _, name = config_path.rpartition("module.")
            parent = self._module(parent_path.rstrip("."))
            directory = _call_source(parent, name) if parent else None
            if directory is not None and inside(directory, self.source):
                module = parse_module(directory, self.root)
        if module is not None:
            self.diagnostics.extend(module.diagnostics)
        self._modules[config_path] = module
        return module

    def unparsed(self) -> set[str]:
        """The root module's files that could not be read or parsed."""
        module = self._module("")
        return module.unparsed if module is not None else set()

    def _calls(self, config_path: str) -> tuple[Location, ...]:
        """Locations of the module blocks on the way from the root to `config_path`."""
        out: list[Location] = []
        parts = [p for p in config_path.split(".") if p and p != "module"]
        path = ""
        for name in parts:
            parent = self._module(path)
            block = next((b for f, b in parent.of_type("module") if b.labels == (name,)), None) if parent else None
            file = next((f for f, b in parent.of_type("module") if b.labels == (name,)), "") if parent else ""
            if block is None:
                break
            out.append(Location(file, block.line, block.end_line))
            path = f"{path}.module.{name}" if path else f"module.{name}"
        return tuple(out)

    def locate(self, res: Resource) -> None:
        module = self._module(parse_address(res.module).config)
        if module is None:
            return
        res.calls = self._calls(parse_address(res.module).config)
        kind = "data" if res.mode == "data" else "resource"
        for file, block in module.blocks:
            if block.type == kind and block.labels == (res.type, res.name):
                res.location = Location(file, block.line, block.end_line)
                _attr_locations(block, file, "", res.attr_locations)
                _restore_dynamic(res, block)
                return


def _restore_dynamic(res: Resource, block: Block) -> None:
    """A value the plan left "known after apply" inside a dynamic block was configured:
    the plan's configuration omits dynamic blocks, so it is Unknown, not unset."""
    prefix = f"{res.module}." if res.module else ""
    for path in res.computed:
        parts = path.split(".")
        expr = _dynamic_expression(block, parts, res.module)
        if expr is None:
            continue
        targets = tuple(prefix + t for t in static_refs(expr))
        for target in targets:
            base, index = parse_address(target)
            res.refs.append(Ref(path, base, index))
        set_nested(res.values, parts, Unknown(f"{res.address}.{path} is set in a dynamic block and known "
                                                  "only after apply", targets))


def _may_be_unknown(node: Any, module: str) -> bool:
    """Whether an expression names something a plan may not know: root module
    variables and count/each/path are known, child module inputs may not be."""
    known = {"each", "count", "path", "terraform"} | (set() if module else {"var"})
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            if item and item[0] == "trav" and isinstance(item[1], str) and item[1] not in known:
                return True
            stack.extend(x for x in item if isinstance(x, tuple))
    return False


def _dynamic_expression(block: Block, parts: list[str], module: str = "") -> Node | None:
    """The expression of `parts` when it sits inside a dynamic block (None otherwise)."""
    node, dynamic = block, False
    for segment in parts[:-1]:
        child = next((c for c in node.blocks if c.type == "dynamic" and c.labels[:1] == (segment,)), None)
        if child is not None:
            dynamic = True
            child = next((c for c in child.blocks if c.type == "content"), None)
        else:
            child = next((c for c in node.blocks if c.type == segment), None)
        if child is None:
            return None
        node = child
    whole = next((c for c in node.blocks if c.type == "dynamic" and c.labels[:1] == (parts[-1],)), None)
    if whole is not None:
        # A whole dynamic block "known after apply": over a value that can be
        # unknown in a plan, else a block the provider computes when absent.
        for_each = whole.attrs.get("for_each")
        return for_each.expr if for_each is not None and _may_be_unknown(for_each.expr, module) else None
    attr = node.attrs.get(parts[-1])
    return attr.expr if dynamic and attr is not None else None


def _call_source(module: Module, name: str) -> Path | None:
    for _, block in module.of_type("module"):
        if block.labels == (name,):
            src = block.attrs.get("source")
            if src is not None and src.expr[0] == "lit" and str(src.expr[1]).startswith(("./", "../")):
                return (module.directory / str(src.expr[1])).resolve()
    return None


def _attr_locations(block: Block, file: str, prefix: str, out: dict[str, Location]) -> None:
    for name, attr in block.attrs.items():
        out[f"{prefix}{name}"] = Location(attr.file or file, attr.line, attr.end_line)
    for child in block.blocks:
        label = child.labels[0] if child.type == "dynamic" and child.labels else child.type
        path = f"{prefix}{label}"
        cfile = child.file or file  # an override file's block
        out.setdefault(path, Location(cfile, child.line, child.end_line))
        inner = next((b for b in child.blocks if b.type == "content"), child) if child.type == "dynamic" else child
        _attr_locations(inner, cfile, path + ".", out)
