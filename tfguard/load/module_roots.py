"""Which scanned folders are root modules: those no other scanned folder calls."""

from __future__ import annotations

from pathlib import Path

from tfguard.load.hcl import Module


def local_source(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("./", "../"))


def _local_calls(module: Module) -> set[Path]:
    out: set[Path] = set()
    for _, block in module.of_type("module"):
        src = block.attrs.get("source")
        if src is not None and src.expr[0] == "lit" and local_source(src.expr[1]):
            out.add((module.directory / str(src.expr[1])).resolve())
    return out


def root_modules(modules: list[Module]) -> list[Module]:
    """The folders that no other scanned folder calls; those are scanned through
    their callers. A folder that calls itself (`source = "./"`), or a loop of
    folders that nothing outside calls, is a root too: it is scanned, and its
    looping call is reported where it is written."""
    calls = {m.directory: _local_calls(m) - {m.directory} for m in modules}
    called = set().union(*calls.values()) if calls else set()
    roots = [m for m in modules if m.directory not in called]
    reached: set[Path] = set()
    for module in roots + modules:
        if module.directory in reached:
            continue
        if module not in roots:  # in a loop that only its own members call
            roots.append(module)
        stack = [module.directory]
        reached.add(module.directory)
        while stack:
            for target in calls.get(stack.pop(), ()):
                if target not in reached:
                    reached.add(target)
                    stack.append(target)
    return roots


def roots_reaching(modules: list[Module], touching: set[Path]) -> tuple[list[Module], set[Path]]:
    """The root modules whose module tree (the root and every local module it calls,
    directly or through other modules) holds one of the `touching` folders, and the
    folders of those trees. Used for changed files: a module's file is scanned through
    the roots that call it, with their inputs, not as a configuration of its own."""
    calls = {m.directory: _local_calls(m) - {m.directory} for m in modules}
    chosen: list[Module] = []
    reached: set[Path] = set()
    for root in root_modules(modules):
        tree = {root.directory}
        stack = [root.directory]
        while stack:
            for target in calls.get(stack.pop(), ()):
                if target not in tree:
                    tree.add(target)
                    stack.append(target)
        if tree & touching:
            chosen.append(root)
            reached |= tree
    return chosen, reached
